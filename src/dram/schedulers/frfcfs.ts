/**
 * FR-FCFS: the oldest ready row hit first, then the oldest ready ACT or PRE. A row that queued
 * requests still hit is not closed, so without a cap a steady stream of hits can hold a row open
 * while an older request for another row of the bank waits (textbook FR-FCFS).
 *
 * With a cap (DRAMsim3's row-hit limit): once a bank's open row has served `cap` column commands
 * since its ACT, hits to it that are younger than a request waiting for another row of the bank
 * lose their priority ("demoted"). They still compete in age order with row commands, so the older
 * request's precharge goes as soon as it is legal and the younger hits are served meanwhile only
 * while it is not.
 *
 * Per bank, at most three requests can be next, all found near the front of the bank's queue: the
 * oldest hit that keeps its priority (first choice), and, for the second choice, the oldest request
 * (an ACT if the bank is closed; a PRE if no hit keeps the row and no activated request holds it)
 * and the oldest demoted hit. Every other request of the bank needs the same command as one of
 * those and is younger.
 */
import { COMMAND_ID } from '../../spec/commands.js';
import { NONE as NO_SLOT, type RequestQueue } from '../requestQueue.js';
import { CLOSED as CLOSED_ROW } from '../timing.js';
import { Candidates, Scan, scanKind } from './candidates.js';
import type { Scheduler, SchedulerContext } from './index.js';

// Module-local copies: imported bindings are getters under some loaders (tsx), and these are read in the hot loop.
const CLOSED = CLOSED_ROW, NONE = NO_SLOT;

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, RD = COMMAND_ID.RD;
/** Kinds of candidates: a hit keeping its priority; then an ACT, a PRE, a demoted hit. */
const HIT = 0, OPEN = 1, CLOSE = 2, DEMOTED = 3;

export class FrFcfs implements Scheduler {
  private readonly reads: Candidates;
  private readonly writes: Candidates;
  private readonly hits = new Scan();
  private readonly others = new Scan();
  // What the last call that issued nothing found, for planAt: its queue; the rank bound it skipped
  // first-choice hits at (Infinity: none); the earliest exact cycle of a first-choice hit and of a
  // second choice, with the oldest candidate ready then.
  private lastQueue!: RequestQueue;
  private lastCol = 0;
  private hitSkipped = Infinity;
  private hitAt = Infinity;
  private hitSlot = NONE;
  private otherAt = Infinity;
  private otherSlot = NONE;
  private otherCmdAt = 0;
  planCmd = 0;

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly cap: number,
  ) {
    const banks = ctx.active.has.length;
    this.reads = new Candidates(4, banks);
    this.writes = new Candidates(4, banks);
  }

  schedule(q: RequestQueue, col: number, now: number): number {
    const ctx = this.ctx, tm = ctx.timing;
    const c = col === RD ? this.reads : this.writes;
    this.lastQueue = q;
    this.lastCol = col;
    this.hitSkipped = Infinity;
    q.admit(now);
    this.update(q, c);
    const oneRank = tm.ranks === 1;
    // First choice: the oldest ready hit that keeps its priority. With one rank (the common case)
    // a rank-level bound in the future means no hit can issue now; waking at it is early enough.
    const hits = this.hits.reset();
    if (c.count[HIT] > 0) {
      const bound = oneRank ? tm.rankBound(col, 0) : 0;
      if (bound > now) this.hitSkipped = bound;
      else {
        scanKind(c, HIT, col, q, ctx, oneRank ? tm.rankReady(col, 0) : -1, now, hits);
        if (hits.ready !== NONE) {
          ctx.serve(q, hits.ready, col, now);
          return now;
        }
      }
    }
    const hitAt = hits.soonAt, hitSlot = hits.soonSlot;
    // Second choice, in age order: an ACT, a PRE or a demoted hit (no rank-bound shortcut here).
    const others = this.others.reset();
    for (let k = OPEN; k <= DEMOTED; k++) {
      if (c.count[k] === 0) continue;
      const cmd = k === OPEN ? ACT : k === CLOSE ? PRE : col;
      scanKind(c, k, cmd, q, ctx, oneRank ? tm.rankReady(cmd, 0) : -1, now, others);
    }
    const other = others.ready, otherCmd = others.readyCmd;
    const otherAt = others.soonAt, otherSlot = others.soonSlot, otherCmdAt = others.soonCmd;
    if (other === NONE) {
      this.hitAt = hitAt;
      this.hitSlot = hitSlot;
      this.otherAt = otherAt;
      this.otherSlot = otherSlot;
      this.otherCmdAt = otherCmdAt;
      const soonest = hitAt < otherAt ? hitAt : otherAt;
      return this.hitSkipped < soonest ? this.hitSkipped : soonest;
    }
    if (otherCmd === ACT) ctx.activate(q, other, now);
    else if (otherCmd === PRE) ctx.precharge(q, other, now);
    else ctx.serve(q, other, col, now);
    return now;
  }

  planAt(at: number): number {
    // First choice: a hit whose cycle is `at`, found exactly or among the hits skipped at a bound of `at`.
    let slot = this.hitAt === at ? this.hitSlot : NONE;
    if (this.hitSkipped === at) {
      const q = this.lastQueue, ctx = this.ctx, tm = ctx.timing, col = this.lastCol;
      const c = col === RD ? this.reads : this.writes;
      for (let w = 0; w < c.words; w++) {
        for (let bits = c.members[HIT * c.words + w]; bits !== 0; bits &= bits - 1) {
          const f = (w << 5) | (31 - Math.clz32(bits & -bits));
          const s = c.slot[HIT * c.banks + f];
          if ((slot !== NONE && q.seq[s] > q.seq[slot]) || ctx.blocked(q.rank[s], f)) continue;
          if (tm.earliestAt(col, q.rank[s], q.group[s], f) <= at) slot = s;
        }
      }
    }
    if (slot !== NONE) {
      this.planCmd = this.lastCol;
      return slot;
    }
    this.planCmd = this.otherCmdAt;
    return this.otherAt === at ? this.otherSlot : NONE;
  }

  /**
   * Re-derive the candidates of the banks that changed. Per bank, at most three requests can be
   * next: the oldest hit that keeps its priority (first choice) and, for the second choice, the
   * oldest request (an ACT if the bank is closed; a PRE if no hit keeps the row and no activated
   * request holds it) and the oldest demoted hit. Every other request of the bank needs the same
   * command as one of those and is younger.
   */
  private update(q: RequestQueue, c: Candidates): void {
    const ctx = this.ctx, open = ctx.timing.openRow, activated = ctx.active.has, capped = this.cap !== Infinity;
    const row = q.row, seq = q.seq, next = q.bankNext, visible = q.visibleSeq, dirty = q.dirty;
    for (let w = 0; w < dirty.length; w++) {
      for (let bits = dirty[w]; bits !== 0; bits &= bits - 1) {
        const f = (w << 5) | (31 - Math.clz32(bits & -bits));
        c.clear(f);
        const s = q.bankFirst[f];
        if (s === NONE || seq[s] > visible) continue;
        const o = open[f];
        if (o === CLOSED) {
          c.set(OPEN, f, s);
          continue;
        }
        const capReached = capped && ctx.hitsSinceAct[f] >= this.cap;
        if (row[s] === o) {
          // The oldest request hits: no older request waits for another row.
          c.set(HIT, f, s);
          // Behind the bank's oldest miss, hits are demoted once the cap is reached.
          if (capReached && q.hits[f] < q.bankCount[f]) {
            let missed = false;
            for (let k = next[s]; k !== NONE && seq[k] <= visible; k = next[k]) {
              if (row[k] !== o) missed = true;
              else if (missed) {
                c.set(DEMOTED, f, k);
                break;
              }
            }
          }
        } else {
          // The oldest request misses; its oldest hit keeps its priority only below the cap.
          let h = NONE;
          if (q.hits[f] > 0) {
            for (let k = next[s]; k !== NONE && seq[k] <= visible; k = next[k]) {
              if (row[k] === o) {
                h = k;
                break;
              }
            }
          }
          if (h !== NONE && !capReached) c.set(HIT, f, h);
          else {
            if (!activated[f]) c.set(CLOSE, f, s);
            if (h !== NONE) c.set(DEMOTED, f, h);
          }
        }
      }
      dirty[w] = 0;
    }
  }
}
