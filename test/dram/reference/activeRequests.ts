/*
 * REFERENCE (test only): the trace-replay path as it was before per-bank queues (commit ce9b2c9),
 * kept verbatim so test/dram/reference.test.ts can prove the fast path gives identical commands,
 * statistics and engine events. Do not optimize this copy.
 */
/**
 * Activated requests, one slot per bank: a request moves here from its queue when the ACT for
 * its row issues, and stays until its column command issues.
 *
 * A bank has at most one: an ACT needs a closed bank, and a bank with an activated request is
 * never precharged. The controller serves these requests before anything else, in read and write
 * mode alike, so a row is never activated and closed unused (as Ramulator 2.1's active buffer).
 */
import type { RequestQueue } from './requestQueue.js';

export class ActiveRequests {
  /** Occupied slots. */
  count = 0;
  /** Per bank (flat index): 1 if the slot holds a request. */
  readonly has: Uint8Array;
  readonly isWrite: Uint8Array;
  readonly rank: Int32Array;
  readonly group: Int32Array;
  readonly bank: Int32Array;
  readonly row: Int32Array;
  readonly column: Int32Array;
  readonly arrival: Float64Array;
  readonly outcome: Int8Array;

  constructor(banks: number) {
    this.has = new Uint8Array(banks);
    this.isWrite = new Uint8Array(banks);
    this.rank = new Int32Array(banks);
    this.group = new Int32Array(banks);
    this.bank = new Int32Array(banks);
    this.row = new Int32Array(banks);
    this.column = new Int32Array(banks);
    this.arrival = new Float64Array(banks);
    this.outcome = new Int8Array(banks);
  }

  /**
   * Move request i of `q` into the slot of its bank. It stays counted in q.held; whether it keeps
   * its queue entry is the queue's (controller.activatedEntry).
   */
  take(q: RequestQueue, i: number, isWrite: boolean): void {
    const f = q.flat[i];
    this.has[f] = 1;
    this.isWrite[f] = isWrite ? 1 : 0;
    this.rank[f] = q.rank[i];
    this.group[f] = q.group[i];
    this.bank[f] = q.bank[i];
    this.row[f] = q.row[i];
    this.column[f] = q.column[i];
    this.arrival[f] = q.arrival[i];
    this.outcome[f] = q.outcome[i];
    this.count++;
    q.remove(i);
    q.held++;
  }

  /** Empty the slot of bank f (its column command issued). */
  release(f: number): void {
    this.has[f] = 0;
    this.count--;
  }

  /** Whether any bank in [first, first + n) holds an activated request. */
  anyIn(first: number, n: number): boolean {
    for (let f = first; f < first + n; f++) if (this.has[f]) return true;
    return false;
  }
}
