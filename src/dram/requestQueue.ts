/**
 * A bounded request queue of one channel (reads or writes), kept per bank: each request sits in a
 * slot, chained in arrival order twice, once across the whole queue and once within its bank, so a
 * scheduler looks at the few oldest requests of each bank that has any instead of scanning every
 * entry (with 32 entries and two scans per request, the scan was most of a replay's time).
 *
 * Arrival order is also `seq` order (a counter per push): schedulers compare requests of
 * different banks by it. Requests are pushed in arrival order, so the ones a scheduler may not see
 * yet (arrived in the current cycle) are the newest of the queue and of their bank.
 *
 * `hits[f]` counts the requests of bank f whose row is the bank's open row; the controller keeps it
 * when a row opens or closes (rowChanged), so a scheduler knows without a walk whether a bank has
 * a row hit queued behind an older miss.
 *
 * Schedulers keep, per queue, which requests of each bank can be next (schedulers/candidates.ts)
 * and bring that up to date only for the banks that changed: `dirty` marks them (a request of the
 * bank became visible, left, its row opened or closed, or the controller says so), and `visibleSeq`
 * is the newest request a scheduler has seen (admit).
 *
 * A request whose row has been activated leaves the queue for its bank's slot in ActiveRequests
 * and is counted in `held` until its column command issues. Whether it keeps its entry meanwhile
 * (`controller.activatedEntry`: keep, so capacity counts it) or frees it at the ACT (free, as
 * Ramulator 2.1's active buffer) is the queue's `keepHeld`.
 */
export const HIT = 1, MISS = 2, CONFLICT = 3;

/** No slot (end of a chain). */
export const NONE = -1;

export class RequestQueue {
  length = 0;
  /** Activated requests of this queue waiting in ActiveRequests; they still take queue entries. */
  held = 0;
  // Per slot.
  readonly rank: Int32Array;
  readonly group: Int32Array;
  readonly bank: Int32Array;
  /** Flat bank index within the channel. */
  readonly flat: Int32Array;
  readonly row: Int32Array;
  readonly column: Int32Array;
  readonly arrival: Float64Array;
  /** Row-buffer outcome, fixed by the first command issued for the request (0 = none yet). */
  readonly outcome: Int8Array;
  /** Push order: smaller is older. */
  readonly seq: Float64Array;
  /** Arrival-order chain of the whole queue. */
  oldest = NONE;
  newest = NONE;
  readonly older: Int32Array;
  readonly newer: Int32Array;
  // Per bank: arrival-order chain of its requests, their number, and how many hit its open row.
  readonly bankFirst: Int32Array;
  readonly bankLast: Int32Array;
  readonly bankNext: Int32Array;
  readonly bankCount: Int32Array;
  readonly hits: Int32Array;
  /** Banks with a queued request: bit (f & 31) of word (f >> 5). */
  readonly busy: Uint32Array;
  /** Banks whose requests changed since a scheduler last looked (same bit layout). */
  readonly dirty: Uint32Array;
  /** seq of the newest request that arrived before the cycle of the last admit(); -1: none. */
  visibleSeq = -1;

  private readonly free: Int32Array;
  private freeTop: number;
  private nextSeq = 0;
  /** 1 if held (activated) requests keep their entries, 0 if the ACT freed them. */
  private readonly heldWeight: number;

  constructor(
    readonly capacity: number,
    banks: number,
    /** The channel's open row per bank (ChannelTiming.openRow), read to keep `hits`. */
    private readonly openRow: Int32Array,
    keepHeld = true,
  ) {
    this.heldWeight = keepHeld ? 1 : 0;
    this.rank = new Int32Array(capacity);
    this.group = new Int32Array(capacity);
    this.bank = new Int32Array(capacity);
    this.flat = new Int32Array(capacity);
    this.row = new Int32Array(capacity);
    this.column = new Int32Array(capacity);
    this.arrival = new Float64Array(capacity);
    this.outcome = new Int8Array(capacity);
    this.seq = new Float64Array(capacity);
    this.older = new Int32Array(capacity);
    this.newer = new Int32Array(capacity);
    this.bankNext = new Int32Array(capacity);
    this.bankFirst = new Int32Array(banks).fill(NONE);
    this.bankLast = new Int32Array(banks).fill(NONE);
    this.bankCount = new Int32Array(banks);
    this.hits = new Int32Array(banks);
    this.busy = new Uint32Array((banks + 31) >> 5);
    this.dirty = new Uint32Array((banks + 31) >> 5);
    this.free = Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.freeTop = capacity;
  }

  get full(): boolean {
    return this.length + this.held * this.heldWeight >= this.capacity;
  }

  /**
   * How many requests a scheduler may consider at `now`: those that arrived before it (a request
   * is decoded in its arrival cycle; its first command issues one cycle later at the earliest).
   */
  visible(now: number): number {
    let n = this.length;
    for (let s = this.newest; s !== NONE && this.arrival[s] >= now; s = this.older[s]) n--;
    return n;
  }

  /** Queue a request (the caller checked `full`); returns its slot. */
  push(rank: number, group: number, bank: number, flat: number, row: number, column: number, arrival: number): number {
    const s = this.free[--this.freeTop];
    this.length++;
    this.rank[s] = rank;
    this.group[s] = group;
    this.bank[s] = bank;
    this.flat[s] = flat;
    this.row[s] = row;
    this.column[s] = column;
    this.arrival[s] = arrival;
    this.outcome[s] = 0;
    this.seq[s] = this.nextSeq++;
    this.older[s] = this.newest;
    this.newer[s] = NONE;
    if (this.newest !== NONE) this.newer[this.newest] = s;
    else this.oldest = s;
    this.newest = s;
    this.bankNext[s] = NONE;
    const last = this.bankLast[flat];
    if (last !== NONE) this.bankNext[last] = s;
    else {
      this.bankFirst[flat] = s;
      this.busy[flat >> 5] |= 1 << (flat & 31);
    }
    this.bankLast[flat] = s;
    this.bankCount[flat]++;
    if (this.openRow[flat] === row) this.hits[flat]++;
    return s;
  }

  /** Take slot s out of the queue. */
  remove(s: number): void {
    this.length--;
    const o = this.older[s], n = this.newer[s];
    if (o !== NONE) this.newer[o] = n;
    else this.oldest = n;
    if (n !== NONE) this.older[n] = o;
    else this.newest = o;
    const f = this.flat[s];
    // Unlink from the bank's chain (short: a bank's requests are a fraction of the queue).
    let prev = NONE;
    for (let k = this.bankFirst[f]; k !== s; k = this.bankNext[k]) prev = k;
    const next = this.bankNext[s];
    if (prev !== NONE) this.bankNext[prev] = next;
    else this.bankFirst[f] = next;
    if (next === NONE) this.bankLast[f] = prev;
    if (--this.bankCount[f] === 0) this.busy[f >> 5] &= ~(1 << (f & 31));
    if (this.openRow[f] === this.row[s]) this.hits[f]--;
    this.free[this.freeTop++] = s;
    this.dirty[f >> 5] |= 1 << (f & 31);
  }

  /** Mark bank f changed (for the scheduler's candidates). */
  touch(f: number): void {
    this.dirty[f >> 5] |= 1 << (f & 31);
  }

  /**
   * Requests that arrived before `now` become visible to the scheduler: raise visibleSeq over them
   * and mark their banks. Arrivals are in push order, so they are the oldest not yet admitted.
   */
  admit(now: number): void {
    let s = this.newest;
    while (s !== NONE && this.arrival[s] >= now) s = this.older[s];
    if (s === NONE || this.seq[s] <= this.visibleSeq) return;
    const newest = this.seq[s];
    for (; s !== NONE && this.seq[s] > this.visibleSeq; s = this.older[s]) {
      const f = this.flat[s];
      this.dirty[f >> 5] |= 1 << (f & 31);
    }
    this.visibleSeq = newest;
  }

  /** Bank f's open row changed (ACT, PRE, PREA): recount its hits. */
  rowChanged(f: number): void {
    const open = this.openRow[f];
    let n = 0;
    for (let s = this.bankFirst[f]; s !== NONE; s = this.bankNext[s]) if (this.row[s] === open) n++;
    this.hits[f] = n;
    this.dirty[f >> 5] |= 1 << (f & 31);
  }

  /** Queued requests of bank f for `row`. */
  countFor(f: number, row: number): number {
    if (row === this.openRow[f]) return this.hits[f];
    let n = 0;
    for (let s = this.bankFirst[f]; s !== NONE; s = this.bankNext[s]) if (this.row[s] === row) n++;
    return n;
  }

  /** Whether a request that arrived before `now` hits bank f's open row. */
  hasVisibleHit(f: number, now: number): boolean {
    if (this.hits[f] === 0) return false;
    const open = this.openRow[f];
    for (let s = this.bankFirst[f]; s !== NONE && this.arrival[s] < now; s = this.bankNext[s]) if (this.row[s] === open) return true;
    return false;
  }
}
