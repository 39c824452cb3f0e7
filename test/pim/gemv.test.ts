/**
 * GEMV behaviour on pim-gpt, 4096 x 4096 BF16, against a schedule derived here from the preset
 * timing values (not from the simulator).
 *
 * Mapping (see test/mapping/gemv.test.ts): K = 4096 is 256 columns of 16 BF16 = 4 chunks of w = 64
 * columns; M = 4096 over 8 x 16 = 128 banks = 32 output rows per bank, one per DRAM row per chunk:
 * 4 x 32 = 128 DRAM rows per channel, in readout groups of g = pu.accumulators = 2 rows: MAC both
 * rows into the two accumulators, then read both (RDMAC16 x 2) in register mode.
 *
 * Per channel, refresh off, exactly (s = MAC16 spacing 2, p = WRGB spacing max(nBL, link) = 2):
 *   - start: TMOD at 0, WRGB x 64 from nMODCH every p, TMOD one cycle after the last, ACT16 nMODCH
 *     later: A0 = 2 x 32 + 63 x 2 + 1 = 191;
 *   - a row inside a group: ACT16, nRCDMAC (56) to the first MAC16, 63 x s to the last, nRTP (12)
 *     to PREA, nRP (32) to the next ACT16: rowCycle = 56 + 126 + 12 + 32 = 226;
 *   - a group's end: the last MAC16 at L; TMOD at L + nRDMAC (2); RDMAC16 x g nMODCH later, nBL
 *     apart (last R = L + 2 + 32 + 2); TMOD at R + 1; PREA nMODCH later; ACT16 nRP later. From one
 *     group's first ACT16 to the next: (g - 1) x 226 + 56 + 126 + 2 + 32 + 2 + 1 + 32 + 32 = 509;
 *   - a chunk's end: the next chunk's WR_GB goes between the readout and the TMOD, from R +
 *     nRTWREG (5): 509 + 5 + 63 x 2 = 640;
 *   - the end: the last RDMAC16's data is on the host nCLREG + nBL = 2 after it: from the last
 *     group's ACT16, 226 + 56 + 126 + 2 + 32 + 2 + 2 = 446;
 *   - then the ASIC adds the 4 chunks' partials: 4096 x 3 additions on the 128-lane add unit:
 *     ceil(12288 / 128) + 1 stage + 2 pipeline cycles = 99 ASIC cycles at 1 GHz = 198 DRAM cycles.
 *   Total 191 + 60 x 509 + 3 x 640 + 446 + 198 = 33295.
 * Refresh on: every nREFI (3333) cycles the banks are blocked for nRFC (210) more than a row
 * switch, so the channel's time stretches by about 1 / (1 - 210 / 3333).
 */
import { describe, expect, it } from 'vitest';
import { runGemv, rowCycleCap } from '../../src/mapping/gemvRun.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';

interface Estimate {
  readonly cycles: number;
  readonly rowCycle: number;
  readonly groupPeriod: number;
  readonly chunkPeriod: number;
  readonly rows: number;
  readonly tail: number;
}

/** The schedule of an M x K GEMV whose chunks are whole rows and whose groups are full (see above). */
function estimate(system: SystemSpec, M: number, K: number): Estimate {
  const t = system.memory.timing as Required<typeof system.memory.timing>;
  const s = system.pu.macSpacingCycles;
  const e = system.memory.accessBytes / 2;
  const w = Math.min(system.memory.burstsPerRow, system.globalBufferBytes / system.memory.accessBytes);
  const chunks = Math.ceil(K / e / w);
  const banks = system.memory.org.channels * system.memory.banksPerChannel;
  const perChunk = Math.ceil(M / banks);
  const g = Math.min(system.pu.accumulators, perChunk);
  if (perChunk % g !== 0) throw new Error('the estimate needs whole groups');
  const groups = chunks * (perChunk / g);
  const p = Math.max(t.nBL, system.linkCyclesPerAccess);
  const macRun = t.nRCDMAC + (w - 1) * s;
  const rowCycle = macRun + t.nRTP + t.nRP;
  const readout = t.nRDMAC + t.nMODCH + (g - 1) * t.nBL;
  const start = 2 * t.nMODCH + (w - 1) * p + 1;
  const groupPeriod = (g - 1) * rowCycle + macRun + readout + 1 + t.nMODCH + t.nRP;
  const chunkPeriod = groupPeriod + t.nRTWREG + (w - 1) * p;
  const end = (g - 1) * rowCycle + macRun + readout + t.nCLREG + t.nBL;
  const core = start + (groups - chunks) * groupPeriod + (chunks - 1) * chunkPeriod + end;
  const refreshStretch = system.memory.controller.refresh === 'off' ? 1 : 1 / (1 - t.nRFC / t.nREFI);
  const add = system.asic.units.add;
  const asicCycles = chunks > 1 ? Math.ceil((M * (chunks - 1)) / add.lanes) + 1 + add.pipelineCycles : 0;
  const tail = Math.ceil((asicCycles * system.asic.periodPs) / system.memory.tCK_ps);
  return { cycles: core * refreshStretch + tail, rowCycle, groupPeriod, chunkPeriod, rows: chunks * perChunk, tail };
}

describe('pim-gpt GEMV 4096 x 4096', () => {
  const on = loadSystem('pim-gpt');
  const off = loadSystem('pim-gpt', ['memoryOverrides.controller.refresh="off"']);
  const rOn = runGemv(on, 4096, 4096);
  const rOff = runGemv(off, 4096, 4096);
  const t = on.memory.timing;

  it('the presets hold the values the estimate is worked out from', () => {
    expect(t).toMatchObject({ nRCDMAC: 56, nRTP: 12, nRP: 32, nRAS: 54, nRC: 89, nBL: 2, nCL: 50, nCWL: 6, nRFC: 210, nREFI: 3333, nRDMAC: 2, nMODCH: 32, nCLREG: 0, nRTWREG: 5 });
    expect(on.pu.macSpacingCycles).toBe(2);
    expect(on.pu.accumulators).toBe(2);
    expect(rOn.plan).toMatchObject({ readoutGroup: 2, readoutsPerChunk: 16, modeSwitches: 2 * 4 * 16 });
    expect(on.asic.units.add).toMatchObject({ lanes: 128, pipelineCycles: 2 });
    expect(on.memory.controller.refresh).toBe('all-bank');
    expect(off.memory.controller.refresh).toBe('off');
  });

  it('command counts follow from the mapping', () => {
    // Per channel: 4 chunks x 32 rows = 128 ACT16 and RDMAC16, 128 x 64 MAC16, 4 x 64 WRGB, 127 PREA;
    // TMOD: one into register mode for the first WR_GB, then two per readout group (64 groups).
    expect(rOff.stats.commands).toEqual({ ACT16: 8 * 128, MAC16: 8 * 128 * 64, RDMAC16: 8 * 128, WRGB: 8 * 4 * 64, PREA: 8 * 127, TMOD: 8 * (1 + 2 * 64) });
    expect(rOn.stats.commands).toMatchObject({ ACT16: 8 * 128, MAC16: 8 * 128 * 64, RDMAC16: 8 * 128, WRGB: 8 * 256 });
    // The plan's count (from register mode) plus the first switch; no refresh fell due in register mode.
    expect(rOn.stats.commands.TMOD).toBe(8 * (rOn.plan.modeSwitches + 1));
    // One REFab per channel per whole nREFI of the run.
    expect(rOn.stats.commands.REFab).toBe(8 * Math.floor(rOn.stats.cycles / 3333));
  });

  it('cycles: exactly the schedule with refresh off, within 3% of its stretch with refresh on', () => {
    const eOn = estimate(on, 4096, 4096), eOff = estimate(off, 4096, 4096);
    expect(eOff.rowCycle).toBe(226);
    expect(eOff.groupPeriod).toBe(509);
    expect(eOff.chunkPeriod).toBe(640);
    expect(eOff.tail).toBe(198);
    expect(eOff.cycles).toBe(191 + 60 * 509 + 3 * 640 + 446 + 198);
    expect(rOff.stats.cycles).toBe(eOff.cycles);
    expect(Math.abs(rOn.stats.cycles / eOn.cycles - 1)).toBeLessThan(0.03);
    // Refresh costs about nRFC / nREFI = 6.3% of the channel time.
    expect(rOn.stats.cycles / rOff.stats.cycles - 1).toBeGreaterThan(0.03);
    expect(rOn.stats.cycles / rOff.stats.cycles - 1).toBeLessThan(0.09);
  });

  it('readout groups of 1 (PIM-GPT\'s order) pay a switch pair per row, 32 accumulators (CENT) one per chunk', () => {
    // g = 1: a group is one row.
    const one = loadSystem('pim-gpt', ['memoryOverrides.controller.refresh="off"', 'pu.accumulators=1']);
    const e = estimate(one, 4096, 4096);
    // 56 + 126 + 2 + 32 + 1 + 32 + 32 = 281: the aim_simulator's row period of reference stream b
    // (283) less its front end's two cycles.
    expect(e.groupPeriod).toBe(281);
    const r = runGemv(one, 4096, 4096);
    expect(r.plan.readoutGroup).toBe(1);
    expect(r.stats.cycles).toBe(e.cycles);
    expect(r.stats.commands.TMOD).toBe(8 * (1 + 2 * 128));
    // CENT's 32 accumulators: one readout group per chunk.
    const cent = runGemv(loadSystem('pim-gpt', ['memoryOverrides.controller.refresh="off"', 'pu.accumulators=32']), 4096, 4096);
    expect(cent.stats.commands.TMOD).toBe(8 * (1 + 2 * 4));
    expect(cent.stats.cycles).toBe(estimate(loadSystem('pim-gpt', ['memoryOverrides.controller.refresh="off"', 'pu.accumulators=32']), 4096, 4096).cycles);
    expect(cent.stats.cycles).toBeLessThan(rOff.stats.cycles);
    expect(rOff.stats.cycles).toBeLessThan(r.stats.cycles);
  });

  it('the utilization cap is the row cycle: 64 x 2 busy of max(nRC, 56 + 63 x 2 + 12 + 32) = 226', () => {
    expect(rowCycleCap(on, 64)).toBeCloseTo(128 / 226, 12);
    expect(rOn.puUtilizationCap).toBeCloseTo(128 / 226, 12);
    // 2 cycles a column per 1 ns PU cycle: MAC-busy fraction = bank columns x 2 / (128 PUs x cycles).
    const s = rOff.stats;
    expect(s.puUtilization).toBeCloseTo((s.macCommands * 16 * 2) / (128 * s.cycles), 12);
    // Internal bandwidth = bank columns x 32 B per ns of run; its peak 128 banks x 32 B / 1 ns.
    expect(s.peakInternalBandwidthGBs).toBeCloseTo(4096, 9);
    expect(s.internalBandwidthGBs).toBeCloseTo((s.macCommands * 16 * 32) / s.ns, 9);
    expect(s.internalBandwidthFraction).toBeCloseTo(s.puUtilization, 12);
  });

  it('PU utilization is within 5 points of the readout-group cap, once refresh is accounted for', () => {
    // The row-cycle cap ignores readouts; with register-mode switches the steady state is a readout
    // group: g x 64 x 2 busy cycles per group period (509). A single GEMV also spends a few percent
    // on vector loads, the final readout and the ASIC's chunk sum, when the PUs are idle.
    const refreshShare = 210 / 3333;
    const e = estimate(off, 4096, 4096);
    const cap = (2 * 64 * 2) / e.groupPeriod;
    expect(cap).toBeLessThan(rOn.puUtilizationCap);
    expect(Math.abs(rOn.stats.puUtilization / (1 - refreshShare) - cap)).toBeLessThan(0.05);
    expect(Math.abs(rOff.stats.puUtilization - cap)).toBeLessThan(0.05);
    // Never above the cap.
    expect(rOff.stats.puUtilization).toBeLessThanOrEqual(cap);
    // Exactly accounted: the PUs are busy 64 x 2 cycles per row; everything else is idle time.
    expect(rOff.stats.puUtilization).toBeCloseTo((e.rows * 64 * 2) / rOff.stats.cycles, 12);
  });

  it('row hit rate: one activation per 64 MAC columns per bank, 1 - 1/64 >= 95%', () => {
    for (const r of [rOn, rOff]) {
      expect(r.stats.rowHitRate).toBeGreaterThanOrEqual(0.95);
      expect(r.stats.rowHitRate).toBeCloseTo(1 - 1 / 64, 12);
      expect(r.stats.activations).toBe(8 * 128 * 16);
    }
  });

  it('the breakdown adds up to the run per channel, and MAC time is the MAC runs', () => {
    const s = rOff.stats;
    const total = Object.values(s.breakdownNs).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(s.ns, 6);
    // Per channel 128 rows x 63 gaps of 2 cycles after a MAC16, 64 rows x the nRTP wait before the
    // in-group PREA, 64 groups x the nRDMAC wait before the switch into register mode.
    expect(s.breakdownNs.mac).toBeCloseTo((128 * 63 * 2 + 64 * 12 + 64 * 2) * 0.5, 6);
    // 64 groups x 2 switches + the first, nMODCH each.
    expect(s.breakdownNs.mode).toBeCloseTo(129 * 32 * 0.5, 6);
    expect(s.breakdownNs.refresh).toBe(0);
    expect(rOn.stats.breakdownNs.refresh).toBeGreaterThan(0);
  });
});

describe('hbm-pim GEMV 4096 x 4096', () => {
  const sys = loadSystem('hbm-pim');
  const r = runGemv(sys, 4096, 4096);

  it('a row holds one 16-column chunk (512 B buffer): 16 chunks, 16 x 16 = 256 rows per channel', () => {
    // 256 banks (16 pseudo-channels x 16): 16 output rows per bank, 16 chunks of 16 columns.
    expect(r.plan).toMatchObject({ chunks: 16, chunkCols: 16, segmentsPerRow: 1, dramRowsPerBank: 256 });
    expect(r.stats.commands).toMatchObject({ ACT16: 16 * 256, MAC16: 16 * 256 * 16, RDMAC16: 16 * 256 });
    // One activation per 16 columns: hit rate 1 - 1/16.
    expect(r.stats.rowHitRate).toBeCloseTo(1 - 1 / 16, 12);
  });

  it('the cap: 16 x 7 busy cycles of max(nRC 48, 14 + 15 x 7 + nRTP 5 + 14 = 138)', () => {
    expect(r.puUtilizationCap).toBeCloseTo(112 / 138, 12);
    expect(r.stats.puUtilization).toBeLessThanOrEqual(r.puUtilizationCap);
  });
});
