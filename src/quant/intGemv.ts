/**
 * The plain integer reference GEMV over quantized weights and activations, and one column step of
 * the low-bit PU datapath ([QUANT]: a ternary lane is a mux + conditional negate feeding an adder
 * tree; the per-row scale is applied once per output).
 *
 *   y_i = scale_w[i] * (scale_x * sum_j cw_ij cx_j + offset_x * sum_j cw_ij)
 *
 * Both sums are integers accumulated in int32. The second term is the asymmetric zero point; its
 * row sum of weight codes is a per-row constant a mapper can precompute (rowCodeSums). The final
 * scaling is float64 (the ASIC's job).
 *
 * Overflow: |sum| <= cols x max|cw| x max|cx| must stay <= 2^31 - 1. With int8 weights (|cw| <= 128)
 * and int8 activations (|cx| <= 128) that is cols <= 131071; ternary or binary weights with int8
 * activations allow cols <= 16777215. GPT-3 XL's widest GEMV (d_ff = 8192) is far inside both.
 * The bound is checked before summing, so sums are exact.
 */
import { InputError } from '../util/errors.js';
import type { QuantizedActivations } from './activations.js';
import { packRow, unpackCode, weightsPerColumn, type CodeFormat } from './pack.js';
import { WEIGHT_CODE_RANGE, type QuantizedWeights, type WeightFormat } from './weights.js';

export const INT32_MAX = 2 ** 31 - 1;

/** Largest |code| an activation quantizer emits. */
function maxAbsActivation(x: QuantizedActivations): number {
  return Math.max(Math.abs(x.codeMin), Math.abs(x.codeMax));
}

/** Largest row length whose integer dot product cannot overflow int32. */
export function maxIntGemvCols(weightFormat: WeightFormat, x: QuantizedActivations): number {
  const r = WEIGHT_CODE_RANGE[weightFormat];
  const maxW = Math.max(Math.abs(r.min), Math.abs(r.max));
  return Math.floor(INT32_MAX / (maxW * Math.max(1, maxAbsActivation(x))));
}

/** Per-row sums of the weight codes (the zero-point correction term). */
export function rowCodeSums(w: QuantizedWeights): Int32Array {
  const out = new Int32Array(w.rows);
  for (let i = 0; i < w.rows; i++) {
    let s = 0;
    for (let j = 0; j < w.cols; j++) s += w.codes[i * w.cols + j];
    out[i] = s;
  }
  return out;
}

/** The integer dot products sum_j cw_ij cx_j, one per row, after the overflow check. */
export function intGemvSums(w: QuantizedWeights, x: QuantizedActivations): Int32Array {
  if (x.codes.length !== w.cols) {
    throw new InputError(`expected ${w.cols} activations for a ${w.rows} x ${w.cols} matrix, got ${x.codes.length}`, 'intGemv');
  }
  const maxCols = maxIntGemvCols(w.format, x);
  if (w.cols > maxCols) {
    throw new InputError(`${w.cols} columns of ${w.format} x ${x.bits}-bit codes can overflow int32 (limit ${maxCols}); split the row`, 'intGemv');
  }
  const out = new Int32Array(w.rows);
  const xc = x.codes;
  for (let i = 0; i < w.rows; i++) {
    let s = 0;
    const base = i * w.cols;
    for (let j = 0; j < w.cols; j++) s += w.codes[base + j] * xc[j];
    out[i] = s;
  }
  return out;
}

/** y = dequantized GEMV computed from integer sums (float64 result). */
export function intGemv(w: QuantizedWeights, x: QuantizedActivations): Float64Array {
  const dots = intGemvSums(w, x);
  const codeSums = x.offset !== 0 ? rowCodeSums(w) : undefined;
  const y = new Float64Array(w.rows);
  for (let i = 0; i < w.rows; i++) {
    const zeroPointTerm = codeSums ? x.offset * codeSums[i] : 0;
    y[i] = w.scales[i] * (x.scale * dots[i] + zeroPointTerm);
  }
  return y;
}

/** Number of set bits in each byte value. */
const POPCOUNT8 = (() => {
  const t = new Uint8Array(256);
  for (let v = 1; v < 256; v++) t[v] = (v & 1) + t[v >> 1];
  return t;
})();

/**
 * Dot product of n sign bits (bit 1 = +1, bit 0 = -1, LSB first, as packRow('binary') lays them out):
 * sum_k w_k x_k = 2 popcount(XNOR(w, x)) - n, since each agreeing lane adds +1 and each other -1.
 */
export function xnorPopcountDot(wBits: Uint8Array, wByteOffset: number, xBits: Uint8Array, xByteOffset: number, n: number): number {
  let agree = 0;
  const full = n >> 3;
  for (let b = 0; b < full; b++) agree += POPCOUNT8[~(wBits[wByteOffset + b] ^ xBits[xByteOffset + b]) & 0xff];
  const rest = n & 7;
  if (rest) agree += POPCOUNT8[~(wBits[wByteOffset + full] ^ xBits[xByteOffset + full]) & ((1 << rest) - 1)];
  return 2 * agree - n;
}

export interface LowBitColumnMacArgs {
  readonly format: CodeFormat;
  /** Packed weights (packRow / packMatrix layout) and the byte where this 32-byte column starts. */
  readonly packed: Uint8Array;
  readonly byteOffset: number;
  /** Activation codes and the index of this column's first lane. */
  readonly x: Int8Array;
  readonly xOffset: number;
  /** Valid lanes (the rest of the column is row padding and is skipped). Default: a full column. */
  readonly count?: number;
  /**
   * Binary weights only: 'negate' = conditional negate of each activation (any activation width);
   * 'xnor' = XNOR + popcount, for 1-bit signed activations (codes -1/+1 only).
   */
  readonly binaryMode?: 'negate' | 'xnor';
}

/**
 * One PU column step of the integer datapath: the integer partial sum of count lanes of one packed
 * weight column with their activation codes. Ternary: mux(code) selects +x, -x or 0; binary: +x or
 * -x (or XNOR-popcount); int8: multiply. The caller accumulates partial sums and scales per row.
 */
export function lowBitColumnMac(args: LowBitColumnMacArgs): number {
  const { format, packed, byteOffset, x, xOffset } = args;
  const lanes = weightsPerColumn(format);
  const count = args.count ?? lanes;
  if (!Number.isInteger(count) || count < 0 || count > lanes) {
    throw new InputError(`expected 0 <= count <= ${lanes}, got ${count}`, 'lowBitColumnMac');
  }
  if (byteOffset < 0 || byteOffset + 32 > packed.length || xOffset < 0 || xOffset + count > x.length) {
    throw new InputError('column or activation lanes fall outside their arrays', 'lowBitColumnMac');
  }
  if (format === 'binary' && args.binaryMode === 'xnor') {
    const xs = x.subarray(xOffset, xOffset + count);
    for (let k = 0; k < count; k++) {
      if (xs[k] !== 1 && xs[k] !== -1) {
        throw new InputError(`XNOR mode needs activation codes -1 or +1, got ${xs[k]} at lane ${k}`, 'lowBitColumnMac');
      }
    }
    return xnorPopcountDot(packed, byteOffset, packRow('binary', xs), 0, count);
  }
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const c = unpackCode(format, packed, byteOffset, k);
    const a = x[xOffset + k];
    if (format === 'int8') sum += c * a;
    else sum += c > 0 ? a : c < 0 ? -a : 0; // mux + conditional negate, no multiplier
  }
  return sum;
}
