import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/errors.js';
import {
  activationBytesPerColumn,
  bitsPerWeight,
  COLUMN_BYTES,
  columnsForRow,
  packFormatFor,
  packMatrix,
  packRow,
  packScales,
  PACK_FORMATS,
  unpackCode,
  unpackMatrix,
  unpackRow,
  unpackScales,
  weightsPerColumn,
  type CodeFormat,
  type PackFormat,
} from '../../src/quant/pack.js';
import { mulberry32 } from '../../src/util/rng.js';

function randomRow(format: PackFormat, n: number, rng: () => number): Int8Array | Uint16Array {
  if (format === 'bf16') return Uint16Array.from({ length: n }, () => Math.floor(rng() * 0x10000));
  if (format === 'int8') return Int8Array.from({ length: n }, () => Math.floor(rng() * 256) - 128);
  if (format === 'binary') return Int8Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1));
  return Int8Array.from({ length: n }, () => Math.floor(rng() * 3) - 1);
}

describe('column geometry', () => {
  it('weights per 32-byte column and columns per row', () => {
    expect(COLUMN_BYTES).toBe(32);
    expect(PACK_FORMATS.map(weightsPerColumn)).toEqual([16, 32, 128, 160, 256]);
    expect(columnsForRow('ternary-2bit', 128)).toBe(1);
    expect(columnsForRow('ternary-2bit', 129)).toBe(2);
    expect(columnsForRow('ternary-base3', 160)).toBe(1);
    expect(columnsForRow('ternary-base3', 161)).toBe(2);
    expect(columnsForRow('binary', 256)).toBe(1);
    expect(columnsForRow('int8', 33)).toBe(2);
    expect(columnsForRow('bf16', 0)).toBe(0);
    // GPT-2 small rows (768): 48 bf16 columns, 24 int8, 6 ternary (2-bit), 5 ternary (base-3), 3 binary
    expect(PACK_FORMATS.map((f) => columnsForRow(f, 768))).toEqual([48, 24, 6, 5, 3]);
    expect(bitsPerWeight('ternary-base3')).toBe(1.6);
    expect(bitsPerWeight('ternary-2bit')).toBe(2);
    expect(() => columnsForRow('int8', -1)).toThrow(InputError);
    expect(() => weightsPerColumn('int4' as PackFormat)).toThrow(InputError);
  });

  it('activation bytes per weight column ([QUANT]: 128 int8 activations = 4 bursts)', () => {
    expect(activationBytesPerColumn('ternary-2bit', 8)).toBe(128);
    expect(activationBytesPerColumn('bf16', 16)).toBe(32);
    expect(activationBytesPerColumn('binary', 1)).toBe(32);
  });

  it('maps precisions to pack formats', () => {
    expect(packFormatFor('ternary')).toBe('ternary-2bit');
    expect(packFormatFor('ternary', 'ternary-base3')).toBe('ternary-base3');
    expect(packFormatFor('bf16')).toBe('bf16');
  });
});

describe('hand-packed bytes', () => {
  it('ternary 2-bit: field = code + 1, four per byte from the low bits; padding 01', () => {
    // [-1, 0, 1, 0] -> fields 00, 01, 10, 01 -> 0b01_10_01_00 = 0x64
    const p = packRow('ternary-2bit', Int8Array.from([-1, 0, 1, 0]));
    expect(p.length).toBe(32);
    expect(p[0]).toBe(0x64);
    expect(Array.from(p.subarray(1))).toEqual(new Array(31).fill(0x55));
  });

  it('ternary base-3: byte = sum (code + 1) 3^k; padding trit 1', () => {
    // [1, -1, 0, 1, 1] -> trits 2, 0, 1, 2, 2 -> 2 + 0 + 9 + 54 + 162 = 227; padding byte = 121
    const p = packRow('ternary-base3', Int8Array.from([1, -1, 0, 1, 1, -1]));
    expect(p[0]).toBe(227);
    expect(p[1]).toBe(0 + 3 + 9 + 27 + 81); // [-1, pad x4] -> trits 0, 1, 1, 1, 1
    expect(p[2]).toBe(121);
  });

  it('binary: bit 1 = +1, LSB first; padding bits 1', () => {
    // +1 -1 -1 +1 +1 +1 -1 +1 -> bits 1,0,0,1,1,1,0,1 (LSB first) = 0b10111001
    const p = packRow('binary', Int8Array.from([1, -1, -1, 1, 1, 1, -1, 1, -1]));
    expect(p[0]).toBe(0xb9);
    expect(p[1]).toBe(0xfe);
    expect(p[2]).toBe(0xff);
  });

  it('int8 two\'s complement and bf16 little-endian; padding 0', () => {
    expect(Array.from(packRow('int8', Int8Array.from([-1, 5])).subarray(0, 3))).toEqual([0xff, 0x05, 0]);
    expect(Array.from(packRow('bf16', Uint16Array.from([0x3f80])).subarray(0, 3))).toEqual([0x80, 0x3f, 0]);
  });
});

describe('round trips', () => {
  const lengths = [1, 2, 5, 15, 16, 17, 31, 33, 127, 128, 129, 159, 160, 161, 255, 256, 257, 1000, 1601];
  for (const format of PACK_FORMATS) {
    it(`${format}: pack then unpack is exact for every length; padding decodes as documented`, () => {
      const rng = mulberry32(format.length * 31);
      for (const n of lengths) {
        const row = randomRow(format, n, rng);
        const packed = packRow(format, row);
        expect(packed.length).toBe(columnsForRow(format, n) * COLUMN_BYTES);
        expect(unpackRow(format, packed, n)).toEqual(row);
        if (format === 'bf16') {
          expect(Array.from(packed.subarray(2 * n)).every((b) => b === 0)).toBe(true);
        } else {
          const pad = format === 'binary' ? 1 : 0;
          const cap = columnsForRow(format, n) * weightsPerColumn(format);
          for (let k = n; k < cap; k++) expect(unpackCode(format as CodeFormat, packed, 0, k)).toBe(pad);
        }
      }
    });
  }

  it('packMatrix starts every row on a column boundary and round-trips', () => {
    const rng = mulberry32(4);
    for (const format of PACK_FORMATS) {
      const rows = 3;
      const cols = 161;
      const data = randomRow(format, rows * cols, rng);
      const packed = packMatrix(format, data, rows, cols);
      const rowBytes = columnsForRow(format, cols) * COLUMN_BYTES;
      expect(packed.length).toBe(rows * rowBytes);
      expect(unpackMatrix(format, packed, rows, cols)).toEqual(data);
      expect(unpackRow(format, packed.subarray(rowBytes, 2 * rowBytes), cols)).toEqual(data.subarray(cols, 2 * cols));
    }
  });

  it('per-row float32 scales round-trip through their byte image', () => {
    const s = Float32Array.from([1.5, -0.001, 3e-39, 65504]);
    expect(packScales(s).length).toBe(16);
    expect(unpackScales(packScales(s))).toEqual(s);
  });
});

describe('invalid data', () => {
  it('rejects codes the format cannot hold and mismatched array types', () => {
    expect(() => packRow('ternary-2bit', Int8Array.from([2]))).toThrow(InputError);
    expect(() => packRow('ternary-base3', Int8Array.from([-2]))).toThrow(InputError);
    expect(() => packRow('binary', Int8Array.from([0]))).toThrow(InputError);
    expect(() => packRow('bf16', Int8Array.from([0]) as unknown as Uint16Array)).toThrow(InputError);
    expect(() => packRow('int8', Uint16Array.from([0]) as unknown as Int8Array)).toThrow(InputError);
  });

  it('rejects invalid packed fields and short buffers', () => {
    const bad2 = new Uint8Array(32).fill(0xff); // every 2-bit field 11
    expect(() => unpackRow('ternary-2bit', bad2, 1)).toThrow(InputError);
    const bad3 = new Uint8Array(32).fill(243);
    expect(() => unpackRow('ternary-base3', bad3, 1)).toThrow(InputError);
    expect(() => unpackRow('int8', new Uint8Array(32), 33)).toThrow(InputError);
    expect(() => unpackMatrix('int8', new Uint8Array(31), 1, 1)).toThrow(InputError);
  });
});
