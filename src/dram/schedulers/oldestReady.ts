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
import { COMMAND_ID } from '../commands.js';
import type { RequestQueue } from '../requestQueue.js';
import { CLOSED } from '../timing.js';
import type { Scheduler, SchedulerContext } from './index.js';

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE;

export class OldestReady implements Scheduler {
  /** Per bank, stamped with the scan id: an older request hits the open row. */
  private readonly hitStamp: Uint32Array;
  private scanId = 0;

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly headOnly: boolean,
  ) {
    this.hitStamp = new Uint32Array(ctx.active.has.length);
  }

  schedule(q: RequestQueue, n: number, col: number, now: number): number {
    const ctx = this.ctx, tm = ctx.timing, open = tm.openRow, activated = ctx.active.has;
    if (this.headOnly && n > 1) n = 1;
    let soonest = Infinity;
    const scan = ++this.scanId;
    for (let i = 0; i < n; i++) {
      const f = q.flat[i];
      const o = open[f];
      let cmd: number;
      if (o === q.row[i]) {
        cmd = col;
        this.hitStamp[f] = scan;
      } else if (o === CLOSED) cmd = ACT;
      else if (activated[f] || this.hitStamp[f] === scan) continue; // the row is still wanted: served first
      else cmd = PRE;
      if (ctx.blocked(q, i)) continue;
      const t = tm.earliest(cmd, q.rank[i], q.group[i], q.bank[i]);
      if (t <= now) {
        if (cmd === col) ctx.serve(q, i, col, now);
        else if (cmd === ACT) ctx.activate(q, i, now);
        else ctx.precharge(q, i, now);
        return now;
      }
      if (t < soonest) soonest = t;
    }
    return soonest;
  }
}
