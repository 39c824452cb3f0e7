/*
 * REFERENCE (test only): the trace-replay path as it was before per-bank queues (commit ce9b2c9),
 * kept verbatim so test/dram/reference.test.ts can prove the fast path gives identical commands,
 * statistics and engine events. Do not optimize this copy.
 */
/**
 * FR-FCFS: the oldest ready row hit first, then the oldest ready ACT or PRE. A row that queued
 * requests still hit is not closed, so without a cap a steady stream of hits can hold a row open
 * while an older request for another row of the bank waits (textbook FR-FCFS).
 *
 * With a cap (DRAMsim3's row-hit limit): once a bank's open row has served `cap` column commands
 * since its ACT, hits to it that are younger than a request waiting for another row of the bank
 * lose their priority. They still compete in age order with row commands, so the older request's
 * precharge goes as soon as it is legal and the younger hits are served meanwhile only while it
 * is not.
 */
import { COMMAND_ID } from '../../../src/spec/commands.js';
import type { RequestQueue } from './requestQueue.js';
import { CLOSED as CLOSED_ROW } from '../../../src/dram/timing.js';
import type { Scheduler, SchedulerContext } from './schedulers.js';

// Module-local copies: imported bindings are getters under some loaders (tsx), and these are read in the hot loop.
const CLOSED = CLOSED_ROW;

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE;

export class FrFcfs implements Scheduler {
  /** Per bank, stamped with the scan id: a queued hit keeps the row open. */
  private readonly hitStamp: Uint32Array;
  /** Per bank, stamped with the scan id: a request for another row of the bank was seen. */
  private readonly waitStamp: Uint32Array;
  /** Per bank and command kind (column, ACT, PRE), stamped with the scan id: found not legal yet. */
  private readonly seen: Uint32Array;
  /** Per queue index: a row hit that lost its priority to the cap (valid for the current scan). */
  private demoted = new Uint8Array(0);
  private scanId = 0;

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly cap: number,
  ) {
    const banks = ctx.active.has.length;
    this.hitStamp = new Uint32Array(banks);
    this.waitStamp = new Uint32Array(banks);
    this.seen = new Uint32Array(banks * 3);
  }

  schedule(q: RequestQueue, n: number, col: number, now: number): number {
    const ctx = this.ctx, tm = ctx.timing, open = tm.openRow;
    const capped = this.cap !== Infinity;
    if (capped && this.demoted.length < q.capacity) this.demoted = new Uint8Array(q.capacity);
    let soonest = Infinity;
    const scan = ++this.scanId;
    // Pass 1: row hits. With one rank (the common case) a rank-level bound in the future means no
    // hit can issue now; waking at that bound is early enough, so skip the per-request look-ups.
    const hitBound = tm.ranks === 1 ? tm.rankBound(col, 0) : 0;
    let others = 0;
    for (let i = 0; i < n; i++) {
      const f = q.flat[i];
      if (open[f] !== q.row[i]) {
        others++;
        if (capped && open[f] !== CLOSED) this.waitStamp[f] = scan;
        continue;
      }
      if (capped) {
        const demote = this.waitStamp[f] === scan && ctx.hitsSinceAct[f] >= this.cap;
        this.demoted[i] = demote ? 1 : 0;
        if (demote) {
          others++;
          continue;
        }
      }
      this.hitStamp[f] = scan;
      if (hitBound > now) {
        if (hitBound < soonest) soonest = hitBound;
        continue;
      }
      // An older hit to the same bank was found not legal yet: so is this one.
      if (this.seen[f * 3] === scan || ctx.blocked(q, i)) continue;
      const t = tm.earliest(col, q.rank[i], q.group[i], q.bank[i]);
      if (t <= now) {
        ctx.serve(q, i, col, now);
        return now;
      }
      this.seen[f * 3] = scan;
      if (t < soonest) soonest = t;
    }
    // Pass 2: activate a closed bank, or precharge a row nothing queued still hits (nothing to do
    // when every queued request hits, as in streaming); capped hits compete here in age order.
    if (others === 0) return soonest;
    const activated = ctx.active.has;
    for (let i = 0; i < n; i++) {
      const f = q.flat[i];
      const o = open[f];
      let cmd: number, kind: number;
      if (o === q.row[i]) {
        if (!capped || !this.demoted[i]) continue;
        cmd = col;
        kind = 0;
      } else if (o === CLOSED) {
        cmd = ACT;
        kind = 1;
      } else {
        // Only the active queue's hits (and an activated request of either queue) hold a row
        // open: deferring to the other queue's hits could deadlock.
        if (this.hitStamp[f] === scan || activated[f]) continue;
        cmd = PRE;
        kind = 2;
      }
      // Demoted hits share the stamp of pass 1's hits: none of those was legal either.
      if (this.seen[f * 3 + kind] === scan || ctx.blocked(q, i)) continue;
      const t = tm.earliest(cmd, q.rank[i], q.group[i], q.bank[i]);
      if (t <= now) {
        if (cmd === col) ctx.serve(q, i, col, now);
        else if (cmd === ACT) ctx.activate(q, i, now);
        else ctx.precharge(q, i, now);
        return now;
      }
      this.seen[f * 3 + kind] = scan;
      if (t < soonest) soonest = t;
    }
    return soonest;
  }
}
