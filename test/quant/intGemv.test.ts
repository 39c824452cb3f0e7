import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/errors.js';
import {
  ACT_QUANT_METHODS,
  dequantizeActivations,
  quantizeActivations,
  quantizeActSymmetric,
  type ActQuantMethod,
  type QuantizedActivations,
} from '../../src/quant/activations.js';
import {
  INT32_MAX,
  intGemv,
  intGemvSums,
  lowBitColumnMac,
  maxIntGemvCols,
  rowCodeSums,
  xnorPopcountDot,
} from '../../src/quant/intGemv.js';
import { columnsForRow, COLUMN_BYTES, packRow, weightsPerColumn, type CodeFormat } from '../../src/quant/pack.js';
import { dequantizeWeights, quantizeWeights, type QuantizedWeights, type WeightQuantMethod } from '../../src/quant/weights.js';
import { gaussianArray, mulberry32 } from '../../src/util/rng.js';

function acts(codes: number[], scale: number, offset: number, codeMin = -128, codeMax = 127): QuantizedActivations {
  return { kind: offset ? 'asymmetric' : 'symmetric', bits: 8, codes: Int8Array.from(codes), scale, offset, codeMin, codeMax };
}

describe('intGemv by hand', () => {
  // W codes [[1, 0, -1], [1, 1, 1]], row scales 0.5 and 2; x codes [3, -2, 5]
  const w: QuantizedWeights = {
    format: 'ternary',
    method: 'ternary',
    rows: 2,
    cols: 3,
    codes: Int8Array.from([1, 0, -1, 1, 1, 1]),
    scales: Float32Array.from([0.5, 2]),
  };

  it('symmetric: y_i = sw_i sx sum cw cx', () => {
    // dots: 3 - 5 = -2 and 3 - 2 + 5 = 6; y = 0.5 * 0.25 * -2 = -0.25, 2 * 0.25 * 6 = 3
    const x = acts([3, -2, 5], 0.25, 0);
    expect(Array.from(intGemvSums(w, x))).toEqual([-2, 6]);
    expect(Array.from(intGemv(w, x))).toEqual([-0.25, 3]);
  });

  it('asymmetric: adds offset x sum of weight codes', () => {
    // x^ = 0.25 code + 0.5 = [1.25, 0, 1.75]; row 0: 0.5 (1.25 - 1.75) = -0.25; row 1: 2 (3) = 6
    const x = acts([3, -2, 5], 0.25, 0.5);
    expect(Array.from(rowCodeSums(w))).toEqual([0, 3]);
    expect(Array.from(intGemv(w, x))).toEqual([-0.25, 6]);
  });
});

describe('intGemv against a float computation of the dequantized values', () => {
  const rows = 13;
  const cols = 300;
  const weightMethods: WeightQuantMethod[] = ['ternary', 'binary', 'bitnet-ternary', 'int8'];
  const actMethods = Object.keys(ACT_QUANT_METHODS) as ActQuantMethod[];
  for (const wm of weightMethods) {
    it(`${wm} weights x every activation quantizer`, () => {
      const rng = mulberry32(wm.length);
      const q = quantizeWeights(wm, gaussianArray(rng, rows * cols, 0.05), rows, cols);
      const dqw = dequantizeWeights(q);
      for (const am of actMethods) {
        // A GELU-like, mostly positive input for the unsigned/asymmetric quantizers.
        const xs = gaussianArray(rng, cols, 1, am.includes('unsigned') || am === 'asym8' ? 0.8 : 0);
        const x = quantizeActivations(am, xs);
        const dqx = dequantizeActivations(x);
        const y = intGemv(q, x);
        for (let i = 0; i < rows; i++) {
          let ref64 = 0; // float64 over exact dequantized values
          let ref32 = 0; // float64 sum over the float32 dequantized arrays
          let mag = 0;
          for (let j = 0; j < cols; j++) {
            const wv = q.scales[i] * q.codes[i * cols + j];
            const xv = x.scale * x.codes[j] + x.offset;
            ref64 += wv * xv;
            ref32 += dqw[i * cols + j] * dqx[j];
            mag += Math.abs(wv * xv);
          }
          expect(Math.abs(y[i] - ref64)).toBeLessThanOrEqual(1e-12 * mag + 1e-300);
          expect(Math.abs(y[i] - ref32)).toBeLessThanOrEqual(3e-7 * mag + 1e-300);
        }
      }
    });
  }
});

describe('int32 overflow bounds', () => {
  it('computes the documented limits', () => {
    const asym = acts([0], 1, 1, -128, 127);
    const sym = acts([0], 1, 0, -127, 127);
    expect(maxIntGemvCols('int8', asym)).toBe(131071); // 2^31 - 1 over 128 x 128
    expect(maxIntGemvCols('int8', sym)).toBe(Math.floor(INT32_MAX / (128 * 127)));
    expect(maxIntGemvCols('ternary', asym)).toBe(16777215);
    expect(maxIntGemvCols('binary', acts([0], 1, 0, -1, 1))).toBe(INT32_MAX);
  });

  it('refuses a row that could overflow, and reaches the bound exactly when allowed', () => {
    const cols = 131072;
    const w: QuantizedWeights = {
      format: 'int8', method: 'int8', rows: 1, cols,
      codes: new Int8Array(cols).fill(-128), scales: Float32Array.from([1]),
    };
    expect(() => intGemvSums(w, acts(new Array(cols).fill(-128), 1, 0))).toThrow(InputError);
    const w2 = { ...w, cols: cols - 1, codes: w.codes.subarray(1) };
    const s = intGemvSums(w2, acts(new Array(cols - 1).fill(-128), 1, 0));
    expect(s[0]).toBe((cols - 1) * 16384); // 2^31 - 16384: exact, no wrap
  });

  it('rejects a wrong activation length', () => {
    const q = quantizeWeights('ternary', [1, 2, 3, 4], 2, 2);
    expect(() => intGemv(q, quantizeActSymmetric([1, 2, 3]))).toThrow(InputError);
  });
});

describe('XNOR-popcount identity: sum w x = 2 popcount(xnor) - n', () => {
  it('by hand', () => {
    // w = [+1, -1, +1, +1], x = [+1, +1, -1, +1]: lanes 0 and 3 agree -> 2 * 2 - 4 = 0 = 1 - 1 - 1 + 1
    const w = packRow('binary', Int8Array.from([1, -1, 1, 1]));
    const x = packRow('binary', Int8Array.from([1, 1, -1, 1]));
    expect(xnorPopcountDot(w, 0, x, 0, 4)).toBe(0);
    // w = [1, 1, 1], x = [1, 1, -1]: two agree -> 1
    expect(xnorPopcountDot(packRow('binary', Int8Array.from([1, 1, 1])), 0, packRow('binary', Int8Array.from([1, 1, -1])), 0, 3)).toBe(1);
  });

  it('equals the direct sum of sign products for random vectors of every length', () => {
    const rng = mulberry32(21);
    for (let n = 0; n <= 300; n++) {
      const w = Int8Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1));
      const x = Int8Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1));
      let direct = 0;
      for (let k = 0; k < n; k++) direct += w[k] * x[k];
      expect(xnorPopcountDot(packRow('binary', w), 0, packRow('binary', x), 0, n)).toBe(direct);
    }
  });
});

describe('lowBitColumnMac (one PU column of the integer datapath)', () => {
  const cases: Array<{ format: CodeFormat; actMin: number; actMax: number }> = [
    { format: 'ternary-2bit', actMin: -128, actMax: 127 },
    { format: 'ternary-base3', actMin: -128, actMax: 127 },
    { format: 'ternary-2bit', actMin: -1, actMax: 1 },
    { format: 'binary', actMin: -128, actMax: 127 },
    { format: 'binary', actMin: 0, actMax: 2 },
    { format: 'int8', actMin: -128, actMax: 127 },
  ];
  for (const { format, actMin, actMax } of cases) {
    it(`${format} with activations in [${actMin}, ${actMax}]: column partial sums add up to the direct dot product`, () => {
      const rng = mulberry32(actMax - actMin + format.length);
      for (const n of [1, 100, 160, 1000]) {
        const w = Int8Array.from({ length: n }, () => {
          if (format === 'binary') return rng() < 0.5 ? -1 : 1;
          if (format === 'int8') return Math.floor(rng() * 256) - 128;
          return Math.floor(rng() * 3) - 1;
        });
        const x = Int8Array.from({ length: n }, () => actMin + Math.floor(rng() * (actMax - actMin + 1)));
        const packed = packRow(format, w);
        const per = weightsPerColumn(format);
        let total = 0;
        for (let c = 0; c < columnsForRow(format, n); c++) {
          total += lowBitColumnMac({
            format, packed, byteOffset: c * COLUMN_BYTES, x, xOffset: c * per, count: Math.min(per, n - c * per),
          });
        }
        let direct = 0;
        for (let k = 0; k < n; k++) direct += w[k] * x[k];
        expect(total).toBe(direct);
      }
    });
  }

  it('binary XNOR mode equals conditional negate and the direct sum for +-1 activations', () => {
    const rng = mulberry32(8);
    for (const count of [1, 7, 8, 9, 100, 255, 256]) {
      const w = Int8Array.from({ length: 256 }, () => (rng() < 0.5 ? -1 : 1));
      const x = Int8Array.from({ length: 256 }, () => (rng() < 0.5 ? -1 : 1));
      const packed = packRow('binary', w);
      const args = { format: 'binary' as const, packed, byteOffset: 0, x, xOffset: 0, count };
      let direct = 0;
      for (let k = 0; k < count; k++) direct += w[k] * x[k];
      expect(lowBitColumnMac({ ...args, binaryMode: 'xnor' })).toBe(direct);
      expect(lowBitColumnMac({ ...args, binaryMode: 'negate' })).toBe(direct);
    }
  });

  it('rejects XNOR mode for activations other than +-1, and bad lane counts', () => {
    const packed = packRow('binary', Int8Array.from([1, -1]));
    expect(() =>
      lowBitColumnMac({ format: 'binary', packed, byteOffset: 0, x: Int8Array.from([1, 0]), xOffset: 0, count: 2, binaryMode: 'xnor' }),
    ).toThrow(InputError);
    expect(() => lowBitColumnMac({ format: 'binary', packed, byteOffset: 0, x: new Int8Array(300), xOffset: 0, count: 257 })).toThrow(InputError);
    expect(() => lowBitColumnMac({ format: 'int8', packed, byteOffset: 1, x: new Int8Array(32), xOffset: 0 })).toThrow(InputError);
  });
});
