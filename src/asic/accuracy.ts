/**
 * How far the ASIC's approximations are from exact math, measured over seeded random inputs.
 * `approximationErrors()` is what `pimsim` prints and what the tests hold to the bounds below.
 */
import { gaussianArray, mulberry32, uniformArray } from '../util/rng.js';
import { DEFAULT_APPROX, exp32, gelu32, layernorm32, reciprocal32, rmsnorm32, rope32, rsqrt32, sinCosScalar, siluScalar, softmax32, swiglu32 } from './approx.js';
import type { ApproxParams } from '../spec/asic.js';

export interface ApproxError {
  readonly name: 'exp' | 'reciprocal' | 'rsqrt' | 'softmax' | 'gelu' | 'gelu-vs-erf' | 'layernorm' | 'rmsnorm' | 'silu' | 'swiglu' | 'sin-cos' | 'rope';
  /** What the approximation is compared with (computed in float64 on the same float32 inputs). */
  readonly reference: string;
  readonly inputs: string;
  readonly samples: number;
  readonly metric: 'relative' | 'absolute';
  readonly maxError: number;
  readonly meanError: number;
  /** The acceptance bound (tests require maxError below it with the default parameters). */
  readonly bound: number;
  readonly withinBound: boolean;
}

export interface AccuracyOptions {
  /** Inputs per function (default 16384). */
  readonly samples?: number;
  readonly seed?: number;
}

/** erfc in float64: Taylor series for |z| < 3, continued fraction beyond (error well below 1e-12). */
export function erfc(z: number): number {
  if (z < 0) return 2 - erfc(-z);
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let t = z;
  for (let n = 80; n >= 1; n--) t = z + n / 2 / t;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / t;
}

/** GELU as defined, x Phi(x), in float64. */
export function geluErf(x: number): number {
  return 0.5 * x * erfc(-x / Math.SQRT2);
}

/** GELU's tanh form (GPT-2's "gelu_new") in float64. */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

function softmaxExact(x: Float32Array, start: number, n: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, x[start + i]);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += out[start + i] = Math.exp(x[start + i] - max);
  for (let i = 0; i < n; i++) out[start + i] /= sum;
}

function layernormExact(x: Float32Array, start: number, n: number, eps: number, out: Float64Array): void {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[start + i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[start + i] - mean) ** 2;
  const rstd = 1 / Math.sqrt(v / n + eps);
  for (let i = 0; i < n; i++) out[start + i] = (x[start + i] - mean) * rstd;
}

function measure(approx: Float32Array, exact: ArrayLike<number>, metric: 'relative' | 'absolute'): { max: number; mean: number } {
  let max = 0;
  let total = 0;
  for (let i = 0; i < approx.length; i++) {
    const diff = Math.abs(approx[i] - exact[i]);
    const e = metric === 'relative' ? diff / Math.abs(exact[i]) : diff;
    max = Math.max(max, e);
    total += e;
  }
  return { max, mean: total / approx.length };
}

/** Magnitudes spread evenly in log space over [lo, hi], with random signs if `signed`. */
function logUniform(rng: () => number, n: number, lo: number, hi: number, signed: boolean): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const mag = lo * (hi / lo) ** rng();
    out[i] = signed && rng() < 0.5 ? -mag : mag;
  }
  return out;
}

/** Maximum and mean error of each approximation against float64 math, over seeded inputs. */
export function approximationErrors(params: ApproxParams = DEFAULT_APPROX, options: AccuracyOptions = {}): ApproxError[] {
  const samples = options.samples ?? 16384;
  const rng = mulberry32(options.seed ?? 20231013);
  const results: ApproxError[] = [];
  const add = (r: Omit<ApproxError, 'withinBound' | 'maxError' | 'meanError' | 'samples'>, approx: Float32Array, exact: ArrayLike<number>) => {
    const { max, mean } = measure(approx, exact, r.metric);
    results.push({ ...r, samples: approx.length, maxError: max, meanError: mean, withinBound: max < r.bound });
  };

  const xe = uniformArray(rng, samples, -30, 30);
  add({ name: 'exp', reference: 'Math.exp', inputs: 'uniform [-30, 30]', metric: 'relative', bound: 1e-6 }, exp32(xe, params), Array.from(xe, Math.exp));

  const xr = logUniform(rng, samples, 1e-6, 1e6, true);
  add({ name: 'reciprocal', reference: '1 / x', inputs: '+-[1e-6, 1e6], log-uniform', metric: 'relative', bound: 1e-6 }, reciprocal32(xr, params), Array.from(xr, (v) => 1 / v));

  const xs = logUniform(rng, samples, 1e-6, 1e6, false);
  add({ name: 'rsqrt', reference: '1 / Math.sqrt(x)', inputs: '[1e-6, 1e6], log-uniform', metric: 'relative', bound: 1e-5 }, rsqrt32(xs, params), Array.from(xs, (v) => 1 / Math.sqrt(v)));

  const rowLen = 128;
  const rows = Math.max(1, Math.floor(samples / rowLen));
  const logits = uniformArray(rng, rows * rowLen, -10, 10);
  const sExact = new Float64Array(logits.length);
  for (let r = 0; r < rows; r++) softmaxExact(logits, r * rowLen, rowLen, sExact);
  add({ name: 'softmax', reference: 'float64 softmax', inputs: `${rows} rows of ${rowLen} logits, uniform [-10, 10]`, metric: 'absolute', bound: 1e-4 }, softmax32(logits, rows, params), sExact);

  const xg = uniformArray(rng, samples, -8, 8);
  const g = gelu32(xg, params);
  add({ name: 'gelu', reference: 'tanh form with Math.tanh (what GPT-2 computes)', inputs: 'uniform [-8, 8]', metric: 'absolute', bound: 1e-3 }, g, Array.from(xg, geluTanh));
  add({ name: 'gelu-vs-erf', reference: 'x Phi(x) (exact GELU; includes the tanh form\'s own error)', inputs: 'uniform [-8, 8]', metric: 'absolute', bound: 1e-3 }, g, Array.from(xg, geluErf));

  const lnLen = 768;
  const lnRows = Math.max(1, Math.floor(samples / lnLen));
  const xl = new Float32Array(lnRows * lnLen);
  for (let r = 0; r < lnRows; r++) {
    // Rows with an offset mean and a wide spread of scales, like residual-stream activations.
    xl.set(gaussianArray(rng, lnLen, 0.1 + 10 * rng(), 4 * rng() - 2), r * lnLen);
  }
  const lExact = new Float64Array(xl.length);
  for (let r = 0; r < lnRows; r++) layernormExact(xl, r * lnLen, lnLen, 1e-5, lExact);
  add({ name: 'layernorm', reference: 'float64 layernorm (gamma 1, beta 0, eps 1e-5)', inputs: `${lnRows} rows of ${lnLen}, normal, mean in [-2, 2], std in [0.1, 10.1]`, metric: 'absolute', bound: 1e-4 }, layernorm32(xl, { rows: lnRows }, params), lExact);

  const rms = new Float64Array(xl.length);
  for (let r = 0; r < lnRows; r++) {
    let ms = 0;
    for (let i = 0; i < lnLen; i++) ms += xl[r * lnLen + i] ** 2;
    const rstd = 1 / Math.sqrt(ms / lnLen + 1e-5);
    for (let i = 0; i < lnLen; i++) rms[r * lnLen + i] = xl[r * lnLen + i] * rstd;
  }
  add({ name: 'rmsnorm', reference: 'float64 RMSNorm (gamma 1, eps 1e-5)', inputs: `the layernorm rows above`, metric: 'absolute', bound: 1e-4 }, rmsnorm32(xl, { rows: lnRows }, params), rms);

  const silu = (v: number) => v / (1 + Math.exp(-v));
  const xsl = uniformArray(rng, samples, -20, 20);
  add({ name: 'silu', reference: 'x / (1 + Math.exp(-x))', inputs: 'uniform [-20, 20]', metric: 'absolute', bound: 1e-5 }, Float32Array.from(xsl, (v) => siluScalar(v, params)), Array.from(xsl, silu));
  const up = uniformArray(rng, samples, -4, 4);
  add({ name: 'swiglu', reference: 'float64 SiLU(gate) x up', inputs: 'gate uniform [-20, 20], up uniform [-4, 4]', metric: 'absolute', bound: 1e-4 }, swiglu32(xsl, up, params), Array.from(xsl, (v, i) => silu(v) * up[i]));

  // sin/cos against float64 of the same float32 angle: the polynomial and reduction error alone.
  const ang = uniformArray(rng, samples, -8192, 8192);
  const sc = new Float32Array(2 * samples), scExact = new Float64Array(2 * samples);
  ang.forEach((a, i) => {
    const r = sinCosScalar(a);
    sc[2 * i] = r.sin; sc[2 * i + 1] = r.cos;
    scExact[2 * i] = Math.sin(a); scExact[2 * i + 1] = Math.cos(a);
  });
  add({ name: 'sin-cos', reference: 'Math.sin, Math.cos of the same float32 angle', inputs: 'angles uniform [-8192, 8192]', metric: 'absolute', bound: 1e-6 }, sc, scExact);

  // RoPE end to end against float64 angles position x theta^(-2i/d): includes the float32 angle's rounding.
  const hd = 128, ropeHeads = 8, theta = 500000;
  const ropeIn = uniformArray(rng, ropeHeads * hd, -1, 1);
  const ropeOut: number[] = [], ropeExact: number[] = [];
  for (const position of [0, 1, 17, 255, 1023, 4095]) {
    for (const v of rope32(ropeIn, { position, headDim: hd, theta, heads: ropeHeads })) ropeOut.push(v);
    for (let h = 0; h < ropeHeads; h++) {
      const row = new Float64Array(hd);
      for (let i = 0; i < hd / 2; i++) {
        const a = position * theta ** (-(2 * i) / hd);
        const x = ropeIn[h * hd + i], y = ropeIn[h * hd + i + hd / 2];
        row[i] = x * Math.cos(a) - y * Math.sin(a);
        row[i + hd / 2] = x * Math.sin(a) + y * Math.cos(a);
      }
      ropeExact.push(...row);
    }
  }
  add({ name: 'rope', reference: 'float64 rotation by float64 angles (includes the float32 angle rounding)', inputs: `${ropeHeads} heads of ${hd}, uniform [-1, 1], theta ${theta}, positions 0..4095`, metric: 'absolute', bound: 1e-3 }, Float32Array.from(ropeOut), ropeExact);

  return results;
}
