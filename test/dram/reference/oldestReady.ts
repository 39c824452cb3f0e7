/*
 * REFERENCE (test only): the trace-replay path as it was before per-bank queues (commit ce9b2c9),
 * kept verbatim so test/dram/reference.test.ts can prove the fast path gives identical commands,
 * statistics and engine events. Do not optimize this copy.
 */
/**
 * First ready, then oldest (Ramulator 2.1's FR-FCFS order): the oldest request whose next command
 * (RD/WR, ACT or PRE) can issue now. Row hits are not otherwise preferred: an older request's
 * precharge goes as soon as it is legal, so no request is starved by a stream of younger hits.
 *
 * One difference from Ramulator 2.1: a precharge never overtakes an older request that hits the
 * open row (Ramulator's lets a younger request's ready precharge close a row while older hits wait
 * a cycle for the data bus, which re-opens the row; with refresh on, a stream then needs about 50%
 * more activations). With `headOnly`, FCFS: only the oldest request is considered.
 */
import { COMMAND_ID } from '../../../src/spec/commands.js';
import type { RequestQueue } from './requestQueue.js';
import { CLOSED as CLOSED_ROW } from '../../../src/dram/timing.js';
import type { Scheduler, SchedulerContext } from './schedulers.js';

// Module-local copies: imported bindings are getters under some loaders (tsx), and these are read in the hot loop.
const CLOSED = CLOSED_ROW;

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE;

export class OldestReady implements Scheduler {
  /** Per bank, stamped with the scan id: an older request hits the open row. */
  private readonly hitStamp: Uint32Array;
  /** Per bank and command kind (column, ACT, PRE), stamped with the scan id: found not legal yet. */
  private readonly seen: Uint32Array;
  private scanId = 0;

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly headOnly: boolean,
  ) {
    this.hitStamp = new Uint32Array(ctx.active.has.length);
    this.seen = new Uint32Array(ctx.active.has.length * 3);
  }

  schedule(q: RequestQueue, n: number, col: number, now: number): number {
    const ctx = this.ctx, tm = ctx.timing, open = tm.openRow, activated = ctx.active.has;
    if (this.headOnly && n > 1) n = 1;
    let soonest = Infinity;
    const scan = ++this.scanId;
    // With one rank, a channel/rank-level bound in the future means no such command can issue now
    // anywhere; waking at the bound is early enough, so skip the per-bank look-ups.
    const oneRank = tm.ranks === 1;
    const colBound = oneRank ? tm.rankBound(col, 0) : 0;
    const actBound = oneRank ? tm.rankBound(ACT, 0) : 0;
    const preBound = oneRank ? tm.rankBound(PRE, 0) : 0;
    const seen = this.seen;
    for (let i = 0; i < n; i++) {
      const f = q.flat[i];
      const o = open[f];
      let cmd: number, kind: number, bound: number;
      if (o === q.row[i]) {
        cmd = col;
        kind = 0;
        bound = colBound;
        this.hitStamp[f] = scan;
      } else if (o === CLOSED) {
        cmd = ACT;
        kind = 1;
        bound = actBound;
      } else if (activated[f] || this.hitStamp[f] === scan) {
        continue; // the row is still wanted: served first
      } else {
        cmd = PRE;
        kind = 2;
        bound = preBound;
      }
      if (bound > now) {
        if (bound < soonest) soonest = bound;
        continue;
      }
      // An older request to the same bank needed the same command, which is not legal yet.
      if (seen[f * 3 + kind] === scan) continue;
      if (ctx.blocked(q, i)) continue;
      const t = tm.earliest(cmd, q.rank[i], q.group[i], q.bank[i]);
      if (t <= now) {
        if (cmd === col) ctx.serve(q, i, col, now);
        else if (cmd === ACT) ctx.activate(q, i, now);
        else ctx.precharge(q, i, now);
        return now;
      }
      seen[f * 3 + kind] = scan;
      if (t < soonest) soonest = t;
    }
    return soonest;
  }
}
