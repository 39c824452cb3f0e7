/**
 * The ASIC's numeric approximations, in float32 as the hardware computes them ([PIMGPT]: softmax
 * and GELU by Taylor series, division by Newton-Raphson, layernorm's 1/sqrt by the fast inverse
 * square root). Every intermediate is rounded to float32 (Math.fround), so the error figures are
 * those of a float32 datapath. The steps match the stage counts in costs.ts.
 *
 * - exp: k = round(x log2e), r = x - k ln2 (Cody-Waite, two constants, |r| <= ln2/2), then the
 *   Taylor polynomial 1 + r + r^2/2! + ... + r^d/d! by Horner (degree d, d + 1 terms), times 2^k
 *   built from exponent bits. Inputs above 88 saturate (no infinities); below -87 flush to 0.
 * - reciprocal: guess from the float's bits (0x7EF311C3 - bits, within about 5%), then Newton
 *   y <- y (2 - x y); each step squares the relative error.
 * - rsqrt: 0x5f3759df - (bits >> 1) (within 3.5%), then Newton y <- y (1.5 - 0.5 x y^2).
 * - softmax: subtract the row max, exp, sum, one reciprocal per row, scale.
 * - GELU (tanh form, as GPT-2): 0.5 x (1 + tanh u) = x / (1 + exp(-2u)), u = sqrt(2/pi) (x +
 *   0.044715 x^3), so it reuses exp and reciprocal instead of a separate tanh series.
 * - layernorm: two-pass mean and variance, rstd by rsqrt.
 * - RMSNorm: one pass for the mean square (adder tree), rstd by rsqrt, x rstd gamma.
 * - SiLU: x / (1 + exp(-x)) with the same exp and reciprocal; SwiGLU multiplies it by `up`.
 * - RoPE: inverse frequencies theta^(-2i/d) held as float32 constants (as the Hugging Face model's
 *   inv_freq buffer); angle = float32(position x invFreq); sin and cos by reduction to |r| <= pi/4
 *   (k = round(angle 2/pi), three-part pi/2, exact for k < 2^16, i.e. angles below about 1e5) and
 *   Taylor polynomials of SIN_TERMS and COS_TERMS terms (truncation below 2e-9 on |r| <= pi/4).
 *   The float32 angle itself is off by up to half an ulp (2.4e-4 at 4096): that error is the same
 *   in any float32 implementation, the reference included.
 */
import type { ApproxParams } from '../spec/asic.js';
import { COS_TERMS, SIN_TERMS } from './costs.js';

/** The parameters of the shipped pim-gpt-asic preset (a test keeps them equal). */
export const DEFAULT_APPROX: ApproxParams = { expTaylorDegree: 6, reciprocalNewtonIterations: 3, rsqrtNewtonIterations: 2 };

const f = Math.fround;

// Scratch view for reinterpreting float32 bits; each call writes then reads it synchronously.
const scratch = new ArrayBuffer(4);
const asFloat = new Float32Array(scratch);
const asInt = new Int32Array(scratch);
function bitsOf(x: number): number {
  asFloat[0] = x;
  return asInt[0];
}
function fromBits(i: number): number {
  asInt[0] = i;
  return asFloat[0];
}

const LOG2E = f(Math.LOG2E);
/** ln2 split so k * LN2_HI is exact for |k| <= 127 (Cephes expf constants). */
const LN2_HI = f(0.693359375);
const LN2_LO = f(-2.12194440e-4);
const EXP_SATURATE = 88;
const EXP_FLUSH = -87;
/** 2^126 and 2^-126: beyond them a reciprocal would be denormal or overflow. */
const BIG = 2 ** 126;
const TINY = 2 ** -126;
const GELU_C = f(Math.sqrt(2 / Math.PI));
const GELU_A = f(0.044715);

const taylorCache = new Map<number, Float32Array>();
function taylorCoefficients(degree: number): Float32Array {
  let c = taylorCache.get(degree);
  if (!c) {
    c = new Float32Array(degree + 1);
    let fact = 1;
    for (let i = 0; i <= degree; i++) {
      if (i > 0) fact *= i;
      c[i] = 1 / fact;
    }
    taylorCache.set(degree, c);
  }
  return c;
}

/** e^x by range reduction and a degree-`degree` Taylor polynomial. */
export function expScalar(x: number, degree = DEFAULT_APPROX.expTaylorDegree): number {
  if (Number.isNaN(x)) return NaN;
  if (x < EXP_FLUSH) return 0;
  const xs = x > EXP_SATURATE ? EXP_SATURATE : f(x);
  const k = Math.round(f(xs * LOG2E));
  const r = f(f(xs - f(k * LN2_HI)) - f(k * LN2_LO));
  const c = taylorCoefficients(degree);
  let p = c[degree];
  for (let i = degree - 1; i >= 0; i--) p = f(f(p * r) + c[i]);
  return f(p * fromBits((k + 127) << 23));
}

/** 1/x by a bit-trick guess and Newton-Raphson. Results below 2^-126 flush to 0. */
export function reciprocalScalar(x: number, iterations = DEFAULT_APPROX.reciprocalNewtonIterations): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(f(x));
  const sign = x < 0 ? -1 : 1;
  if (a >= BIG) return sign * 0;
  if (a < TINY) return sign * Infinity;
  let y = fromBits(0x7ef311c3 - bitsOf(a));
  for (let i = 0; i < iterations; i++) y = f(y * f(2 - f(a * y)));
  return sign * y;
}

/** 1/sqrt(x) by the fast inverse square root and Newton steps. */
export function rsqrtScalar(x: number, iterations = DEFAULT_APPROX.rsqrtNewtonIterations): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  const a = f(x);
  if (a < TINY) return Infinity;
  const half = f(0.5 * a);
  let y = fromBits(0x5f3759df - (bitsOf(a) >> 1));
  for (let i = 0; i < iterations; i++) y = f(y * f(1.5 - f(half * f(y * y))));
  return y;
}

/** GELU, tanh form, as x / (1 + exp(-2u)). */
export function geluScalar(x: number, p: ApproxParams = DEFAULT_APPROX): number {
  const xf = f(x);
  const x2 = f(xf * xf);
  const t = f(f(f(f(GELU_A * x2) + 1) * xf) * f(-2 * GELU_C));
  const d = f(1 + expScalar(t, p.expTaylorDegree));
  return f(xf * reciprocalScalar(d, p.reciprocalNewtonIterations));
}

function map(x: Float32Array, fn: (v: number) => number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]);
  return out;
}

/** Float32 sum of x[start, start + n) as an adder tree does it (pairwise). */
function treeSum(x: Float32Array, start: number, n: number): number {
  if (n <= 2) return n === 0 ? 0 : n === 1 ? x[start] : f(x[start] + x[start + 1]);
  const h = n >> 1;
  return f(treeSum(x, start, h) + treeSum(x, start + h, n - h));
}

function rowLength(x: Float32Array, rows: number, what: string): number {
  if (!Number.isInteger(rows) || rows <= 0 || x.length % rows !== 0) {
    throw new Error(`${what}: ${x.length} elements do not split into ${rows} rows`);
  }
  return x.length / rows;
}

export function exp32(x: Float32Array, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  return map(x, (v) => expScalar(v, p.expTaylorDegree));
}

export function reciprocal32(x: Float32Array, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  return map(x, (v) => reciprocalScalar(v, p.reciprocalNewtonIterations));
}

export function rsqrt32(x: Float32Array, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  return map(x, (v) => rsqrtScalar(v, p.rsqrtNewtonIterations));
}

export function gelu32(x: Float32Array, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  return map(x, (v) => geluScalar(v, p));
}

/** Softmax of each of `rows` equal rows (one per attention head). */
export function softmax32(x: Float32Array, rows = 1, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  const n = rowLength(x, rows, 'softmax');
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, x[base + i]);
    for (let i = 0; i < n; i++) out[base + i] = expScalar(f(x[base + i] - max), p.expTaylorDegree);
    const inv = reciprocalScalar(treeSum(out, base, n), p.reciprocalNewtonIterations);
    for (let i = 0; i < n; i++) out[base + i] = f(out[base + i] * inv);
  }
  return out;
}

export interface LayernormOptions {
  /** Gain per feature (default 1); length = row length. */
  readonly gamma?: Float32Array;
  /** Shift per feature (default 0). */
  readonly beta?: Float32Array;
  /** GPT-2's layer_norm_epsilon. */
  readonly eps?: number;
  readonly rows?: number;
}

/** Layernorm of each row: (x - mean) / sqrt(var + eps) * gamma + beta, with rsqrt approximated. */
export function layernorm32(x: Float32Array, options: LayernormOptions = {}, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  const rows = options.rows ?? 1;
  const n = rowLength(x, rows, 'layernorm');
  const { gamma, beta } = options;
  if ((gamma && gamma.length !== n) || (beta && beta.length !== n)) throw new Error(`layernorm: gamma/beta must have ${n} elements`);
  const eps = f(options.eps ?? 1e-5);
  const invN = f(1 / n);
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const mean = f(treeSum(x, base, n) * invN);
    for (let i = 0; i < n; i++) {
      const d = f(x[base + i] - mean);
      out[base + i] = f(d * d);
    }
    const rstd = rsqrtScalar(f(f(treeSum(out, base, n) * invN) + eps), p.rsqrtNewtonIterations);
    for (let i = 0; i < n; i++) {
      const y = f(f(x[base + i] - mean) * rstd);
      out[base + i] = f(f(y * (gamma ? gamma[i] : 1)) + (beta ? beta[i] : 0));
    }
  }
  return out;
}

/** x / (1 + exp(-x)). */
export function siluScalar(x: number, p: ApproxParams = DEFAULT_APPROX): number {
  const xf = f(x);
  const d = f(1 + expScalar(-xf, p.expTaylorDegree));
  return f(xf * reciprocalScalar(d, p.reciprocalNewtonIterations));
}

/** SiLU(gate) x up, element-wise (the SwiGLU MLP's gate product). */
export function swiglu32(gate: Float32Array, up: Float32Array, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  if (gate.length !== up.length) throw new Error(`swiglu: gate has ${gate.length} elements, up ${up.length}`);
  const out = new Float32Array(gate.length);
  for (let i = 0; i < gate.length; i++) out[i] = f(siluScalar(gate[i], p) * up[i]);
  return out;
}

export interface RmsnormOptions {
  readonly gamma?: Float32Array;
  readonly eps?: number;
  readonly rows?: number;
}

/** RMSNorm of each row: x / sqrt(mean(x^2) + eps) * gamma, with rsqrt approximated. */
export function rmsnorm32(x: Float32Array, options: RmsnormOptions = {}, p: ApproxParams = DEFAULT_APPROX): Float32Array {
  const rows = options.rows ?? 1;
  const n = rowLength(x, rows, 'rmsnorm');
  const { gamma } = options;
  if (gamma && gamma.length !== n) throw new Error(`rmsnorm: gamma must have ${n} elements`);
  const eps = f(options.eps ?? 1e-5);
  const invN = f(1 / n);
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let i = 0; i < n; i++) out[base + i] = f(x[base + i] * x[base + i]);
    const rstd = rsqrtScalar(f(f(treeSum(out, base, n) * invN) + eps), p.rsqrtNewtonIterations);
    for (let i = 0; i < n; i++) out[base + i] = f(f(x[base + i] * rstd) * (gamma ? gamma[i] : 1));
  }
  return out;
}

const TWO_OVER_PI = f(2 / Math.PI);
// pi/2 in three float32 parts; PIO2_1 has 8 significant bits, so k x PIO2_1 is exact for k < 2^16.
const PIO2_1 = f(1.5703125);
const PIO2_2 = f(Math.PI / 2 - 1.5703125);
const PIO2_3 = f(Math.PI / 2 - 1.5703125 - PIO2_2);
const SIN_C = Float32Array.from({ length: SIN_TERMS }, (_, i) => ((-1) ** i) / factorial(2 * i + 1));
const COS_C = Float32Array.from({ length: COS_TERMS }, (_, i) => ((-1) ** i) / factorial(2 * i));
function factorial(n: number): number {
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

/** sin and cos of a float32 angle by quadrant reduction and Taylor polynomials. */
export function sinCosScalar(angle: number): { sin: number; cos: number } {
  const a = f(angle);
  const k = Math.round(f(a * TWO_OVER_PI));
  const r = f(f(f(a - f(k * PIO2_1)) - f(k * PIO2_2)) - f(k * PIO2_3));
  const r2 = f(r * r);
  let ps = SIN_C[SIN_TERMS - 1];
  for (let i = SIN_TERMS - 2; i >= 0; i--) ps = f(f(ps * r2) + SIN_C[i]);
  const sr = f(ps * r);
  let pc = COS_C[COS_TERMS - 1];
  for (let i = COS_TERMS - 2; i >= 0; i--) pc = f(f(pc * r2) + COS_C[i]);
  switch (((k % 4) + 4) % 4) {
    case 0: return { sin: sr, cos: pc };
    case 1: return { sin: pc, cos: -sr };
    case 2: return { sin: -sr, cos: -pc };
    default: return { sin: -pc, cos: sr };
  }
}

/** theta^(-2i/headDim) for i < headDim/2, rounded to float32 (a constant table of the model). */
export function ropeInverseFrequencies(headDim: number, theta: number): Float32Array {
  return Float32Array.from({ length: headDim / 2 }, (_, i) => theta ** (-(2 * i) / headDim));
}

export interface RopeOptions {
  readonly position: number;
  readonly headDim: number;
  readonly theta: number;
  /** Head vectors rotated from the start of x (q heads then k heads); the rest is copied. */
  readonly heads: number;
}

/** Rotate pairs (i, i + headDim/2) of each of the first `heads` head vectors of x ("rotate_half"). */
export function rope32(x: Float32Array, o: RopeOptions): Float32Array {
  const hd = o.headDim, half = hd / 2;
  if (!Number.isInteger(half) || half < 1) throw new Error(`rope: head dim ${hd} must be even`);
  if (o.heads * hd > x.length) throw new Error(`rope: ${o.heads} heads of ${hd} exceed the ${x.length}-element vector`);
  const inv = ropeInverseFrequencies(hd, o.theta);
  const sin = new Float32Array(half), cos = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const sc = sinCosScalar(f(o.position * inv[i]));
    sin[i] = sc.sin;
    cos[i] = sc.cos;
  }
  const out = Float32Array.from(x);
  for (let h = 0; h < o.heads; h++) {
    const b = h * hd;
    for (let i = 0; i < half; i++) {
      const a = x[b + i], c = x[b + i + half];
      out[b + i] = f(f(a * cos[i]) - f(c * sin[i]));
      out[b + i + half] = f(f(a * sin[i]) + f(c * cos[i]));
    }
  }
  return out;
}
