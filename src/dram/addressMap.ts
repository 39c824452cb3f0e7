/**
 * Address mapping: a byte address -> (channel, rank, bank group, bank, row, column).
 * The field order is data (controller.addressMapping, most significant field first); widths come
 * from the organization. Arithmetic uses division, not bit operations, so addresses up to 2^53
 * work (JavaScript bit operations are 32-bit).
 */
import type { AddressField, MemorySpec } from '../spec/memory.js';
import { InputError } from '../util/errors.js';

export interface DecodedAddress {
  channel: number;
  rank: number;
  group: number;
  bank: number;
  row: number;
  /** Burst index within the row (0 .. burstsPerRow-1). */
  column: number;
}

export class AddressMap {
  /** Divisor and size per field, in the order channel, rank, bankgroup, bank, row, column. */
  private readonly div: Float64Array;
  private readonly size: Float64Array;
  /**
   * When every divisor and size is a power of two (the usual case): shift and mask per field, for
   * addresses below 2^32, where `>>>` is exact (a field 2^32 bytes up or more is then 0). Shifts
   * of -1: not a power-of-two mapping.
   */
  private readonly shift: Int32Array;
  private readonly mask: Int32Array;
  readonly totalBytes: number;

  constructor(spec: MemorySpec) {
    const o = spec.org;
    const sizes: Record<AddressField, number> = {
      // With pseudo-channels the rank field selects the rank slot (pseudo-channel and rank).
      channel: o.channels, rank: spec.rankSlots, bankgroup: o.bankGroups, bank: o.banksPerGroup, row: o.rows, column: spec.burstsPerRow,
    };
    const order: AddressField[] = ['channel', 'rank', 'bankgroup', 'bank', 'row', 'column'];
    this.div = new Float64Array(6);
    this.size = new Float64Array(6);
    let unit = spec.accessBytes;
    // Least significant field first.
    for (const f of [...spec.addressMapping].reverse()) {
      const i = order.indexOf(f);
      this.div[i] = unit;
      this.size[i] = sizes[f];
      unit *= sizes[f];
    }
    this.totalBytes = unit;
    const pow2 = (v: number) => Number.isSafeInteger(v) && v > 0 && 2 ** Math.round(Math.log2(v)) === v;
    const shifts = [...this.div].every(pow2) && [...this.size].every((n) => pow2(n) && n <= 2 ** 30);
    this.shift = Int32Array.from(this.div, (d) => (shifts ? Math.round(Math.log2(d)) : -1));
    this.mask = Int32Array.from(this.size, (n) => n - 1);
  }

  /** Whether `address` is an integer byte address inside the memory (check() words the error). */
  contains(address: number): boolean {
    return address >= 0 && address < this.totalBytes && Number.isInteger(address);
  }

  /** Throws InputError (naming `where`) for an address outside the memory. */
  check(address: number, where: string): void {
    if (!(address >= 0 && address < this.totalBytes) || !Number.isInteger(address)) {
      throw new InputError(`address 0x${address.toString(16)} is outside the memory (0 .. 0x${(this.totalBytes - 1).toString(16)}, ${this.totalBytes} bytes)`, where);
    }
  }

  field(address: number, i: number): number {
    return Math.floor(address / this.div[i]) % this.size[i];
  }

  /**
   * All six fields of an integer address inside the memory into `out` (channel, rank, bank group,
   * bank, row, column): the same values as field(), by shifts when they are exact.
   */
  decodeInto(address: number, out: Int32Array): void {
    const sh = this.shift;
    if (sh[0] >= 0 && address < 4294967296) {
      const a = address >>> 0, m = this.mask;
      for (let i = 0; i < 6; i++) out[i] = sh[i] < 32 ? (a >>> sh[i]) & m[i] : 0;
    } else {
      for (let i = 0; i < 6; i++) out[i] = Math.floor(address / this.div[i]) % this.size[i];
    }
  }

  decode(address: number): DecodedAddress {
    return {
      channel: this.field(address, 0), rank: this.field(address, 1), group: this.field(address, 2),
      bank: this.field(address, 3), row: this.field(address, 4), column: this.field(address, 5),
    };
  }

  /** The inverse: the byte address of the first byte of a burst. */
  encode(a: DecodedAddress): number {
    const v = [a.channel, a.rank, a.group, a.bank, a.row, a.column];
    let addr = 0;
    for (let i = 0; i < 6; i++) addr += v[i] * this.div[i];
    return addr;
  }
}
