/**
 * Packing weight rows into 32-byte DRAM columns ([AIM]: 2 KB rows of 64 x 32 B columns).
 * Each row of a matrix starts on a column boundary; its last column is padded. Layouts (plain
 * sequential order, lane k of a column at the lowest free bits; not bitnet.cpp's SIMD interleave nor
 * llama.cpp's TQ1_0 byte arithmetic, which hold the same counts):
 *  - bf16:          16 per column, 2 bytes little-endian each; padding 0x0000 (+0).
 *  - int8:          32 per column, two's complement; padding 0.
 *  - ternary-2bit: 128 per column, 4 per byte, field = code + 1 (00 = -1, 01 = 0, 10 = +1; 11 is
 *                   invalid); weight k in bits 2(k%4)..2(k%4)+1 of byte k/4; padding 01 (weight 0).
 *  - ternary-base3: 160 per column, 5 trits per byte, byte = sum_k (code_k + 1) 3^k (0..242;
 *                   243..255 invalid); padding trit 1 (weight 0).
 *  - binary:       256 per column, bit = 1 for +1, 0 for -1, weight k in bit k%8 of byte k/8;
 *                   padding bit 1 (+1). A binary weight cannot be 0, so the datapath must mask lanes
 *                   past the row end (or the matching activations must be 0); unpack drops them.
 * Per-row scales are not packed here: they are float32, stored by the mapper with their rows
 * (packScales gives their byte image).
 */
import { COLUMN_BYTES, weightsPerColumn, type PackFormat } from '../spec/formats.js';
import { InputError } from '../util/errors.js';
import { checkNonNegativeInt, checkPositiveInt } from './numeric.js';

// The format table is spec data (src/spec/formats.ts); re-exported for the kernels that pack.
export { COLUMN_BYTES, PACK_FORMATS, weightsPerColumn, bitsPerWeight, packFormatFor, type PackFormat } from '../spec/formats.js';
export type CodeFormat = Exclude<PackFormat, 'bf16'>;

/** Columns one row of n weights occupies (the last one padded). */
export function columnsForRow(format: PackFormat, n: number): number {
  checkNonNegativeInt(n, 'columnsForRow (n)');
  return Math.ceil(n / weightsPerColumn(format));
}


/**
 * Global-buffer bytes a MAC needs to pair with one weight column: weightsPerColumn x activation bits
 * / 8 ([QUANT]: 128 int8 activations are 128 B, four 32-byte bursts, per ternary column).
 */
export function activationBytesPerColumn(format: PackFormat, activationBits: number): number {
  checkPositiveInt(activationBits, 'activationBytesPerColumn (activationBits)');
  return (weightsPerColumn(format) * activationBits) / 8;
}

const CODE_RANGE: Readonly<Record<CodeFormat, readonly [number, number]>> = {
  int8: [-128, 127],
  'ternary-2bit': [-1, 1],
  'ternary-base3': [-1, 1],
  binary: [-1, 1],
};

function checkCodes(format: CodeFormat, codes: Int8Array): void {
  const [lo, hi] = CODE_RANGE[format];
  for (let k = 0; k < codes.length; k++) {
    const c = codes[k];
    if (c < lo || c > hi || (format === 'binary' && c === 0)) {
      throw new InputError(`code ${c} at index ${k} does not fit ${format} (expected ${format === 'binary' ? '-1 or 1' : `${lo}..${hi}`})`, 'packRow');
    }
  }
}

/** Packs one row into whole columns: Uint8Array of columnsForRow(format, n) x 32 bytes. */
export function packRow(format: 'bf16', values: Uint16Array): Uint8Array;
export function packRow(format: CodeFormat, codes: Int8Array): Uint8Array;
export function packRow(format: PackFormat, data: Int8Array | Uint16Array): Uint8Array;
export function packRow(format: PackFormat, data: Int8Array | Uint16Array): Uint8Array {
  const out = new Uint8Array(columnsForRow(format, data.length) * COLUMN_BYTES);
  packRowInto(format, data, out, 0);
  return out;
}

function packRowInto(format: PackFormat, data: Int8Array | Uint16Array, out: Uint8Array, base: number): void {
  const n = data.length;
  const cols = columnsForRow(format, n);
  if (format === 'bf16') {
    if (!(data instanceof Uint16Array)) throw new InputError('bf16 rows must be given as Uint16Array bit patterns', 'packRow');
    for (let k = 0; k < n; k++) {
      out[base + 2 * k] = data[k] & 0xff;
      out[base + 2 * k + 1] = data[k] >>> 8;
    }
    return; // padding bytes are already 0
  }
  if (!(data instanceof Int8Array)) throw new InputError(`${format} rows must be given as Int8Array codes`, 'packRow');
  checkCodes(format, data);
  switch (format) {
    case 'int8':
      for (let k = 0; k < n; k++) out[base + k] = data[k] & 0xff;
      return;
    case 'ternary-2bit': {
      const total = cols * 128;
      for (let k = 0; k < total; k++) {
        const field = k < n ? data[k] + 1 : 1;
        out[base + (k >> 2)] |= field << (2 * (k & 3));
      }
      return;
    }
    case 'ternary-base3': {
      const bytes = cols * COLUMN_BYTES;
      for (let b = 0; b < bytes; b++) {
        let v = 0;
        for (let t = 4; t >= 0; t--) {
          const k = b * 5 + t;
          v = v * 3 + (k < n ? data[k] + 1 : 1);
        }
        out[base + b] = v;
      }
      return;
    }
    case 'binary': {
      const total = cols * 256;
      for (let k = 0; k < total; k++) {
        if (k >= n || data[k] > 0) out[base + (k >> 3)] |= 1 << (k & 7);
      }
      return;
    }
  }
}

function checkPacked(format: PackFormat, packed: Uint8Array, n: number, where: string): void {
  checkNonNegativeInt(n, `${where} (n)`);
  const need = columnsForRow(format, n) * COLUMN_BYTES;
  if (packed.length < need) {
    throw new InputError(`${n} ${format} weights need ${need} bytes, got ${packed.length}`, where);
  }
}

/** Unpacks the first n weights of a packed row back to codes (or bf16 bit patterns). */
export function unpackRow(format: 'bf16', packed: Uint8Array, n: number): Uint16Array;
export function unpackRow(format: CodeFormat, packed: Uint8Array, n: number): Int8Array;
export function unpackRow(format: PackFormat, packed: Uint8Array, n: number): Int8Array | Uint16Array;
export function unpackRow(format: PackFormat, packed: Uint8Array, n: number): Int8Array | Uint16Array {
  checkPacked(format, packed, n, 'unpackRow');
  if (format === 'bf16') {
    const out = new Uint16Array(n);
    for (let k = 0; k < n; k++) out[k] = packed[2 * k] | (packed[2 * k + 1] << 8);
    return out;
  }
  const out = new Int8Array(n);
  for (let k = 0; k < n; k++) out[k] = unpackCode(format, packed, 0, k);
  return out;
}

const POW3 = [1, 3, 9, 27, 81] as const;

/**
 * Code of weight k of a packed row starting at byteOffset (the per-lane decode a PU performs).
 * Throws InputError on an invalid field (ternary 11, base-3 byte > 242).
 */
export function unpackCode(format: CodeFormat, packed: Uint8Array, byteOffset: number, k: number): number {
  switch (format) {
    case 'int8':
      return (packed[byteOffset + k] << 24) >> 24;
    case 'ternary-2bit': {
      const field = (packed[byteOffset + (k >> 2)] >>> (2 * (k & 3))) & 3;
      if (field === 3) throw new InputError(`invalid ternary field 0b11 for weight ${k}`, 'unpackCode');
      return field - 1;
    }
    case 'ternary-base3': {
      const byte = packed[byteOffset + Math.floor(k / 5)];
      if (byte > 242) throw new InputError(`invalid base-3 byte ${byte} for weight ${k} (max 242)`, 'unpackCode');
      return (Math.floor(byte / POW3[k % 5]) % 3) - 1;
    }
    case 'binary':
      return (packed[byteOffset + (k >> 3)] >>> (k & 7)) & 1 ? 1 : -1;
  }
}

/**
 * Packs a row-major rows x cols matrix, each row starting on a column boundary:
 * rows x columnsForRow(format, cols) x 32 bytes.
 */
export function packMatrix(format: PackFormat, data: Int8Array | Uint16Array, rows: number, cols: number): Uint8Array {
  checkPositiveInt(rows, 'packMatrix (rows)');
  checkPositiveInt(cols, 'packMatrix (cols)');
  if (data.length !== rows * cols) throw new InputError(`expected ${rows} x ${cols} values, got ${data.length}`, 'packMatrix');
  const rowBytes = columnsForRow(format, cols) * COLUMN_BYTES;
  const out = new Uint8Array(rows * rowBytes);
  for (let i = 0; i < rows; i++) packRowInto(format, data.subarray(i * cols, (i + 1) * cols), out, i * rowBytes);
  return out;
}

/** Inverse of packMatrix. */
export function unpackMatrix(format: PackFormat, packed: Uint8Array, rows: number, cols: number): Int8Array | Uint16Array {
  checkPositiveInt(rows, 'unpackMatrix (rows)');
  checkPositiveInt(cols, 'unpackMatrix (cols)');
  const rowBytes = columnsForRow(format, cols) * COLUMN_BYTES;
  if (packed.length !== rows * rowBytes) throw new InputError(`expected ${rows * rowBytes} bytes, got ${packed.length}`, 'unpackMatrix');
  const out = format === 'bf16' ? new Uint16Array(rows * cols) : new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(unpackRow(format, packed.subarray(i * rowBytes, (i + 1) * rowBytes), cols), i * cols);
  return out;
}

/** Byte image of per-row float32 scales (little-endian, 8 per column). */
export function packScales(scales: Float32Array): Uint8Array {
  const out = new Uint8Array(scales.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < scales.length; i++) view.setFloat32(4 * i, scales[i], true);
  return out;
}

export function unpackScales(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new InputError(`expected a multiple of 4 bytes, got ${bytes.length}`, 'unpackScales');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}
