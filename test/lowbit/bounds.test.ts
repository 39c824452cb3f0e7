/**
 * The bound explanation (lowbitBounds.ts) and the accuracy notes (lowbitQuality.ts), against hand
 * figures: on pim-gpt-lowbit a column takes max(column rate nCCD 2 x 0.5 = 1 ns, buffer reads x
 * 1 ns, lane cycles x 1 ns).
 */
import { describe, expect, it } from 'vitest';
import { explainLowBit, formatBound } from '../../src/results/lowbitBounds.js';
import { qualityNote } from '../../src/results/lowbitQuality.js';
import { loadSystem } from '../../src/spec/system.js';

const sys = loadSystem('pim-gpt-lowbit');
const wide = loadSystem('pim-gpt-lowbit', ['pu.globalBufferReadBits=1024']);

describe('per-format column bounds', () => {
  it('ternary on 256-bit reads: the activation supply, 4 ns per column = 2x BF16; 8x at the column rate with 1024-bit reads', () => {
    expect(formatBound(sys, sys.pu.byFormat.ternary!)).toMatchObject({
      columnRateNs: 1, activationSupplyNs: 4, lanesNs: 1, macNsPerColumn: 4, bound: 'activation-supply',
      weightsPerNsPerBank: 32, macRateOverBf16: 2, macRateOverBf16AtColumnRate: 8, globalBufferReadBitsForColumnRate: 1024,
    });
  });

  it('binary: 8 reads -> 2x; 16x at the column rate with 2048-bit reads', () => {
    expect(formatBound(sys, sys.pu.byFormat.binary!)).toMatchObject({ activationSupplyNs: 8, bound: 'activation-supply', macRateOverBf16: 2, macRateOverBf16AtColumnRate: 16, globalBufferReadBitsForColumnRate: 2048 });
  });

  it('int8 and bf16 already run at the DRAM column rate', () => {
    expect(formatBound(sys, sys.pu.byFormat.int8!)).toMatchObject({ bound: 'dram-column-rate', macRateOverBf16: 2 });
    expect(formatBound(sys, sys.pu.byFormat.bf16!)).toMatchObject({ bound: 'dram-column-rate', macRateOverBf16: 1 });
  });

  it('with 1024-bit reads ternary reaches the column rate (8x) and binary is at 2 ns (8x)', () => {
    expect(formatBound(wide, wide.pu.byFormat.ternary!)).toMatchObject({ bound: 'dram-column-rate', macRateOverBf16: 8 });
    expect(formatBound(wide, wide.pu.byFormat.binary!)).toMatchObject({ bound: 'activation-supply', macRateOverBf16: 8, macRateOverBf16AtColumnRate: 16 });
  });

  it('too few lanes: the lanes bind', () => {
    const s = loadSystem('pim-gpt-lowbit', ['pu.globalBufferReadBits=1024', 'pu.formatUnits.ternary.lanes=32']);
    expect(formatBound(s, s.pu.byFormat.ternary!)).toMatchObject({ lanesNs: 4, bound: 'pu-lanes' });
  });
});

describe('the active bound of a run', () => {
  const formats = { bankColumnsByPrecision: { ternary: 3000, bf16: 1000 }, macCommandsByPrecision: {} };
  const breakdown = (mac: number, act: number, asic: number) => ({ mac, activatePrecharge: act, loadReadout: 0, refresh: 0, asic, waiting: 0 });

  it('MAC time dominated by ternary columns under the activation supply', () => {
    const e = explainLowBit(sys, formats, breakdown(1000, 300, 200));
    expect(e.activeBound).toBe('activation-supply');
    // MAC split by bank columns x spacing: ternary 3000 x 8 = 24000, bf16 1000 x 2 = 2000.
    expect(e.formats.find((f) => f.precision === 'ternary')!.macNsPerToken).toBeCloseTo((1000 * 24000) / 26000, 9);
    // At the column rate the ternary MAC time shrinks 4x: 1500 - 923.08 x 3/4.
    expect(e.tokenNsAtColumnRate).toBeCloseTo(1500 - ((1000 * 24000) / 26000) * 0.75, 9);
    expect(e.tokenNsWithoutMac).toBe(500);
    expect(e.explanation).toMatch(/Active bound: MAC time, mostly ternary under the global-buffer activation supply/);
  });

  it('row activations or non-GEMV work when they exceed the MAC time', () => {
    expect(explainLowBit(sys, formats, breakdown(100, 300, 200)).activeBound).toBe('gemv-overhead');
    expect(explainLowBit(sys, formats, breakdown(100, 50, 200)).activeBound).toBe('non-gemv');
  });
});

describe('accuracy notes quote [QUALITY] with sources', () => {
  it('ternary W2A8 and W2A2, binary W1A8 and W1A1', () => {
    const t8 = qualityNote('ternary', 8);
    expect(t8.figures.find((f) => f.benchmark === 'BART-base CNN/DailyMail')).toMatchObject({ fullPrecision: 44.9, lowBit: 43.46, setting: 'W2A8' });
    expect(t8.figures.every((f) => f.source.startsWith('[QUALITY]'))).toBe(true);
    expect(qualityNote('ternary', 2).figures.map((f) => f.lowBit)).toEqual([41.03, 36.21]);
    expect(qualityNote('binary', 8).figures.map((f) => f.lowBit)).toEqual([42.66, 40.96, 17.6]);
    expect(qualityNote('binary', 1).figures.map((f) => f.lowBit)).toEqual([35.56, 31.68]);
  });

  it('int8 has no cited figure and says so; bf16 costs nothing', () => {
    expect(qualityNote('int8', 8)).toMatchObject({ figures: [] });
    expect(qualityNote('int8', 8).summary).toMatch(/no figure in \[QUALITY\]/);
    expect(qualityNote('bf16', 16).summary).toMatch(/full-precision reference/);
  });
});
