/**
 * Controller tests through replay(): a few requests each, latencies and command sequences derived
 * by hand from the preset's timing values (the arithmetic is in each test).
 *
 * How replay() times requests (src/dram/replay.ts): an untimed request (arrival -1) is offered as
 * soon as its channel's queue takes it, at most one request per channel per clock, so untimed
 * requests to one channel enqueue at cycles 0, 1, 2, ...; a timed one is offered at its cycle.
 * A request entering the queue at cycle c gets its first command at c + 1 at the earliest (it is
 * decoded in cycle c, as in Ramulator 2.1 and DRAMsim3). Read latency runs from the cycle the
 * request entered the controller's queue to the end of its data burst (RD cycle + nCL + nBL). stats.cycles is the last engine event or the end of the last
 * data burst, whichever is later.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_ID, type CommandName } from '../../src/spec/commands.js';
import { replay, type RequestStream } from '../../src/dram/replay.js';
import { mixedTrace, parseTrace, randomTrace, streamTrace } from '../../src/dram/trace/index.js';
import type { MemorySpec } from '../../src/spec/memory.js';
import { loadMemory } from '../../src/spec/presets.js';
import { addr, brief, run, stream, type Req } from '../helpers/replay.js';

const gddr6 = loadMemory('gddr6', ['controller.refresh=off']);
const G = addr(gddr6);
const ddr4 = loadMemory('ddr4-3200', ['controller.refresh=off']);
const D = addr(ddr4);

describe('single requests', () => {
  // Closed bank: ACT the cycle after arrival, RD nRCDRD later, data nCL + nBL after that.
  const cases: [string, number][] = [
    ['gddr6', 1 + 27 + 24 + 2], // 1 + nRCDRD + nCL + nBL = 54, as Ramulator 2.1 and DRAMsim3 (peer-reference README)
    ['gddr6-aim', 1 + 36 + 50 + 2], // 89
    ['ddr4-3200', 1 + 22 + 22 + 4], // 49
    ['hbm2', 1 + 14 + 14 + 2], // 31
  ];
  for (const [name, latency] of cases) {
    it(`${name}: a read to a closed bank arriving at cycle 0 completes at 1 + nRCDRD + nCL + nBL = ${latency}`, () => {
      const spec = loadMemory(name, ['controller.refresh=off']);
      const t = spec.timing;
      expect(1 + t.nRCDRD! + t.nCL! + t.nBL!).toBe(latency);
      const r = run(spec, stream([{ address: 0 }]));
      expect(r.stats.avgReadLatencyCycles).toBe(latency);
      expect(r.stats.cycles).toBe(latency);
      expect(r.stats).toMatchObject({ requests: 1, reads: 1, writes: 0, rowHits: 0, rowMisses: 1, rowConflicts: 0, commands: { ACT: 1, RD: 1 } });
      expect(brief(r.log)).toEqual([`1 ACT row 0 g0b0`, `${1 + t.nRCDRD!} RD g0b0`]);
    });
  }

  it('gddr6: a timed read at cycle 100 has the same latency (54) and ends at 154', () => {
    const r = run(gddr6, stream([{ address: 0, at: 100 }]));
    expect(r.stats.avgReadLatencyCycles).toBe(54);
    expect(r.stats.cycles).toBe(154);
    // ns and bandwidth follow from cycles: 154 x 0.57 ns; 32 B in that time.
    expect(r.stats.ns).toBeCloseTo(154 * 0.57, 9);
    expect(r.stats.bandwidthGBs).toBeCloseTo(32 / (154 * 0.57), 9);
  });

  it('gddr6: a write to a closed bank ends its burst at 1 + nRCDWR + nCWL + nBL = 1 + 16 + 6 + 2 = 25', () => {
    const r = run(gddr6, stream([{ address: 0, write: true }]));
    expect(r.stats.cycles).toBe(25);
    expect(r.stats).toMatchObject({ reads: 0, writes: 1, avgReadLatencyCycles: 0, commands: { ACT: 1, WR: 1 } });
  });
});

describe('row hits and conflicts (gddr6, refresh off)', () => {
  it('a second read to the open row issues nCCDL = 4 after the first and ends 4 cycles later', () => {
    // First: enqueued 0, ACT 1, RD 28, done 54. Second (same channel: enqueued at 1): RD at
    // 28 + nCCDL 4 = 32, done 32 + 26 = 58, latency 58 - 1 = 57.
    const r = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 0, 1) }]));
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '28 RD g0b0', '32 RD g0b0']);
    expect(r.stats.cycles).toBe(58);
    expect(r.stats.avgReadLatencyCycles).toBe((54 + 57) / 2);
    expect(r.stats).toMatchObject({ rowHits: 1, rowMisses: 1, rowConflicts: 0, rowHitRate: 0.5 });
  });

  it('a read to another bank group issues nCCDS = 2 after the first', () => {
    // Second: enqueued at 1 (same channel), ACT at max(2, 1 + nRRDS 8) = 9, RD at max(9 + 27, 28 + 2) = 36.
    const r = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(1, 0, 0, 0) }]));
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '9 ACT row 0 g1b0', '28 RD g0b0', '36 RD g1b0']);
    // Two more hits, one per group: each follows its group's first read by nCCDL 4 (the data bus
    // and nCCDS 2 allow it): RD 28, 32 (g0), 36, 40 (g1).
    const hits = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(1, 0, 0, 0) }, { address: G(0, 0, 0, 1) }, { address: G(1, 0, 0, 1) }]));
    expect(brief(hits.log).slice(2)).toEqual(['28 RD g0b0', '32 RD g0b0', '36 RD g1b0', '40 RD g1b0']);
  });

  it('a row conflict waits for nRAS, then nRP, then nRCDRD: it ends nRAS + nRP = 80 after a lone read', () => {
    // First read: ACT 1, RD 28. The conflicting read (enqueued 1) needs PRE at max(ACT 1 + nRAS 53,
    // RD 28 + nRTP 4) = 54, ACT at 54 + nRP 27 = 81 (also 1 + nRC 80), RD at 81 + 27 = 108,
    // done 108 + 26 = 134 = 54 + 53 + 27. Latency 134 - 1 = 133.
    const r = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 1, 0) }]));
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '28 RD g0b0', '54 PRE g0b0', '81 ACT row 1 g0b0', '108 RD g0b0']);
    expect(r.stats.cycles).toBe(134);
    expect(r.stats.avgReadLatencyCycles).toBe((54 + 133) / 2);
    expect(r.stats).toMatchObject({ rowHits: 0, rowMisses: 1, rowConflicts: 1 });
  });

  for (const scheduler of ['frfcfs', 'frfcfs-oldest', 'frfcfs-cap']) {
    it(`${scheduler} serves a younger row hit before an older row conflict whose precharge is not yet legal`, () => {
      // A (row 0, enq 0), B (row 1, enq 1), C (row 0, enq 2). C hits the row A opened: RD 28 (A), 32 (C);
      // B's precharge is legal only at 54: PRE 54, ACT 81, RD 108 as in the conflict case.
      const spec = loadMemory('gddr6', ['controller.refresh=off', `controller.scheduler=${scheduler}`]);
      const r = run(spec, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 1, 0) }, { address: G(0, 0, 0, 1) }]));
      expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '28 RD g0b0', '32 RD g0b0', '54 PRE g0b0', '81 ACT row 1 g0b0', '108 RD g0b0']);
      // Latencies: A 54, C 32 + 26 - 2 = 56, B 108 + 26 - 1 = 133.
      expect(r.stats.avgReadLatencyCycles).toBe((54 + 56 + 133) / 3);
    });
  }

  it('FCFS serves them in arrival order', () => {
    // After B (RD 108), C conflicts: PRE at max(ACT 81 + 53, RD 108 + 4) = 134, ACT 161, RD 188.
    const fcfs = loadMemory('gddr6', ['controller.refresh=off', 'controller.scheduler=fcfs']);
    const r = run(fcfs, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 1, 0) }, { address: G(0, 0, 0, 1) }]));
    expect(brief(r.log)).toEqual([
      '1 ACT row 0 g0b0', '28 RD g0b0', '54 PRE g0b0', '81 ACT row 1 g0b0', '108 RD g0b0', '134 PRE g0b0', '161 ACT row 0 g0b0', '188 RD g0b0',
    ]);
    expect(r.stats.cycles).toBe(188 + 26);
  });
});

describe('write draining (ddr4-3200, queueDepth 8: high watermark ceil(0.8 x 8) = 7, low floor(0.2 x 8) = 1)', () => {
  const spec = loadMemory('ddr4-3200', ['controller.refresh=off', 'controller.queueDepth=8']);
  // 8 reads to bank (0,0) arrive at cycles 0..7; writes to bank (1,0) arrive at 8, 9, ...
  const reads: Req[] = Array.from({ length: 8 }, (_, i) => ({ address: D(0, 0, 0, i), at: i }));
  const writes = (n: number): Req[] => Array.from({ length: n }, (_, j) => ({ address: D(1, 0, 0, j), write: true, at: 8 + j }));

  it('starts once the 7th write is queued, serves the read it had activated, drains down to 1 write, then serves reads', () => {
    const r = run(spec, stream([...reads, ...writes(7)]));
    const columns = r.log.filter((c) => c.command === 'RD' || c.command === 'WR').map((c) => c.command);
    // The first read's row was activated at 1, before write mode: its RD (legal at 1 + nRCDRD 22
    // = 23) goes in write mode rather than leave the row to be closed unused. 7 writes - 6 served
    // = 1 (the low watermark): reads resume; the last write goes when reads are done.
    expect(columns).toEqual(['RD', ...Array(6).fill('WR'), ...Array(7).fill('RD'), 'WR']);
    // The 7th write arrives at 14: write mode begins at 15 with the ACT of the writes' bank.
    expect(brief(r.log).slice(0, 3)).toEqual(['1 ACT row 0 g0b0', '15 ACT row 0 g1b0', '23 RD g0b0']);
    // WR at 15 + nRCDWR 22 = 37, then every nCCDL 8: 37..77. The next RD waits for
    // 77 + nCWL 16 + nBL 4 + nWTRS 4 = 101 (other bank group); the last write follows the
    // last RD (149) by nRTW = nCL + nBL + 2 - nCWL = 22 + 4 + 2 - 16 = 12.
    const cyc = (cmd: CommandName) => r.log.filter((c) => c.command === cmd).map((c) => c.cycle);
    expect(cyc('WR')).toEqual([37, 45, 53, 61, 69, 77, 161]);
    expect(cyc('RD')).toEqual([23, 101, 109, 117, 125, 133, 141, 149]);
  });

  it('below the high watermark (6 writes), writes wait until no read is queued', () => {
    const r = run(spec, stream([...reads, ...writes(6)]));
    const columns = r.log.filter((c) => c.command === 'RD' || c.command === 'WR').map((c) => c.command);
    expect(columns).toEqual([...Array(8).fill('RD'), ...Array(6).fill('WR')]);
    // Reads at 23, 31, ..., 79; the writes' bank is activated right after the last read (80).
    expect(brief(r.log).filter((l) => l.includes('ACT'))).toEqual(['1 ACT row 0 g0b0', '80 ACT row 0 g1b0']);
  });
});

describe('closed page (ddr4-3200)', () => {
  const closed = loadMemory('ddr4-3200', ['controller.refresh=off', 'controller.pagePolicy=closed']);
  it('precharges a bank once the last queued hit to its row is served', () => {
    // Three reads to one row (enqueued 0, 1, 2): ACT 1, RD 23, 31, 39 (nCCDL 8); then PRE at
    // max(ACT 1 + nRAS 52, RD 39 + nRTP 12) = 53. A later read to another bank (at 200) keeps the
    // replay running past that point (replay stops when the last request is served).
    const late = { address: D(2, 0, 0, 0), at: 200 };
    const r = run(closed, stream([{ address: D(0, 0, 0, 0) }, { address: D(0, 0, 0, 1) }, { address: D(0, 0, 0, 2) }, late]));
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '23 RD g0b0', '31 RD g0b0', '39 RD g0b0', '53 PRE g0b0', '201 ACT row 0 g2b0', '223 RD g2b0']);
    // Open page keeps the row open.
    const open = run(ddr4, stream([{ address: D(0, 0, 0, 0) }, { address: D(0, 0, 0, 1) }, { address: D(0, 0, 0, 2) }, late]));
    expect(open.log.filter((c) => c.command === 'PRE')).toEqual([]);
  });

  it('a hit arriving before the precharge is legal keeps the row open', () => {
    // RD 23 for the first read; the second read (arriving at 40 < 1 + nRAS 52) is a hit at 41.
    const r = run(closed, stream([{ address: D(0, 0, 0, 0) }, { address: D(0, 0, 0, 1), at: 40 }, { address: D(2, 0, 0, 0), at: 200 }]));
    expect(brief(r.log).slice(0, 4)).toEqual(['1 ACT row 0 g0b0', '23 RD g0b0', '41 RD g0b0', '53 PRE g0b0']);
    expect(r.stats.rowHits).toBe(1);
  });
});

describe('refresh', () => {
  /** Cycles of every REFab/REFpb per channel, and the flat bank of each REFpb. */
  function refreshes(spec: MemorySpec, trace: RequestStream) {
    const cycles: number[][] = Array.from({ length: spec.org.channels }, () => []);
    const banks: number[][] = Array.from({ length: spec.org.channels }, () => []);
    const r = replay(spec, trace, {
      onCommand: (cmd, ch, rank, group, bank, _row, _col, cycle) => {
        if (cmd !== COMMAND_ID.REFab && cmd !== COMMAND_ID.REFpb) return;
        cycles[ch].push(cycle);
        banks[ch].push(rank * spec.banksPerRank + group * spec.org.banksPerGroup + bank);
      },
    });
    return { stats: r.stats, cycles, banks };
  }

  /**
   * The k-th refresh (k = 1, 2, ...) of a channel is due at k x interval. Once it is due nothing
   * new is issued to the banks it needs except the column commands of requests whose rows are
   * already activated (a row is never closed unused). Those take at most the last ACT (at
   * deadline - 1) + max(nRCDRD, nRCDWR), a write-to-read turnaround (nCWL + nBL + nWTRL), and one
   * column command per bank, nCCDL apart; then the precharge waits for write recovery (or nRAS)
   * and the refresh for nRP.
   */
  function expectOnTime(spec: MemorySpec, cycles: readonly number[], interval: number, banks: number) {
    const t = spec.timing;
    const columns = Math.max(t.nRCDRD!, t.nRCDWR!) + t.nCWL! + t.nBL! + t.nWTRL! + (banks - 1) * t.nCCDL!;
    const slack = Math.max(t.nRAS!, columns + Math.max(t.nRTP!, t.nCWL! + t.nBL! + t.nWR!)) - 1 + t.nRP!;
    cycles.forEach((c, i) => {
      const due = (i + 1) * interval;
      expect(c, `refresh ${i + 1}`).toBeGreaterThanOrEqual(due);
      expect(c, `refresh ${i + 1}`).toBeLessThanOrEqual(due + slack);
    });
  }

  it('ddr4-3200 all-bank: one REFab per nREFI (12480) under streaming and mixed read/write load', () => {
    const spec = loadMemory('ddr4-3200');
    expect(spec.timing.nREFI).toBe(12480);
    for (const trace of [streamTrace(60_000, 64), mixedTrace(30_000, 11, { spanBytes: spec.totalBytes })]) {
      const r = refreshes(spec, trace);
      const due = Math.floor(r.stats.cycles / 12480);
      expect(due).toBeGreaterThan(10);
      // Every deadline passed has its refresh, except possibly the last one still pending when the replay ends.
      expect(r.cycles[0].length).toBeGreaterThanOrEqual(due - 1);
      expect(r.cycles[0].length).toBeLessThanOrEqual(due);
      expectOnTime(spec, r.cycles[0], 12480, spec.banksPerRank);
      expect(r.stats.commands.REFab).toBe(r.cycles[0].length);
    }
  });

  it('gddr6 per-bank: one REFpb per nREFIpb (208) per channel, banks in round robin', () => {
    const spec = loadMemory('gddr6');
    expect(spec.controller.refresh).toBe('per-bank');
    for (const trace of [streamTrace(50_000, 32), randomTrace(10_000, spec.totalBytes, 4, { alignBytes: 32 })]) {
      const r = refreshes(spec, trace);
      const due = Math.floor(r.stats.cycles / 208);
      for (let ch = 0; ch < 2; ch++) {
        expect(r.cycles[ch].length).toBeGreaterThanOrEqual(due - 1);
        expect(r.cycles[ch].length).toBeLessThanOrEqual(due);
        expectOnTime(spec, r.cycles[ch], 208, 1);
        // The k-th per-bank refresh goes to bank (k - 1) mod 16: each bank once per 16 x 208 = 3328 <= nREFI 3333.
        expect(r.banks[ch]).toEqual(r.banks[ch].map((_, k) => k % 16));
      }
    }
  });

  it('keeps refreshing through a long idle stretch (two reads 5,000,000 cycles apart)', () => {
    const idle = parseTrace('R 0x0 @0\nR 0x40 @5000000\n', 'idle.trace');
    // ddr4-3200: deadlines 12480 k up to 5,000,000: floor(5e6 / 12480) = 400 (400 x 12480 = 4,992,000).
    // The first read leaves its bank open, so the first refresh needs one PREA; the rest find all banks closed
    // and issue right at their deadline.
    const d = refreshes(loadMemory('ddr4-3200'), idle);
    expect(d.stats.commands).toEqual({ ACT: 2, RD: 2, PREA: 1, REFab: 400 });
    d.cycles[0].slice(1).forEach((c, i) => expect(c).toBe((i + 2) * 12480));
    // The second read finds its bank closed: latency 1 + 22 + 22 + 4 = 49, as the first.
    expect(d.stats.avgReadLatencyCycles).toBe(49);
    expect(d.stats.cycles).toBe(5_000_000 + 49);
    // gddr6 per-bank: floor(5e6 / 208) = 24038 per channel (24038 x 208 = 4,999,904); channel 0's
    // bank 0 was left open by the first read, so its refresh needs one PRE.
    const g = refreshes(loadMemory('gddr6'), idle);
    expect(g.cycles.map((c) => c.length)).toEqual([24038, 24038]);
    expect(g.stats.commands).toEqual({ ACT: 2, RD: 2, PRE: 1, REFpb: 2 * 24038 });
    g.cycles[1].forEach((c, i) => expect(c).toBe((i + 1) * 208));
    expect(g.stats.cycles).toBe(5_000_000 + 54);
  });
});

// Bug found while writing these tests (reported to the lead); fails until src/ is fixed.
describe('refresh is never dropped', () => {
  it('per-bank: a deadline that passes while the previous REFpb is still owed does not cancel it', () => {
    // ChannelController.wake() sets `bankOwes = nextRefreshBank` at each deadline, overwriting a
    // bank still owed a refresh, so that bank silently misses it. A REFpb can wait up to
    // max(nRAS, nCWL + nBL + nWR) - 1 + nRP = 79 cycles on gddr6 (see 'refresh' above); with
    // nREFIpb = 40 deadlines overtake it. Refreshes stay feasible: nRREFD 8 between banks, and each
    // bank's nRFCpb 106 is well inside its turn every 16 x 40 = 640 cycles.
    const spec = loadMemory('gddr6', ['timing.nREFIpb=40']);
    const counts = [0, 0];
    const r = replay(spec, randomTrace(3000, spec.totalBytes, 5, { alignBytes: 32 }), {
      onCommand: (cmd, ch) => {
        if (cmd === COMMAND_ID.REFpb) counts[ch]++;
      },
    });
    const due = Math.floor(r.stats.cycles / 40);
    // Allow the last two deadlines to be still pending when the replay stops.
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(due - 2);
  });
});
