/**
 * Compiled timing tables and bank state for one channel.
 *
 * The preset's rules are resolved to integer ids once. For each command we keep, per scope node
 * (channel, rank, bank group, bank), the earliest cycle it may issue; issuing a command raises
 * those bounds for the commands its rules constrain. Rolling windows (tFAW) keep the last `count`
 * issue times per node. `earliest()` is therefore a handful of typed-array reads.
 *
 * Reach: a command that reaches several banks (PREA, REFab, ACT16, MAC16, ACT4) is in the scope
 * node of every bank it reaches; a command that reaches no bank (WRGB, RDMAC16, WRBIAS) is in the
 * channel scope and the rank scope of its rank only. The protocol checker uses the same reading.
 */
import { ALL_COMMAND_NAMES, BASE_COMMAND_ID, COMMANDS, COMMAND_ID, NUM_COMMANDS, type CommandName } from '../spec/commands.js';
import type { MemorySpec, RuleScope } from '../spec/memory.js';

const NC = NUM_COMMANDS; // module-local copy: imported bindings are getters under some loaders
/** Level 4 (other-rank) bounds every rank of the channel but the issuing one. */
const LEVEL: Readonly<Record<RuleScope, number>> = { channel: 0, rank: 1, bankgroup: 2, bank: 3, 'other-rank': 4 };
const OTHER_RANK = 4;
const REACH_BANK = 0, REACH_GROUP = 1, REACH_RANK = 2, REACH_NONE = 3;
const REACH_ID = { bank: REACH_BANK, bankgroup: REACH_GROUP, rank: REACH_RANK, none: REACH_NONE } as const;

export const CLOSED = -1;

interface Window {
  readonly level: number;
  readonly count: number;
  readonly cycles: number;
  readonly members: Uint8Array; // by command id
  readonly times: Float64Array; // [node * count + k]
  readonly heads: Int32Array; // ring head per node
  readonly filled: Int32Array;
}

export class ChannelTiming {
  /** Rank slots (pseudoChannels x ranks, MemorySpec.rankSlots). */
  readonly ranks: number;
  /** Ranks per pseudo-channel: the ranks that share a data bus (other-rank rules). */
  private readonly ranksPerBus: number;
  readonly groups: number; // bank groups per rank
  readonly banksPerGroup: number;
  readonly banksPerRank: number;
  /** readyAt per level (channel, rank, bank group, bank): index node * NUM_COMMANDS + command. */
  private readonly ready: [Float64Array, Float64Array, Float64Array, Float64Array];
  private readonly rCh: Float64Array;
  private readonly rRank: Float64Array;
  private readonly rGroup: Float64Array;
  private readonly rBank: Float64Array;
  /** Bounds a rank-wide command sets on every bank group of its rank (per rank). */
  private readonly rGroupAll: Float64Array;
  /** Bounds a rank-wide command sets on every bank of its rank (per rank). */
  private readonly rBankAllRank: Float64Array;
  /** Bounds a bank-group-wide command sets on every bank of its group (per group). */
  private readonly rBankAllGroup: Float64Array;
  /** Per from-command: flat triples (level, to, cycles). */
  private readonly updates: Int32Array[];
  private readonly windows: Window[];
  /** Per level (channel, rank) and from-command: cycles before ANY command may follow. */
  private readonly anyCycles: [Int32Array, Int32Array];
  private readonly anyRank: Float64Array;
  /** The buffer all bound arrays are views of, and each view's offset in it (the order of `views` below). */
  private readonly bounds: Float64Array;
  private readonly offsets: Int32Array;
  /**
   * Flat indices of the bounds raised since they were last seen met (a superset of those still
   * pending), without repeats (listed[i] marks membership): captureLive() scans these, not all.
   */
  private readonly live: Int32Array;
  private liveN = 0;
  private readonly listed: Uint8Array;
  /** Window indexes per command id. */
  private readonly windowsOf: number[][];
  private readonly reach: Int8Array;
  /** Command buses: the bus of each command, the clocks it occupies it, and when each bus is free. */
  private readonly busOf: Int8Array;
  private readonly busCycles: Int32Array;
  private readonly busFree: Float64Array;
  /** Open row per bank (flat bank index rank*banksPerRank + group*banksPerGroup + bank), or CLOSED. */
  readonly openRow: Int32Array;
  /** Banks currently open per rank. */
  readonly openCount: Int32Array;
  /** Bumped by every change of the bounds (issue, shift): a cached rank part is valid while it holds. */
  private version = 0;
  /** earliestAt's cache per (rank, command): the version it was computed at, and its value. */
  private readonly rankPartAt: Float64Array;
  private readonly rankPartValue: Float64Array;
  /** Per command: its windows at channel or rank level, and at bank-group or bank level. */
  private readonly rankWindowsOf: Window[][];
  private readonly bankWindowsOf: Window[][];
  /**
   * Bank parts (see earliestAt) kept per bank and command, at [command * banks + flat]: schedulers
   * read them for every bank they consider between two issues, and an issue changes them only in
   * the bank group it reaches (or, for a rank-wide command, in its rank). So each carries the
   * version of its bank group it was computed at (groupVersion, bumped by issues that touch it).
   */
  private readonly bankParts: Float64Array;
  private readonly bankPartAt: Float64Array;
  private readonly groupVersion: Float64Array;
  /** Per flat bank: its rank, bank group (within the rank) and group node (rank * groups + group). */
  private readonly rankOfBank: Int32Array;
  private readonly groupOfBank: Int32Array;
  private readonly nodeOfBank: Int32Array;

  constructor(spec: MemorySpec) {
    const o = spec.org;
    this.ranks = spec.rankSlots;
    this.ranksPerBus = o.ranks;
    this.groups = o.bankGroups;
    this.banksPerGroup = o.banksPerGroup;
    this.banksPerRank = o.bankGroups * o.banksPerGroup;
    const R = spec.rankSlots;
    const nodes = [1, R, R * o.bankGroups, R * this.banksPerRank];
    // Every bound lives in one buffer (the arrays below are views of it), so a bound has one flat
    // index: the sparse relative state (captureLive) lists the bounds still pending by that index.
    const sizes = [...nodes.map((n) => n * NC), R * NC, R * NC, R * o.bankGroups * NC, R, spec.buses.names.length];
    this.bounds = new Float64Array(sizes.reduce((a, b) => a + b, 0));
    let off = 0;
    const views = sizes.map((n) => {
      const v = this.bounds.subarray(off, off + n);
      off += n;
      return v;
    });
    this.ready = views.slice(0, 4) as ChannelTiming['ready'];
    [this.rCh, this.rRank, this.rGroup, this.rBank, this.rGroupAll, this.rBankAllRank, this.rBankAllGroup, this.anyRank, this.busFree] = views;
    this.offsets = Int32Array.from(views, (v) => v.byteOffset / 8);
    this.listed = new Uint8Array(this.bounds.length);
    this.live = new Int32Array(this.bounds.length);
    // A format MAC (MAC16.ternary) is sent as its base command: same bus, same clocks.
    this.busOf = Int8Array.from(BASE_COMMAND_ID, (b) => spec.buses.busOf[b]);
    this.busCycles = Int32Array.from(BASE_COMMAND_ID, (b) => spec.buses.cycles[b]);
    this.openRow = new Int32Array(R * this.banksPerRank).fill(CLOSED);
    this.openCount = new Int32Array(R);
    this.reach = Int8Array.from(ALL_COMMAND_NAMES, (c) => REACH_ID[COMMANDS[c].reach]);

    // Keep the largest constraint per (from, level, to).
    const best = new Map<string, number>();
    for (const r of spec.rules) {
      // Rank-switch rules relate two ranks of a data bus: nothing to do with one.
      if (r.kind !== 'pair' || (r.scope === 'other-rank' && o.ranks === 1)) continue;
      for (const f of r.from) for (const t of r.to) {
        const key = `${COMMAND_ID[f]},${LEVEL[r.scope]},${COMMAND_ID[t]}`;
        best.set(key, Math.max(best.get(key) ?? 0, r.cycles));
      }
    }
    // A constraint from a command to every command at the channel or rank level (the command bus)
    // is kept once, as an "any command" bound, instead of once per command. "Every command" is
    // every command a preset names: a system's rules bind its format MACs at least like their
    // base MAC / MAC16, and a system without a format never issues its MACs.
    this.anyCycles = [new Int32Array(NUM_COMMANDS), new Int32Array(NUM_COMMANDS)];
    for (let f = 0; f < NUM_COMMANDS; f++) {
      for (const level of [0, 1]) {
        let min = Infinity;
        for (let t = 0; t < NUM_COMMANDS; t++) if (BASE_COMMAND_ID[t] === t) min = Math.min(min, best.get(`${f},${level},${t}`) ?? 0);
        this.anyCycles[level][f] = min;
      }
    }
    const lists: number[][] = ALL_COMMAND_NAMES.map(() => []);
    for (const [key, cycles] of best) {
      const [f, level, t] = key.split(',').map(Number);
      if (level <= 1 && cycles <= this.anyCycles[level][f]) continue;
      lists[f].push(level, t, cycles);
    }
    // Largest constraints first, so the hot loop touches the binding ones early (order is not
    // needed for correctness: every triple is applied).
    this.updates = lists.map((l) => Int32Array.from(l));

    this.windows = [];
    this.windowsOf = ALL_COMMAND_NAMES.map(() => []);
    for (const r of spec.rules) {
      if (r.kind !== 'window') continue;
      const level = LEVEL[r.scope as Exclude<RuleScope, 'other-rank'>];
      const members = new Uint8Array(NUM_COMMANDS);
      for (const c of r.from) members[COMMAND_ID[c]] = 1;
      const w: Window = {
        level, count: r.count, cycles: r.cycles, members,
        times: new Float64Array(nodes[level] * r.count), heads: new Int32Array(nodes[level]), filled: new Int32Array(nodes[level]),
      };
      this.windows.push(w);
      for (const c of r.from) this.windowsOf[COMMAND_ID[c]].push(this.windows.length - 1);
    }
    this.rankWindowsOf = this.windowsOf.map((ws) => ws.map((i) => this.windows[i]).filter((w) => w.level <= 1));
    this.bankWindowsOf = this.windowsOf.map((ws) => ws.map((i) => this.windows[i]).filter((w) => w.level > 1));
    this.rankPartAt = new Float64Array(R * NC).fill(-1);
    const banks = R * this.banksPerRank;
    this.bankParts = new Float64Array(NC * banks);
    this.bankPartAt = new Float64Array(NC * banks).fill(-1);
    this.groupVersion = new Float64Array(R * o.bankGroups);
    this.rankOfBank = Int32Array.from({ length: banks }, (_, f) => Math.floor(f / this.banksPerRank));
    this.groupOfBank = Int32Array.from({ length: banks }, (_, f) => Math.floor((f % this.banksPerRank) / this.banksPerGroup));
    this.nodeOfBank = Int32Array.from({ length: banks }, (_, f) => Math.floor(f / this.banksPerGroup));
    this.rankPartValue = new Float64Array(R * NC);
  }

  /** Flat bank index. */
  bankIndex(rank: number, group: number, bank: number): number {
    return rank * this.banksPerRank + group * this.banksPerGroup + bank;
  }

  /** Earliest cycle at which `cmd` may issue to the addressed target, by the rules alone. */
  earliest(cmd: number, rank: number, group: number, bank: number): number {
    let t = this.rCh[cmd];
    let v = this.busFree[this.busOf[cmd]];
    if (v > t) t = v;
    v = this.rRank[rank * NC + cmd];
    if (v > t) t = v;
    v = this.anyRank[rank];
    if (v > t) t = v;
    const reach = this.reach[cmd];
    if (reach !== REACH_NONE) {
      // Bounds that multi-bank commands set for every group / bank they reached.
      v = this.rGroupAll[rank * NC + cmd];
      if (v > t) t = v;
      v = this.rBankAllRank[rank * NC + cmd];
      if (v > t) t = v;
      const g0 = rank * this.groups;
      if (reach === REACH_BANK) {
        const g = g0 + group;
        v = this.rGroup[g * NC + cmd];
        if (v > t) t = v;
        v = this.rBankAllGroup[g * NC + cmd];
        if (v > t) t = v;
        v = this.rBank[this.bankIndex(rank, group, bank) * NC + cmd];
        if (v > t) t = v;
      } else {
        const gFirst = reach === REACH_GROUP ? group : 0;
        const gLast = reach === REACH_GROUP ? group : this.groups - 1;
        for (let g = gFirst; g <= gLast; g++) {
          v = this.rGroup[(g0 + g) * NC + cmd];
          if (v > t) t = v;
          v = this.rBankAllGroup[(g0 + g) * NC + cmd];
          if (v > t) t = v;
          const b0 = this.bankIndex(rank, g, 0);
          for (let b = 0; b < this.banksPerGroup; b++) {
            v = this.rBank[(b0 + b) * NC + cmd];
            if (v > t) t = v;
          }
        }
      }
    }
    const ws = this.windowsOf[cmd];
    for (let i = 0; i < ws.length; i++) {
      const w = this.windows[ws[i]];
      v = this.windowReady(w, this.nodeOf(w.level, rank, group, bank));
      if (v > t) t = v;
    }
    return t;
  }

  /**
   * earliest() of a command that reaches one bank (ACT, PRE, RD, WR, REFpb), for bank `flat` of
   * (rank, group), split in two: the bounds every bank of the rank shares (channel, rank, bus and
   * rank-wide bounds and windows), computed once per rank and command until the next issue, and
   * the bank's own (its bank group's and its own bounds). The same value as earliest(); a
   * scheduler asking for many banks between two issues pays for the shared part once.
   */
  earliestAt(cmd: number, rank: number, group: number, flat: number): number {
    const k = rank * NC + cmd;
    const t = this.rankPartAt[k] === this.version ? this.rankPartValue[k] : this.rankPart(cmd, rank, k);
    const v = this.bankPart(cmd, rank, group, flat);
    return v > t ? v : t;
  }

  /** The part of earliestAt every bank of `rank` shares (cached until the next issue). */
  rankReady(cmd: number, rank: number): number {
    const k = rank * NC + cmd;
    return this.rankPartAt[k] === this.version ? this.rankPartValue[k] : this.rankPart(cmd, rank, k);
  }

  /** The bank's own part of earliestAt: bounds of its bank group and of the bank. */
  private bankPart(cmd: number, rank: number, group: number, flat: number): number {
    const g = (rank * this.groups + group) * NC + cmd;
    let t = this.rGroup[g];
    let v = this.rBankAllGroup[g];
    if (v > t) t = v;
    v = this.rBank[flat * NC + cmd];
    if (v > t) t = v;
    const ws = this.bankWindowsOf[cmd];
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      v = this.windowReady(w, w.level === 2 ? rank * this.groups + group : flat);
      if (v > t) t = v;
    }
    return t;
  }

  /**
   * The bank part of earliestAt for a command reaching one bank (for bank `flat`), kept until an
   * issue touches its bank group: earliestAt(cmd, ...) = max(rankReady(cmd, rank), bankReady(cmd, flat)).
   */
  bankReady(cmd: number, flat: number): number {
    const i = cmd * this.openRow.length + flat;
    const at = this.groupVersion[this.nodeOfBank[flat]];
    if (this.bankPartAt[i] === at) return this.bankParts[i];
    const v = this.bankPart(cmd, this.rankOfBank[flat], this.groupOfBank[flat], flat);
    this.bankParts[i] = v;
    this.bankPartAt[i] = at;
    return v;
  }

  /** An issue reaching `reach` changed bank parts in its bank group, or in its whole rank. */
  private touchGroups(reach: number, rank: number, group: number): void {
    if (reach === REACH_BANK || reach === REACH_GROUP) this.groupVersion[rank * this.groups + group]++;
    else for (let node = rank * this.groups; node < (rank + 1) * this.groups; node++) this.groupVersion[node]++;
  }

  /** The shared part of earliestAt, cached for the current version. */
  private rankPart(cmd: number, rank: number, k: number): number {
    let t = this.rCh[cmd];
    let v = this.busFree[this.busOf[cmd]];
    if (v > t) t = v;
    v = this.rRank[k];
    if (v > t) t = v;
    v = this.anyRank[rank];
    if (v > t) t = v;
    v = this.rGroupAll[k];
    if (v > t) t = v;
    v = this.rBankAllRank[k];
    if (v > t) t = v;
    const ws = this.rankWindowsOf[cmd];
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      v = this.windowReady(w, w.level === 0 ? 0 : rank);
      if (v > t) t = v;
    }
    this.rankPartAt[k] = this.version;
    this.rankPartValue[k] = t;
    return t;
  }

  /** Set every bank's open row (or CLOSED), keeping the open-bank counts consistent. */
  setOpenRows(rows: ArrayLike<number>): void {
    this.openCount.fill(0);
    for (let i = 0; i < this.openRow.length; i++) {
      this.openRow[i] = rows[i];
      if (rows[i] !== CLOSED) this.openCount[Math.floor(i / this.banksPerRank)]++;
    }
  }

  /** How many bounds there are (flat indices run 0..boundCount-1). */
  get boundCount(): number {
    return this.bounds.length;
  }

  /** Drop earliestAt's cached parts (after bounds changed other than by issue()). */
  private invalidate(): void {
    this.version++;
    for (let node = 0; node < this.groupVersion.length; node++) this.groupVersion[node]++;
  }

  /** Raise the bound at flat index i to `until` and list it as pending. */
  private raise(i: number, until: number): void {
    this.bounds[i] = until;
    if (this.listed[i] === 0) {
      this.listed[i] = 1;
      this.live[this.liveN++] = i;
    }
  }

  /**
   * The sparse part of the relative state: drops the bounds met by `now` from the pending list
   * (time only moves forward, so they stay met) and writes the rest as (flat index, bound - ref)
   * pairs. Returns their count. With the dense part (denseState) and the same count and pairs,
   * two states behave identically, shifted in time; any order of the pairs is the same state.
   */
  captureLive(now: number, ref: number, idx: Int32Array, rel: Float64Array): number {
    const b = this.bounds, live = this.live, listed = this.listed;
    let n = 0;
    for (let j = 0; j < this.liveN; j++) {
      const i = live[j], v = b[i];
      if (v > now) {
        live[n] = i;
        idx[n] = i;
        rel[n] = v - ref;
        n++;
      } else listed[i] = 0;
    }
    this.liveN = n;
    return n;
  }

  /** Whether the pending bounds at `now` are exactly the n pairs given, relative to `ref` (see captureLive). */
  matchesLive(now: number, ref: number, idx: Int32Array, rel: Float64Array, n: number): boolean {
    const b = this.bounds, live = this.live, listed = this.listed;
    let m = 0;
    for (let j = 0; j < this.liveN; j++) {
      const i = live[j];
      if (b[i] > now) live[m++] = i;
      else listed[i] = 0;
    }
    this.liveN = m;
    if (m !== n) return false;
    for (let j = 0; j < n; j++) if (b[idx[j]] - ref !== rel[j]) return false;
    return true;
  }

  /**
   * Replace the pending bounds by n pairs relative to `ref` (see captureLive): the bounds pending
   * now become `now` (met), which no command issued from then on can tell apart.
   */
  restoreLive(now: number, ref: number, idx: Int32Array, rel: Float64Array, n: number): void {
    this.invalidate();
    const b = this.bounds, live = this.live, listed = this.listed;
    for (let j = 0; j < this.liveN; j++) {
      const i = live[j];
      if (b[i] > now) b[i] = now;
      listed[i] = 0;
    }
    this.liveN = 0;
    for (let j = 0; j < n; j++) this.raise(idx[j], ref + rel[j]);
  }

  /** Move the pending bounds and the windows `delta` cycles later (shift(), for the bounds that matter). */
  shiftLive(delta: number): void {
    this.invalidate();
    const b = this.bounds, live = this.live;
    for (let j = 0; j < this.liveN; j++) b[live[j]] += delta;
    for (const w of this.windows) for (let i = 0; i < w.times.length; i++) w.times[i] += delta;
  }

  /** Length of denseState()'s output. */
  get denseSize(): number {
    let n = 0;
    for (const w of this.windows) n += w.times.length + w.heads.length + w.filled.length;
    return n + this.openRow.length;
  }

  /**
   * The dense part of the relative state: window entries as cycles still to wait after `ref` (0 if
   * past), window heads and fill levels, and which banks are open.
   */
  denseState(ref: number, out: Float64Array, at = 0): void {
    let k = at;
    for (const w of this.windows) {
      for (let i = 0; i < w.times.length; i++) {
        const v = w.times[i] + w.cycles;
        out[k++] = v > ref ? v - ref : 0;
      }
      for (let i = 0; i < w.heads.length; i++) out[k++] = w.heads[i];
      for (let i = 0; i < w.filled.length; i++) out[k++] = w.filled[i];
    }
    const o = this.openRow;
    for (let i = 0; i < o.length; i++) out[k++] = o[i] === CLOSED ? 0 : 1;
  }

  /** The inverse of denseState() for the windows (the open rows: setOpenRows). */
  restoreWindows(ref: number, state: Float64Array, at = 0): void {
    this.invalidate();
    let k = at;
    for (const w of this.windows) {
      for (let i = 0; i < w.times.length; i++) w.times[i] = ref + state[k++] - w.cycles;
      for (let i = 0; i < w.heads.length; i++) w.heads[i] = state[k++];
      for (let i = 0; i < w.filled.length; i++) w.filled[i] = state[k++];
    }
  }

  /**
   * The spacing a command keeps from itself when repeated to the same target: the largest
   * same-command constraint at any level. A run of n such commands issued back to back is then
   * t0, t0 + s, ..., exactly (nothing else constrains them once the first is legal), which is
   * what the fast path of the PIM sequencer relies on. Commands in a rolling window have none.
   */
  selfSpacing(cmd: number): number {
    if (this.windowsOf[cmd].length > 0) return -1;
    let s = Math.max(this.anyCycles[0][cmd], this.anyCycles[1][cmd], this.busCycles[cmd]);
    const u = this.updates[cmd];
    for (let i = 0; i < u.length; i += 3) if (u[i + 1] === cmd && u[i + 2] > s) s = u[i + 2];
    return s;
  }

  /**
   * A lower bound on earliest() for every target in `rank`: the channel- and rank-level bounds.
   * Schedulers use it to skip scanning a queue when nothing in the rank can issue yet.
   */
  rankBound(cmd: number, rank: number): number {
    return Math.max(this.rCh[cmd], this.rRank[rank * NC + cmd], this.anyRank[rank], this.busFree[this.busOf[cmd]]);
  }

  /** Whether the bus of `cmd` is taken at `now`. */
  busBusy(cmd: number, now: number): boolean {
    return this.busFree[this.busOf[cmd]] > now;
  }

  /** Whether a command could still start at `now` on some bus (another one already did). */
  busIdle(now: number): boolean {
    const b = this.busFree;
    for (let i = 0; i < b.length; i++) if (b[i] <= now) return true;
    return false;
  }

  private nodeOf(level: number, rank: number, group: number, bank: number): number {
    switch (level) {
      case 0: return 0;
      case 1: return rank;
      case 2: return rank * this.groups + group;
      default: return this.bankIndex(rank, group, bank);
    }
  }

  private windowReady(w: Window, node: number): number {
    if (w.filled[node] < w.count) return 0;
    // The oldest of the last `count` issues sits at the ring head.
    return w.times[node * w.count + w.heads[node]] + w.cycles;
  }

  /**
   * Record that `cmd` issued at `now`: raise the bounds it imposes and update bank state.
   * The caller must have checked legality (earliest() <= now and the bank-state requirement).
   */
  issue(cmd: number, rank: number, group: number, bank: number, row: number, now: number): void {
    this.version++;
    const u = this.updates[cmd];
    const reach = this.reach[cmd];
    this.touchGroups(reach, rank, group);
    // A "* -> *" channel rule (one command per clock written as a rule) holds every bus.
    const off = this.offsets;
    let any = now + this.anyCycles[0][cmd];
    if (any > now) for (let b = 0; b < this.busFree.length; b++) if (any > this.busFree[b]) this.raise(off[8] + b, any);
    any = now + this.anyCycles[1][cmd];
    if (any > this.anyRank[rank]) this.raise(off[7] + rank, any);
    const bus = this.busOf[cmd];
    any = now + this.busCycles[cmd];
    if (any > this.busFree[bus]) this.raise(off[8] + bus, any);
    for (let i = 0; i < u.length; i += 3) {
      const level = u[i], to = u[i + 1], until = now + u[i + 2];
      let v: number, k: number;
      if (level === OTHER_RANK) {
        const first = rank - (rank % this.ranksPerBus);
        for (let r = first; r < first + this.ranksPerBus; r++) if (r !== rank && this.rRank[r * NC + to] < until) this.raise(off[1] + r * NC + to, until);
        continue;
      } else if (level === 0) {
        v = 0;
        k = to;
      } else if (level === 1) {
        v = 1;
        k = rank * NC + to;
      } else if (reach === REACH_NONE) {
        continue; // reaches no bank group or bank
      } else if (level === 2) {
        if (reach === REACH_RANK) {
          v = 4;
          k = rank * NC + to;
        } else {
          v = 2;
          k = (rank * this.groups + group) * NC + to;
        }
      } else if (reach === REACH_BANK) {
        v = 3;
        k = this.bankIndex(rank, group, bank) * NC + to;
      } else if (reach === REACH_GROUP) {
        v = 6;
        k = (rank * this.groups + group) * NC + to;
      } else {
        v = 5;
        k = rank * NC + to;
      }
      const flat = off[v] + k;
      if (this.bounds[flat] < until) this.raise(flat, until);
    }
    const ws = this.windowsOf[cmd];
    for (let i = 0; i < ws.length; i++) {
      const w = this.windows[ws[i]];
      const node = this.nodeOf(w.level, rank, group, bank);
      const base = node * w.count;
      w.times[base + w.heads[node]] = now;
      w.heads[node] = (w.heads[node] + 1) % w.count;
      if (w.filled[node] < w.count) w.filled[node]++;
    }
    this.applyState(cmd, rank, group, bank, row);
  }

  private applyState(cmd: number, rank: number, group: number, bank: number, row: number): void {
    const effect = EFFECT[cmd];
    if (effect === 0) return;
    const reach = this.reach[cmd];
    if (reach === REACH_BANK) {
      this.setBank(this.bankIndex(rank, group, bank), rank, effect === 1 ? row : CLOSED);
    } else if (reach !== REACH_NONE) {
      const gFirst = reach === REACH_GROUP ? group : 0;
      const gLast = reach === REACH_GROUP ? group : this.groups - 1;
      for (let g = gFirst; g <= gLast; g++)
        for (let b = 0; b < this.banksPerGroup; b++) this.setBank(this.bankIndex(rank, g, b), rank, effect === 1 ? row : CLOSED);
    }
  }

  private setBank(flat: number, rank: number, row: number): void {
    const was = this.openRow[flat];
    if (was === CLOSED && row !== CLOSED) this.openCount[rank]++;
    else if (was !== CLOSED && row === CLOSED) this.openCount[rank]--;
    this.openRow[flat] = row;
  }

  /** Whether the bank-state requirement of `cmd` holds for its target (for programs and tests). */
  stateAllows(cmd: number, rank: number, group: number, bank: number, row: number): boolean {
    const req = COMMANDS[ALL_COMMAND_NAMES[cmd]].requires;
    if (req === 'any') return true;
    const reach = this.reach[cmd];
    const check = (flat: number) =>
      req === 'closed' ? this.openRow[flat] === CLOSED : this.openRow[flat] !== CLOSED && (row < 0 || this.openRow[flat] === row);
    if (reach === REACH_BANK) return check(this.bankIndex(rank, group, bank));
    if (reach === REACH_NONE) return true;
    const gFirst = reach === REACH_GROUP ? group : 0;
    const gLast = reach === REACH_GROUP ? group : this.groups - 1;
    for (let g = gFirst; g <= gLast; g++)
      for (let b = 0; b < this.banksPerGroup; b++) if (!check(this.bankIndex(rank, g, b))) return false;
    return true;
  }
}

/** 0 none, 1 open, 2 close, by command id. */
const EFFECT = Int8Array.from(ALL_COMMAND_NAMES, (c: CommandName) => ({ none: 0, open: 1, close: 2 })[COMMANDS[c].effect]);
