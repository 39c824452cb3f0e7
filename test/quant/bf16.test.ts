import { describe, expect, it } from 'vitest';
import {
  BF16_NAN,
  bf16Gemv,
  fromBf16Array,
  fromBf16Bits,
  macColumn,
  roundToBf16,
  toBf16Array,
  toBf16Bits,
} from '../../src/quant/bf16.js';
import { InputError } from '../../src/util/errors.js';
import { gaussianArray, mulberry32 } from '../../src/util/rng.js';

/**
 * Independent bf16 reference by arithmetic rather than bit tricks: the float32 value is split into
 * multiples of the bf16 ulp, then rounded to nearest-even on that grid.
 */
function referenceRoundToBf16(x: number): number {
  const v = Math.fround(x);
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  const e = Math.max(Math.floor(Math.log2(a)), -126); // subnormals share the 2^-126 binade's grid
  const ulp = 2 ** (e - 7);
  const q = a / ulp; // exact: a is a float32 and ulp a power of two
  let n = Math.floor(q);
  const frac = q - n;
  if (frac > 0.5 || (frac === 0.5 && n % 2 === 1)) n += 1;
  const r = n * ulp;
  const maxBf16 = (2 - 2 ** -7) * 2 ** 127;
  const out = r > maxBf16 ? Infinity : r;
  return v < 0 ? -out : out;
}

describe('bf16 conversion', () => {
  it('converts simple values exactly', () => {
    expect(toBf16Bits(1)).toBe(0x3f80);
    expect(toBf16Bits(-2)).toBe(0xc000);
    expect(toBf16Bits(0)).toBe(0x0000);
    expect(toBf16Bits(-0)).toBe(0x8000);
    expect(toBf16Bits(0.15625)).toBe(0x3e20); // 1.25 * 2^-3
    expect(fromBf16Bits(0x3f80)).toBe(1);
    expect(fromBf16Bits(0xc0490000 >>> 16)).toBe(-3.140625);
  });

  it('rounds ties to even', () => {
    // 1 + 2^-8 is half-way between 1 (0x3F80) and 1 + 2^-7 (0x3F81): the even one wins.
    expect(toBf16Bits(1 + 2 ** -8)).toBe(0x3f80);
    // 1 + 3 * 2^-8 is half-way between 0x3F81 and 0x3F82: 0x3F82 is even.
    expect(toBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    // Just above the tie rounds up.
    expect(toBf16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    // Just below a tie (one float32 ulp) rounds down.
    expect(toBf16Bits(1 + 3 * 2 ** -8 - 2 ** -23)).toBe(0x3f81);
    expect(toBf16Bits(-(1 + 2 ** -8))).toBe(0xbf80);
  });

  it('rounds the input to float32 first (double rounding is the documented behaviour)', () => {
    // 1 + 2^-8 + 2^-30 is above the tie as a double, but float32 drops 2^-30, leaving the tie.
    expect(toBf16Bits(1 + 2 ** -8 + 2 ** -30)).toBe(0x3f80);
  });

  it('overflows to infinity', () => {
    const maxBf16 = (2 - 2 ** -7) * 2 ** 127;
    expect(toBf16Bits(maxBf16)).toBe(0x7f7f);
    const fltMax = new Float32Array(new Uint32Array([0x7f7fffff]).buffer)[0];
    expect(toBf16Bits(fltMax)).toBe(0x7f80);
    expect(toBf16Bits(-fltMax)).toBe(0xff80);
    // Half-way between the largest bf16 and 2^128 ties to the even pattern 0x7F80 = +inf.
    expect(toBf16Bits(maxBf16 + 2 ** 119)).toBe(0x7f80);
    expect(toBf16Bits(1e39)).toBe(0x7f80);
    expect(toBf16Bits(Infinity)).toBe(0x7f80);
    expect(toBf16Bits(-Infinity)).toBe(0xff80);
    expect(fromBf16Bits(0x7f80)).toBe(Infinity);
    expect(fromBf16Bits(0xff80)).toBe(-Infinity);
  });

  it('keeps subnormals and rounds them to nearest even', () => {
    expect(toBf16Bits(2 ** -133)).toBe(0x0001); // smallest bf16 subnormal
    expect(fromBf16Bits(0x0001)).toBe(2 ** -133);
    expect(toBf16Bits(2 ** -134)).toBe(0x0000); // tie between 0 and 2^-133: 0 is even
    expect(toBf16Bits(3 * 2 ** -134)).toBe(0x0002); // tie between 1 and 2 ulps: 2 is even
    expect(toBf16Bits(2 ** -149)).toBe(0x0000); // smallest float32 subnormal underflows
    expect(toBf16Bits(-(2 ** -133))).toBe(0x8001);
    expect(toBf16Bits(2 ** -126 - 2 ** -149)).toBe(0x0080); // largest float32 subnormal -> min normal
  });

  it('maps every NaN to the canonical quiet NaN', () => {
    expect(toBf16Bits(NaN)).toBe(BF16_NAN);
    expect(toBf16Bits(-NaN)).toBe(BF16_NAN);
    expect(Number.isNaN(fromBf16Bits(0x7fc0))).toBe(true);
    expect(Number.isNaN(fromBf16Bits(0x7f81))).toBe(true); // signalling pattern
    expect(Number.isNaN(fromBf16Bits(0xffc0))).toBe(true);
  });

  it('round-trips all 65536 non-NaN bit patterns', () => {
    const bad: number[] = [];
    for (let b = 0; b < 0x10000; b++) {
      const v = fromBf16Bits(b);
      if (!Number.isNaN(v) && toBf16Bits(v) !== b) bad.push(b);
    }
    expect(bad).toEqual([]);
  });

  it('matches an arithmetic reference over random float32 values of every magnitude', () => {
    const rng = mulberry32(11);
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    const bad: number[] = [];
    for (let i = 0; i < 20000; i++) {
      bits[0] = Math.floor(rng() * 2 ** 32);
      if (Number.isNaN(f[0])) continue;
      if (!Object.is(roundToBf16(f[0]), referenceRoundToBf16(f[0]))) bad.push(bits[0]);
    }
    expect(bad).toEqual([]);
  });

  it('has relative rounding error at most 2^-8 (8-bit significand) for normal values', () => {
    const xs = gaussianArray(mulberry32(5), 5000, 100);
    for (const x of xs) {
      if (x === 0) continue;
      expect(Math.abs(roundToBf16(x) - x) / Math.abs(x)).toBeLessThanOrEqual(2 ** -8);
    }
  });

  it('array versions agree with the scalar ones', () => {
    const xs = gaussianArray(mulberry32(6), 257, 3);
    const b = toBf16Array(xs);
    const back = fromBf16Array(b);
    for (let i = 0; i < xs.length; i++) {
      expect(b[i]).toBe(toBf16Bits(xs[i]));
      expect(back[i]).toBe(fromBf16Bits(b[i]));
    }
  });
});

const bf = (values: number[]) => toBf16Array(values);

describe('macColumn (one PU MAC: 16 multipliers, pairwise float32 adder tree, FP32 accumulate)', () => {
  it('sums the products through a pairwise tree, not left to right', () => {
    // Products [2^24, 0, 1, 1, 0 x 12]. Tree: (2^24 + 0) + (1 + 1) = 2^24 + 2, exact.
    // Left to right: 2^24 + 1 rounds back to 2^24 (tie to even) twice, giving 2^24.
    const w = bf([2 ** 12, 0, 1, 1, ...new Array(12).fill(0)]);
    const x = bf([2 ** 12, 1, 1, 1, ...new Array(12).fill(0)]);
    expect(macColumn(0, w, 0, x, 0)).toBe(2 ** 24 + 2);
    let seq = 0;
    for (let k = 0; k < 16; k++) seq = Math.fround(seq + fromBf16Bits(w[k]) * fromBf16Bits(x[k]));
    expect(seq).toBe(2 ** 24);
  });

  it('rounds the accumulation to float32, ties to even', () => {
    const ones = bf([1, ...new Array(15).fill(0)]);
    const three = bf([3, ...new Array(15).fill(0)]);
    expect(macColumn(2 ** 24, ones, 0, ones, 0)).toBe(2 ** 24); // 2^24 + 1: tie -> even
    expect(macColumn(2 ** 24, three, 0, ones, 0)).toBe(2 ** 24 + 4); // 2^24 + 3: tie -> even (+4)
    expect(macColumn(1.5, ones, 0, ones, 0)).toBe(2.5);
    // A non-float32 accumulator is first rounded to float32 (the register is FP32).
    expect(macColumn(0.1, bf(new Array(16).fill(0)), 0, bf(new Array(16).fill(0)), 0)).toBe(Math.fround(0.1));
  });

  it('computes exact products of bf16 values', () => {
    // (1 + 2^-7)^2 = 1 + 2^-6 + 2^-14 needs 15 significand bits: exact in float32, not in bf16.
    const a = 1 + 2 ** -7;
    const w = bf([a, ...new Array(15).fill(0)]);
    expect(macColumn(0, w, 0, w, 0)).toBe(a * a);
  });

  it('overflows products to infinity and propagates NaN', () => {
    const big = bf([2 ** 100, ...new Array(15).fill(0)]);
    expect(macColumn(0, big, 0, big, 0)).toBe(Infinity);
    const nan = new Uint16Array(16);
    nan[3] = BF16_NAN;
    expect(Number.isNaN(macColumn(0, nan, 0, bf(new Array(16).fill(1)), 0))).toBe(true);
  });

  it('treats lanes past count as zero padding, and handles odd lane counts', () => {
    const rng = mulberry32(2);
    const w = toBf16Array(gaussianArray(rng, 16));
    const x = toBf16Array(gaussianArray(rng, 16));
    const padded = w.slice();
    padded.fill(0, 11);
    expect(macColumn(0.25, w, 0, x, 0, 16, 11)).toBe(macColumn(0.25, padded, 0, x, 0));
    // lanes = 3: ((p0 + p1) + p2). [2^24, 1, 1] -> 2^24; [1, 1, 2^24] -> 2^24 + 2.
    const ones = bf([1, 1, 1]);
    expect(macColumn(0, bf([2 ** 24, 1, 1]), 0, ones, 0, 3)).toBe(2 ** 24);
    expect(macColumn(0, bf([1, 1, 2 ** 24]), 0, ones, 0, 3)).toBe(2 ** 24 + 2);
  });

  it('rejects out-of-range lanes and offsets', () => {
    const w = new Uint16Array(16);
    expect(() => macColumn(0, w, 1, w, 0)).toThrow(InputError);
    expect(() => macColumn(0, w, 0, w, 0, 16, 17)).toThrow(InputError);
    expect(() => macColumn(0, w, 0, w, 0, 0)).toThrow(InputError);
  });
});

/** The same arithmetic written recursively (halves), as an independent check of the tree order. */
function recursiveTree(p: number[]): number {
  if (p.length === 1) return p[0];
  const h = p.length / 2;
  return Math.fround(recursiveTree(p.slice(0, h)) + recursiveTree(p.slice(h)));
}

describe('bf16Gemv', () => {
  const rows = 37;
  const cols = 100; // not a multiple of 16: the last chunk is padded
  const rng = mulberry32(9);
  const wf = gaussianArray(rng, rows * cols, 0.5);
  const xf = gaussianArray(rng, cols, 2);
  const w = toBf16Array(wf);
  const x = toBf16Array(xf);
  const y = bf16Gemv(w, x, rows, cols);

  it('matches a recursive re-implementation bit for bit', () => {
    for (let i = 0; i < rows; i++) {
      let acc = 0;
      for (let c = 0; c < cols; c += 16) {
        const p: number[] = [];
        for (let k = 0; k < 16; k++) {
          const j = c + k;
          p.push(j < cols ? Math.fround(fromBf16Bits(w[i * cols + j]) * fromBf16Bits(x[j])) : 0);
        }
        acc = Math.fround(acc + recursiveTree(p));
      }
      expect(y[i]).toBe(acc);
    }
  });

  it('is within float32 summation bounds of a float64 dot product of the bf16 values', () => {
    const u = 2 ** -24;
    const steps = 4 + Math.ceil(cols / 16); // tree depth + accumulations on any path
    for (let i = 0; i < rows; i++) {
      let exact = 0;
      let absSum = 0;
      for (let j = 0; j < cols; j++) {
        const p = fromBf16Bits(w[i * cols + j]) * fromBf16Bits(x[j]);
        exact += p;
        absSum += Math.abs(p);
      }
      expect(Math.abs(y[i] - exact)).toBeLessThanOrEqual(steps * u * absSum * 1.01);
    }
  });

  it('is within BF16 input-rounding bounds of the float64 product of the original values', () => {
    const steps = 4 + Math.ceil(cols / 16);
    // Each input rounds with relative error <= 2^-8, so a product with <= (1 + 2^-8)^2 - 1.
    const bound = 2 ** -7 + 2 ** -16 + steps * 2 ** -24;
    for (let i = 0; i < rows; i++) {
      let exact = 0;
      let absSum = 0;
      for (let j = 0; j < cols; j++) {
        exact += wf[i * cols + j] * xf[j];
        absSum += Math.abs(wf[i * cols + j] * xf[j]);
      }
      expect(Math.abs(y[i] - exact)).toBeLessThanOrEqual(bound * absSum * 1.01);
    }
  });

  it('computes each row independently', () => {
    const y3 = bf16Gemv(w.subarray(3 * cols, 4 * cols), x, 1, cols);
    expect(y3[0]).toBe(y[3]);
  });

  it('rejects mismatched shapes', () => {
    expect(() => bf16Gemv(w, x, rows, cols + 1)).toThrow(InputError);
    expect(() => bf16Gemv(w, x.subarray(1), rows, cols)).toThrow(InputError);
    expect(() => bf16Gemv(w, x, 0, cols)).toThrow(InputError);
  });
});
