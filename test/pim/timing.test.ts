/**
 * Command timing of whole instructions: small programs run through runProgram with a command log,
 * every command's cycle computed by hand from the preset values (written out beside each case).
 *
 * pim-gpt (gddr6-aim, tCK 0.5 ns): nBL 2, nCL 50, nCWL 6, nRCDMAC 56, nRP 32, nRAS 54, nRC 89,
 * nRTP 12, nRDMAC 2, nCCDS 2, nWTRS 9, nRFC 210, nREFI 3333, nMODCH 32, nCLREG 0, nRTWREG 5, nCWLREG 1; one
 * command per cycle; derived MAC16 spacing 2 (1 GHz PU) and link 2 cycles per 32 B (32 GB/s).
 * Register mode: WRGB, WRBIAS and RDMAC16 only in register mode, the rest in bank mode; a channel
 * starts in bank mode; a TMOD goes out when the command needing it could issue (its own bound:
 * nMODCH after the previous TMOD), and every command waits nMODCH after it.
 * hbm-pim (hbm2-pim, tCK 1 ns): nRCDMAC 14, nRP 14, nRAS 34, nRC 48, nRTP 5, nRDMAC 8; derived MAC16
 * spacing 7 (300 MHz PU shared by 2 banks).
 *
 * Both fidelities must log the same commands at the same cycles.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../src/spec/commands.js';
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
    expect(t).toMatchObject({ nBL: 2, nCL: 50, nCWL: 6, nRCDMAC: 56, nRP: 32, nRAS: 54, nRC: 89, nRTP: 12, nRDMAC: 2, nCCDS: 2, nWTRS: 9, nRFC: 210, nREFI: 3333, nMODCH: 32, nCLREG: 0, nRTWREG: 5, nCWLREG: 1 });
    expect(sys.memory.registerMode).toEqual({ switch: 'TMOD', commands: ['WRGB', 'WRBIAS', 'RDMAC16'] });
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
    // TMOD 0 (bank -> register); WRGB x4 (128 B / 32 B) nMODCH later, every max(nBL, link) = 2: 32 .. 38.
    // m1: TMOD on the next command-bus cycle, 39 (ACT16 could issue there); ACT16 39 + 32 = 71;
    //   MAC16 from 71 + nRCDMAC = 127 every 2: 127 .. 141 (WRGB -> MAC16 needs only 38 + 3).
    // r1: RDMAC16 could issue at 141 + nRDMAC = 143: TMOD 143, RDMAC16 175.
    // m2 (row 9): PREA could issue at max(141 + nRTP = 153, 71 + nRAS = 125, bus 176) = 176: TMOD 176
    //   (the last TMOD + 32 = 175), PREA 208; ACT16 max(208 + nRP = 240, 71 + nRC = 160) = 240;
    //   MAC16 296, 298.
    // gb2: WRGB could issue at 299 (RDMAC16 -> WRGB nRTWREG: 180): TMOD 299, WRGB 331, 333.
    // m3 (row 9 hits): MAC16 could issue at 333 + nCWLREG + nBL = 336: TMOD 336, MAC16 368.
    // r2: RDMAC16 could issue at 368 + nRDMAC = 370 (WRGB -> RDMAC16: 333 + 1 + 2 + nWTRS = 345):
    //   TMOD 370 (336 + 32 = 368), RDMAC16 402.
    expect(log.map((c) => `${c.cmd}@${c.cycle}`)).toEqual([
      'TMOD@0',
      ...seq(32, 4, 2).map((c) => `WRGB@${c}`),
      'TMOD@39',
      'ACT16@71',
      ...seq(127, 8, 2).map((c) => `MAC16@${c}`),
      'TMOD@143',
      'RDMAC16@175',
      'TMOD@176',
      'PREA@208',
      'ACT16@240',
      'MAC16@296', 'MAC16@298',
      'TMOD@299',
      'WRGB@331', 'WRGB@333',
      'TMOD@336',
      'MAC16@368',
      'TMOD@370',
      'RDMAC16@402',
    ]);
    // Rows and columns as addressed.
    expect(log.filter((c) => c.cmd === 'MAC16').map((c) => `${c.row}:${c.col}`)).toEqual([
      ...seq(0, 8, 1).map((k) => `5:${k}`), '9:4', '9:5', '9:6',
    ]);
    // The run ends when the last result is on the bus: 402 + nCLREG + nBL = 404.
    expect(stats.cycles).toBe(404);
    expect(stats.commands).toEqual({ WRGB: 6, ACT16: 2, MAC16: 11, RDMAC16: 2, PREA: 1, TMOD: 7 });
    // Bank columns 11 x 16 = 176; activations 2 x 16 = 32: hit rate 1 - 32 / 176.
    expect(stats.activations).toBe(32);
    expect(stats.rowHitRate).toBeCloseTo(1 - 32 / 176, 12);
    // The wait after each of the 7 switches (nMODCH) is 'mode' time, averaged over the 8 channels.
    expect(stats.breakdownNs.mode).toBe((7 * 32 * 0.5) / 8);
  });

  it('a MAC block: 2 rows x 2 segments with a readout after each segment', () => {
    const { stats, log } = run(sys, [
      { id: 'gb', op: 'WR_GB', channel: 0, bytes: 256 },
      { id: 'blk', op: 'MAC', channel: 0, banks: 'all', row: 20, col: 0, cols: 4, rows: 2, segments: 2, readout: true, deps: ['gb'] },
    ]);
    // TMOD 0; WRGB x8: 32 .. 46. TMOD 47; ACT16 79; MAC16 79 + 56 = 135 .. 141 (cols 0-3);
    // TMOD 143 (141 + nRDMAC), RDMAC16 175; TMOD 177 (RDMAC16 -> MAC16 nCCDS), MAC16 (cols 4-7)
    // 209 .. 215; TMOD 217, RDMAC16 249.
    // Row 21: PREA could issue at max(215 + nRTP = 227, bus 250): TMOD 250, PREA 282; ACT16 314;
    // MAC16 370 .. 376; TMOD 378, RDMAC16 410; TMOD 412, MAC16 444 .. 450; TMOD 452, RDMAC16 484.
    // Done at 484 + nCLREG + nBL = 486.
    expect(log.map((c) => `${c.cmd}@${c.cycle}`)).toEqual([
      'TMOD@0', ...seq(32, 8, 2).map((c) => `WRGB@${c}`),
      'TMOD@47', 'ACT16@79', ...seq(135, 4, 2).map((c) => `MAC16@${c}`), 'TMOD@143', 'RDMAC16@175',
      'TMOD@177', ...seq(209, 4, 2).map((c) => `MAC16@${c}`), 'TMOD@217', 'RDMAC16@249',
      'TMOD@250', 'PREA@282', 'ACT16@314', ...seq(370, 4, 2).map((c) => `MAC16@${c}`), 'TMOD@378', 'RDMAC16@410',
      'TMOD@412', ...seq(444, 4, 2).map((c) => `MAC16@${c}`), 'TMOD@452', 'RDMAC16@484',
    ]);
    expect(log.filter((c) => c.cmd === 'MAC16').map((c) => `${c.row}:${c.col}`)).toEqual([
      ...seq(0, 8, 1).map((k) => `20:${k}`), ...seq(0, 8, 1).map((k) => `21:${k}`),
    ]);
    expect(stats.cycles).toBe(486);
  });

  it('the same block in readout groups of 2: both segments of a row MACed, then read together', () => {
    const { stats, log } = run(sys, [
      { id: 'gb', op: 'WR_GB', channel: 0, bytes: 256 },
      { id: 'blk', op: 'MAC', channel: 0, banks: 'all', row: 20, col: 0, cols: 4, rows: 2, segments: 2, readout: true, readoutGroup: 2, deps: ['gb'] },
    ]);
    // As above to the first MAC16 run, 135 .. 141; the second segment follows at the MAC16
    // spacing, 143 .. 149; TMOD 151, RDMAC16 x2 183, 185 (nBL apart).
    // Row 21: PREA could issue at max(149 + nRTP = 161, bus 186): TMOD 186, PREA 218; ACT16 250;
    // MAC16 306 .. 320; TMOD 322, RDMAC16 354, 356. Done at 356 + 2 = 358: 4 switches fewer.
    expect(log.map((c) => `${c.cmd}@${c.cycle}`)).toEqual([
      'TMOD@0', ...seq(32, 8, 2).map((c) => `WRGB@${c}`),
      'TMOD@47', 'ACT16@79', ...seq(135, 8, 2).map((c) => `MAC16@${c}`), 'TMOD@151', 'RDMAC16@183', 'RDMAC16@185',
      'TMOD@186', 'PREA@218', 'ACT16@250', ...seq(306, 8, 2).map((c) => `MAC16@${c}`), 'TMOD@322', 'RDMAC16@354', 'RDMAC16@356',
    ]);
    expect(stats.cycles).toBe(358);
    expect(stats.commands.TMOD).toBe(5);
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
    // After the switch to register mode at 0 and nMODCH.
    expect(times(log, 'WRGB')).toEqual([32, 40, 48, 56]);
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
    // TMOD 0, WRGB 32, 34; TMOD 35, ACT16 67; MAC16 123, 125; TMOD 127, RDMAC16 159; done 159 + 2 = 161.
    expect(stats.cycles).toBe(161);
    expect(stats.commands).toEqual({ WRGB: 16, ACT16: 8, MAC16: 16, RDMAC16: 8, TMOD: 24 });
    expect(new Set(stats.perChannel.map((c) => c.busyNs)).size).toBe(1);
  });

  it('an instruction on channel 1 waits for a result read on channel 0 (data on the host)', () => {
    const log1: number[] = [];
    const items: InstructionInput[] = [
      { id: 'r0', op: 'RD_MAC', channel: 0 },
      { id: 'gb1', op: 'WR_GB', channel: 1, bytes: 32, deps: ['r0'] },
    ];
    runProgram(sys, buildProgram(items, sys), { fidelity: 'command', onCommand: (cmd, ch, _r, _g, _b, _row, _col, cycle) => { if (ch === 1) log1.push(cycle); } });
    // TMOD 0, RDMAC16 32; its data is on the host at 32 + nCLREG + nBL = 34, so channel 1 switches
    // to register mode at 34 and writes the global buffer at 66.
    expect(log1).toEqual([34, 66]);
  });

  it('the ASIC runs a reduce after the readouts it depends on', () => {
    const items: InstructionInput[] = [
      { id: 'r', op: 'RD_MAC', channel: 'all' },
      { id: 'sum', op: 'ASIC', kind: 'reduce', elements: 128, deps: ['r'] },
    ];
    const stats = runProgram(sys, buildProgram(items, sys));
    // The reduce starts when the results are on the host, 32 + 2 = 34, and takes asicBusyNs.
    expect(stats.asicBusyNs).toBeGreaterThan(0);
    expect(stats.ns).toBeCloseTo(34 * 0.5 + stats.asicBusyNs, 6);
  });
});
