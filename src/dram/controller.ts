/**
 * One channel's memory controller: read and write queues, FR-FCFS (or FCFS) scheduling, open- or
 * closed-page policy, write draining between watermarks, and refresh.
 *
 * It is an engine component: it wakes at a cycle, issues at most one command (the command bus
 * carries one per clock), and asks to be woken at the next cycle anything could issue. Refresh
 * deadlines are wake-ups too, so refresh happens on time even across long idle stretches.
 */
import { COMMAND_ID } from './commands.js';
import { ChannelTiming, CLOSED } from './timing.js';
import { RequestQueue, HIT, MISS, CONFLICT } from './requestQueue.js';
import { ChannelStats } from './channelStats.js';
import { Waker, type Component, type Engine } from '../sim/engine.js';
import type { MemorySpec } from '../spec/memory.js';

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, PREA = COMMAND_ID.PREA, RD = COMMAND_ID.RD, WR = COMMAND_ID.WR;
const REFAB = COMMAND_ID.REFab, REFPB = COMMAND_ID.REFpb;

/** Receives every issued command (for the command log). */
export type CommandSink = (cmd: number, channel: number, rank: number, group: number, bank: number, row: number, column: number, cycle: number) => void;

export interface ControllerOptions {
  readonly onCommand?: CommandSink;
  /** Called when a queue slot frees, so a blocked front end can retry. */
  readonly onSlotFree?: (channel: number, cycle: number) => void;
}

export class ChannelController implements Component {
  readonly timing: ChannelTiming;
  readonly stats: ChannelStats;
  readonly reads: RequestQueue;
  readonly writes: RequestQueue;
  private readonly waker: Waker;
  private writeMode = false;
  private readonly highMark: number;
  private readonly lowMark: number;
  private readonly closedPage: boolean;
  private readonly fcfs: boolean;
  /** Closed page: bank must be precharged once nothing queued wants its row. */
  private readonly closePending: Uint8Array;
  /** Scratch: banks with a pending row hit in the current scan, stamped with `scanId`. */
  private readonly hitStamp: Uint32Array;
  private scanId = 0;
  // Refresh
  private readonly refreshMode: 'all-bank' | 'per-bank' | 'off';
  private readonly refreshInterval: number;
  private nextRefresh: number;
  /** All-bank: ranks owing a refresh. Per-bank: the flat bank owing one, or -1. */
  /** All-bank: refreshes owed per rank (a count, so none is lost when one falls due before the last is done). */
  private readonly rankOwes: Int32Array;
  /** Per-bank: the bank being refreshed (-1: none), and how many more are owed after it. */
  private bankOwes = -1;
  private banksOwed = 0;
  private nextRefreshBank = 0;
  private readonly readDelay: number;
  private readonly writeDelay: number;

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
    this.reads = new RequestQueue(c.queueDepth);
    this.writes = new RequestQueue(c.queueDepth);
    this.highMark = Math.max(1, Math.ceil(c.writeHighWatermark * c.queueDepth));
    this.lowMark = Math.floor(c.writeLowWatermark * c.queueDepth);
    this.closedPage = c.pagePolicy === 'closed';
    this.fcfs = c.scheduler === 'fcfs';
    this.closePending = new Uint8Array(banks);
    this.hitStamp = new Uint32Array(banks);
    this.refreshMode = c.refresh;
    const t = spec.timing;
    this.refreshInterval = c.refresh === 'all-bank' ? t.nREFI! : c.refresh === 'per-bank' ? (t.nREFIpb ?? Math.floor(t.nREFI! / banks)) : Infinity;
    this.nextRefresh = this.refreshInterval;
    this.rankOwes = new Int32Array(spec.org.ranks);
    this.readDelay = t.nCL! + t.nBL!;
    this.writeDelay = t.nCWL! + t.nBL!;
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
    // Wake no earlier than this request's next command could issue: avoids idle wake-ups while
    // the controller already sleeps until an earlier-queued command becomes legal.
    const open = tm.openRow[flat];
    const cmd = open === row ? (isWrite ? WR : RD) : open === CLOSED ? ACT : PRE;
    const t = tm.earliest(cmd, rank, group, bank);
    this.waker.request(t > now ? t : now);
  }

  get idle(): boolean {
    return this.reads.length === 0 && this.writes.length === 0;
  }

  wake(now: number): void {
    if (!this.waker.accept(now)) return;
    while (now >= this.nextRefresh) {
      if (this.refreshMode === 'all-bank') for (let r = 0; r < this.rankOwes.length; r++) this.rankOwes[r]++;
      else if (this.bankOwes < 0) this.takeNextBank();
      else this.banksOwed++;
      this.nextRefresh += this.refreshInterval;
    }
    const next = this.step(now);
    const refreshAt = this.nextRefresh;
    this.waker.request(next < refreshAt ? next : refreshAt);
  }

  /** Issue at most one command at `now`; return the next cycle worth waking at (Infinity: nothing to do). */
  private step(now: number): number {
    let soonest = Infinity;
    const tm = this.timing;
    // Refresh first: it is never skipped or postponed past its deadline's first legal cycle.
    if (this.refreshMode === 'all-bank') {
      for (let r = 0; r < this.rankOwes.length; r++) {
        if (!this.rankOwes[r]) continue;
        const cmd = tm.openCount[r] > 0 ? PREA : REFAB;
        const t = tm.earliest(cmd, r, 0, 0);
        if (t <= now) {
          this.issue(cmd, r, 0, 0, -1, -1, now);
          if (cmd === REFAB) this.rankOwes[r]--;
          return now + 1;
        }
        if (t < soonest) soonest = t;
      }
    } else if (this.bankOwes >= 0) {
      const b = this.bankOwes;
      const r = Math.floor(b / tm.banksPerRank), g = Math.floor((b % tm.banksPerRank) / tm.banksPerGroup), k = b % tm.banksPerGroup;
      const cmd = tm.openRow[b] !== CLOSED ? PRE : REFPB;
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
        return now + 1;
      }
      if (t < soonest) soonest = t;
    }

    // Write draining between watermarks; reads otherwise.
    const nw = this.writes.length, nr = this.reads.length;
    if (this.writeMode) {
      if (nw === 0 || (nw <= this.lowMark && nr > 0)) this.writeMode = false;
    } else if (nw >= this.highMark || (nr === 0 && nw > 0)) this.writeMode = true;
    const q = this.writeMode ? this.writes : this.reads;
    const col = this.writeMode ? WR : RD;

    const t = this.schedule(q, col, now);
    if (t <= now) return now + 1;
    return t < soonest ? t : soonest;
  }

  private blocked(q: RequestQueue, i: number): boolean {
    return this.rankOwes[q.rank[i]] > 0 || q.flat[i] === this.bankOwes;
  }

  /** Per-bank refresh visits the banks round robin. */
  private takeNextBank(): void {
    this.bankOwes = this.nextRefreshBank;
    this.nextRefreshBank = (this.nextRefreshBank + 1) % this.closePending.length;
  }

  /** FR-FCFS over `q`: oldest ready row hit, else oldest ready ACT/PRE. Returns `now` if it issued. */
  private schedule(q: RequestQueue, col: number, now: number): number {
    const tm = this.timing;
    const open = tm.openRow;
    const n = this.fcfs ? Math.min(1, q.length) : q.length;
    let soonest = Infinity;
    const scan = ++this.scanId;
    // Pass 1: row hits. With one rank (the common case) a rank-level bound in the future means no
    // hit can issue now; waking at that bound is early enough, so skip the per-request look-ups.
    const hitBound = tm.ranks === 1 ? tm.rankBound(col, 0) : 0;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const f = q.flat[i];
      if (open[f] !== q.row[i]) {
        misses++;
        continue;
      }
      this.hitStamp[f] = scan;
      if (hitBound > now) {
        if (hitBound < soonest) soonest = hitBound;
        continue;
      }
      if (this.blocked(q, i)) continue;
      const t = tm.earliest(col, q.rank[i], q.group[i], q.bank[i]);
      if (t <= now) {
        this.serve(q, i, col, now);
        return now;
      }
      if (t < soonest) soonest = t;
    }
    // Closed page: precharge banks nothing queued wants any more.
    if (this.closedPage) {
      for (let f = 0; f < this.closePending.length; f++) {
        if (!this.closePending[f] || this.hitStamp[f] === scan) continue;
        if (this.hasHitAnywhere(f)) continue;
        const r = Math.floor(f / tm.banksPerRank), g = Math.floor((f % tm.banksPerRank) / tm.banksPerGroup), k = f % tm.banksPerGroup;
        const t = tm.earliest(PRE, r, g, k);
        if (t <= now) {
          this.issue(PRE, r, g, k, -1, -1, now);
          return now;
        }
        if (t < soonest) soonest = t;
      }
    }
    // Pass 2: activate a closed bank, or precharge a conflicting row nobody queued still wants
    // (nothing to do when every queued request hits, as in streaming).
    if (misses === 0) return soonest;
    for (let i = 0; i < n; i++) {
      const f = q.flat[i];
      const o = open[f];
      if (o === q.row[i] || this.blocked(q, i)) continue;
      let cmd: number;
      if (o === CLOSED) cmd = ACT;
      else {
        // Only the active queue's hits hold a row open: deferring to the other queue could deadlock.
        if (this.hitStamp[f] === scan) continue;
        cmd = PRE;
      }
      const t = tm.earliest(cmd, q.rank[i], q.group[i], q.bank[i]);
      if (t <= now) {
        if (q.outcome[i] === 0) q.outcome[i] = cmd === ACT ? MISS : CONFLICT;
        this.issue(cmd, q.rank[i], q.group[i], q.bank[i], cmd === ACT ? q.row[i] : -1, -1, now);
        return now;
      }
      if (t < soonest) soonest = t;
    }
    return soonest;
  }

  private hasHitAnywhere(f: number): boolean {
    const row = this.timing.openRow[f];
    return this.reads.hasHit(f, row) || this.writes.hasHit(f, row);
  }

  /** Issue the column command for request i and retire it. */
  private serve(q: RequestQueue, i: number, col: number, now: number): void {
    const s = this.stats;
    const outcome = q.outcome[i] === 0 ? HIT : q.outcome[i];
    if (outcome === HIT) s.rowHits++;
    else if (outcome === MISS) s.rowMisses++;
    else s.rowConflicts++;
    const f = q.flat[i], row = q.row[i];
    this.issue(col, q.rank[i], q.group[i], q.bank[i], row, q.column[i], now);
    let done: number;
    if (col === RD) {
      done = now + this.readDelay;
      s.reads++;
      s.recordReadLatency(done - q.arrival[i]);
    } else {
      done = now + this.writeDelay;
      s.writes++;
    }
    if (done > s.lastDataCycle) s.lastDataCycle = done;
    q.remove(i);
    if (this.closedPage && !this.reads.hasHit(f, row) && !this.writes.hasHit(f, row)) this.closePending[f] = 1;
    this.opts.onSlotFree?.(this.channel, now);
  }

  private issue(cmd: number, rank: number, group: number, bank: number, row: number, column: number, now: number): void {
    const tm = this.timing;
    tm.issue(cmd, rank, group, bank, row, now);
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
