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
import type { Scheduler, SchedulerContext } from './index.js';

// Module-local copies: imported bindings are getters under some loaders (tsx), and these are read in the hot loop.
const CLOSED = CLOSED_ROW, NONE = NO_SLOT;

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE;

export class FrFcfs implements Scheduler {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly cap: number,
  ) {}

  schedule(q: RequestQueue, col: number, now: number): number {
    const ctx = this.ctx, tm = ctx.timing, open = tm.openRow, activated = ctx.active.has;
    const capped = this.cap !== Infinity;
    // With one rank (the common case) a rank-level bound in the future means no hit can issue now;
    // waking at that bound is early enough, so skip the per-bank look-ups.
    const hitBound = tm.ranks === 1 ? tm.rankBound(col, 0) : 0;
    const arrival = q.arrival, row = q.row, seq = q.seq, next = q.bankNext, first = q.bankFirst, hits = q.hits;
    const rank = q.rank, group = q.group, busy = q.busy;
    // The oldest ready hit that keeps its priority (first choice); the oldest ready row command or
    // demoted hit (second choice); when the next could be ready.
    let hit = NONE, hitSeq = Infinity, other = NONE, otherSeq = Infinity, otherCmd = 0, soonest = Infinity;
    for (let w = 0; w < busy.length; w++) {
      for (let bits = busy[w]; bits !== 0; bits &= bits - 1) {
        const f = (w << 5) | (31 - Math.clz32(bits & -bits));
        const s = first[f];
        // Nothing of this bank is visible yet, or nothing of it can beat a ready hit already found.
        if (arrival[s] >= now || seq[s] > hitSeq) continue;
        const o = open[f];
        // First choice (a hit keeping its priority) and second choices (row command, demoted hit).
        let h = NONE, row2 = NONE, cmd2 = 0, demoted = NONE;
        if (o === CLOSED) {
          row2 = s;
          cmd2 = ACT;
        } else {
          const capReached = capped && ctx.hitsSinceAct[f] >= this.cap;
          if (row[s] === o) {
            // The oldest request hits: no older request waits for another row.
            h = s;
            // Behind the bank's oldest miss, hits are demoted once the cap is reached.
            if (capReached && hits[f] < q.bankCount[f]) demoted = hitAfterMiss(q, next[s], o, now);
          } else {
            // The oldest request misses; its oldest hit keeps its priority only below the cap.
            let k = NONE;
            if (hits[f] > 0) for (k = next[s]; k !== NONE && arrival[k] < now && row[k] !== o; k = next[k]);
            const found = k !== NONE && arrival[k] < now;
            if (found && !capReached) h = k;
            else {
              if (!activated[f]) {
                row2 = s;
                cmd2 = PRE;
              }
              if (found) demoted = k;
            }
          }
        }
        if (h !== NONE) {
          if (hitBound > now) {
            if (hitBound < soonest) soonest = hitBound;
          } else if (!ctx.blocked(rank[h], f)) {
            const t = tm.earliestAt(col, rank[h], group[h], f);
            if (t <= now) {
              if (seq[h] < hitSeq) {
                hit = h;
                hitSeq = seq[h];
              }
            } else if (t < soonest) soonest = t;
          }
        }
        // Second choices matter only while no first choice is ready.
        if (hit !== NONE) continue;
        if (row2 !== NONE && seq[row2] < otherSeq && !ctx.blocked(rank[row2], f)) {
          const t = tm.earliestAt(cmd2, rank[row2], group[row2], f);
          if (t <= now) {
            other = row2;
            otherSeq = seq[row2];
            otherCmd = cmd2;
          } else if (t < soonest) soonest = t;
        }
        if (demoted !== NONE && seq[demoted] < otherSeq && !ctx.blocked(rank[demoted], f)) {
          const t = tm.earliestAt(col, rank[demoted], group[demoted], f);
          if (t <= now) {
            other = demoted;
            otherSeq = seq[demoted];
            otherCmd = col;
          } else if (t < soonest) soonest = t;
        }
      }
    }
    if (hit !== NONE) {
      ctx.serve(q, hit, col, now);
      return now;
    }
    if (other === NONE) return soonest;
    if (otherCmd === ACT) ctx.activate(q, other, now);
    else if (otherCmd === PRE) ctx.precharge(q, other, now);
    else ctx.serve(q, other, col, now);
    return now;
  }
}

/** The first visible hit of the open row `open` that comes after a miss, from slot s on in its bank. */
function hitAfterMiss(q: RequestQueue, s: number, open: number, now: number): number {
  const arrival = q.arrival, row = q.row, next = q.bankNext;
  let missed = false;
  for (; s !== NONE && arrival[s] < now; s = next[s]) {
    if (row[s] !== open) missed = true;
    else if (missed) return s;
  }
  return NONE;
}
