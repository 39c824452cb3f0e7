// Tests for src/util/rng.ts (kept here because test/util/ belongs to nobody yet).
import { describe, expect, it } from 'vitest';
import { gaussian, gaussianArray, mulberry32, uniformArray } from '../../src/util/rng.js';

/** The widely published form of mulberry32, written independently of ours (a grows unbounded). */
function canonicalMulberry32(a: number): () => number {
  return () => {
    let t = (a += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mulberry32', () => {
  it('matches the canonical formulation for several seeds', () => {
    for (const seed of [0, 1, 42, 123456789, 0xffffffff]) {
      const ours = mulberry32(seed);
      const ref = canonicalMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours()).toBe(ref());
    }
  });

  it('is deterministic and stays in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    let bad = 0;
    for (let i = 0; i < 10000; i++) {
      const v = a();
      if (v !== b() || v < 0 || v >= 1) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('gaussian', () => {
  it('has mean about 0 and variance about 1', () => {
    const rng = mulberry32(3);
    const n = 40000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const g = gaussian(rng);
      s += g;
      s2 += g * g;
    }
    // Standard errors: mean 1/sqrt(n) = 0.005, variance sqrt(2/n) = 0.007; allow about 4 sigma.
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });

  it('array helpers honour mean, std and bounds', () => {
    const g = gaussianArray(mulberry32(1), 20000, 0.5, 2);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    expect(mean).toBeCloseTo(2, 1);
    const u = uniformArray(mulberry32(1), 1000, -3, -1);
    for (const v of u) {
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(-1);
    }
  });
});
