import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/errors.js';
import {
  BITNET_EPS,
  dequantizeWeights,
  quantizeBinary,
  quantizeBitnetTernary,
  quantizeInt8,
  quantizeTernary,
  quantizeWeights,
  WEIGHT_CODE_RANGE,
  WEIGHT_QUANT_METHODS,
  type QuantizedWeights,
  type WeightQuantMethod,
} from '../../src/quant/weights.js';
import { gaussianArray, mulberry32 } from '../../src/util/rng.js';

const f32 = Math.fround;

describe('ternary weights (Liu et al.: a = 4/3 mean|W| per row, round(clip(W/a, -1, 1)))', () => {
  it('hand example', () => {
    // row 0: mean|W| = (3 + 1 + 0.5 + 3.5) / 4 = 2, a = 8/3; W/a = 1.125, -0.375, 0.1875, -1.3125
    //        -> clip/round -> 1, 0, 0, -1
    // row 1: mean|W| = 1, a = 4/3; W/a = +-0.75 -> +-1
    // row 2: mean|W| = 1.5, a = 2; W/a = 0.5 (tie -> 0), 1, 0, 1.5 (clip -> 1)
    // row 3: same magnitudes; -0.5 is a tie and rounds to (-)0
    const w = [3, -1, 0.5, -3.5, 1, 1, -1, 1, 1, 2, 0, 3, -1, 2, 0, -3];
    const q = quantizeTernary(w, 4, 4);
    expect(Array.from(q.codes)).toEqual([1, 0, 0, -1, 1, 1, -1, 1, 0, 1, 0, 1, 0, 1, 0, -1]);
    expect(Array.from(q.scales)).toEqual([f32(8 / 3), f32(4 / 3), 2, 2]);
    expect(q.format).toBe('ternary');
    expect(Array.from(dequantizeWeights(q).subarray(8, 12))).toEqual([0, 2, 0, 2]);
  });

  it('gives an all-zero row scale 0 and codes 0', () => {
    const q = quantizeTernary([0, 0, 0, 1, -1, 0], 2, 3);
    expect(Array.from(q.codes)).toEqual([0, 0, 0, 1, -1, 0]);
    expect(q.scales[0]).toBe(0);
    expect(Array.from(dequantizeWeights(q).subarray(0, 3))).toEqual([0, 0, 0]);
  });
});

describe('binary weights (Liu et al.: a = mean|W| per row, sign(W), sign(0) = +1)', () => {
  it('hand example', () => {
    // mean|W| = (0.5 + 1.5 + 0 + 2) / 4 = 1; signs +, -, (0 -> +), +
    const q = quantizeBinary([0.5, -1.5, 0, 2, -0.25, -0.25, 0.25, 0.75], 2, 4);
    expect(Array.from(q.codes)).toEqual([1, -1, 1, 1, -1, -1, 1, 1]);
    expect(Array.from(q.scales)).toEqual([1, 0.375]);
    expect(Array.from(dequantizeWeights(q))).toEqual([1, -1, 1, 1, -0.375, -0.375, 0.375, 0.375]);
  });

  it('does not subtract the mean (unlike BitNet binary / BWN)', () => {
    // All-positive row: mean subtraction would give some -1 codes; Liu et al. keep all +1.
    const q = quantizeBinary([1, 2, 3, 4], 1, 4);
    expect(Array.from(q.codes)).toEqual([1, 1, 1, 1]);
    expect(q.scales[0]).toBe(2.5);
  });
});

describe('BitNet b1.58 absmean ternary (one scale g = mean|W| for the matrix)', () => {
  it('hand example', () => {
    // mean|W| over all four = (0.5 + 1 + 0.2 + 0.3) / 4 = 0.5; W/g = 1, -2 (clip -1), 0.4 (0), 0.6 (1)
    const q = quantizeBitnetTernary([0.5, -1, 0.2, 0.3], 2, 2);
    expect(Array.from(q.codes)).toEqual([1, -1, 0, 1]);
    expect(Array.from(q.scales)).toEqual([0.5, 0.5]);
    expect(q.method).toBe('bitnet-ternary');
  });

  it('differs from per-row ternary when rows have different magnitudes', () => {
    const w = [1, 1, 1, 1, 0.01, 0.01, 0.01, 0.01];
    expect(Array.from(quantizeTernary(w, 2, 4).codes)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(quantizeBitnetTernary(w, 2, 4).codes)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('floors the scale at eps for an all-zero matrix', () => {
    const q = quantizeBitnetTernary([0, 0, 0, 0], 2, 2);
    expect(q.scales[0]).toBe(f32(BITNET_EPS));
    expect(Array.from(q.codes)).toEqual([0, 0, 0, 0]);
  });
});

describe('int8 weights (per-row absmax symmetric)', () => {
  it('hand example', () => {
    // row 0: max|W| = 127 -> scale 1; -63.5 and 0.5 are ties (-> -64, 0); 1.5 -> 2
    // row 1: all zero -> scale 0, codes 0
    const q = quantizeInt8([127, -63.5, 0.5, 1.5, 0, 0, 0, 0], 2, 4);
    expect(Array.from(q.codes)).toEqual([127, -64, 0, 2, 0, 0, 0, 0]);
    expect(Array.from(q.scales)).toEqual([1, 0]);
    // max 2.54 -> scale 0.02 (as float32); codes -127, 1 / 0.02 = 50, 1, 0
    const r = quantizeInt8([-2.54, 1, 0.02, 0], 1, 4);
    expect(r.scales[0]).toBe(f32(2.54 / 127));
    expect(Array.from(r.codes)).toEqual([-127, 50, 1, 0]);
  });
});

/** Largest |W - W^| allowed for a weight of that row, or undefined if W is outside the grid's range. */
function errorBound(q: QuantizedWeights, row: number, w: number): number | undefined {
  const a = q.scales[row];
  switch (q.format) {
    case 'ternary':
      return Math.abs(w) <= 1.5 * a ? a / 2 : undefined;
    case 'binary':
      return Math.abs(w) <= 2 * a ? a : undefined; // levels +-a are 2a apart
    case 'int8':
      return a / 2;
  }
}

describe('invariants over seeded random matrices', () => {
  const shapes: Array<[number, number]> = [[1, 1], [3, 7], [16, 100], [5, 769]];
  for (const method of Object.keys(WEIGHT_QUANT_METHODS) as WeightQuantMethod[]) {
    it(`${method}: codes in range, scales > 0, error within half a step, dequantize = scale x code`, () => {
      let seed = 100;
      for (const [rows, cols] of shapes) {
        const rng = mulberry32(seed++);
        const w = gaussianArray(rng, rows * cols, 0.02 + rng());
        const q = quantizeWeights(method, w, rows, cols);
        const dq = dequantizeWeights(q);
        const { min, max } = WEIGHT_CODE_RANGE[q.format];
        let inRange = 0;
        let violations = 0;
        for (let i = 0; i < rows; i++) {
          expect(q.scales[i]).toBeGreaterThan(0);
          for (let j = 0; j < cols; j++) {
            const k = i * cols + j;
            const c = q.codes[k];
            if (c < min || c > max || (q.format === 'binary' && c === 0) || (q.format === 'int8' && c < -127)) violations++;
            if (dq[k] !== f32(q.scales[i] * c)) violations++;
            const bound = errorBound(q, i, w[k]);
            if (bound === undefined) continue;
            inRange++;
            if (Math.abs(w[k] - q.scales[i] * c) > bound * (1 + 1e-12)) violations++;
          }
        }
        expect(violations).toBe(0);
        expect(inRange).toBeGreaterThan(0);
      }
    });
  }

  it('ternary zeroes roughly the weights below (2/3) mean|W| (Gaussian: about 40%)', () => {
    const rows = 8;
    const cols = 4096;
    const w = gaussianArray(mulberry32(77), rows * cols);
    const q = quantizeTernary(w, rows, cols);
    const zeros = q.codes.reduce((n, c) => n + (c === 0 ? 1 : 0), 0) / q.codes.length;
    // For N(0,1): mean|W| = sqrt(2/pi) = 0.798, threshold 0.532, P(|W| < 0.532) = 0.405.
    expect(zeros).toBeGreaterThan(0.39);
    expect(zeros).toBeLessThan(0.42);
  });
});

describe('bad input', () => {
  it('throws InputError for bad shapes, empty or non-finite values, unknown methods', () => {
    expect(() => quantizeTernary([], 0, 0)).toThrow(InputError);
    expect(() => quantizeTernary([1, 2, 3], 2, 2)).toThrow(InputError);
    expect(() => quantizeBinary([1, NaN], 1, 2)).toThrow(InputError);
    expect(() => quantizeInt8([1, Infinity], 1, 2)).toThrow(InputError);
    expect(() => quantizeBitnetTernary([1, 2], 1.5, 2)).toThrow(InputError);
    expect(() => quantizeWeights('int4' as WeightQuantMethod, [1], 1, 1)).toThrow(InputError);
  });
});
