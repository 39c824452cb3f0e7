/**
 * BF16 as the GDDR6-AiM processing unit uses it ([AIM]): 16 BF16 multipliers, an adder tree and an
 * FP32 accumulator per bank. This module is the bit-exact arithmetic model; the PIM functional
 * datapath calls macColumn per column and must match bf16Gemv bit for bit.
 *
 * Conversions treat a JS number as a float32 first (as a Float32Array would store it), then round
 * float32 -> bf16 to nearest, ties to even (the same as PyTorch's float -> bfloat16). Subnormals are
 * kept (no flush to zero): bf16 shares float32's exponent, so a float32 subnormal rounds to a bf16
 * subnormal. Values past the largest bf16 round to +-infinity. Every NaN becomes the canonical quiet
 * NaN 0x7FC0 (sign dropped, as PyTorch does).
 */
import { InputError } from '../util/errors.js';

/** Canonical quiet NaN in bf16. */
export const BF16_NAN = 0x7fc0;
export const BF16_POS_INF = 0x7f80;
export const BF16_NEG_INF = 0xff80;
/** Multipliers per processing unit: one 32 B column of BF16 weights per MAC ([AIM]). */
export const PU_LANES = 16;

// Scratch views for bit casts (no semantic state is kept between calls).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bf16 bit pattern (0..0xFFFF) nearest to float32(x), ties to even. */
export function toBf16Bits(x: number): number {
  if (Number.isNaN(x)) return BF16_NAN;
  f32[0] = x;
  const bits = u32[0];
  // Adding 0x7FFF plus the kept LSB rounds the dropped 16 bits to nearest-even; a carry out of the
  // mantissa bumps the exponent, which is also how overflow to infinity happens.
  return (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
}

/** The float value (exactly representable in float32) of a bf16 bit pattern. */
export function fromBf16Bits(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/** x rounded to the nearest bf16 value (via float32), returned as a number. */
export function roundToBf16(x: number): number {
  return fromBf16Bits(toBf16Bits(x));
}

/** Element-wise toBf16Bits. */
export function toBf16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toBf16Bits(values[i]);
  return out;
}

/** Element-wise fromBf16Bits. */
export function fromBf16Array(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

let tree = new Float64Array(PU_LANES);

/**
 * One processing-unit MAC step: `count` lanes (the rest of the `lanes`-wide unit sees zero padding)
 * of w[wOffset + k] * x[xOffset + k], summed and added to the FP32 accumulator. Arithmetic model:
 *  1. products: bf16 x bf16 in float32. Two 8-bit significands give a 16-bit product, so this is
 *     exact except for overflow to infinity or underflow into float32 subnormals.
 *  2. adder tree: pairwise in float32, lane 2k with lane 2k+1, level by level
 *     (16 -> 8 -> 4 -> 2 -> 1); with an odd count at some level the last entry passes up unchanged.
 *  3. accumulate: acc = float32(acc + tree sum).
 * Every step is rounded with Math.fround, so the result is deterministic and bit-exact. Padded lanes
 * contribute +0, which leaves every sum unchanged, so zero-padding the last column of a row in DRAM
 * gives the same result as count < lanes here.
 */
export function macColumn(
  acc: number,
  w: Uint16Array,
  wOffset: number,
  x: Uint16Array,
  xOffset: number,
  lanes: number = PU_LANES,
  count: number = lanes,
): number {
  if (!Number.isInteger(lanes) || lanes < 1) throw new InputError(`expected lanes >= 1, got ${lanes}`, 'macColumn');
  if (!Number.isInteger(count) || count < 0 || count > lanes) {
    throw new InputError(`expected 0 <= count <= lanes (${lanes}), got ${count}`, 'macColumn');
  }
  if (wOffset < 0 || xOffset < 0 || wOffset + count > w.length || xOffset + count > x.length) {
    throw new InputError(
      `lanes [${wOffset}, ${wOffset + count}) / [${xOffset}, ${xOffset + count}) fall outside the weight ` +
        `(${w.length}) or input (${x.length}) array`,
      'macColumn',
    );
  }
  if (tree.length < lanes) tree = new Float64Array(lanes);
  const s = tree;
  for (let k = 0; k < count; k++) s[k] = Math.fround(fromBf16Bits(w[wOffset + k]) * fromBf16Bits(x[xOffset + k]));
  for (let k = count; k < lanes; k++) s[k] = 0;
  let n = lanes;
  while (n > 1) {
    const half = n >> 1;
    // In place: entry k is written after entries 2k and 2k+1 (both >= k) have been read.
    for (let k = 0; k < half; k++) s[k] = Math.fround(s[2 * k] + s[2 * k + 1]);
    if (n & 1) {
      s[half] = s[n - 1];
      n = half + 1;
    } else {
      n = half;
    }
  }
  return Math.fround(Math.fround(acc) + s[0]);
}

/**
 * The plain BF16 GEMV model: y[i] = sum_j W[i][j] * x[j], W row-major [rows x cols] as bf16 bits.
 * Per output row the accumulator starts at +0 and takes the columns in order, `lanes` at a time,
 * through macColumn (the last chunk zero-padded). Returns the FP32 accumulators.
 * A mapping that splits a row over several banks and sums the partials elsewhere rounds differently;
 * compare such a mapping against per-segment calls of this function.
 */
export function bf16Gemv(
  weights: Uint16Array,
  x: Uint16Array,
  rows: number,
  cols: number,
  lanes: number = PU_LANES,
): Float32Array {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new InputError(`expected positive integer rows and cols, got ${rows} x ${cols}`, 'bf16Gemv');
  }
  if (weights.length !== rows * cols) {
    throw new InputError(`expected ${rows} x ${cols} = ${rows * cols} weights, got ${weights.length}`, 'bf16Gemv');
  }
  if (x.length !== cols) throw new InputError(`expected an input vector of ${cols}, got ${x.length}`, 'bf16Gemv');
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let acc = 0;
    for (let c = 0; c < cols; c += lanes) {
      acc = macColumn(acc, weights, i * cols + c, x, c, lanes, Math.min(lanes, cols - c));
    }
    y[i] = acc;
  }
  return y;
}
