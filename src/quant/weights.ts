/**
 * Weight quantizers, as in [QUANT] (Liu et al. 2023 public code; BitNet b1.58) plus per-row int8.
 * Each returns integer codes (row-major Int8Array) and one float32 scale per output row; the
 * dequantized weight is scale[row] * code. Scales are rounded to float32 first (that is what the
 * mapper stores beside each row) and codes are computed from the stored scale, so dequantization
 * is consistent with what the hardware holds. Rounding is half-to-even (torch.round).
 *
 * Arithmetic is float64 with float32 scales; PyTorch works in float32 throughout, so a code can
 * differ from PyTorch's only when W / scale lies within a float32 ulp of a rounding boundary.
 */
import type { Precision } from '../spec/formats.js';
import { InputError } from '../util/errors.js';
import { checkMatrix, clamp, roundHalfEven } from './numeric.js';

/** Integer weight formats (bf16 weights are not quantized; see bf16.ts). */
export type WeightFormat = Exclude<Precision, 'bf16'>;

export interface QuantizedWeights {
  readonly format: WeightFormat;
  readonly method: WeightQuantMethod;
  readonly rows: number;
  readonly cols: number;
  /** rows x cols codes, row-major: ternary {-1,0,1}, binary {-1,1}, int8 [-127,127]. */
  readonly codes: Int8Array;
  /** One float32 scale per row (BitNet's single per-matrix scale is repeated on every row). */
  readonly scales: Float32Array;
}

/** BitNet b1.58's epsilon: the scale never falls below it, so an all-zero matrix stays finite. */
export const BITNET_EPS = 1e-5;

function meanAbsRow(w: ArrayLike<number>, row: number, cols: number): number {
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.abs(w[row * cols + j]);
  return sum / cols;
}

function ternaryCodes(w: ArrayLike<number>, rows: number, cols: number, scales: Float32Array): Int8Array {
  const codes = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const a = scales[i];
    if (a === 0) continue; // all-zero row: every code 0
    for (let j = 0; j < cols; j++) codes[i * cols + j] = roundHalfEven(clamp(w[i * cols + j] / a, -1, 1));
  }
  return codes;
}

/**
 * Ternary (Liu et al.): a_i = (4/3) mean_j |W_ij|, code = round(clip(W_ij / a_i, -1, 1)).
 * |W| < (2/3) mean|W_i| maps to 0; |W| exactly (2/3) mean|W_i| is a tie and rounds to 0 (even).
 * An all-zero row gets scale 0 and codes 0.
 */
export function quantizeTernary(w: ArrayLike<number>, rows: number, cols: number): QuantizedWeights {
  checkMatrix(w, rows, cols, 'quantizeTernary');
  const scales = new Float32Array(rows);
  for (let i = 0; i < rows; i++) scales[i] = (4 / 3) * meanAbsRow(w, i, cols);
  return { format: 'ternary', method: 'ternary', rows, cols, codes: ternaryCodes(w, rows, cols, scales), scales };
}

/**
 * Binary (Liu et al.): a_i = mean_j |W_ij|, code = sign(W_ij), no mean subtraction.
 * sign(0) is defined as +1: a 1-bit code has no zero (torch.sign(0) = 0 in the reference code, a value
 * the hardware cannot store; exact zeros do not occur in trained weights).
 */
export function quantizeBinary(w: ArrayLike<number>, rows: number, cols: number): QuantizedWeights {
  checkMatrix(w, rows, cols, 'quantizeBinary');
  const scales = new Float32Array(rows);
  const codes = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    scales[i] = meanAbsRow(w, i, cols);
    for (let j = 0; j < cols; j++) codes[i * cols + j] = w[i * cols + j] < 0 ? -1 : 1;
  }
  return { format: 'binary', method: 'binary', rows, cols, codes, scales };
}

/**
 * BitNet b1.58 absmean ternary: one scale for the whole matrix, g = max(mean|W|, eps), code =
 * RoundClip(W / g, -1, 1). The eps is applied as a floor (the BitNet authors' released code:
 * w.abs().mean().clamp(min=1e-5)); the paper's W / (g + eps) differs by at most 1e-5 in the scale.
 */
export function quantizeBitnetTernary(w: ArrayLike<number>, rows: number, cols: number): QuantizedWeights {
  checkMatrix(w, rows, cols, 'quantizeBitnetTernary');
  let sum = 0;
  for (let k = 0; k < w.length; k++) sum += Math.abs(w[k]);
  const g = Math.fround(Math.max(sum / w.length, BITNET_EPS));
  const scales = new Float32Array(rows).fill(g);
  const codes = ternaryCodes(w, rows, cols, scales);
  return { format: 'ternary', method: 'bitnet-ternary', rows, cols, codes, scales };
}

/** Int8, per-row absmax symmetric: s_i = max_j |W_ij| / 127, code = round(W_ij / s_i) in [-127, 127]. */
export function quantizeInt8(w: ArrayLike<number>, rows: number, cols: number): QuantizedWeights {
  checkMatrix(w, rows, cols, 'quantizeInt8');
  const scales = new Float32Array(rows);
  const codes = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let max = 0;
    for (let j = 0; j < cols; j++) max = Math.max(max, Math.abs(w[i * cols + j]));
    scales[i] = max / 127;
    const s = scales[i];
    if (s === 0) continue;
    for (let j = 0; j < cols; j++) codes[i * cols + j] = clamp(roundHalfEven(w[i * cols + j] / s), -127, 127);
  }
  return { format: 'int8', method: 'int8', rows, cols, codes, scales };
}

/** The weight quantizers by name (for presets and the CLI). */
export const WEIGHT_QUANT_METHODS = {
  ternary: quantizeTernary,
  binary: quantizeBinary,
  'bitnet-ternary': quantizeBitnetTernary,
  int8: quantizeInt8,
} as const;
export type WeightQuantMethod = keyof typeof WEIGHT_QUANT_METHODS;

export function quantizeWeights(
  method: WeightQuantMethod,
  w: ArrayLike<number>,
  rows: number,
  cols: number,
): QuantizedWeights {
  const fn = WEIGHT_QUANT_METHODS[method];
  if (!fn) {
    throw new InputError(
      `unknown weight quantizer "${method}"; expected one of ${Object.keys(WEIGHT_QUANT_METHODS).join(', ')}`,
      'quantizeWeights',
    );
  }
  return fn(w, rows, cols);
}

/** scale[row] * code, as float32, row-major. */
export function dequantizeWeights(q: QuantizedWeights): Float32Array {
  const out = new Float32Array(q.rows * q.cols);
  for (let i = 0; i < q.rows; i++) {
    const s = q.scales[i];
    for (let j = 0; j < q.cols; j++) out[i * q.cols + j] = s * q.codes[i * q.cols + j];
  }
  return out;
}

/** Range of codes each weight format can hold. */
export const WEIGHT_CODE_RANGE: Readonly<Record<WeightFormat, { readonly min: number; readonly max: number }>> = {
  ternary: { min: -1, max: 1 },
  binary: { min: -1, max: 1 },
  int8: { min: -128, max: 127 },
};
