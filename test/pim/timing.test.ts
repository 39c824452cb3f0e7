/**
 * Command timing of whole instructions: small programs run through runProgram with a command log,
 * every command's cycle computed by hand from the preset values (written out beside each case).
 *
 * pim-gpt (gddr6-aim, tCK 0.5 ns): nBL 2, nCL 50, nCWL 6, nRCDMAC 56, nRP 32, nRAS 54, nRC 89,
 * nRTP 12, nRDMAC 12, nCCDS 2, nWTRS 9, nRFC 210, nREFI 3333; derived MAC16 spacing 2 (1 GHz PU)
 * and link 2 cycles per 32 B (32 GB/s).
 * hbm-pim (hbm2-pim, tCK 1 ns): nRCDMAC 14, nRP 14, nRAS 34, nRC 48, nRTP 5, nRDMAC 8; derived MAC16
 * spacing 7 (300 MHz PU shared by 2 banks).
 *
 * Both fidelities must log the same commands at the same cycles.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../src/dram/commands.js';
import { buildProgram, type InstructionInput } from '../../src/pim/program.js';
import { runProgram, type PimStats } from '../../src/pim/run.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';

interface Cmd {
  readonly cmd: CommandName;
  readonly cycle: number;
  readonly row: number;
  readonly col: number;
}

function run(system: SystemSpec, items: InstructionInput[]): { stats: PimStats; log: Cmd[] } {
  const out: { stats: PimStats; log: Cmd[] }[] = [];
  for (const fidelity of ['command', 'fast'] as const) {
    const log: Cmd[] = [];
    const stats = runProgram(system, buildProgram(items, system, 'hand'), {
      fidelity,
      onCommand: (cmd, channel, _rank, _g, _b, row, col, cycle) => {
        if (channel === 0) log.push({ cmd: COMMAND_NAMES[cmd], cycle, row, col });
      },
    });
    out.push({ stats, log });
  }
  expect(out[1].log).toEqual(out[0].log);
  expect({ ...out[1].stats, fidelity: 'command' }).toEqual(out[0].stats);
  return out[0];
}

const times = (log: Cmd[], cmd: CommandName) => log.filter((c) => c.cmd === cmd).map((c) => c.cycle);
const seq = (from: number, n: number, step: number) => Array.from({ length: n }, (_, k) => from + k * step);

describe('pim-gpt: hand-computed command sequences', () => {
  const sys = loadSystem('pim-gpt');
  const t = sys.memory.timing;

  it('the preset holds the values the cases are computed from', () => {
    expect(t).toMatchObject({ nBL: 2, nCL: 50, nCWL: 6, nRCDMAC: 56, nRP: 32, nRAS: 54, nRC: 89, nRTP: 12, nRDMAC: 12, nCCDS: 2, nWTRS: 9, nRFC: 210, nREFI: 3333 });
    expect(sys.pu.macSpacingCycles).toBe(2);
    expect(sys.linkCyclesPerAccess).toBe(2);
  });

  it('WR_GB, MAC, RD_MAC, a row switch, a row hit', () => {
    const { stats, log } = run(sys, [
      { id: 'gb', op: 'WR_GB', channel: 0, bytes: 128 },
      { id: 'm1', op: 'MAC', channel: 0, banks: 'all', row: 5, col: 0, cols: 8, deps: ['gb'] },
      { id: 'r1', op: 'RD_MAC', channel: 0, deps: ['m1'] },
      { id: 'm2', op: 'MAC', channel: 0, banks: 'all', row: 9, col: 4, cols: 2, deps: ['r1'] },
      { id: 'gb2', op: 'WR_GB', channel: 0, bytes: 64, deps: ['m2'] },
      { id: 'm3', op: 'MAC', channel: 0, banks: 'all', row: 9, col: 6, cols: 1, deps: ['gb2'] },
      { id: 'r2', op: 'RD_MAC', channel: 0, deps: ['m3'] },
    ]);
    // WRGB x4 (128 B / 32 B) every max(nBL, link) = 2 cycles: 0, 2, 4, 6.
    // ACT16 on the next command-bus cycle, 7; the first MAC16 nRCDMAC later: 7 + 56 = 63
    //   (WRGB -> MAC16 needs only 6 + nCWL + nBL = 14); then every 2: 63 .. 77.
    // RDMAC16: last MAC16 + nRDMAC = 77 + 12 = 89.
    // PREA: max(last MAC16 + nRTP = 89, ACT16 + nRAS = 61, bus after RDMAC16 = 90) = 90.
    // ACT16: max(PREA + nRP = 122, ACT16 + nRC = 96) = 122; MAC16 at 122 + 56 = 178, 180.
    // WRGB x2 right after: 181, 183. The row-9 MAC hits: max(183 + nCWL + nBL = 191, 180 + 2) = 191.
    // RDMAC16: max(191 + nRDMAC = 203, WRGB -> RDMAC16 183 + nCWL + nBL + nWTRS = 200) = 203.
    expect(log.map((c) => `${c.cmd}@${c.cycle}`)).toEqual([
      ...seq(0, 4, 2).map((c) => `WRGB@${c}`),
      'ACT16@7',
      ...seq(63, 8, 2).map((c) => `MAC16@${c}`),
      'RDMAC16@89',
      'PREA@90',
      'ACT16@122',
      'MAC16@178', 'MAC16@180',
      'WRGB@181', 'WRGB@183',
      'MAC16@191',
      'RDMAC16@203',
    ]);
    // Rows and columns as addressed.
    expect(log.filter((c) => c.cmd === 'MAC16').map((c) => `${c.row}:${c.col}`)).toEqual([
      ...seq(0, 8, 1).map((k) => `5:${k}`), '9:4', '9:5', '9:6',
    ]);
    // The run ends when the last result is on the bus: 203 + nCL + nBL = 255.
    expect(stats.cycles).toBe(255);
    expect(stats.commands).toEqual({ WRGB: 6, ACT16: 2, MAC16: 11, RDMAC16: 2, PREA: 1 });
    // Bank columns 11 x 16 = 176; activations 2 x 16 = 32: hit rate 1 - 32 / 176.
    expect(stats.activations).toBe(32);
    expect(stats.rowHitRate).toBeCloseTo(1 - 32 / 176, 12);
  });

  it('a MAC block: 2 rows x 2 segments with a readout after each segment', () => {
    const { stats, log } = run(sys, [
      { id: 'gb', op: 'WR_GB', channel: 0, bytes: 256 },
      { id: 'blk', op: 'MAC', channel: 0, banks: 'all', row: 20, col: 0, cols: 4, rows: 2, segments: 2, readout: true, deps: ['gb'] },
    ]);
    // WRGB x8: 0 .. 14. ACT16 15; MAC16 15 + 56 = 71 .. 77 (cols 0-3); RDMAC16 77 + 12 = 89;
    // MAC16 (cols 4-7) max(RDMAC16 + nCCDS = 91, bus 90) = 91 .. 97; RDMAC16 97 + 12 = 109.
    // Row 21: PREA max(97 + nRTP = 109, bus 110) = 110; ACT16 110 + nRP = 142; MAC16 198 .. 204;
    // RDMAC16 216; MAC16 218 .. 224; RDMAC16 236. Done at 236 + nCL + nBL = 288.
    expect(log.map((c) => `${c.cmd}@${c.cycle}`)).toEqual([
      ...seq(0, 8, 2).map((c) => `WRGB@${c}`),
      'ACT16@15', ...seq(71, 4, 2).map((c) => `MAC16@${c}`), 'RDMAC16@89', ...seq(91, 4, 2).map((c) => `MAC16@${c}`), 'RDMAC16@109',
      'PREA@110', 'ACT16@142', ...seq(198, 4, 2).map((c) => `MAC16@${c}`), 'RDMAC16@216', ...seq(218, 4, 2).map((c) => `MAC16@${c}`), 'RDMAC16@236',
    ]);
    expect(log.filter((c) => c.cmd === 'MAC16').map((c) => `${c.row}:${c.col}`)).toEqual([
      ...seq(0, 8, 1).map((k) => `20:${k}`), ...seq(0, 8, 1).map((k) => `21:${k}`),
    ]);
    expect(stats.cycles).toBe(288);
  });

  it('a MAC block with a segment stride MACs each segment from its own start column', () => {
    const { log } = run(sys, [{ id: 'blk', op: 'MAC', channel: 0, banks: 'all', row: 2, col: 1, cols: 3, segments: 3, segmentStride: 20, readout: true }]);
    // Segments start at 1, 21, 41; 3 columns each; same timing as a contiguous block.
    expect(log.filter((c) => c.cmd === 'MAC16').map((c) => c.col)).toEqual([1, 2, 3, 21, 22, 23, 41, 42, 43]);
    expect(times(log, 'RDMAC16').length).toBe(3);
  });

  it('single-bank MAC, WR and RD use ACT/PRE on their own bank', () => {
    const { log } = run(sys, [
      { id: 'w', op: 'WR', channel: 0, banks: [1, 2], row: 3, col: 0, count: 2 },
      { id: 'm', op: 'MAC', channel: 0, banks: [1, 2], row: 3, col: 0, cols: 2, deps: ['w'] },
      { id: 'r', op: 'RD', channel: 0, banks: [1, 2], row: 4, col: 0, count: 1, deps: ['m'] },
    ]);
    // ACT 0; WR at nRCDWR 28, 30 (nCCDL 2 / nBL 2). MAC: WR -> MAC (bank group) nCWL + nBL + nWTRL =
    // 6 + 2 + 11 = 19 after 30 = 49 (nRCDMAC from ACT: 56) -> 56, 58.
    // PRE: max(ACT + nRAS = 54, MAC + nRTP = 70, WR + nCWL + nBL + nWR = 30 + 41 = 71) = 71.
    // ACT: PRE + nRP = 103 (ACT + nRC = 89). RD: ACT + nRCDRD 36 = 139.
    expect(log.map((c) => `${c.cmd}@${c.cycle}`)).toEqual(['ACT@0', 'WR@28', 'WR@30', 'MAC@56', 'MAC@58', 'PRE@71', 'ACT@103', 'RD@139']);
  });

  it('WRGB spacing follows the link: at 8 GB/s a 32 B transfer takes 4 ns = 8 cycles', () => {
    const slow = loadSystem('pim-gpt', ['link.bandwidthPerChannel="8 GB/s"']);
    expect(slow.linkCyclesPerAccess).toBe(8);
    const { log } = run(slow, [{ id: 'gb', op: 'WR_GB', channel: 0, bytes: 128 }]);
    expect(times(log, 'WRGB')).toEqual([0, 8, 16, 24]);
  });

  it('MAC16 spacing follows the PU clock: at 250 MHz one column takes 4 ns = 8 cycles', () => {
    const slow = loadSystem('pim-gpt', ['pu.clock="250 MHz"']);
    expect(slow.pu.macSpacingCycles).toBe(8);
    const { log } = run(slow, [{ id: 'm', op: 'MAC', channel: 0, banks: 'all', row: 0, col: 0, cols: 4 }]);
    // ACT16 at 0, MAC16 from nRCDMAC = 56 every 8.
    expect(times(log, 'MAC16')).toEqual([56, 64, 72, 80]);
  });

  it('refresh: PREA, REFab nRP later, the next ACT16 nRFC after REFab, once per nREFI', () => {
    // 40 rows of 64 MAC columns: about 40 x 227 = 9080 cycles, so refresh falls due twice.
    const items: InstructionInput[] = Array.from({ length: 40 }, (_, r) => ({ id: `m${r}`, op: 'MAC', channel: 0, banks: 'all', row: r, col: 0, cols: 64 }) as InstructionInput);
    const { stats, log } = run(sys, items);
    const refs = times(log, 'REFab');
    expect(refs.length).toBe(Math.floor(stats.cycles / 3333));
    refs.forEach((r, k) => {
      // Due at (k + 1) x nREFI; taken at the next row boundary (at most one row of 64 MACs late).
      expect(r).toBeGreaterThanOrEqual((k + 1) * 3333);
      expect(r).toBeLessThan((k + 1) * 3333 + 300);
      const at = log.findIndex((c) => c.cmd === 'REFab' && c.cycle === r);
      expect(log[at - 1]).toMatchObject({ cmd: 'PREA', cycle: r - 32 });
      expect(log[at + 1]).toMatchObject({ cmd: 'ACT16', cycle: r + 210 });
    });
  });
});

describe('hbm-pim: hand-computed command sequences', () => {
  const sys = loadSystem('hbm-pim');

  it('the preset holds the values the cases are computed from', () => {
    expect(sys.memory.timing).toMatchObject({ nRCDMAC: 14, nRP: 14, nRAS: 34, nRC: 48, nRTP: 5, nRDMAC: 8, nBL: 2, nCL: 14 });
    expect(sys.pu.macSpacingCycles).toBe(7);
  });

  it('short rows: PREA waits for nRAS (not nRTP); MAC16 every 7 cycles', () => {
    const { stats, log } = run(sys, [
      { id: 'm1', op: 'MAC', channel: 0, banks: 'all', row: 1, col: 0, cols: 3 },
      { id: 'm2', op: 'MAC', channel: 0, banks: 'all', row: 2, col: 0, cols: 1, deps: ['m1'] },
      { id: 'r', op: 'RD_MAC', channel: 0, deps: ['m2'] },
    ]);
    // ACT16 0; MAC16 14, 21, 28; PREA max(28 + nRTP = 33, 0 + nRAS = 34) = 34; ACT16 max(34 + nRP,
    // 0 + nRC) = 48; MAC16 62; RDMAC16 62 + nRDMAC = 70; done 70 + nCL + nBL = 86.
    expect(log.map((c) => `${c.cmd}@${c.cycle}`)).toEqual(['ACT16@0', 'MAC16@14', 'MAC16@21', 'MAC16@28', 'PREA@34', 'ACT16@48', 'MAC16@62', 'RDMAC16@70']);
    expect(stats.cycles).toBe(86);
  });
});

describe('channels run in parallel; dependencies cross them', () => {
  const sys = loadSystem('pim-gpt');

  it('"all" replicates an instruction per channel with identical timing', () => {
    const { stats } = run(sys, [
      { id: 'gb', op: 'WR_GB', channel: 'all', bytes: 64 },
      { id: 'm', op: 'MAC', channel: 'all', banks: 'all', row: 0, col: 0, cols: 2, deps: ['gb'] },
      { id: 'r', op: 'RD_MAC', channel: 'all', deps: ['m'] },
    ]);
    // WRGB 0, 2; ACT16 3; MAC16 59, 61; RDMAC16 73; done 73 + 52 = 125.
    expect(stats.cycles).toBe(125);
    expect(stats.commands).toEqual({ WRGB: 16, ACT16: 8, MAC16: 16, RDMAC16: 8 });
    expect(new Set(stats.perChannel.map((c) => c.busyNs)).size).toBe(1);
  });

  it('an instruction on channel 1 waits for a result read on channel 0 (data on the host)', () => {
    const log1: number[] = [];
    const items: InstructionInput[] = [
      { id: 'r0', op: 'RD_MAC', channel: 0 },
      { id: 'gb1', op: 'WR_GB', channel: 1, bytes: 32, deps: ['r0'] },
    ];
    runProgram(sys, buildProgram(items, sys), { fidelity: 'command', onCommand: (cmd, ch, _r, _g, _b, _row, _col, cycle) => { if (ch === 1) log1.push(cycle); } });
    // RDMAC16 at 0; its data is on the host at 0 + nCL + nBL = 52, so the WRGB on channel 1 issues at 52.
    expect(log1).toEqual([52]);
  });

  it('the ASIC runs a reduce after the readouts it depends on', () => {
    const items: InstructionInput[] = [
      { id: 'r', op: 'RD_MAC', channel: 'all' },
      { id: 'sum', op: 'ASIC', kind: 'reduce', elements: 128, deps: ['r'] },
    ];
    const stats = runProgram(sys, buildProgram(items, sys));
    // The reduce starts at 52 and takes asicBusyNs; the run ends when it does.
    expect(stats.asicBusyNs).toBeGreaterThan(0);
    expect(stats.ns).toBeCloseTo(52 * 0.5 + stats.asicBusyNs, 6);
  });
});
