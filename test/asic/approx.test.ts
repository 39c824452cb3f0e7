import { describe, expect, it } from 'vitest';
import { approximationErrors, erfc, geluErf, geluTanh } from '../../src/asic/accuracy.js';
import { DEFAULT_APPROX, expScalar, gelu32, geluScalar, layernorm32, reciprocalScalar, rsqrtScalar, softmax32 } from '../../src/asic/approx.js';
import { gaussianArray, mulberry32, uniformArray } from '../../src/util/rng.js';

const maxOf = (r: ReturnType<typeof approximationErrors>, name: string) => r.find((e) => e.name === name)!.maxError;

describe('approximation errors against float64 (seeded)', () => {
  const errors = approximationErrors();

  it('all stay within their bounds with the shipped parameters', () => {
    for (const e of errors) console.log(`${e.name.padEnd(12)} max ${e.metric} error ${e.maxError.toExponential(2)} (bound ${e.bound}) over ${e.inputs}`);
    expect(errors.map((e) => e.name)).toEqual(['exp', 'reciprocal', 'rsqrt', 'softmax', 'gelu', 'gelu-vs-erf', 'layernorm', 'rmsnorm', 'silu', 'swiglu', 'sin-cos', 'rope']);
    for (const e of errors) expect(e.withinBound, e.name).toBe(true);
  });

  it('reach float32 precision where the parameters allow', () => {
    expect(maxOf(errors, 'exp')).toBeLessThan(5e-7);
    expect(maxOf(errors, 'reciprocal')).toBeLessThan(3e-7);
    expect(maxOf(errors, 'softmax')).toBeLessThan(1e-6);
    expect(maxOf(errors, 'gelu')).toBeLessThan(5e-6);
    expect(maxOf(errors, 'layernorm')).toBeLessThan(5e-5);
  });

  it('RMSNorm, SiLU/SwiGLU, sin/cos and RoPE stay near float32 precision', () => {
    expect(maxOf(errors, 'rmsnorm')).toBeLessThan(5e-5);
    expect(maxOf(errors, 'silu')).toBeLessThan(5e-6);
    expect(maxOf(errors, 'sin-cos')).toBeLessThan(5e-7);
    // RoPE's error is the float32 angle's rounding (half an ulp of 4095 rad is 2.4e-4), not the polynomial.
    expect(maxOf(errors, 'rope')).toBeLessThan(5e-4);
  });

  it('RMSNorm and SiLU errors grow when their rsqrt/exp are cut short (the check can fail)', () => {
    const coarse = approximationErrors({ expTaylorDegree: 2, reciprocalNewtonIterations: 3, rsqrtNewtonIterations: 0 }, { samples: 4096 });
    expect(coarse.find((e) => e.name === 'rmsnorm')!.withinBound).toBe(false);
    expect(coarse.find((e) => e.name === 'silu')!.withinBound).toBe(false);
  });

  it('are reproducible from the seed', () => {
    expect(approximationErrors(DEFAULT_APPROX, { samples: 2048, seed: 7 })).toEqual(approximationErrors(DEFAULT_APPROX, { samples: 2048, seed: 7 }));
  });

  it('shrink as Taylor degree grows, and fail the bound when too low', () => {
    const byDegree = [2, 3, 4, 5, 6].map((d) => maxOf(approximationErrors({ ...DEFAULT_APPROX, expTaylorDegree: d }, { samples: 4096 }), 'exp'));
    for (let i = 1; i < byDegree.length; i++) expect(byDegree[i]).toBeLessThan(byDegree[i - 1]);
    // truncation error r^(d+1)/(d+1)! at |r| = ln2/2, for d = 3: about 6e-4
    expect(byDegree[1]).toBeGreaterThan(3e-4);
    expect(byDegree[1]).toBeLessThan(1e-3);
    expect(approximationErrors({ ...DEFAULT_APPROX, expTaylorDegree: 2 }, { samples: 4096 }).find((e) => e.name === 'exp')!.withinBound).toBe(false);
  });
});

describe('fast inverse square root', () => {
  const rng = mulberry32(3);
  const xs = Array.from({ length: 20000 }, () => 1e-3 * 1e6 ** rng());
  const worst = (iters: number) => Math.max(...xs.map((x) => Math.abs(rsqrtScalar(x, iters) * Math.sqrt(x) - 1)));

  // Lomont, "Fast inverse square root" (2003): 0x5f3759df alone is within about 3.4%; one Newton step within 0.175%.
  it('matches the published error of 0x5f3759df', () => {
    expect(worst(0)).toBeGreaterThan(0.033);
    expect(worst(0)).toBeLessThan(0.035);
    expect(worst(1)).toBeGreaterThan(0.0017);
    expect(worst(1)).toBeLessThan(0.0018);
    expect(worst(2)).toBeLessThan(5e-6);
  });

  it('handles edge inputs', () => {
    expect(rsqrtScalar(4)).toBeCloseTo(0.5, 5);
    expect(rsqrtScalar(0)).toBe(Infinity);
    expect(rsqrtScalar(-1)).toBeNaN();
  });
});

describe('scalar approximations', () => {
  it('exp is exact at 0 and saturates instead of overflowing', () => {
    expect(expScalar(0)).toBe(1);
    expect(Math.abs(expScalar(1) / Math.E - 1)).toBeLessThan(3e-7);
    expect(expScalar(-100)).toBe(0);
    expect(Number.isFinite(expScalar(1000))).toBe(true);
    expect(expScalar(NaN)).toBeNaN();
  });

  it('reciprocal keeps the sign and flushes the extremes', () => {
    expect(reciprocalScalar(-2)).toBeCloseTo(-0.5, 6);
    expect(reciprocalScalar(3) * 3).toBeCloseTo(1, 6);
    expect(reciprocalScalar(1e39)).toBe(0);
    expect(reciprocalScalar(0)).toBe(Infinity);
    // the bit-trick guess alone is within about 5%
    expect(Math.abs(reciprocalScalar(1.5, 0) * 1.5 - 1)).toBeLessThan(0.06);
  });

  it('gelu has the right limits', () => {
    expect(geluScalar(0)).toBe(0);
    expect(geluScalar(8)).toBeCloseTo(8, 5);
    expect(Math.abs(geluScalar(-8))).toBeLessThan(1e-12);
    expect(geluScalar(1)).toBeCloseTo(geluTanh(1), 6);
    expect(Array.from(gelu32(new Float32Array([-1, 0.5])))).toEqual([geluScalar(-1), geluScalar(0.5)]);
  });
});

describe('vector approximations', () => {
  it('softmax rows sum to 1 and ignore a constant shift', () => {
    const rng = mulberry32(11);
    const x = uniformArray(rng, 4 * 50, -20, 20);
    const p = softmax32(x, 4);
    for (let r = 0; r < 4; r++) expect(p.slice(r * 50, r * 50 + 50).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const shifted = softmax32(x.map((v) => v + 100), 4);
    for (let i = 0; i < x.length; i++) expect(shifted[i]).toBeCloseTo(p[i], 5);
    expect(() => softmax32(x, 3)).toThrow(/do not split into 3 rows/);
  });

  it('layernorm normalises each row and applies gamma and beta', () => {
    const rng = mulberry32(5);
    const x = gaussianArray(rng, 2 * 256, 3, 1.5);
    const y = layernorm32(x, { rows: 2 });
    for (let r = 0; r < 2; r++) {
      const row = Array.from(y.slice(r * 256, r * 256 + 256));
      const mean = row.reduce((a, b) => a + b, 0) / 256;
      const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 256;
      expect(mean).toBeCloseTo(0, 5);
      expect(v).toBeCloseTo(1, 4);
    }
    const gamma = new Float32Array(256).fill(2);
    const beta = new Float32Array(256).fill(-1);
    const z = layernorm32(x, { rows: 2, gamma, beta });
    for (let i = 0; i < 10; i++) expect(z[i]).toBeCloseTo(2 * y[i] - 1, 5);
  });
});

describe('float64 references', () => {
  it('erfc matches tabulated values', () => {
    expect(1 - erfc(0.5)).toBeCloseTo(0.5204998778130465, 13);
    expect(1 - erfc(1)).toBeCloseTo(0.8427007929497149, 13);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 10);
    expect(erfc(4) / 1.541725790028002e-8).toBeCloseTo(1, 10);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 13);
  });

  it('GELU: tanh form and erf form agree to about 5e-4', () => {
    expect(geluErf(1)).toBeCloseTo(0.8413447460685429, 12);
    let worst = 0;
    for (let x = -8; x <= 8; x += 0.001) worst = Math.max(worst, Math.abs(geluTanh(x) - geluErf(x)));
    expect(worst).toBeGreaterThan(4e-4);
    expect(worst).toBeLessThan(5e-4);
  });
});
