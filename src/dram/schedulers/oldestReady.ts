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
import type { Scheduler, SchedulerContext } from './index.js';

// Module-local copies: imported bindings are getters under some loaders (tsx), and these are read in the hot loop.
const CLOSED = CLOSED_ROW, NONE = NO_SLOT;

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE;

export class OldestReady implements Scheduler {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly headOnly: boolean,
  ) {}

  schedule(q: RequestQueue, col: number, now: number): number {
    const ctx = this.ctx, tm = ctx.timing, open = tm.openRow, activated = ctx.active.has;
    // With one rank, a channel/rank-level bound in the future means no such command can issue now
    // anywhere; waking at the bound is early enough, so skip the per-bank look-ups.
    const oneRank = tm.ranks === 1;
    const colBound = oneRank ? tm.rankBound(col, 0) : 0;
    const actBound = oneRank ? tm.rankBound(ACT, 0) : 0;
    const preBound = oneRank ? tm.rankBound(PRE, 0) : 0;
    const arrival = q.arrival, row = q.row, seq = q.seq, next = q.bankNext, first = q.bankFirst, hits = q.hits;
    const rank = q.rank, group = q.group, busy = q.busy;
    // The oldest ready request (slot, age, command), and when the next could be ready.
    let best = NONE, bestSeq = Infinity, bestCmd = 0, soonest = Infinity;
    // FCFS looks at the oldest request only: one pass over its bank, without the hit behind it.
    const head = this.headOnly ? q.oldest : NONE;
    if (this.headOnly && (head === NONE || arrival[head] >= now)) return Infinity;
    const words = this.headOnly ? 1 : busy.length;
    for (let w = 0; w < words; w++) {
      for (let bits = this.headOnly ? 1 : busy[w]; bits !== 0; bits &= bits - 1) {
        const f = this.headOnly ? q.flat[head] : (w << 5) | (31 - Math.clz32(bits & -bits));
        const s = first[f];
        // Nothing of this bank is visible yet, or nothing of it can beat a ready request already found.
        if (arrival[s] >= now || seq[s] > bestSeq) continue;
        const o = open[f];
        let cmd: number, bound: number, hit = NONE;
        if (o === CLOSED) {
          cmd = ACT;
          bound = actBound;
        } else if (row[s] === o) {
          cmd = col;
          bound = colBound;
        } else {
          // A PRE, unless the bank holds an activated request; and the oldest hit behind it.
          cmd = activated[f] ? -1 : PRE;
          bound = preBound;
          if (hits[f] > 0 && !this.headOnly) {
            for (let k = next[s]; k !== NONE && arrival[k] < now; k = next[k]) {
              if (row[k] === o) {
                hit = k;
                break;
              }
            }
          }
        }
        if (cmd >= 0) {
          const t = bound > now ? bound : ctx.blocked(rank[s], f) ? Infinity : tm.earliestAt(cmd, rank[s], group[s], f);
          if (t <= now) {
            best = s;
            bestSeq = seq[s];
            bestCmd = cmd;
          } else if (t < soonest) soonest = t;
        }
        if (hit !== NONE && seq[hit] < bestSeq) {
          const t = colBound > now ? colBound : ctx.blocked(rank[hit], f) ? Infinity : tm.earliestAt(col, rank[hit], group[hit], f);
          if (t <= now) {
            best = hit;
            bestSeq = seq[hit];
            bestCmd = col;
          } else if (t < soonest) soonest = t;
        }
      }
    }
    if (best === NONE) return soonest;
    if (bestCmd === ACT) ctx.activate(q, best, now);
    else if (bestCmd === PRE) ctx.precharge(q, best, now);
    else ctx.serve(q, best, col, now);
    return now;
  }
}
