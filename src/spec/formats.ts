/**
 * Number formats as data: which formats a weight matrix (or KV cache) can be stored and multiplied
 * in, and how many weights each packed layout puts in one 32-byte DRAM column. Presets (a system's
 * PU formats), the workload and the kernels all name formats from here; the packing code itself is
 * src/quant/pack.ts.
 */
import { InputError } from '../util/errors.js';

/** Number formats a weight matrix (or KV cache) can be stored and multiplied in. */
export const PRECISIONS = ['bf16', 'int8', 'ternary', 'binary'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Storage bits per weight (ternary as 2-bit codes; base-3 packing is an option of the mapper). */
export const WEIGHT_BITS: Readonly<Record<Precision, number>> = { bf16: 16, int8: 8, ternary: 2, binary: 1 };

/** Bytes per DRAM column burst ([AIM]: 32 B per column, 256 bits). */
export const COLUMN_BYTES = 32;

/** Packed layouts of a column (see src/quant/pack.ts for the bit layouts). */
export const PACK_FORMATS = ['bf16', 'int8', 'ternary-2bit', 'ternary-base3', 'binary'] as const;
export type PackFormat = (typeof PACK_FORMATS)[number];

const PER_COLUMN: Readonly<Record<PackFormat, number>> = {
  bf16: 16,
  int8: 32,
  'ternary-2bit': 128,
  'ternary-base3': 160,
  binary: 256,
};

/** Weights held by one 32-byte column. */
export function weightsPerColumn(format: PackFormat): number {
  const n = PER_COLUMN[format];
  if (n === undefined) throw new InputError(`unknown pack format "${format}"; expected one of ${PACK_FORMATS.join(', ')}`, 'weightsPerColumn');
  return n;
}

/** Storage bits per weight, padding excluded (ternary base-3: 256 / 160 = 1.6). */
export function bitsPerWeight(format: PackFormat): number {
  return (COLUMN_BYTES * 8) / weightsPerColumn(format);
}

/** The pack format for a model precision; ternary defaults to 2-bit codes. */
export function packFormatFor(precision: Precision, ternary: 'ternary-2bit' | 'ternary-base3' = 'ternary-2bit'): PackFormat {
  return precision === 'ternary' ? ternary : precision;
}
