/**
 * Small numeric helpers shared by the quantizers: PyTorch-compatible rounding and input checks.
 */
import { InputError } from '../util/errors.js';

/**
 * Round to the nearest integer, ties to even: the behaviour of torch.round, which the reference
 * quantization code uses. (Math.round rounds ties towards +infinity, so 0.5 -> 1 and -2.5 -> -2;
 * here 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, -1.5 -> -2.)
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // r - x is exact for the magnitudes quantizers see; an exact tie lands on r = x + 0.5.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r + 0; // normalise -0 to 0
}

/** Clamp x to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Throws InputError unless values is non-empty and every entry is finite. */
export function checkFiniteValues(values: ArrayLike<number>, where: string): void {
  if (values.length === 0) throw new InputError('expected a non-empty array of values, got an empty one', where);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InputError(`expected finite values, got ${values[i]} at index ${i}`, where);
    }
  }
}

/** Throws InputError unless rows and cols are positive integers and values holds rows x cols entries. */
export function checkMatrix(values: ArrayLike<number>, rows: number, cols: number, where: string): void {
  checkPositiveInt(rows, `${where} (rows)`);
  checkPositiveInt(cols, `${where} (cols)`);
  if (values.length !== rows * cols) {
    throw new InputError(`expected ${rows} x ${cols} = ${rows * cols} values, got ${values.length}`, where);
  }
  checkFiniteValues(values, where);
}

export function checkPositiveInt(n: number, where: string): void {
  if (!Number.isInteger(n) || n <= 0) throw new InputError(`expected a positive integer, got ${n}`, where);
}

export function checkNonNegativeInt(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 0) throw new InputError(`expected a non-negative integer, got ${n}`, where);
}
