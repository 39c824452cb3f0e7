/**
 * Address mapping: byte address <-> (channel, rank, bank group, bank, row, burst column).
 * Expected addresses are computed by hand from the field order (most significant first) and the
 * field sizes, e.g. gddr6: 32 B bursts, 2 channels, 4 bank groups x 4 banks, 1 rank,
 * 64 bursts per row (1024 columns / BL16), 16384 rows; 1 GiB in all.
 */
import { describe, expect, it } from 'vitest';
import { AddressMap, type DecodedAddress } from '../../src/dram/addressMap.js';
import { replay } from '../../src/dram/replay.js';
import { parseTrace } from '../../src/dram/trace/index.js';
import { InputError } from '../../src/util/errors.js';
import { listPresets } from '../../src/spec/load.js';
import { ADDRESS_MAPPINGS, type AddressMappingName } from '../../src/spec/memory.js';
import { loadMemory } from '../../src/spec/presets.js';
import { mulberry32 } from '../../src/util/rng.js';

const ZERO: DecodedAddress = { channel: 0, rank: 0, group: 0, bank: 0, row: 0, column: 0 };
const MAPPINGS = Object.keys(ADDRESS_MAPPINGS) as AddressMappingName[];

const gddr6With = (mapping: string) => new AddressMap(loadMemory('gddr6', [`controller.addressMapping=${mapping}`]));

describe('gddr6 field order of each named mapping', () => {
  it('sizes: 32 B per burst, 1 GiB in all (2 x 16 banks x 16384 rows x 64 bursts x 32 B)', () => {
    const spec = loadMemory('gddr6');
    expect(spec.accessBytes).toBe(32);
    expect(spec.burstsPerRow).toBe(64);
    expect(spec.totalBytes).toBe(2 * 16 * 16384 * 64 * 32);
    expect(new AddressMap(spec).totalBytes).toBe(2 ** 30);
  });

  it('RoCoRaBaBgCh (default): consecutive bursts alternate channels, then walk bank groups, then banks', () => {
    const m = gddr6With('RoCoRaBaBgCh');
    // address = 32 x (ch + 2 x (bg + 4 x (bank + 4 x (rank + 1 x (column + 64 x row)))))
    expect(m.decode(32)).toEqual({ ...ZERO, channel: 1 });
    expect(m.decode(64)).toEqual({ ...ZERO, group: 1 });
    expect(m.decode(32 * 2 * 4)).toEqual({ ...ZERO, bank: 1 });
    expect(m.decode(32 * 2 * 16)).toEqual({ ...ZERO, column: 1 });
    expect(m.decode(32 * 2 * 16 * 64)).toEqual({ ...ZERO, row: 1 });
    expect(m.encode({ channel: 1, rank: 0, group: 3, bank: 2, row: 5, column: 7 })).toBe(32 * (1 + 2 * (3 + 4 * (2 + 4 * (7 + 64 * 5)))));
  });

  it('RoBaRaCoCh: consecutive bursts alternate channels, then walk the row\'s columns', () => {
    const m = gddr6With('RoBaRaCoCh');
    // address = 32 x (ch + 2 x (column + 64 x (rank + 1 x (bg + 4 x (bank + 4 x row)))))
    expect(m.decode(32)).toEqual({ ...ZERO, channel: 1 });
    expect(m.decode(64)).toEqual({ ...ZERO, column: 1 });
    expect(m.decode(32 * 2 * 63)).toEqual({ ...ZERO, column: 63 });
    expect(m.decode(32 * 2 * 64)).toEqual({ ...ZERO, group: 1 });
    expect(m.decode(32 * 2 * 64 * 4)).toEqual({ ...ZERO, bank: 1 });
    expect(m.decode(32 * 2 * 64 * 16)).toEqual({ ...ZERO, row: 1 });
  });

  it('ChRaBaRoCo: each channel owns one contiguous half of the memory', () => {
    const m = gddr6With('ChRaBaRoCo');
    // address = 32 x (column + 64 x (row + 16384 x (bank + 4 x (bg + 4 x (rank + 1 x ch)))))
    expect(m.decode(32)).toEqual({ ...ZERO, column: 1 });
    expect(m.decode(32 * 64)).toEqual({ ...ZERO, row: 1 });
    expect(m.decode(32 * 64 * 16384)).toEqual({ ...ZERO, bank: 1 });
    expect(m.decode(32 * 64 * 16384 * 4)).toEqual({ ...ZERO, group: 1 });
    expect(m.decode(2 ** 29)).toEqual({ ...ZERO, channel: 1 });
    expect(m.decode(2 ** 29 - 32)).toEqual({ channel: 0, rank: 0, group: 3, bank: 3, row: 16383, column: 63 });
  });

  it('a custom field list works like a named one', () => {
    const named = gddr6With('ChRaBaRoCo');
    const custom = gddr6With(JSON.stringify(ADDRESS_MAPPINGS.ChRaBaRoCo));
    for (const a of [0, 32, 2 ** 20 + 96, 2 ** 29 + 2 ** 25]) expect(custom.decode(a)).toEqual(named.decode(a));
  });

  it('bytes within a burst map to the burst', () => {
    const m = gddr6With('RoCoRaBaBgCh');
    expect(m.decode(33)).toEqual(m.decode(32));
    expect(m.decode(63)).toEqual(m.decode(32));
  });
});

describe('ddr4-3200 (one 64-bit channel, 64 B bursts): consecutive bursts walk bank groups', () => {
  it('RoCoRaBaBgCh', () => {
    const m = new AddressMap(loadMemory('ddr4-3200'));
    expect(m.decode(64)).toEqual({ ...ZERO, group: 1 });
    expect(m.decode(64 * 4)).toEqual({ ...ZERO, bank: 1 });
    expect(m.decode(64 * 16)).toEqual({ ...ZERO, column: 1 });
    expect(m.decode(64 * 16 * 128)).toEqual({ ...ZERO, row: 1 });
  });
});

describe('round trips on every preset and mapping', () => {
  for (const preset of listPresets('memory')) {
    for (const mapping of MAPPINGS) {
      it(`${preset}, ${mapping}`, () => {
        const spec = loadMemory(preset, [`controller.addressMapping=${mapping}`]);
        const m = new AddressMap(spec);
        expect(m.totalBytes).toBe(spec.totalBytes);
        const rng = mulberry32(99);
        const pick = (n: number) => Math.floor(rng() * n);
        const o = spec.org;
        for (let i = 0; i < 500; i++) {
          const a: DecodedAddress = {
            channel: pick(o.channels), rank: pick(spec.rankSlots), group: pick(o.bankGroups), bank: pick(o.banksPerGroup),
            row: pick(o.rows), column: pick(spec.burstsPerRow),
          };
          const address = m.encode(a);
          expect(address % spec.accessBytes).toBe(0);
          expect(address).toBeLessThan(spec.totalBytes);
          expect(m.decode(address)).toEqual(a);
          const b = pick(spec.totalBytes / spec.accessBytes) * spec.accessBytes;
          expect(m.encode(m.decode(b))).toBe(b);
        }
        // The corners.
        expect(m.decode(0)).toEqual(ZERO);
        expect(m.decode(spec.totalBytes - 1)).toEqual({
          channel: o.channels - 1, rank: spec.rankSlots - 1, group: o.bankGroups - 1, bank: o.banksPerGroup - 1, row: o.rows - 1, column: spec.burstsPerRow - 1,
        });
      });
    }
  }
});

describe('addresses outside the memory', () => {
  const spec = loadMemory('gddr6');
  const m = new AddressMap(spec);
  it('check() accepts 0 .. totalBytes - 1 and rejects the rest with an InputError naming where', () => {
    expect(() => m.check(0, 'here')).not.toThrow();
    expect(() => m.check(2 ** 30 - 1, 'here')).not.toThrow();
    for (const bad of [2 ** 30, -32, 1.5, Number.NaN]) {
      expect(() => m.check(bad, 'trace.txt:3')).toThrow(InputError);
      expect(() => m.check(bad, 'trace.txt:3')).toThrow(/^trace\.txt:3: address .* is outside the memory/);
    }
  });

  it('replay() refuses a trace with an address past the end, naming file:line', () => {
    const t = parseTrace('R 0x0\n# the first byte past 1 GiB\nR 0x40000000\n', 'big.trace');
    expect(() => replay(spec, t)).toThrow(/^big\.trace:3: address 0x40000000 is outside the memory/);
  });
});

describe('decodeInto (shifts and masks where exact) gives field() for every field', () => {
  // Every preset and mapping, including memories above 4 GiB (addresses past 2^32 take the
  // division path). Field sizes are powers of two (the schema requires it).
  const specs = [
    ...listPresets('memory').flatMap((p) => MAPPINGS.map((m) => [`${p} ${m}`, loadMemory(p, [`controller.addressMapping=${m}`])] as const)),
  ];
  for (const [name, spec] of specs) {
    it(name, () => {
      const map = new AddressMap(spec);
      const rng = mulberry32(name.length);
      const out = new Int32Array(6);
      for (let k = 0; k < 2000; k++) {
        const a = k < 8 ? [0, 1, 31, 2 ** 32 - 1, 2 ** 32, map.totalBytes - 1, 2 ** 31, 2 ** 31 - 1][k] : Math.floor(rng() * map.totalBytes);
        if (a >= map.totalBytes) continue;
        map.decodeInto(a, out);
        expect([...out], `0x${a.toString(16)}`).toEqual([0, 1, 2, 3, 4, 5].map((i) => map.field(a, i)));
      }
    });
  }
});
