/**
 * Request schedulers of the channel controller, as an explicit registry: the preset names one in
 * `controller.scheduler`, and the schema's accepted names are this registry's keys.
 *
 * Contract. The controller calls `schedule(q, col, now)` when it may issue one command at `now`
 * for the current mode's queue `q` (reads or writes; `col` is RD or WR), after refresh and the
 * activated requests (ActiveRequests) have had their turn. Only requests that arrived before `now`
 * may be considered. The scheduler issues at most one command through the context
 * (serve / activate / precharge) and returns `now` if it did, else the earliest cycle at which a
 * command for one of those requests could become legal (Infinity if none): waking then is early
 * enough, waking earlier is harmless (but changes the engine's events). Every scheduler must
 * respect two rules the controller relies on: a bank holding an activated request is never
 * precharged, and a request for a rank or bank owing a refresh (`blocked`) gets no command.
 *
 * Schedulers work per bank (RequestQueue keeps each bank's requests in arrival order): among a
 * bank's requests only its oldest one and its oldest row hit can be next, since every request of
 * a bank that needs the same command becomes legal at the same cycle.
 */
import type { ActiveRequests } from '../activeRequests.js';
import type { RequestQueue } from '../requestQueue.js';
import type { ChannelTiming } from '../timing.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../../spec/memory.js';
import { FrFcfs } from './frfcfs.js';
import { OldestReady } from './oldestReady.js';

/** What a scheduler sees of its channel and how it issues. Implemented by ChannelController. */
export interface SchedulerContext {
  readonly timing: ChannelTiming;
  readonly active: ActiveRequests;
  /** Column commands each bank's open row has served since its ACT. */
  readonly hitsSinceAct: Int32Array;
  /** Whether requests for bank `flat` of `rank` must wait for a refresh of the rank or bank. */
  blocked(rank: number, flat: number): boolean;
  /** Whether any rank or bank owes a refresh (else `blocked` is false everywhere). */
  readonly owesRefresh: boolean;
  /** Issue the column command `col` for the request in slot i of q (its row is open) and retire it. */
  serve(q: RequestQueue, i: number, col: number, now: number): void;
  /** Issue the ACT for the request in slot i (its bank is closed); the request moves to ActiveRequests. */
  activate(q: RequestQueue, i: number, now: number): void;
  /** Issue a PRE to the bank of the request in slot i (another row is open there). */
  precharge(q: RequestQueue, i: number, now: number): void;
}

export interface Scheduler {
  schedule(q: RequestQueue, col: number, now: number): number;
  /**
   * After a schedule() call that issued nothing and returned `at`: the slot of the request it would
   * serve at cycle `at` if nothing changed meanwhile (planCmd: the command), or -1 if none. Reads
   * what that call found, plus exact look-ups of the kinds it skipped at a rank bound equal to `at`.
   */
  planAt(at: number): number;
  readonly planCmd: number;
}

/** The controller settings schedulers read (a subset of the preset's `controller` section). */
export interface SchedulerSettings {
  readonly scheduler: SchedulerName;
  readonly rowHitCap?: number;
}

interface SchedulerEntry {
  readonly description: string;
  readonly create: (ctx: SchedulerContext, settings: { readonly rowHitCap?: number }) => Scheduler;
}

export const SCHEDULERS = {
  'frfcfs-oldest': {
    description:
      'first ready, then oldest (Ramulator 2.1): the oldest request whose next command (RD/WR, ACT or PRE) can issue now; ' +
      'a precharge for an older request is not held back by younger row hits (nor does it overtake older ones)',
    create: (ctx) => new OldestReady(ctx, false),
  },
  frfcfs: {
    description: 'textbook FR-FCFS: the oldest ready row hit, else the oldest ready ACT/PRE; a row with queued hits is never closed (no cap)',
    create: (ctx) => new FrFcfs(ctx, Infinity),
  },
  'frfcfs-cap': {
    description:
      'FR-FCFS with a row-hit cap (DRAMsim3): once an open row has served controller.rowHitCap column commands, ' +
      'row hits younger than a request waiting for another row of that bank lose their priority, so the row can close',
    create: (ctx, c) => new FrFcfs(ctx, c.rowHitCap!),
  },
  fcfs: {
    description: 'first come, first served: only the oldest request of the queue is considered',
    create: (ctx) => new OldestReady(ctx, true),
  },
} as const satisfies Record<SchedulerName, SchedulerEntry>;

export { SCHEDULER_NAMES, type SchedulerName };

export function createScheduler(ctx: SchedulerContext, settings: SchedulerSettings): Scheduler {
  return SCHEDULERS[settings.scheduler].create(ctx, settings);
}
