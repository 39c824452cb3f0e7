/**
 * One channel's memory controller: read and write queues, a scheduler from the registry
 * (src/dram/schedulers/), open- or closed-page policy, write draining between watermarks, and
 * refresh.
 *
 * It is an engine component: it wakes at a cycle, issues at most one command per command bus
 * (MemorySpec.buses: one for DDR4/GDDR6/LPDDR5, a row and a column bus for HBM), and asks to be
 * woken at the next cycle anything could issue. Refresh deadlines are wake-ups too, so refresh
 * happens on time even across long idle stretches. With several buses, the order of service below
 * runs again in the same clock after a command issued, as long as a bus is still free there
 * (DRAMsim3's HBM dual issue: the second command is the best one the other bus can take).
 *
 * Order of service each cycle: an owed refresh; then the activated requests (ActiveRequests: a
 * request whose ACT issued is served before anything else, in read and write mode alike, and its
 * bank is not precharged until it is); then, with a closed-page policy, a precharge of a bank
 * nothing queued wants (standing in for an auto-precharge); then the scheduler over the current
 * mode's queue. A request arriving at
 * cycle c gets its first command at c + 1 at the earliest (it is decoded and queued in cycle c).
 */
import { COMMAND_ID } from '../spec/commands.js';
import { ChannelTiming, CLOSED as CLOSED_ROW } from './timing.js';
import { RequestQueue, HIT as HIT_, MISS as MISS_, CONFLICT as CONFLICT_ } from './requestQueue.js';
import { ActiveRequests } from './activeRequests.js';
import { ChannelStats } from './channelStats.js';
import { createScheduler, type Scheduler, type SchedulerContext } from './schedulers/index.js';
import { Waker, type Component, type Engine } from '../sim/engine.js';
import type { MemorySpec } from '../spec/memory.js';

// Module-local copies: imported bindings are getters under some loaders (tsx), and these are read in the hot loop.
const CLOSED = CLOSED_ROW, HIT = HIT_, MISS = MISS_, CONFLICT = CONFLICT_;

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, PREA = COMMAND_ID.PREA, RD = COMMAND_ID.RD, WR = COMMAND_ID.WR;
const REFAB = COMMAND_ID.REFab, REFPB = COMMAND_ID.REFpb;

/** Receives every issued command (for the command log). */
export type CommandSink = (cmd: number, channel: number, rank: number, group: number, bank: number, row: number, column: number, cycle: number) => void;

export interface ControllerOptions {
  readonly onCommand?: CommandSink;
  /**
   * Wake every cycle, as a cycle-driven simulator ticks (slow). Results must not change: tests use
   * it to show that sleeping until the next possible command skips nothing.
   */
  readonly everyCycle?: boolean;
  /**
   * Called when a request is served (its column command issued; `freed`: its queue entry frees
   * with it) and, with `served` false, when an ACT frees an entry (activatedEntry "free"), so a
   * blocked front end can retry.
   */
  readonly onRelease?: (channel: number, cycle: number, served: boolean, freed: boolean) => void;
}

export class ChannelController implements Component, SchedulerContext {
  readonly timing: ChannelTiming;
  readonly stats: ChannelStats;
  readonly reads: RequestQueue;
  readonly writes: RequestQueue;
  readonly active: ActiveRequests;
  readonly hitsSinceAct: Int32Array;
  private readonly scheduler: Scheduler;
  private readonly waker: Waker;
  private writeMode = false;
  private readonly highMark: number;
  private readonly lowMark: number;
  private readonly closedPage: boolean;
  /** Closed page: bank must be precharged once nothing queued wants its row. */
  private readonly closePending: Uint8Array;
  // Refresh
  private readonly refreshMode: 'all-bank' | 'per-bank' | 'off';
  private readonly refreshInterval: number;
  private nextRefresh: number;
  /** All-bank: refreshes owed per rank (a count, so none is lost when one falls due before the last is done). */
  private readonly rankOwes: Int32Array;
  /** Per-bank: the bank being refreshed (-1: none), and how many more are owed after it. */
  private bankOwes = -1;
  private banksOwed = 0;
  private nextRefreshBank = 0;
  private readonly readDelay: number;
  private readonly writeDelay: number;
  /** Command buses of the channel, and commands issued so far (to see whether a pass issued). */
  private readonly buses: number;
  private issued = 0;
  /** With several buses: queued requests whose row is not open (they need a row command). */
  private nonHits = 0;
  /** 1 if the write-drain watermarks count activated requests too (writeModeCounts "all"). */
  private readonly countHeld: number;
  /** Whether an activated request keeps its queue entry until its column command. */
  private readonly keepEntry: boolean;
  /**
   * A plan (see wake): what step() found would issue at cycle `planAt` if nothing changed by then:
   * the activated request of bank planBank, or (planBank -1) the scheduler's request in slot
   * planSlot with command planCmd. Valid while `changes`, bumped by everything that can change
   * step()'s decision (a request queued, a command issued, a refresh falling due, the read/write
   * mode switching), still equals planStamp.
   */
  private changes = 0;
  private planAt = -1;
  private planStamp = -1;
  private planBank = -1;
  private planSlot = -1;
  private planCmd = 0;
  /** Plans are off when waking every cycle (that mode is the plain reference for tests). */
  private readonly plans: boolean;
  // What the last serveActivated() that issued nothing found, for activatedAt(): per command (RD,
  // WR) the rank bound it skipped at, and the earliest exact cycle with the request ready then.
  private readonly activeSkipped = new Float64Array(2);
  private activeAt = Infinity;
  private activeBank = -1;

  constructor(
    spec: MemorySpec,
    readonly channel: number,
    engine: Engine,
    private readonly opts: ControllerOptions = {},
  ) {
    this.timing = new ChannelTiming(spec);
    const banks = spec.banksPerChannel;
    this.stats = new ChannelStats(banks);
    const c = spec.controller;
    this.reads = new RequestQueue(c.queueDepth, banks, this.timing.openRow, c.activatedEntry === 'keep');
    this.writes = new RequestQueue(c.queueDepth, banks, this.timing.openRow, c.activatedEntry === 'keep');
    this.countHeld = c.writeModeCounts === 'all' ? 1 : 0;
    this.keepEntry = c.activatedEntry === 'keep';
    this.buses = spec.buses.names.length;
    this.active = new ActiveRequests(banks);
    this.hitsSinceAct = new Int32Array(banks);
    this.highMark = Math.max(1, Math.ceil(c.writeHighWatermark * c.queueDepth));
    this.lowMark = Math.floor(c.writeLowWatermark * c.queueDepth);
    this.closedPage = c.pagePolicy === 'closed';
    this.closePending = new Uint8Array(banks);
    this.refreshMode = c.refresh;
    const t = spec.timing;
    this.refreshInterval = c.refresh === 'all-bank' ? t.nREFI! : c.refresh === 'per-bank' ? (t.nREFIpb ?? Math.floor(t.nREFI! / banks)) : Infinity;
    this.nextRefresh = this.refreshInterval;
    this.rankOwes = new Int32Array(spec.rankSlots);
    this.readDelay = t.nCL! + t.nBL!;
    this.writeDelay = t.nCWL! + t.nBL!;
    this.scheduler = createScheduler(this, c);
    this.plans = !opts.everyCycle;
    this.waker = new Waker(engine, engine.add(this));
    if (this.refreshInterval < Infinity) this.waker.request(this.nextRefresh);
  }

  canAccept(isWrite: boolean): boolean {
    return !(isWrite ? this.writes : this.reads).full;
  }

  /** Queue a request that arrives at `now` (the caller checked canAccept). */
  enqueue(isWrite: boolean, rank: number, group: number, bank: number, row: number, column: number, now: number): void {
    const tm = this.timing;
    const flat = tm.bankIndex(rank, group, bank);
    (isWrite ? this.writes : this.reads).push(rank, group, bank, flat, row, column, now);
    if (this.buses > 1 && tm.openRow[flat] !== row) this.nonHits++;
    // Wake no earlier than this request's first command could issue: avoids idle wake-ups while
    // the controller already sleeps until an earlier-queued command becomes legal.
    const open = tm.openRow[flat];
    const cmd = open === row ? (isWrite ? WR : RD) : open === CLOSED ? ACT : PRE;
    const t = tm.earliestAt(cmd, rank, group, flat);
    // Next cycle if the newcomer switches between reading and write draining: the mode changes
    // at the first cycle its condition holds, however long the controller would otherwise sleep.
    const flips = this.switchesMode(this.writes.length + this.writes.held * this.countHeld, this.reads.length + this.reads.held * this.countHeld);
    this.changes++;
    this.waker.request(t > now && !flips ? t : now + 1);
  }

  /** Whether write draining starts (or stops) with `nw` writes and `nr` reads waiting. */
  private switchesMode(nw: number, nr: number): boolean {
    return this.writeMode ? nw === 0 || (nw <= this.lowMark && nr > 0) : nw >= this.highMark || (nr === 0 && nw > 0);
  }

  get idle(): boolean {
    return this.reads.length + this.reads.held === 0 && this.writes.length + this.writes.held === 0;
  }

  wake(now: number): void {
    if (!this.waker.accept(now)) return;
    while (now >= this.nextRefresh) {
      if (this.refreshMode === 'all-bank') for (let r = 0; r < this.rankOwes.length; r++) this.rankOwes[r]++;
      else if (this.bankOwes < 0) this.takeNextBank();
      else this.banksOwed++;
      this.nextRefresh += this.refreshInterval;
      this.changes++;
    }
    let n = this.issued;
    let next: number;
    // Nothing changed since step() planned this cycle: it would find exactly what it planned, so
    // issue that without looking again (about half of all wake-ups under load).
    if (now === this.planAt && this.changes === this.planStamp) {
      this.applyPlan(now);
      next = now + 1;
    } else next = this.step(now);
    // Another bus may still take a command this clock: run the order of service again while
    // passes issue (each issue occupies its bus, so at most one pass per bus issues).
    if (this.buses > 1) {
      for (let k = 1; k < this.buses && this.issued > n && this.timing.busIdle(now) && !this.futile(now); k++) {
        n = this.issued;
        this.step(now);
      }
    }
    const refreshAt = this.nextRefresh;
    this.waker.request(this.opts.everyCycle ? now + 1 : next < refreshAt ? next : refreshAt);
  }

  /** Issue at most one command at `now`; return the next cycle worth waking at (Infinity: nothing to do). */
  private step(now: number): number {
    this.planAt = -1;
    let soonest = this.refreshMode === 'off' ? Infinity : this.refresh(now);
    if (soonest <= now) return now + 1;
    const refreshAt = soonest;
    let activeAt = Infinity;
    if (this.active.count > 0) {
      const t = this.serveActivated(now);
      if (t <= now) return now + 1;
      if (t < soonest) soonest = t;
      activeAt = t;
    }
    // Write draining between watermarks; reads otherwise. Counted over the requests that have
    // arrived before this cycle (and, with writeModeCounts "all", the activated ones), like
    // everything else the scheduler sees.
    const vw = this.writes.visible(now), vr = this.reads.visible(now);
    const nw = vw + this.writes.held * this.countHeld, nr = vr + this.reads.held * this.countHeld;
    if (this.switchesMode(nw, nr)) {
      this.writeMode = !this.writeMode;
      this.changes++;
    }
    // A request that arrived this cycle is seen from the next one (its own wake-up request may
    // have been absorbed by this one).
    const unseen = vw < this.writes.length || vr < this.reads.length;
    if (unseen && now + 1 < soonest) soonest = now + 1;
    let closeAt = Infinity;
    if (this.closedPage) {
      const c = this.closeUnwanted(now);
      if (c <= now) return now + 1;
      if (c < soonest) soonest = c;
      closeAt = c;
    }
    const q = this.writeMode ? this.writes : this.reads;
    const t = this.scheduler.schedule(q, this.writeMode ? WR : RD, now);
    if (t <= now) return now + 1;
    if (t < soonest) soonest = t;
    // Plan the next wake-up when what it finds is already known: every request is seen, neither a
    // refresh nor a closed-page precharge is due by then, and the mode does not switch again.
    if (this.plans && !unseen && refreshAt > soonest && closeAt > soonest && soonest < Infinity && !this.switchesMode(nw, nr)) {
      this.plan(soonest, activeAt, t);
    }
    return soonest;
  }

  /** What step() would issue at `at` if nothing changed: the activated requests go first, then the scheduler's choice. */
  private plan(at: number, activeAt: number, scheduleAt: number): void {
    if (activeAt === at) {
      const f = this.activatedAt(at);
      if (f >= 0) {
        this.planBank = f;
        this.planAt = at;
        this.planStamp = this.changes;
        return;
      }
    }
    if (scheduleAt !== at) return;
    const slot = this.scheduler.planAt(at);
    if (slot < 0) return; // nothing (known) issues then: the wake-up looks for itself
    this.planBank = -1;
    this.planSlot = slot;
    this.planCmd = this.scheduler.planCmd;
    this.planAt = at;
    this.planStamp = this.changes;
  }

  private applyPlan(now: number): void {
    this.planAt = -1;
    if (this.planBank >= 0) {
      this.serveActive(this.planBank, now);
      return;
    }
    const q = this.writeMode ? this.writes : this.reads, cmd = this.planCmd;
    if (cmd === ACT) this.activate(q, this.planSlot, now);
    else if (cmd === PRE) this.precharge(q, this.planSlot, now);
    else this.serve(q, this.planSlot, cmd, now);
  }

  /**
   * Refresh first: once due it is issued at its first legal cycle, except that a bank holding an
   * activated request is precharged only after that request's column command. Returns `now` if
   * it issued, else when it could next issue (Infinity: nothing owed, or waiting on such a request).
   */
  private refresh(now: number): number {
    const tm = this.timing;
    let soonest = Infinity;
    if (this.refreshMode === 'all-bank') {
      for (let r = 0; r < this.rankOwes.length; r++) {
        if (!this.rankOwes[r]) continue;
        const cmd = tm.openCount[r] > 0 ? PREA : REFAB;
        if (cmd === PREA && this.active.count > 0 && this.active.anyIn(r * tm.banksPerRank, tm.banksPerRank)) continue;
        const t = tm.earliest(cmd, r, 0, 0);
        if (t <= now) {
          this.issue(cmd, r, 0, 0, -1, -1, now);
          if (cmd === REFAB) this.rankOwes[r]--;
          return now;
        }
        if (t < soonest) soonest = t;
      }
    } else if (this.bankOwes >= 0) {
      const b = this.bankOwes;
      const r = Math.floor(b / tm.banksPerRank), g = Math.floor((b % tm.banksPerRank) / tm.banksPerGroup), k = b % tm.banksPerGroup;
      const cmd = tm.openRow[b] !== CLOSED ? PRE : REFPB;
      if (cmd === PRE && this.active.has[b]) return Infinity;
      const t = tm.earliest(cmd, r, g, k);
      if (t <= now) {
        this.issue(cmd, r, g, k, -1, -1, now);
        if (cmd === REFPB) {
          this.bankOwes = -1;
          if (this.banksOwed > 0) {
            this.banksOwed--;
            this.takeNextBank();
          }
        }
        return now;
      }
      if (t < soonest) soonest = t;
    }
    return soonest;
  }

  /** Serve the oldest activated request whose column command is legal now. */
  private serveActivated(now: number): number {
    const a = this.active, tm = this.timing;
    const oneRank = tm.ranks === 1;
    let best = -1, bestArrival = Infinity;
    // For plans: the earliest cycle a request found not ready could be, and the one ready then.
    let soonest = Infinity, soonBank = -1, soonArrival = Infinity;
    for (let k = 0; k < 2; k++) {
      this.activeSkipped[k] = Infinity;
      if ((k === 0 ? a.readsHeld : a.writesHeld) === 0) continue;
      const cmd = k === 0 ? RD : WR;
      // With one rank, a channel/rank-level bound in the future holds for every bank (see schedulers).
      const bound = oneRank ? tm.rankBound(cmd, 0) : 0;
      if (bound > now) {
        this.activeSkipped[k] = bound;
        continue;
      }
      const shared = oneRank ? tm.rankReady(cmd, 0) : 0;
      const busy = k === 0 ? a.reading : a.writing;
      for (let w = 0; w < busy.length; w++) {
        for (let bits = busy[w]; bits !== 0; bits &= bits - 1) {
          const f = (w << 5) | (31 - Math.clz32(bits & -bits));
          let t = tm.bankReady(cmd, f);
          const r = oneRank ? shared : tm.rankReady(cmd, a.rank[f]);
          if (r > t) t = r;
          const arrival = a.arrival[f];
          if (t <= now) {
            // The oldest; between equally old ones the lower bank (a scan in bank order).
            if (arrival < bestArrival || (arrival === bestArrival && f < best)) {
              best = f;
              bestArrival = arrival;
            }
          } else if (t < soonest || (t === soonest && (arrival < soonArrival || (arrival === soonArrival && f < soonBank)))) {
            soonest = t;
            soonBank = f;
            soonArrival = arrival;
          }
        }
      }
    }
    if (best < 0) {
      this.activeAt = soonest;
      this.activeBank = soonBank;
      const sk = this.activeSkipped;
      if (sk[0] < soonest) soonest = sk[0];
      if (sk[1] < soonest) soonest = sk[1];
      return soonest;
    }
    this.serveActive(best, now);
    return now;
  }

  /** After a serveActivated() that issued nothing: the bank whose activated request it would serve at `at` if nothing changed, or -1. */
  private activatedAt(at: number): number {
    const a = this.active, tm = this.timing;
    let best = this.activeAt === at ? this.activeBank : -1;
    for (let k = 0; k < 2; k++) {
      if (this.activeSkipped[k] !== at) continue;
      // Skipped at a bound equal to `at`: ready then if their own cycle is `at`.
      const cmd = k === 0 ? RD : WR, busy = k === 0 ? a.reading : a.writing;
      for (let w = 0; w < busy.length; w++) {
        for (let bits = busy[w]; bits !== 0; bits &= bits - 1) {
          const f = (w << 5) | (31 - Math.clz32(bits & -bits));
          if (tm.earliestAt(cmd, a.rank[f], a.group[f], f) > at) continue;
          if (best < 0 || a.arrival[f] < a.arrival[best] || (a.arrival[f] === a.arrival[best] && f < best)) best = f;
        }
      }
    }
    return best;
  }

  /** Issue the column command of bank f's activated request. */
  private serveActive(f: number, now: number): void {
    const a = this.active;
    const w = a.isWrite[f] === 1;
    a.release(f);
    (w ? this.writes : this.reads).held--;
    this.complete(w ? WR : RD, a.rank[f], a.group[f], a.bank[f], f, a.row[f], a.column[f], a.arrival[f], a.outcome[f], this.keepEntry, now);
  }

  /** Closed page: precharge a bank whose row nothing queued wants any more. */
  private closeUnwanted(now: number): number {
    const tm = this.timing;
    let soonest = Infinity;
    for (let f = 0; f < this.closePending.length; f++) {
      if (!this.closePending[f] || this.wanted(f, now)) continue;
      const r = Math.floor(f / tm.banksPerRank), g = Math.floor((f % tm.banksPerRank) / tm.banksPerGroup), k = f % tm.banksPerGroup;
      const t = tm.earliest(PRE, r, g, k);
      if (t <= now) {
        this.issue(PRE, r, g, k, -1, -1, now);
        return now;
      }
      if (t < soonest) soonest = t;
    }
    return soonest;
  }

  /** Whether an activated request, or a request queued before `now`, wants the open row of bank f. */
  private wanted(f: number, now: number): boolean {
    return this.active.has[f] === 1 || this.reads.hasVisibleHit(f, now) || this.writes.hasVisibleHit(f, now);
  }

  blocked(rank: number, flat: number): boolean {
    return this.rankOwes[rank] > 0 || flat === this.bankOwes;
  }

  get owesRefresh(): boolean {
    if (this.refreshMode === 'off') return false;
    if (this.bankOwes >= 0) return true;
    for (let r = 0; r < this.rankOwes.length; r++) if (this.rankOwes[r] > 0) return true;
    return false;
  }

  /** Per-bank refresh visits the banks round robin. */
  private takeNextBank(): void {
    this.bankOwes = this.nextRefreshBank;
    this.nextRefreshBank = (this.nextRefreshBank + 1) % this.closePending.length;
  }

  /** Queued (not activated) requests for `row` of bank f. */
  private queuedFor(f: number, row: number): number {
    if (row === CLOSED) return 0;
    return this.reads.countFor(f, row) + this.writes.countFor(f, row);
  }

  /**
   * Whether another pass this clock cannot issue: the buses of RD and WR are taken, so only row
   * commands could follow, and nothing wants one (every queued request hits its open row, no
   * refresh is owed, no closed-page precharge is pending). Saves the scan of a pass that would
   * find nothing (a stream's every column command).
   */
  private futile(now: number): boolean {
    const tm = this.timing;
    if (this.nonHits > 0 || this.closedPage || this.bankOwes >= 0) return false;
    if (!tm.busBusy(RD, now) || !tm.busBusy(WR, now)) return false;
    for (let r = 0; r < this.rankOwes.length; r++) if (this.rankOwes[r]) return false;
    return true;
  }

  serve(q: RequestQueue, i: number, col: number, now: number): void {
    const rank = q.rank[i], group = q.group[i], bank = q.bank[i], f = q.flat[i];
    const row = q.row[i], column = q.column[i], arrival = q.arrival[i], outcome = q.outcome[i];
    q.remove(i);
    this.complete(col, rank, group, bank, f, row, column, arrival, outcome, true, now);
  }

  activate(q: RequestQueue, i: number, now: number): void {
    if (q.outcome[i] === 0) q.outcome[i] = MISS;
    const f = q.flat[i];
    this.issue(ACT, q.rank[i], q.group[i], q.bank[i], q.row[i], -1, now);
    this.hitsSinceAct[f] = 0;
    this.active.take(q, i, q === this.writes);
    // The bank now holds an activated request: no PRE for the other queue's requests either.
    this.reads.touch(f);
    this.writes.touch(f);
    if (!this.keepEntry) this.opts.onRelease?.(this.channel, now, false, true);
  }

  precharge(q: RequestQueue, i: number, now: number): void {
    if (q.outcome[i] === 0) q.outcome[i] = CONFLICT;
    this.issue(PRE, q.rank[i], q.group[i], q.bank[i], -1, -1, now);
  }

  /** Issue the column command of a request that has left its queue, and count it. */
  private complete(col: number, rank: number, group: number, bank: number, f: number, row: number, column: number, arrival: number, outcome: number, entry: boolean, now: number): void {
    const s = this.stats;
    if (outcome === 0 || outcome === HIT) s.rowHits++;
    else if (outcome === MISS) s.rowMisses++;
    else s.rowConflicts++;
    this.issue(col, rank, group, bank, row, column, now);
    this.hitsSinceAct[f]++;
    // The bank's candidates may change: its activated request left, its hit count grew.
    this.reads.touch(f);
    this.writes.touch(f);
    let done: number;
    if (col === RD) {
      done = now + this.readDelay;
      s.reads++;
      s.recordReadLatency(done - arrival);
    } else {
      done = now + this.writeDelay;
      s.writes++;
    }
    if (done > s.lastDataCycle) s.lastDataCycle = done;
    if (this.closedPage) this.closePending[f] = 1; // closed if nothing wants it (closeUnwanted)
    this.opts.onRelease?.(this.channel, now, true, entry);
  }

  private issue(cmd: number, rank: number, group: number, bank: number, row: number, column: number, now: number): void {
    const tm = this.timing;
    if (this.buses > 1) {
      // Keep nonHits: a closing row turns its queued hits into misses, an opening row the reverse.
      if (cmd === PRE) {
        const f = tm.bankIndex(rank, group, bank);
        this.nonHits += this.queuedFor(f, tm.openRow[f]);
      } else if (cmd === PREA) {
        for (let f = rank * tm.banksPerRank; f < (rank + 1) * tm.banksPerRank; f++) this.nonHits += this.queuedFor(f, tm.openRow[f]);
      } else if (cmd === ACT) this.nonHits -= this.queuedFor(tm.bankIndex(rank, group, bank), row);
    }
    tm.issue(cmd, rank, group, bank, row, now);
    this.changes++;
    // Keep the queues' hit counts: a row opened or closed.
    if (cmd === ACT || cmd === PRE) {
      const f = tm.bankIndex(rank, group, bank);
      this.reads.rowChanged(f);
      this.writes.rowChanged(f);
    } else if (cmd === PREA) {
      for (let f = rank * tm.banksPerRank; f < (rank + 1) * tm.banksPerRank; f++) {
        this.reads.rowChanged(f);
        this.writes.rowChanged(f);
      }
    }
    this.issued++;
    this.stats.commands[cmd]++;
    const NC = this.stats.commands.length;
    if (cmd === PREA || cmd === REFAB) {
      for (let b = 0; b < tm.banksPerRank; b++) {
        const f = rank * tm.banksPerRank + b;
        this.stats.perBank[f * NC + cmd]++;
        if (cmd === PREA) this.closePending[f] = 0;
      }
    } else {
      const f = tm.bankIndex(rank, group, bank);
      this.stats.perBank[f * NC + cmd]++;
      if (cmd === PRE) this.closePending[f] = 0;
    }
    this.opts.onCommand?.(cmd, this.channel, rank, group, bank, row, column, now);
  }
}
