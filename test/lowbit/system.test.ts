/**
 * The low-bit PU preset (pim-gpt-lowbit) and what loadSystem derives from it. Hand-computed from
 * the preset: 1 GHz PU on a 0.5 ns tCK (2 DRAM cycles per PU cycle), 256-bit global-buffer reads,
 * 8-bit activations:
 *   bf16:    16 weights x 16 bits = 256 bits -> 1 read; 16 lanes -> 1 cycle  -> spacing 2
 *   int8:    32 x 8 = 256 -> 1 read;           32 lanes -> 1 cycle          -> spacing 2
 *   ternary: 128 x 8 = 1024 -> 4 reads;        128 lanes -> 1 cycle         -> spacing 8
 *   binary:  256 x 8 = 2048 -> 8 reads;        256 lanes -> 1 cycle         -> spacing 16
 */
import { describe, expect, it } from 'vitest';
import { loadSystem } from '../../src/spec/system.js';
import { InputError } from '../../src/util/errors.js';

const pick = (s: ReturnType<typeof loadSystem>) =>
  Object.fromEntries(Object.entries(s.pu.byFormat).map(([k, u]) => [k, [u!.weightsPerColumn, u!.gbReadsPerColumn, u!.puCyclesPerColumn, u!.macSpacingCycles]]));

describe('pim-gpt-lowbit', () => {
  const sys = loadSystem('pim-gpt-lowbit');

  it('per format: weights per column, buffer reads, PU cycles, MAC spacing', () => {
    expect(sys.pu.formats).toEqual(['bf16', 'int8', 'ternary', 'binary']);
    expect(sys.pu.globalBufferReadBits).toBe(256);
    expect(pick(sys)).toEqual({ bf16: [16, 1, 1, 2], int8: [32, 1, 1, 2], ternary: [128, 4, 4, 8], binary: [256, 8, 8, 16] });
    expect(sys.pu.byFormat.ternary!.pack).toBe('ternary-2bit');
    expect(sys.pu.byFormat.int8!.readoutBits).toBe(32);
  });

  it('the timing rules keep the base (bf16) MAC spacing; the rest of the system is pim-gpt', () => {
    const base = loadSystem('pim-gpt');
    expect(sys.pu.macSpacingCycles).toBe(2);
    expect(sys.memory.rules).toEqual(base.memory.rules);
    expect(base.pu.byFormat).toEqual({ bf16: sys.pu.byFormat.bf16 });
    expect(sys.globalBufferBytes).toBe(base.globalBufferBytes);
  });

  it('every field the preset adds has a source', () => {
    for (const k of ['pu.formats', 'pu.globalBufferReadBits', 'pu.formatUnits.int8.lanes', 'pu.formatUnits.ternary.lanes', 'pu.formatUnits.ternary.activationBits', 'pu.formatUnits.binary.lanes', 'pu.formatUnits.binary.activationBits', 'pu.formatUnits.ternary.packing']) {
      expect(sys.sources[k], k).toMatch(/\[(QUANT|AIM)\]|assumed/);
    }
  });

  it('options: wider buffer reads, 2-bit activations, base-3 packing', () => {
    // 1024-bit reads: ternary 128 x 8 / 1024 = 1 read -> 1 cycle; binary 2 reads.
    expect(pick(loadSystem('pim-gpt-lowbit', ['pu.globalBufferReadBits=1024']))).toMatchObject({ ternary: [128, 1, 1, 2], binary: [256, 2, 2, 4] });
    // W2A2: 128 x 2 / 256 = 1 read.
    expect(pick(loadSystem('pim-gpt-lowbit', ['pu.formatUnits.ternary.activationBits=2'])).ternary).toEqual([128, 1, 1, 2]);
    // Base-3: 160 weights per column, 160 x 8 / 256 = 5 reads; 128 lanes -> 2 cycles, reads bind.
    const b3 = loadSystem('pim-gpt-lowbit', ['pu.formatUnits.ternary.packing="ternary-base3"']);
    expect(pick(b3).ternary).toEqual([160, 5, 5, 10]);
    expect(b3.pu.byFormat.ternary!.pack).toBe('ternary-base3');
    // Fewer lanes than the supply: 32 lanes on ternary with 1024-bit reads -> 4 cycles (lanes bind).
    expect(pick(loadSystem('pim-gpt-lowbit', ['pu.globalBufferReadBits=1024', 'pu.formatUnits.ternary.lanes=32'])).ternary).toEqual([128, 1, 4, 8]);
  });
});

describe('bad PU descriptions are input errors naming the field', () => {
  const bad = (sets: string[]) => {
    try {
      loadSystem('pim-gpt-lowbit', sets);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('expected an InputError');
  };

  it('a listed low-bit format without its unit', () => {
    expect(() => loadSystem('pim-gpt', ['pu.formats=["bf16","ternary"]'])).toThrow(/pu.formats lists ternary but pu.formatUnits.ternary .* is missing/);
  });

  it('a unit for a format the PU does not list', () => {
    expect(bad(['pu.formats=["bf16","int8"]'])).toMatch(/pu.formatUnits.ternary describes a format missing from pu.formats/);
  });

  it('activation bits out of range, zero lanes, packing on a non-ternary format', () => {
    expect(bad(['pu.formatUnits.ternary.activationBits=9'])).toMatch(/formatUnits.ternary.activationBits/);
    expect(bad(['pu.formatUnits.ternary.activationBits=0'])).toMatch(/formatUnits.ternary.activationBits/);
    expect(bad(['pu.formatUnits.binary.lanes=0'])).toMatch(/formatUnits.binary.lanes/);
    expect(bad(['pu.formatUnits.int8.packing="ternary-base3"'])).toMatch(/packing applies to ternary only/);
    expect(bad(['pu.globalBufferReadBits=-256'])).toMatch(/globalBufferReadBits/);
  });
});
