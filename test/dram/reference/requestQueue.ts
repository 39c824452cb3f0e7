/*
 * REFERENCE (test only): the trace-replay path as it was before per-bank queues (commit ce9b2c9),
 * kept verbatim so test/dram/reference.test.ts can prove the fast path gives identical commands,
 * statistics and engine events. Do not optimize this copy.
 */
/**
 * A bounded, arrival-ordered request queue in structure-of-arrays form (index 0 is the oldest).
 * Queues are short (tens of entries), so removal by shifting keeps the order cheaply.
 *
 * A request whose row has been activated leaves the queue for its bank's slot in ActiveRequests
 * and is counted in `held` until its column command issues. Whether it keeps its entry meanwhile
 * (`controller.activatedEntry`: keep, so capacity counts it) or frees it at the ACT (free, as
 * Ramulator 2.1's active buffer) is the queue's `keepHeld`.
 */
export const HIT = 1, MISS = 2, CONFLICT = 3;

export class RequestQueue {
  length = 0;
  /** Activated requests of this queue waiting in ActiveRequests; they still take queue entries. */
  held = 0;
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

  /** 1 if held (activated) requests keep their entries, 0 if the ACT freed them. */
  private readonly heldWeight: number;

  constructor(
    readonly capacity: number,
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
  }

  get full(): boolean {
    return this.length + this.held * this.heldWeight >= this.capacity;
  }

  /**
   * How many of the oldest requests a scheduler may consider at `now`: those that arrived before
   * it (a request is decoded in its arrival cycle; its first command issues one cycle later at the
   * earliest). Arrivals are in order, so the newcomers are at the tail.
   */
  visible(now: number): number {
    let n = this.length;
    while (n > 0 && this.arrival[n - 1] >= now) n--;
    return n;
  }

  push(rank: number, group: number, bank: number, flat: number, row: number, column: number, arrival: number): void {
    const i = this.length++;
    this.rank[i] = rank;
    this.group[i] = group;
    this.bank[i] = bank;
    this.flat[i] = flat;
    this.row[i] = row;
    this.column[i] = column;
    this.arrival[i] = arrival;
    this.outcome[i] = 0;
  }

  remove(i: number): void {
    const n = --this.length;
    if (i === n) return;
    this.rank.copyWithin(i, i + 1, n + 1);
    this.group.copyWithin(i, i + 1, n + 1);
    this.bank.copyWithin(i, i + 1, n + 1);
    this.flat.copyWithin(i, i + 1, n + 1);
    this.row.copyWithin(i, i + 1, n + 1);
    this.column.copyWithin(i, i + 1, n + 1);
    this.arrival.copyWithin(i, i + 1, n + 1);
    this.outcome.copyWithin(i, i + 1, n + 1);
  }

  /** Whether any of the first `n` requests wants `row` of bank `flat`. */
  hasHit(flat: number, row: number, n = this.length): boolean {
    for (let i = 0; i < n; i++) if (this.flat[i] === flat && this.row[i] === row) return true;
    return false;
  }
}
