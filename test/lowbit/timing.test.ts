/**
 * Timing of low-bit MACs: each format's own MAC spacing (a ternary column waits for four 256-bit
 * buffer reads: 8 DRAM cycles), the readout waiting for the last column's extra PU cycles, several
 * readout words, and the exactness of the fast path (runs and repeat skipping) against command
 * fidelity. pim-gpt-lowbit timing (tCK 0.5 ns): nRCDMAC 56, nRDMAC 2, nCWL 6, nBL 2, nWTRS 9,
 * nCCDS 2, nCLREG 0, nCWLREG 1, nMODCH 32, link 2 cycles per 32 B; MAC spacing bf16 2, ternary 8 (extra 6),
 * binary 16. WRGB and RDMAC16 run in register mode, MACs in bank mode (a TMOD between, see
 * test/pim/timing.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../src/spec/commands.js';
import { buildProgram, type InstructionInput } from '../../src/pim/program.js';
import { PimMachine, runProgram, type PimStats } from '../../src/pim/run.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';
import { gemvItems, planGemv } from '../../src/mapping/gemv.js';
import { lowBitRunStats } from '../../src/pim/lowbitStats.js';
import type { Fidelity } from '../../src/pim/sequencer.js';

const sys = loadSystem('pim-gpt-lowbit');

function run(system: SystemSpec, items: InstructionInput[]): { stats: PimStats; log: string[] } {
  const out: { stats: PimStats; log: string[] }[] = [];
  for (const fidelity of ['command', 'fast'] as const) {
    const log: string[] = [];
    const stats = runProgram(system, buildProgram(items, system, 'hand'), {
      fidelity,
      onCommand: (cmd, channel, _r, _g, _b, _row, _col, cycle) => {
        if (channel === 0) log.push(`${COMMAND_NAMES[cmd]}@${cycle}`);
      },
    });
    out.push({ stats, log });
  }
  expect(out[1].log).toEqual(out[0].log);
  expect({ ...out[1].stats, fidelity: 'command' }).toEqual(out[0].stats);
  return out[0];
}
const seq = (cmd: CommandName, from: number, n: number, step: number) => Array.from({ length: n }, (_, k) => `${cmd}@${from + k * step}`);

describe('hand-computed low-bit command sequences', () => {
  it('ternary block: MAC16 every 8 cycles; 4 readout words after the last column is done', () => {
    const { stats, log } = run(sys, [
      { id: 'gb', op: 'WR_GB', channel: 0, bytes: 64 },
      { id: 'blk', op: 'MAC', channel: 0, banks: 'all', row: 20, col: 0, cols: 3, segments: 2, readout: true, readoutWords: 4, precision: 'ternary', deps: ['gb'] },
    ]);
    // TMOD 0; WRGB 32, 34; TMOD 35; ACT16 67; MAC16 67 + nRCDMAC = 123, then every 8: 123, 131, 139.
    // RDMAC16 could issue at max(139 + nRDMAC = 141, 139 + extra 6 + nRDMAC = 147, WRGB -> RD
    // 34 + nCWLREG 1 + 2 + 9 = 46) = 147: TMOD 147, words from 179 every 2: 179 .. 185.
    // Segment 2: MAC16 could issue at max(RDMAC16 + nCCDS = 187, PU free 139 + 8 = 147) = 187: TMOD
    // 187, MAC16 219, 227, 235; RDMAC16 could issue at 235 + 8 = 243: TMOD 243, words 275 .. 281.
    // Done when the last word is on the bus: 281 + nCLREG + nBL = 283.
    expect(log).toEqual([
      'TMOD@0', 'WRGB@32', 'WRGB@34', 'TMOD@35', 'ACT16@67', ...seq('MAC16', 123, 3, 8), 'TMOD@147', ...seq('RDMAC16', 179, 4, 2),
      'TMOD@187', ...seq('MAC16', 219, 3, 8), 'TMOD@243', ...seq('RDMAC16', 275, 4, 2),
    ]);
    expect(stats.cycles).toBe(283);
    expect(stats.commands).toEqual({ WRGB: 2, ACT16: 1, MAC16: 6, RDMAC16: 8, TMOD: 5 });
  });

  it('binary MACs every 16 cycles; a bf16 MAC after them waits for the PU, then runs at its own pace', () => {
    const { log } = run(sys, [
      { id: 'm1', op: 'MAC', channel: 0, banks: 'all', row: 5, col: 0, cols: 2, precision: 'binary' },
      { id: 'm2', op: 'MAC', channel: 0, banks: 'all', row: 5, col: 2, cols: 3, deps: ['m1'] },
    ]);
    // ACT16 0; binary MAC16 56, 72; bf16 MAC16 max(72 + 2, PU free 72 + 16 = 88) = 88, 90, 92.
    expect(log).toEqual(['ACT16@0', 'MAC16@56', 'MAC16@72', 'MAC16@88', 'MAC16@90', 'MAC16@92']);
  });

  it('single-bank low-bit MACs hold only their own bank PU', () => {
    const { log } = run(sys, [
      { id: 'x', op: 'MAC', channel: 0, banks: [1, 0], row: 1, col: 0, cols: 1, precision: 'ternary' },
      { id: 'a', op: 'MAC', channel: 0, banks: [0, 0], row: 1, col: 0, cols: 2, precision: 'ternary' },
      { id: 'b', op: 'MAC', channel: 0, banks: [1, 0], row: 1, col: 1, cols: 1, precision: 'ternary' },
      { id: 'c', op: 'MAC', channel: 0, banks: [0, 0], row: 1, col: 2, cols: 1, precision: 'ternary' },
    ]);
    // Bank (1,0): ACT 0, MAC 56. Bank (0,0): ACT 57 (the next bus cycle; nRRD 11 is met), MAC 113, 121.
    // Bank (1,0) again: its PU is free since 64, so only nCCD: 123. Bank (0,0): its PU until 121 + 8 = 129.
    expect(log).toEqual(['ACT@0', 'MAC@56', 'ACT@57', 'MAC@113', 'MAC@121', 'MAC@123', 'MAC@129']);
  });
});

describe('the fast path stays exact with per-format spacing (repeat skipping on)', () => {
  const stats = (items: InstructionInput[], fidelity: Fidelity, system = sys) => {
    const machine = new PimMachine(system, { fidelity });
    machine.run(buildProgram(items, system, 'g', undefined, true));
    return { stats: machine.stats(), formats: lowBitRunStats(machine) };
  };
  const cases: [string, number, number, 'ternary' | 'binary' | 'int8' | 'bf16'][] = [
    ['ternary: many rows per chunk (row repeats)', 16384, 4096, 'ternary'],
    ['binary: 15 segments per row (segment repeats)', 8192, 1000, 'binary'],
    ['int8: several chunks', 4096, 3000, 'int8'],
  ];
  for (const [what, M, K, p] of cases) {
    it(`${what}: ${M} x ${K}, fast = command`, () => {
      const plan = planGemv(sys, M, K, { precision: p });
      const items = gemvItems(sys, plan).items;
      const a = stats(items, 'fast'), b = stats(items, 'command');
      expect({ ...a.stats, fidelity: 'command' }).toEqual(b.stats);
      expect(a.formats).toEqual(b.formats);
      expect(b.stats.commands.REFab).toBeGreaterThan(0);
    });
  }

  it('mixed formats back to back on every channel (ternary, bf16, binary GEMVs): fast = command', () => {
    const items: InstructionInput[] = [];
    let deps: string[] = [];
    let row = 0;
    for (const [k, p] of (['ternary', 'bf16', 'binary'] as const).entries()) {
      const plan = planGemv(sys, 3000, 1500, { precision: p, rowBase: row });
      row += plan.dramRowsPerBank;
      const g = gemvItems(sys, plan, { prefix: `g${k}`, deps });
      items.push(...g.items);
      deps = [g.done];
    }
    const a = stats(items, 'fast'), b = stats(items, 'command');
    expect({ ...a.stats, fidelity: 'command' }).toEqual(b.stats);
    expect(a.formats).toEqual(b.formats);
    // Each format's bank columns: rows x ceil(K / weights per column), rounded up to whole segments per bank.
    expect(Object.keys(b.formats.bankColumnsByPrecision).sort()).toEqual(['bf16', 'binary', 'ternary']);
    const total = Object.values(b.formats.bankColumnsByPrecision).reduce((x, y) => x + y!, 0);
    expect(total).toBe((b.stats.commands.MAC16 ?? 0) * 16);
  });
});

describe('the low-bit MAC rate', () => {
  it('a ternary GEMV takes fewer cycles than the same bf16 GEMV, and its MAC time is 4 cycles x 8 per 128 weights', () => {
    const M = 8192, K = 2048;
    const t = (p: 'bf16' | 'ternary') => {
      const plan = planGemv(sys, M, K, { precision: p });
      return runProgram(sys, buildProgram(gemvItems(sys, plan).items, sys, 'g', undefined, true));
    };
    const bf = t('bf16'), te = t('ternary');
    expect(te.cycles).toBeLessThan(bf.cycles);
    // Ternary MAC16s: 8192 x 2048 / 128 / 128 banks = 1024 per channel-bank... per channel 1024 x 16 / 16:
    // bank columns = M x K / 128 = 131072, MAC16 = 131072 / 16 = 8192 (1024 per channel).
    expect(te.commands.MAC16).toBe(8192);
    expect(bf.commands.MAC16).toBe(65536);
    // MAC time per channel: each MAC16 is charged its spacing (8 cycles = 4 ns), give or take the last of each run.
    expect(te.breakdownNs.mac).toBeGreaterThan(1024 * 4 * 0.9);
  });
});
