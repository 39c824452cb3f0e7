/**
 * Activation quantizers, as in [QUANT] (Liu et al. 2023 public code: SymQuantizer, AsymQuantizer,
 * ElasticQuantBinarizerSigned/Unsigned; BitNet b1.58 absmax). One scale per tensor (per token for
 * a decode-step GEMV input). Every quantizer returns integer codes and an affine map back:
 *     x^ = scale * code + offset
 * `offset` is the zero point in real units (0 for the symmetric quantizers); integer GEMV uses it as
 * y = sw * (scale * sum(cw * cx) + offset * sum(cw)). Scale and offset are float32 values and the
 * codes are computed from them, so |x - x^| <= scale / 2 for every in-range x. Rounding is
 * half-to-even (torch.round).
 */
import { InputError } from '../util/errors.js';
import { checkFiniteValues, clamp, roundHalfEven } from './numeric.js';

/** Which quantizer family produced the codes; `bits` gives the width. */
export type ActQuantKind = 'symmetric' | 'asymmetric' | 'elastic-signed' | 'elastic-unsigned';

export interface QuantizedActivations {
  readonly kind: ActQuantKind;
  readonly bits: number;
  readonly codes: Int8Array;
  /** Real value of one code step (float32). */
  readonly scale: number;
  /** Real value of code 0 (float32): the zero point in real units. */
  readonly offset: number;
  /** Smallest and largest code this quantizer emits. */
  readonly codeMin: number;
  readonly codeMax: number;
}

/** The reference code's default activation clip (config.clip_val). */
export const DEFAULT_ACT_CLIP = 2.5;
/** The elastic quantizers' floor on the step (eps in ElasticQuantBinarizer*). */
export const ELASTIC_MIN_STEP = 1e-5;
/** Added to the min-max range so a constant tensor still has a positive step (AsymQuantizer). */
export const ASYM_RANGE_EPS = 1e-8;

export interface UniformActOptions {
  /** Code width, 2..8 (codes must fit in int8). Default 8. */
  readonly bits?: number;
  /** Clip x to [-clip, clip] first; Infinity disables it. Default 2.5. */
  readonly clip?: number;
}

function checkBits(bits: number, lo: number, hi: number, where: string): void {
  if (!Number.isInteger(bits) || bits < lo || bits > hi) {
    throw new InputError(`expected bits to be an integer in [${lo}, ${hi}], got ${bits}`, where);
  }
}

function checkClip(clip: number, where: string): void {
  if (!(clip > 0)) throw new InputError(`expected clip > 0 (or Infinity), got ${clip}`, where);
}

function affineCodes(x: ArrayLike<number>, scale: number, offset: number, lo: number, hi: number, clip: number) {
  const codes = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = clamp(x[i], -clip, clip);
    codes[i] = clamp(roundHalfEven((v - offset) / scale), lo, hi);
  }
  return codes;
}

/**
 * Symmetric per-tensor (SymQuantizer): clip to +-clip, s = (2^(bits-1) - 1) / max|x|,
 * code = round(x s) in [-(2^(bits-1) - 1), 2^(bits-1) - 1]; here scale = 1 / s. An all-zero input
 * gets scale 1 (any positive value would do) and codes 0.
 */
export function quantizeActSymmetric(x: ArrayLike<number>, opts: UniformActOptions = {}): QuantizedActivations {
  const where = 'quantizeActSymmetric';
  const bits = opts.bits ?? 8;
  const clip = opts.clip ?? DEFAULT_ACT_CLIP;
  checkBits(bits, 2, 8, where);
  checkClip(clip, where);
  checkFiniteValues(x, where);
  const qmax = 2 ** (bits - 1) - 1;
  let maxAbs = 0;
  for (let i = 0; i < x.length; i++) maxAbs = Math.max(maxAbs, Math.abs(clamp(x[i], -clip, clip)));
  const scale = maxAbs === 0 ? 1 : Math.fround(maxAbs / qmax);
  const codes = affineCodes(x, scale, 0, -qmax, qmax, clip);
  return { kind: 'symmetric', bits, codes, scale, offset: 0, codeMin: -qmax, codeMax: qmax };
}

/** BitNet b1.58 activations: int8 absmax per token, no clip (symmetric, 127 / max|x|). */
export function quantizeActAbsmax8(x: ArrayLike<number>): QuantizedActivations {
  return quantizeActSymmetric(x, { bits: 8, clip: Infinity });
}

/**
 * Asymmetric min-max per tensor (AsymQuantizer, for post-GELU and post-softmax inputs): clip to
 * +-clip, range = max - min + 1e-8, q = round((x - min) / range * (2^bits - 1)) in [0, 2^bits - 1].
 * Codes are stored centred, code = q - 2^(bits-1) (int8 for 8 bits), so offset = min + 2^(bits-1) scale.
 */
export function quantizeActAsymmetric(x: ArrayLike<number>, opts: UniformActOptions = {}): QuantizedActivations {
  const where = 'quantizeActAsymmetric';
  const bits = opts.bits ?? 8;
  const clip = opts.clip ?? DEFAULT_ACT_CLIP;
  checkBits(bits, 2, 8, where);
  checkClip(clip, where);
  checkFiniteValues(x, where);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = clamp(x[i], -clip, clip);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const levels = 2 ** bits - 1;
  const half = 2 ** (bits - 1);
  const scale = Math.fround((max - min + ASYM_RANGE_EPS) / levels);
  const offset = Math.fround(min + half * scale);
  const codes = affineCodes(x, scale, offset, -half, levels - half, clip);
  return { kind: 'asymmetric', bits, codes, scale, offset, codeMin: -half, codeMax: levels - half };
}

export interface ElasticOptions {
  /** 1 or 2. */
  readonly bits: number;
  /** Signed {-a,0,a} / {-a,a}, or unsigned {b,b+a,b+2a} / {0,a}. */
  readonly signed: boolean;
  /** A trained step a; by default a is initialised from x as the reference code does. */
  readonly step?: number;
}

function meanAbs(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]);
  return sum / x.length;
}

/**
 * The reference code's step initialisation (AlphaInit.initialize_wrapper, 'default'):
 * signed a = 2 mean|x| / sqrt(Qp) with Qp = 2^(bits-1) - 1 (0 is replaced by 1), so a = 2 mean|x|
 * for both 1 and 2 bits; unsigned a = 4 mean|x| / sqrt(Qp) with Qp = 2^bits - 1, i.e. 4 mean|x| for
 * 1 bit and 4 mean|x| / sqrt(3) for 2 bits (the init uses Qp = 3 although the 2-bit clamp uses 2).
 * mean|x| is over the raw x, also for the unsigned 2-bit case that later subtracts the minimum.
 */
export function elasticInitStep(x: ArrayLike<number>, bits: number, signed: boolean): number {
  let qp = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (qp === 0) qp = 1;
  return ((signed ? 2 : 4) * meanAbs(x)) / Math.sqrt(qp);
}

/**
 * Elastic 1- and 2-bit activations (LSQ-style step a, floored at 1e-5 as the reference code does):
 *  - signed 2-bit: code = round(x / a) clamped to [-1, 1], x^ = a code;
 *  - signed 1-bit: code = sign(x), with sign(0) = +1 (torch.sign(0) = 0, which 1 bit cannot hold);
 *  - unsigned 2-bit: b = min(x), code = round((x - b) / a) clamped to [0, 2], x^ = b + a code;
 *  - unsigned 1-bit: code = round(x / a) clamped to [0, 1], x^ = a code (no minimum subtracted).
 */
export function quantizeActElastic(x: ArrayLike<number>, opts: ElasticOptions): QuantizedActivations {
  const where = 'quantizeActElastic';
  const { bits, signed } = opts;
  checkBits(bits, 1, 2, where);
  checkFiniteValues(x, where);
  if (opts.step !== undefined && !(opts.step > 0 && Number.isFinite(opts.step))) {
    throw new InputError(`expected a finite step > 0, got ${opts.step}`, where);
  }
  const step = Math.fround(Math.max(opts.step ?? elasticInitStep(x, bits, signed), ELASTIC_MIN_STEP));
  const kind: ActQuantKind = signed ? 'elastic-signed' : 'elastic-unsigned';
  if (signed && bits === 1) {
    const codes = new Int8Array(x.length);
    for (let i = 0; i < x.length; i++) codes[i] = x[i] < 0 ? -1 : 1;
    return { kind, bits, codes, scale: step, offset: 0, codeMin: -1, codeMax: 1 };
  }
  if (signed) {
    return { kind, bits, codes: affineCodes(x, step, 0, -1, 1, Infinity), scale: step, offset: 0, codeMin: -1, codeMax: 1 };
  }
  let offset = 0;
  if (bits === 2) {
    offset = Infinity;
    for (let i = 0; i < x.length; i++) offset = Math.min(offset, x[i]);
    offset = Math.fround(offset);
  }
  const codeMax = bits === 2 ? 2 : 1;
  return { kind, bits, codes: affineCodes(x, step, offset, 0, codeMax, Infinity), scale: step, offset, codeMin: 0, codeMax };
}

/** The activation quantizers by name (for presets and the CLI). */
export const ACT_QUANT_METHODS = {
  sym8: (x: ArrayLike<number>) => quantizeActSymmetric(x),
  asym8: (x: ArrayLike<number>) => quantizeActAsymmetric(x),
  absmax8: (x: ArrayLike<number>) => quantizeActAbsmax8(x),
  'elastic2-signed': (x: ArrayLike<number>) => quantizeActElastic(x, { bits: 2, signed: true }),
  'elastic2-unsigned': (x: ArrayLike<number>) => quantizeActElastic(x, { bits: 2, signed: false }),
  'elastic1-signed': (x: ArrayLike<number>) => quantizeActElastic(x, { bits: 1, signed: true }),
  'elastic1-unsigned': (x: ArrayLike<number>) => quantizeActElastic(x, { bits: 1, signed: false }),
} as const;
export type ActQuantMethod = keyof typeof ACT_QUANT_METHODS;

export function quantizeActivations(method: ActQuantMethod, x: ArrayLike<number>): QuantizedActivations {
  const fn = ACT_QUANT_METHODS[method];
  if (!fn) {
    throw new InputError(
      `unknown activation quantizer "${method}"; expected one of ${Object.keys(ACT_QUANT_METHODS).join(', ')}`,
      'quantizeActivations',
    );
  }
  return fn(x);
}

/** scale * code + offset, as float32. */
export function dequantizeActivations(q: QuantizedActivations): Float32Array {
  const out = new Float32Array(q.codes.length);
  for (let i = 0; i < q.codes.length; i++) out[i] = q.scale * q.codes[i] + q.offset;
  return out;
}
