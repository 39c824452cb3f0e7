/**
 * First ready, then oldest (Ramulator 2.1's FR-FCFS order): the oldest request whose next command
 * (RD/WR, ACT or PRE) can issue now. Row hits are not otherwise preferred: an older request's
 * precharge goes as soon as it is legal, so no request is starved by a stream of younger hits.
 *
 * One difference from Ramulator 2.1: a precharge never overtakes an older request that hits the
 * open row (Ramulator's lets a younger request's ready precharge close a row while older hits wait
 * a cycle for the data bus, which re-opens the row; with refresh on, a stream then needs about 50%
 * more activations). With `headOnly`, FCFS: only the oldest request is considered.
 *
 * Per bank, two requests can be next: its oldest (an ACT if the bank is closed, its column command
 * if it hits, else a PRE unless the bank holds an activated request) and, behind an oldest that
 * misses, its oldest hit. Every other request of the bank needs one of those two commands and is
 * younger, so it cannot be the oldest ready one.
 */
import { COMMAND_ID } from '../../spec/commands.js';
import { NONE as NO_SLOT, type RequestQueue } from '../requestQueue.js';
import { CLOSED as CLOSED_ROW } from '../timing.js';
import { Candidates, Scan, scanKind } from './candidates.js';
import type { Scheduler, SchedulerContext } from './index.js';

// Module-local copies: imported bindings are getters under some loaders (tsx), and these are read in the hot loop.
const CLOSED = CLOSED_ROW, NONE = NO_SLOT;

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, RD = COMMAND_ID.RD;
/** Kinds of candidates: a row hit (its column command), an ACT, a PRE. */
const HIT = 0, OPEN = 1, CLOSE = 2;

export class OldestReady implements Scheduler {
  private readonly reads: Candidates;
  private readonly writes: Candidates;
  // What the last call that issued nothing found, for planAt: its queue, the earliest exact cycle
  // and the oldest candidate ready then, and per kind the rank bound it skipped at (Infinity: none).
  private lastQueue!: RequestQueue;
  private lastCol = 0;
  private exactAt = Infinity;
  private exactSlot = NONE;
  private exactCmd = 0;
  private readonly skipped = new Float64Array(3);
  private readonly scan = new Scan();
  planCmd = 0;

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly headOnly: boolean,
  ) {
    const banks = ctx.active.has.length;
    this.reads = new Candidates(3, banks);
    this.writes = new Candidates(3, banks);
  }

  schedule(q: RequestQueue, col: number, now: number): number {
    this.lastQueue = q;
    this.lastCol = col;
    this.skipped.fill(Infinity);
    if (this.headOnly) return this.head(q, col, now);
    const ctx = this.ctx, tm = ctx.timing;
    const c = col === RD ? this.reads : this.writes;
    q.admit(now);
    this.update(q, c);
    const oneRank = tm.ranks === 1;
    // The oldest ready candidate, and the earliest cycle a candidate found not ready could be.
    const scan = this.scan.reset();
    for (let k = HIT; k <= CLOSE; k++) {
      if (c.count[k] === 0) continue;
      const cmd = k === HIT ? col : k === OPEN ? ACT : PRE;
      // With one rank, a channel/rank-level bound in the future means this command cannot issue
      // anywhere yet; waking at the bound is early enough, so skip the kind's banks.
      const bound = oneRank ? tm.rankBound(cmd, 0) : 0;
      if (bound > now) {
        this.skipped[k] = bound;
        continue;
      }
      scanKind(c, k, cmd, q, ctx, oneRank ? tm.rankReady(cmd, 0) : -1, now, scan);
    }
    const best = scan.ready, bestCmd = scan.readyCmd;
    let soonest = scan.soonAt;
    const soonSlot = scan.soonSlot, soonCmd = scan.soonCmd;
    if (best === NONE) {
      this.exactAt = soonest;
      this.exactSlot = soonSlot;
      this.exactCmd = soonCmd;
      const sk = this.skipped;
      for (let k = HIT; k <= CLOSE; k++) if (sk[k] < soonest) soonest = sk[k];
      return soonest;
    }
    if (bestCmd === ACT) ctx.activate(q, best, now);
    else if (bestCmd === PRE) ctx.precharge(q, best, now);
    else ctx.serve(q, best, col, now);
    return now;
  }

  planAt(at: number): number {
    let slot = this.exactAt === at ? this.exactSlot : NONE;
    this.planCmd = this.exactCmd;
    const q = this.lastQueue, ctx = this.ctx, tm = ctx.timing;
    const c = this.lastCol === RD ? this.reads : this.writes;
    // Candidates of a kind skipped at a bound equal to `at` are ready then if their own cycle is `at`.
    for (let k = HIT; k <= CLOSE; k++) {
      if (this.skipped[k] !== at || this.headOnly) continue;
      const cmd = k === HIT ? this.lastCol : k === OPEN ? ACT : PRE;
      for (let w = 0; w < c.words; w++) {
        for (let bits = c.members[k * c.words + w]; bits !== 0; bits &= bits - 1) {
          const f = (w << 5) | (31 - Math.clz32(bits & -bits));
          const s = c.slot[k * c.banks + f];
          if ((slot !== NONE && q.seq[s] > q.seq[slot]) || ctx.blocked(q.rank[s], f)) continue;
          if (tm.earliestAt(cmd, q.rank[s], q.group[s], f) <= at) {
            slot = s;
            this.planCmd = cmd;
          }
        }
      }
    }
    return slot;
  }

  /**
   * Re-derive the candidates of the banks that changed. Per bank, two requests can be next: its
   * oldest (an ACT if the bank is closed, its column command if it hits, else a PRE unless the bank
   * holds an activated request) and, behind an oldest that misses, its oldest hit. Every other
   * request of the bank needs one of those commands and is younger.
   */
  private update(q: RequestQueue, c: Candidates): void {
    const open = this.ctx.timing.openRow, activated = this.ctx.active.has;
    const row = q.row, seq = q.seq, next = q.bankNext, visible = q.visibleSeq, dirty = q.dirty;
    for (let w = 0; w < dirty.length; w++) {
      for (let bits = dirty[w]; bits !== 0; bits &= bits - 1) {
        const f = (w << 5) | (31 - Math.clz32(bits & -bits));
        c.clear(f);
        const s = q.bankFirst[f];
        if (s === NONE || seq[s] > visible) continue;
        const o = open[f];
        if (o === CLOSED) c.set(OPEN, f, s);
        else if (row[s] === o) c.set(HIT, f, s);
        else {
          if (!activated[f]) c.set(CLOSE, f, s);
          if (q.hits[f] > 0) {
            for (let h = next[s]; h !== NONE && seq[h] <= visible; h = next[h]) {
              if (row[h] === o) {
                c.set(HIT, f, h);
                break;
              }
            }
          }
        }
      }
      dirty[w] = 0;
    }
  }

  /** FCFS: only the oldest request (that arrived before `now`) is considered. */
  private head(q: RequestQueue, col: number, now: number): number {
    const ctx = this.ctx, tm = ctx.timing;
    this.exactAt = Infinity;
    const s = q.oldest;
    if (s === NONE || q.arrival[s] >= now) return Infinity;
    const f = q.flat[s], o = tm.openRow[f];
    let cmd: number;
    if (o === CLOSED) cmd = ACT;
    else if (q.row[s] === o) cmd = col;
    else if (!ctx.active.has[f]) cmd = PRE;
    else return Infinity; // its bank holds an activated request, served first
    // A bound is not the request's own cycle: no plan then (planAt finds nothing at it).
    const bound = tm.ranks === 1 ? tm.rankBound(cmd, 0) : 0;
    if (bound > now) return bound;
    if (ctx.blocked(q.rank[s], f)) return Infinity;
    const t = tm.earliestAt(cmd, q.rank[s], q.group[s], f);
    if (t > now) {
      this.exactAt = t;
      this.exactSlot = s;
      this.exactCmd = cmd;
      return t;
    }
    if (cmd === ACT) ctx.activate(q, s, now);
    else if (cmd === PRE) ctx.precharge(q, s, now);
    else ctx.serve(q, s, col, now);
    return now;
  }
}
