import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/errors.js';
import {
  ACT_QUANT_METHODS,
  dequantizeActivations,
  elasticInitStep,
  quantizeActAbsmax8,
  quantizeActAsymmetric,
  quantizeActElastic,
  quantizeActivations,
  quantizeActSymmetric,
  type ActQuantMethod,
  type QuantizedActivations,
} from '../../src/quant/activations.js';
import { gaussianArray, mulberry32 } from '../../src/util/rng.js';

const f32 = Math.fround;

describe('8-bit symmetric (clip +-2.5, s = 127 / max|x|)', () => {
  it('hand example with clipping', () => {
    // clip -> [-2.5, 1.27, 0, 2.5]; max 2.5; scale = 2.5 / 127; 1.27 * 127 / 2.5 = 64.516 -> 65
    const q = quantizeActSymmetric([-5, 1.27, 0, 2.5]);
    expect(q.scale).toBe(f32(2.5 / 127));
    expect(Array.from(q.codes)).toEqual([-127, 65, 0, 127]);
    expect(q.offset).toBe(0);
    expect([q.codeMin, q.codeMax]).toEqual([-127, 127]);
  });

  it('rounds exact ties to even (absmax, no clip)', () => {
    // max 127 -> scale 1; -63.5 -> -64, 0.5 -> 0, 2.5 -> 2
    const q = quantizeActAbsmax8([127, -63.5, 0.5, 2.5]);
    expect(q.scale).toBe(1);
    expect(Array.from(q.codes)).toEqual([127, -64, 0, 2]);
  });

  it('supports other widths: 4-bit has 7 levels each side', () => {
    // max 7 -> scale 1 (clip disabled)
    const q = quantizeActSymmetric([7, -3.2, 5.5], { bits: 4, clip: Infinity });
    expect(Array.from(q.codes)).toEqual([7, -3, 6]);
  });

  it('gives an all-zero input codes 0 and a positive scale', () => {
    const q = quantizeActSymmetric([0, 0, 0]);
    expect(Array.from(q.codes)).toEqual([0, 0, 0]);
    expect(q.scale).toBeGreaterThan(0);
    expect(Array.from(dequantizeActivations(q))).toEqual([0, 0, 0]);
  });
});

describe('8-bit asymmetric min-max (255 levels)', () => {
  it('hand example', () => {
    // min 0, max 2.5: scale = (2.5 + 1e-8) / 255; q = x * 255 / 2.5 = 0, 51, 102, 255; codes q - 128
    const q = quantizeActAsymmetric([0, 0.5, 1, 2.5]);
    expect(q.scale).toBe(f32((2.5 + 1e-8) / 255));
    expect(Array.from(q.codes)).toEqual([-128, -77, -26, 127]);
    expect(q.offset).toBe(f32(128 * q.scale));
    const dq = dequantizeActivations(q);
    [0, 0.5, 1, 2.5].forEach((v, i) => expect(dq[i]).toBeCloseTo(v, 6));
  });

  it('clips to +-2.5 before taking min and max', () => {
    // clip -> [-2.5, 2.5, 0]; scale 5 / 255; 0 lies about half-way between two levels, so only bound it
    const q = quantizeActAsymmetric([-3, 3, 0]);
    expect(q.scale).toBe(f32((5 + 1e-8) / 255));
    expect(q.codes[0]).toBe(-128);
    expect(q.codes[1]).toBe(127);
    const dq = dequantizeActivations(q);
    expect(dq[0]).toBeCloseTo(-2.5, 6);
    expect(dq[1]).toBeCloseTo(2.5, 6);
    expect(Math.abs(dq[2])).toBeLessThanOrEqual(q.scale / 2 + 1e-7);
  });

  it('represents a constant input exactly (range floored at 1e-8)', () => {
    const q = quantizeActAsymmetric([0.7, 0.7]);
    expect(Array.from(dequantizeActivations(q))).toEqual([f32(0.7), f32(0.7)]);
  });
});

describe('elastic 2-bit / 1-bit (step a initialised as the reference code does)', () => {
  const x = [1, -1, 0.2, -0.3]; // mean|x| = 0.625

  it('signed 2-bit: a = 2 mean|x| / sqrt(1) = 1.25; codes round(x / a) in {-1, 0, 1}', () => {
    // x / a = 0.8, -0.8, 0.16, -0.24
    const q = quantizeActElastic(x, { bits: 2, signed: true });
    expect(q.scale).toBe(1.25);
    expect(Array.from(q.codes)).toEqual([1, -1, 0, 0]);
    expect(Array.from(dequantizeActivations(q))).toEqual([1.25, -1.25, 0, 0]);
  });

  it('signed 1-bit: a = 2 mean|x| (Qp 0 replaced by 1); codes sign(x), sign(0) = +1', () => {
    const q = quantizeActElastic([...x, 0], { bits: 1, signed: true });
    expect(q.scale).toBe(f32((2 * 2.5) / 5)); // mean|x| over five values = 0.5
    expect(Array.from(q.codes)).toEqual([1, -1, 1, -1, 1]);
  });

  it('unsigned 2-bit: b = min, a = 4 mean|x| / sqrt(3), codes in {0, 1, 2}', () => {
    // x = [0, 1, 2, 3, -1]: min -1, mean|x| = 7/5 = 1.4, a = 5.6 / sqrt(3) = 3.2332
    // (x - b) / a = 0.309, 0.619, 0.928, 1.237, 0 -> 0, 1, 1, 1, 0
    const q = quantizeActElastic([0, 1, 2, 3, -1], { bits: 2, signed: false });
    expect(q.scale).toBe(f32(5.6 / Math.sqrt(3)));
    expect(q.offset).toBe(-1);
    expect(Array.from(q.codes)).toEqual([0, 1, 1, 1, 0]);
    expect([q.codeMin, q.codeMax]).toEqual([0, 2]);
  });

  it('unsigned 1-bit: a = 4 mean|x|, codes round(x / a) in {0, 1}, no minimum subtracted', () => {
    // mean|x| = 1.7 / 4 = 0.425, a = 1.7; x / a = 0.059, 0.294, -0.118, 0.529 -> 0, 0, 0, 1
    const q = quantizeActElastic([0.1, 0.5, -0.2, 0.9], { bits: 1, signed: false });
    expect(q.scale).toBe(f32(1.7));
    expect(q.offset).toBe(0);
    expect(Array.from(q.codes)).toEqual([0, 0, 0, 1]);
  });

  it('uses a given step, rounding ties to even and clamping', () => {
    // a = 0.5: x / a = 0.5 (tie -> 0), 1.5 (-> 2, clamp 1), -0.52 (-> -1), 4 (clamp 1)
    const q = quantizeActElastic([0.25, 0.75, -0.26, 2], { bits: 2, signed: true, step: 0.5 });
    expect(Array.from(q.codes)).toEqual([0, 1, -1, 1]);
  });

  it('floors the step at 1e-5', () => {
    expect(quantizeActElastic([0, 0], { bits: 2, signed: true }).scale).toBe(f32(1e-5));
  });

  it('init formula per width and signedness', () => {
    const xs = [2, -2]; // mean|x| = 2
    expect(elasticInitStep(xs, 2, true)).toBe(4);
    expect(elasticInitStep(xs, 1, true)).toBe(4);
    expect(elasticInitStep(xs, 2, false)).toBeCloseTo(8 / Math.sqrt(3), 12);
    expect(elasticInitStep(xs, 1, false)).toBe(8);
  });
});

/** |x - x^| bound and whether x lies inside the grid's range (within half a step of its end levels). */
function bound(q: QuantizedActivations, x: number, clip: number): number | undefined {
  const v = Math.max(-clip, Math.min(clip, x));
  const lo = q.scale * q.codeMin + q.offset;
  const hi = q.scale * q.codeMax + q.offset;
  if (q.kind === 'elastic-signed' && q.bits === 1) {
    return Math.abs(v) <= 2 * q.scale ? q.scale : undefined; // levels +-a, 2a apart
  }
  return v >= lo - q.scale / 2 && v <= hi + q.scale / 2 ? q.scale / 2 : undefined;
}

describe('invariants over seeded random activations', () => {
  const clipOf: Record<ActQuantMethod, number> = {
    sym8: 2.5,
    asym8: 2.5,
    absmax8: Infinity,
    'elastic2-signed': Infinity,
    'elastic2-unsigned': Infinity,
    'elastic1-signed': Infinity,
    'elastic1-unsigned': Infinity,
  };
  for (const method of Object.keys(ACT_QUANT_METHODS) as ActQuantMethod[]) {
    it(`${method}: codes in range, scale > 0, error <= half a step in range`, () => {
      for (let seed = 0; seed < 6; seed++) {
        const rng = mulberry32(1000 + seed);
        const n = [1, 2, 17, 768, 1600, 3072][seed];
        const x = gaussianArray(rng, n, 0.3 + 2 * rng(), seed % 2 ? 0.5 : 0);
        const q = quantizeActivations(method, x);
        const dq = dequantizeActivations(q);
        expect(q.scale).toBeGreaterThan(0);
        let violations = 0;
        let inRange = 0;
        for (let i = 0; i < n; i++) {
          const c = q.codes[i];
          if (c < q.codeMin || c > q.codeMax) violations++;
          if (dq[i] !== f32(q.scale * c + q.offset)) violations++;
          const b = bound(q, x[i], clipOf[method]);
          if (b === undefined) continue;
          inRange++;
          const v = Math.max(-clipOf[method], Math.min(clipOf[method], x[i]));
          if (Math.abs(v - (q.scale * c + q.offset)) > b * (1 + 1e-9)) violations++;
        }
        expect(violations).toBe(0);
        if (n > 16) expect(inRange).toBeGreaterThan(n / 2);
      }
    });
  }
});

describe('bad input', () => {
  it('throws InputError for bad bits, clip, step, empty or non-finite values', () => {
    expect(() => quantizeActSymmetric([1], { bits: 9 })).toThrow(InputError);
    expect(() => quantizeActSymmetric([1], { bits: 1 })).toThrow(InputError);
    expect(() => quantizeActAsymmetric([1], { bits: 2.5 })).toThrow(InputError);
    expect(() => quantizeActSymmetric([1], { clip: 0 })).toThrow(InputError);
    expect(() => quantizeActSymmetric([1], { clip: NaN })).toThrow(InputError);
    expect(() => quantizeActElastic([1], { bits: 3, signed: true })).toThrow(InputError);
    expect(() => quantizeActElastic([1], { bits: 0, signed: false })).toThrow(InputError);
    expect(() => quantizeActElastic([1], { bits: 2, signed: true, step: -1 })).toThrow(InputError);
    expect(() => quantizeActElastic([1], { bits: 2, signed: true, step: Infinity })).toThrow(InputError);
    expect(() => quantizeActSymmetric([])).toThrow(InputError);
    expect(() => quantizeActAsymmetric([1, NaN])).toThrow(InputError);
    expect(() => quantizeActElastic([Infinity], { bits: 1, signed: true })).toThrow(InputError);
    expect(() => quantizeActivations('int4' as ActQuantMethod, [1])).toThrow(InputError);
  });
});
