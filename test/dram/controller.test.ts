/**
 * Controller tests through replay(): a few requests each, latencies and command sequences derived
 * by hand from the preset's timing values (the arithmetic is in each test).
 *
 * How replay() times requests (src/dram/replay.ts): an untimed request (arrival -1) is offered as
 * soon as its channel's queue takes it, at most one request per channel per clock, so untimed
 * requests to one channel enqueue at cycles 0, 1, 2, ...; a timed one is offered at its cycle.
 * Read latency runs from the cycle the request entered the controller's queue to the end of its
 * data burst (RD cycle + nCL + nBL). stats.cycles is the last engine event or the end of the last
 * data burst, whichever is later.
 */
import { describe, expect, it } from 'vitest';
import { AddressMap } from '../../src/dram/addressMap.js';
import { COMMAND_ID, COMMAND_NAMES, type CommandName } from '../../src/dram/commands.js';
import { replay, type RequestStream } from '../../src/dram/replay.js';
import { mixedTrace, parseTrace, randomTrace, streamTrace } from '../../src/dram/trace/index.js';
import type { MemorySpec } from '../../src/spec/memory.js';
import { loadMemory } from '../../src/spec/presets.js';

interface Req {
  readonly address: number;
  readonly write?: boolean;
  /** Arrival cycle; omitted: untimed. */
  readonly at?: number;
}

interface Cmd {
  readonly cycle: number;
  readonly command: CommandName;
  readonly channel: number;
  readonly group: number;
  readonly bank: number;
  readonly row: number;
}

function stream(reqs: readonly Req[]): RequestStream {
  return {
    count: reqs.length,
    address: Float64Array.from(reqs, (r) => r.address),
    isWrite: Uint8Array.from(reqs, (r) => (r.write ? 1 : 0)),
    arrival: Float64Array.from(reqs, (r) => r.at ?? -1),
  };
}

/** Replay and record every command. */
function run(spec: MemorySpec, s: RequestStream) {
  const log: Cmd[] = [];
  const result = replay(spec, s, {
    onCommand: (cmd, channel, _rank, group, bank, row, _column, cycle) => log.push({ cycle, command: COMMAND_NAMES[cmd], channel, group, bank, row }),
  });
  return { ...result, log };
}

/** "27 RD" style lines, for comparing whole command sequences. */
const brief = (log: readonly Cmd[]) => log.map((c) => `${c.cycle} ${c.command}${c.command === 'ACT' ? ` row ${c.row}` : ''} g${c.group}b${c.bank}`);

/** Byte address of burst `column` of `row` in bank (group, bank) of channel `channel`, rank 0. */
const addr = (spec: MemorySpec) => {
  const map = new AddressMap(spec);
  return (group: number, bank: number, row: number, column: number, channel = 0) => map.encode({ channel, rank: 0, group, bank, row, column });
};

const gddr6 = loadMemory('gddr6', ['controller.refresh=off']);
const G = addr(gddr6);
const ddr4 = loadMemory('ddr4-3200', ['controller.refresh=off']);
const D = addr(ddr4);

describe('single requests', () => {
  // Closed bank: ACT at the arrival cycle, RD nRCDRD later, data nCL + nBL after that.
  const cases: [string, number][] = [
    ['gddr6', 27 + 24 + 2], // nRCDRD + nCL + nBL = 53
    ['gddr6-aim', 36 + 50 + 2], // 88
    ['ddr4-3200', 22 + 22 + 4], // 48
    ['hbm2', 14 + 14 + 2], // 30
  ];
  for (const [name, latency] of cases) {
    it(`${name}: a read to a closed bank arriving at cycle 0 completes at nRCDRD + nCL + nBL = ${latency}`, () => {
      const spec = loadMemory(name, ['controller.refresh=off']);
      const t = spec.timing;
      expect(t.nRCDRD! + t.nCL! + t.nBL!).toBe(latency);
      const r = run(spec, stream([{ address: 0 }]));
      expect(r.stats.avgReadLatencyCycles).toBe(latency);
      expect(r.stats.cycles).toBe(latency);
      expect(r.stats).toMatchObject({ requests: 1, reads: 1, writes: 0, rowHits: 0, rowMisses: 1, rowConflicts: 0, commands: { ACT: 1, RD: 1 } });
      expect(brief(r.log)).toEqual([`0 ACT row 0 g0b0`, `${t.nRCDRD} RD g0b0`]);
    });
  }

  it('gddr6: a timed read at cycle 100 has the same latency (53) and ends at 153', () => {
    const r = run(gddr6, stream([{ address: 0, at: 100 }]));
    expect(r.stats.avgReadLatencyCycles).toBe(53);
    expect(r.stats.cycles).toBe(153);
    // ns and bandwidth follow from cycles: 153 x 0.57 ns; 32 B in that time.
    expect(r.stats.ns).toBeCloseTo(153 * 0.57, 9);
    expect(r.stats.bandwidthGBs).toBeCloseTo(32 / (153 * 0.57), 9);
  });

  it('gddr6: a write to a closed bank ends its burst at nRCDWR + nCWL + nBL = 16 + 6 + 2 = 24', () => {
    const r = run(gddr6, stream([{ address: 0, write: true }]));
    expect(r.stats.cycles).toBe(24);
    expect(r.stats).toMatchObject({ reads: 0, writes: 1, avgReadLatencyCycles: 0, commands: { ACT: 1, WR: 1 } });
  });
});

describe('row hits and conflicts (gddr6, refresh off)', () => {
  it('a second read to the open row issues nCCDL = 4 after the first and ends 4 cycles later', () => {
    // First: enqueued 0, ACT 0, RD 27, done 53. Second (same channel: enqueued at 1): RD at
    // 27 + nCCDL 4 = 31, done 31 + 26 = 57, latency 57 - 1 = 56.
    const r = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 0, 1) }]));
    expect(brief(r.log)).toEqual(['0 ACT row 0 g0b0', '27 RD g0b0', '31 RD g0b0']);
    expect(r.stats.cycles).toBe(57);
    expect(r.stats.avgReadLatencyCycles).toBe((53 + 56) / 2);
    expect(r.stats).toMatchObject({ rowHits: 1, rowMisses: 1, rowConflicts: 0, rowHitRate: 0.5 });
  });

  it('a read to another bank group issues nCCDS = 2 after the first', () => {
    // Second: enqueued at 1 (same channel), ACT at max(1, 0 + nRRDS 8) = 8, RD at max(8 + 27, 27 + 2) = 35.
    const r = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(1, 0, 0, 0) }]));
    expect(brief(r.log)).toEqual(['0 ACT row 0 g0b0', '8 ACT row 0 g1b0', '27 RD g0b0', '35 RD g1b0']);
    // And to a bank group whose row is already open: RD at 27 + nCCDS 2 = 29.
    const hits = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(1, 0, 0, 0) }, { address: G(0, 0, 0, 1) }, { address: G(1, 0, 0, 1) }]));
    expect(brief(hits.log).slice(2)).toEqual(['27 RD g0b0', '31 RD g0b0', '35 RD g1b0', '39 RD g1b0']);
  });

  it('a row conflict waits for nRAS, then nRP, then nRCDRD: it ends nRAS + nRP = 80 after a lone read', () => {
    // First read: ACT 0, RD 27. The conflicting read (enqueued 1) needs PRE at max(ACT 0 + nRAS 53,
    // RD 27 + nRTP 4) = 53, ACT at 53 + nRP 27 = 80 (also 0 + nRC 80), RD at 80 + 27 = 107,
    // done 107 + 26 = 133 = 53 + 53 + 27. Latency 133 - 1 = 132.
    const r = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 1, 0) }]));
    expect(brief(r.log)).toEqual(['0 ACT row 0 g0b0', '27 RD g0b0', '53 PRE g0b0', '80 ACT row 1 g0b0', '107 RD g0b0']);
    expect(r.stats.cycles).toBe(133);
    expect(r.stats.avgReadLatencyCycles).toBe((53 + 132) / 2);
    expect(r.stats).toMatchObject({ rowHits: 0, rowMisses: 1, rowConflicts: 1 });
  });

  it('FR-FCFS serves a younger row hit before an older row conflict', () => {
    // A (row 0, enq 0), B (row 1, enq 1), C (row 0, enq 2). C hits the row A opened: RD 27 (A), 31 (C);
    // then B as in the conflict case: PRE 53, ACT 80, RD 107.
    const r = run(gddr6, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 1, 0) }, { address: G(0, 0, 0, 1) }]));
    expect(brief(r.log)).toEqual(['0 ACT row 0 g0b0', '27 RD g0b0', '31 RD g0b0', '53 PRE g0b0', '80 ACT row 1 g0b0', '107 RD g0b0']);
    // Latencies: A 53, C 31 + 26 - 2 = 55, B 107 + 26 - 1 = 132.
    expect(r.stats.avgReadLatencyCycles).toBe((53 + 55 + 132) / 3);
  });

  it('FCFS serves them in arrival order', () => {
    // After B (RD 107), C conflicts: PRE at max(ACT 80 + 53, RD 107 + 4) = 133, ACT 160, RD 187.
    const fcfs = loadMemory('gddr6', ['controller.refresh=off', 'controller.scheduler=fcfs']);
    const r = run(fcfs, stream([{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 1, 0) }, { address: G(0, 0, 0, 1) }]));
    expect(brief(r.log)).toEqual([
      '0 ACT row 0 g0b0', '27 RD g0b0', '53 PRE g0b0', '80 ACT row 1 g0b0', '107 RD g0b0', '133 PRE g0b0', '160 ACT row 0 g0b0', '187 RD g0b0',
    ]);
    expect(r.stats.cycles).toBe(187 + 26);
  });
});

describe('write draining (ddr4-3200, queueDepth 8: high watermark ceil(0.8 x 8) = 7, low floor(0.2 x 8) = 1)', () => {
  const spec = loadMemory('ddr4-3200', ['controller.refresh=off', 'controller.queueDepth=8']);
  // 8 reads to bank (0,0) arrive at cycles 0..7; writes to bank (1,0) arrive at 8, 9, ...
  const reads: Req[] = Array.from({ length: 8 }, (_, i) => ({ address: D(0, 0, 0, i), at: i }));
  const writes = (n: number): Req[] => Array.from({ length: n }, (_, j) => ({ address: D(1, 0, 0, j), write: true, at: 8 + j }));

  it('starts when the 7th write arrives, drains down to 1 write, then serves reads', () => {
    const r = run(spec, stream([...reads, ...writes(7)]));
    const columns = r.log.filter((c) => c.command === 'RD' || c.command === 'WR').map((c) => c.command);
    // 7 writes - 6 served = 1 (the low watermark): reads resume; the last write goes when reads are done.
    expect(columns).toEqual([...Array(6).fill('WR'), ...Array(8).fill('RD'), 'WR']);
    // The 7th write arrives at 14: write mode begins there with the ACT of the writes' bank
    // (the reads' RD would only have been legal at 0 + nRCDRD 22).
    expect(brief(r.log).slice(0, 3)).toEqual(['0 ACT row 0 g0b0', '14 ACT row 0 g1b0', '36 WR g1b0']);
    // WR at 14 + nRCDWR 22 = 36, then every nCCDL 8: 36..76. The first RD waits for
    // 76 + nCWL 16 + nBL 4 + nWTRS 4 = 100 (other bank group); the last write follows the
    // last RD (156) by nCL + nBL + 2 - nCWL = 22 + 4 + 2 - 16 = 12.
    const cyc = (cmd: CommandName) => r.log.filter((c) => c.command === cmd).map((c) => c.cycle);
    expect(cyc('WR')).toEqual([36, 44, 52, 60, 68, 76, 168]);
    expect(cyc('RD')).toEqual([100, 108, 116, 124, 132, 140, 148, 156]);
  });

  it('below the high watermark (6 writes), writes wait until no read is queued', () => {
    const r = run(spec, stream([...reads, ...writes(6)]));
    const columns = r.log.filter((c) => c.command === 'RD' || c.command === 'WR').map((c) => c.command);
    expect(columns).toEqual([...Array(8).fill('RD'), ...Array(6).fill('WR')]);
    // Reads at 22, 30, ..., 78; the writes' bank is activated right after the last read (79).
    expect(brief(r.log).filter((l) => l.includes('ACT'))).toEqual(['0 ACT row 0 g0b0', '79 ACT row 0 g1b0']);
  });
});

describe('closed page (ddr4-3200)', () => {
  const closed = loadMemory('ddr4-3200', ['controller.refresh=off', 'controller.pagePolicy=closed']);
  it('precharges a bank once the last queued hit to its row is served', () => {
    // Three reads to one row (enqueued 0, 1, 2): ACT 0, RD 22, 30, 38 (nCCDL 8); then PRE at
    // max(ACT 0 + nRAS 52, RD 38 + nRTP 12) = 52. A later read to another bank (at 200) keeps the
    // replay running past that point (replay stops when the last request is served).
    const late = { address: D(2, 0, 0, 0), at: 200 };
    const r = run(closed, stream([{ address: D(0, 0, 0, 0) }, { address: D(0, 0, 0, 1) }, { address: D(0, 0, 0, 2) }, late]));
    expect(brief(r.log)).toEqual(['0 ACT row 0 g0b0', '22 RD g0b0', '30 RD g0b0', '38 RD g0b0', '52 PRE g0b0', '200 ACT row 0 g2b0', '222 RD g2b0']);
    // Open page keeps the row open.
    const open = run(ddr4, stream([{ address: D(0, 0, 0, 0) }, { address: D(0, 0, 0, 1) }, { address: D(0, 0, 0, 2) }, late]));
    expect(open.log.filter((c) => c.command === 'PRE')).toEqual([]);
  });

  it('a hit arriving before the precharge is legal keeps the row open', () => {
    // RD 22 for the first read; the second read (arriving at 40 < 0 + nRAS 52) is a hit at 40.
    const r = run(closed, stream([{ address: D(0, 0, 0, 0) }, { address: D(0, 0, 0, 1), at: 40 }, { address: D(2, 0, 0, 0), at: 200 }]));
    expect(brief(r.log).slice(0, 4)).toEqual(['0 ACT row 0 g0b0', '22 RD g0b0', '40 RD g0b0', '52 PRE g0b0']);
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
   * new is issued to the banks it needs, so it waits at most for the last command before the
   * deadline (at deadline - 1) to allow a precharge, then nRP:
   * max(nRAS, nRTP, nCWL + nBL + nWR) - 1 + nRP.
   */
  function expectOnTime(spec: MemorySpec, cycles: readonly number[], interval: number) {
    const t = spec.timing;
    const slack = Math.max(t.nRAS!, t.nRTP!, t.nCWL! + t.nBL! + t.nWR!) - 1 + t.nRP!;
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
      expectOnTime(spec, r.cycles[0], 12480);
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
        expectOnTime(spec, r.cycles[ch], 208);
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
    // The second read finds its bank closed: latency 22 + 22 + 4 = 48, as the first.
    expect(d.stats.avgReadLatencyCycles).toBe(48);
    expect(d.stats.cycles).toBe(5_000_000 + 48);
    // gddr6 per-bank: floor(5e6 / 208) = 24038 per channel (24038 x 208 = 4,999,904); channel 0's
    // bank 0 was left open by the first read, so its refresh needs one PRE.
    const g = refreshes(loadMemory('gddr6'), idle);
    expect(g.cycles.map((c) => c.length)).toEqual([24038, 24038]);
    expect(g.stats.commands).toEqual({ ACT: 2, RD: 2, PRE: 1, REFpb: 2 * 24038 });
    g.cycles[1].forEach((c, i) => expect(c).toBe((i + 1) * 208));
    expect(g.stats.cycles).toBe(5_000_000 + 53);
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
