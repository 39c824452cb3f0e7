/**
 * Hand-computed sequences for the scheduling mechanisms (gddr6, refresh off: nRCDRD 27, nRCDWR 16,
 * nRAS 53, nRP 27, nRC 80, nCCDL 4, nCCDS 2, nRRDS 8, nRTP 4, nCWL 6, nBL 2, nWR 27). As in
 * controller.test.ts, untimed requests to one channel enqueue at cycles 0, 1, 2, ... and a
 * request's first command issues one cycle after it enqueues at the earliest.
 */
import { describe, expect, it } from 'vitest';
import { SCHEDULER_NAMES } from '../../src/dram/schedulers/index.js';
import { mixedTrace, streamTrace } from '../../src/dram/trace/index.js';
import type { MemorySpec } from '../../src/spec/memory.js';
import { loadMemory } from '../../src/spec/presets.js';
import { addr, brief, run, stream, type Req } from '../helpers/replay.js';

const G = addr(loadMemory('gddr6', ['controller.refresh=off']));
const gddr6 = (scheduler: string, ...sets: string[]) => loadMemory('gddr6', ['controller.refresh=off', `controller.scheduler=${scheduler}`, ...sets]);
const FRFCFS = SCHEDULER_NAMES.filter((s) => s !== 'fcfs');

describe('an activated request is served before its row can close (every scheduler)', () => {
  for (const scheduler of SCHEDULER_NAMES) {
    it(`${scheduler}: an activated write's row survives the switch to reads`, () => {
      // W (row 0, enqueued 0): no read queued, so write mode; ACT at 1, its WR legal at
      // 1 + nRCDWR 16 = 17. R (row 1 of the same bank) arrives at 2; from 3 the write queue holds
      // only the activated W (<= low watermark 1 of queueDepth 8) with a read waiting: read mode.
      // R's precharge would be legal at ACT 1 + nRAS 53 = 54; a controller serving only the read
      // queue would close row 0 there unused and re-open it for W later. Instead W's WR goes at
      // 17, then R: PRE at max(54, WR 17 + nCWL 6 + nBL 2 + nWR 27 = 52) = 54, ACT 54 + nRP 27 =
      // 81, RD 81 + 27 = 108, data until 108 + nCL 24 + nBL 2 = 134.
      const spec = gddr6(scheduler, 'controller.queueDepth=8');
      const r = run(spec, stream([{ address: G(0, 0, 0, 0), write: true }, { address: G(0, 0, 1, 0), at: 2 }]));
      expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '17 WR g0b0', '54 PRE g0b0', '81 ACT row 1 g0b0', '108 RD g0b0']);
      expect(r.stats).toMatchObject({ cycles: 134, avgReadLatencyCycles: 134 - 2, commands: { ACT: 2, PRE: 1, RD: 1, WR: 1 } });
    });
  }
});

describe('row switch: the request a row was activated for goes first', () => {
  for (const scheduler of FRFCFS) {
    it(scheduler, () => {
      // A0..A4 stream bank g0b0 (row 0); B0, B1 open bank g1b0 (row 0). Arrival order A0 A1 A2 B0
      // A3 A4 B1 (enqueued 0..6). ACT g0b0 at 1, ACT g1b0 at 1 + nRRDS 8 = 9. A0 at 28, A1 at 32
      // (nCCDL). At 36 both A2 (32 + nCCDL) and B0 (9 + nRCDRD 27) are legal: B0, whose row was
      // activated for it, goes first though A2 is older. A2 at 36 + nCCDS 2 = 38, B1 at 36 +
      // nCCDL = 40, A3 at 38 + 4 = 42, A4 at 46.
      const A = (col: number): Req => ({ address: G(0, 0, 0, col) });
      const B = (col: number): Req => ({ address: G(1, 0, 0, col) });
      const r = run(gddr6(scheduler), stream([A(0), A(1), A(2), B(0), A(3), A(4), B(1)]));
      expect(brief(r.log)).toEqual([
        '1 ACT row 0 g0b0', '9 ACT row 0 g1b0', '28 RD g0b0', '32 RD g0b0', '36 RD g1b0', '38 RD g0b0', '40 RD g1b0', '42 RD g0b0', '46 RD g0b0',
      ]);
    });
  }
});

describe('how long hits keep a row open while an older request waits for another row of the bank', () => {
  // A0 (row 0, enqueued 0), X (row 1 of the same bank, enqueued 1), A1..A30 (row 0, enqueued
  // 2..31): 32 requests, exactly the queue. ACT row 0 at 1; hits every nCCDL 4: A_k at 28 + 4k.
  // X's precharge needs ACT + nRAS = 54 and the last RD + nRTP 4; then ACT + nRP 27, RD + nRCDRD 27.
  const reqs: Req[] = [{ address: G(0, 0, 0, 0) }, { address: G(0, 0, 1, 0) }, ...Array.from({ length: 30 }, (_, k) => ({ address: G(0, 0, 0, k + 1) }))];
  /** The cycles of X's PRE, its ACT and its RD, and how many row-0 reads came before the PRE. */
  function xTimes(scheduler: string, ...sets: string[]) {
    const r = run(gddr6(scheduler, ...sets), stream(reqs));
    const pre = r.log.findIndex((c) => c.command === 'PRE');
    const act = r.log.findIndex((c, i) => i > pre && c.command === 'ACT');
    return { pre: r.log[pre].cycle, act: r.log[act].cycle, rd: r.log[act + 1].cycle, hitsFirst: r.log.slice(0, pre).filter((c) => c.command === 'RD').length };
  }

  it('frfcfs (uncapped): every queued hit first: A30 at 148, PRE 152, ACT 179, RD 206', () => {
    expect(xTimes('frfcfs')).toEqual({ hitsFirst: 31, pre: 152, act: 179, rd: 206 });
  });

  it('frfcfs-oldest: the PRE as soon as it is legal: hits A0..A6 (A6 at 52), PRE at 52 + nRTP = 56, ACT 83, RD 110', () => {
    // At 56 X's PRE and A7 (52 + 4) are both legal; X is older.
    expect(xTimes('frfcfs-oldest')).toEqual({ hitsFirst: 7, pre: 56, act: 83, rd: 110 });
  });

  it('frfcfs-cap, rowHitCap 16: 16 hits (A15 at 88), then PRE at 88 + nRTP = 92, ACT 119, RD 146', () => {
    // After the 16th column command to row 0 the younger hits lose their priority; A16 is legal
    // at 92 too, but X is older.
    expect(xTimes('frfcfs-cap', 'controller.rowHitCap=16')).toEqual({ hitsFirst: 16, pre: 92, act: 119, rd: 146 });
  });

  it('frfcfs-cap with a cap above the queue behaves like frfcfs', () => {
    expect(xTimes('frfcfs-cap', 'controller.rowHitCap=64')).toEqual(xTimes('frfcfs'));
  });

  it('the cap only demotes hits younger than the waiting request', () => {
    // X enqueued after A0..A19: the 20 older hits go first whatever the cap (A19 at 28 + 76 = 104),
    // then X's PRE at 104 + nRTP = 108 with rowHitCap 4.
    const late: Req[] = [...reqs.slice(0, 1), ...reqs.slice(2, 21), reqs[1], ...reqs.slice(21)];
    const r = run(gddr6('frfcfs-cap', 'controller.rowHitCap=4'), stream(late));
    const pre = r.log.findIndex((c) => c.command === 'PRE');
    expect(r.log.slice(0, pre).filter((c) => c.command === 'RD').length).toBe(20);
    expect(r.log[pre].cycle).toBe(108);
  });
});

describe('sleeping until the next possible command skips nothing', () => {
  // Event-driven controllers sleep until a command could become legal (or a request arrives that
  // changes the read/write mode). Waking every cycle, as a cycle-driven simulator ticks, must give
  // the same command log.
  const workloads = {
    mixed: (spec: MemorySpec) => mixedTrace(1500, 5, { spanBytes: spec.totalBytes, accessBytes: spec.accessBytes, meanGapCycles: 3 }),
    'random writes and reads': (spec: MemorySpec) => mixedTrace(1500, 6, { spanBytes: spec.totalBytes, accessBytes: spec.accessBytes }),
    stream: (spec: MemorySpec) => streamTrace(3000, spec.accessBytes),
  };
  // hbm2: a row and a column bus (two commands per clock); ddr4 with two ranks: rank switching;
  // both with the activated-request options of Ramulator 2.1.
  const variants: [string, string[], readonly string[]][] = [
    ['gddr6', [], SCHEDULER_NAMES],
    ['ddr4-3200', [], SCHEDULER_NAMES],
    ['hbm2', ['controller.activatedEntry=free', 'controller.writeModeCounts=unactivated'], ['frfcfs-oldest', 'frfcfs']],
    ['ddr4-3200', ['organization.ranks=2', 'controller.activatedEntry=free', 'controller.writeModeCounts=unactivated'], ['frfcfs-oldest']],
  ];
  for (const [preset, extra, schedulers] of variants) {
    for (const scheduler of schedulers) {
      it(`${preset}${extra.length ? ` (${extra.join(', ')})` : ''}, ${scheduler}, open and closed page`, () => {
        for (const page of ['open', 'closed']) {
        const spec = loadMemory(preset, [`controller.scheduler=${scheduler}`, 'controller.queueDepth=16', `controller.pagePolicy=${page}`, ...extra]);
        for (const [name, make] of Object.entries(workloads)) {
          for (const frontend of ['shared', 'per-channel'] as const) {
            const sleeping = run(spec, make(spec), { frontend });
            const ticking = run(spec, make(spec), { frontend, everyCycle: true });
            // Per channel: commands of two channels in one cycle may be logged in either order.
            // The replay stops with the last request served, so a closed-page precharge due in that
            // very cycle may or may not make it into the log: compare up to the cycle before.
            const end = Math.max(...sleeping.log.filter((c) => c.command === 'RD' || c.command === 'WR').map((c) => c.cycle));
            const byChannel = (log: typeof sleeping.log) => Array.from({ length: spec.org.channels }, (_, ch) => brief(log.filter((c) => c.channel === ch && c.cycle < end)));
            expect(byChannel(ticking.log), `${name}, ${frontend}, ${page} page`).toEqual(byChannel(sleeping.log));
            expect(ticking.stats.cycles).toBe(sleeping.stats.cycles);
          }
        }
        }
      });
    }
  }
});
