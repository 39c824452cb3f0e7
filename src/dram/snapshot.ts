/**
 * A channel's timing state relative to a reference cycle, in the compact form the PIM fast paths
 * compare and restore: the bounds still pending as (flat index, cycles after the reference) pairs,
 * plus the rolling windows and which banks are open (ChannelTiming.captureLive / denseState).
 * Two equal snapshots taken at cycles t1 and t2 mean the channel behaves identically from each,
 * shifted by t2 - t1.
 */
import type { ChannelTiming } from './timing.js';

export class TimingSnapshot {
  n = 0;
  idx: Int32Array;
  rel: Float64Array;
  readonly dense: Float64Array;

  constructor(timing: ChannelTiming, size = timing.boundCount) {
    this.idx = new Int32Array(size);
    this.rel = new Float64Array(size);
    this.dense = new Float64Array(timing.denseSize);
  }

  /** Take the state at `now` with times relative to `ref` (ref <= now; pending means after `now`). */
  capture(timing: ChannelTiming, now: number, ref: number): void {
    this.n = timing.captureLive(now, ref, this.idx, this.rel);
    timing.denseState(ref, this.dense);
  }

  /** Whether the channel's state at `now`, relative to `now`, equals this snapshot; `scratch` is a dense buffer. */
  matches(timing: ChannelTiming, now: number, scratch: Float64Array): boolean {
    timing.denseState(now, scratch);
    const d = this.dense;
    for (let i = 0; i < d.length; i++) if (d[i] !== scratch[i]) return false;
    return timing.matchesLive(now, now, this.idx, this.rel, this.n);
  }

  /**
   * Whether `current`, just captured from `timing` at `now` relative to `now`, equals this
   * snapshot (cheaper than matches(): the dense part is compared as captured).
   */
  equalsCurrent(current: TimingSnapshot, timing: ChannelTiming, now: number): boolean {
    if (current.n !== this.n) return false;
    const d = this.dense, e = current.dense;
    for (let i = 0; i < d.length; i++) if (d[i] !== e[i]) return false;
    return timing.matchesLive(now, now, this.idx, this.rel, this.n);
  }

  /** Make this snapshot the channel's state with `ref` as its reference (bounds and windows; open rows are the caller's). */
  restore(timing: ChannelTiming, now: number, ref: number): void {
    timing.restoreLive(now, ref, this.idx, this.rel, this.n);
    timing.restoreWindows(ref, this.dense);
  }

  /** Take the state like capture() and return a compact copy (scratch: a full-size snapshot to capture into). */
  static captureCompact(timing: ChannelTiming, now: number, ref: number, scratch: TimingSnapshot): TimingSnapshot {
    scratch.capture(timing, now, ref);
    return scratch.compact();
  }

  /** A copy holding only the n pairs (for keeping many). */
  compact(): TimingSnapshot {
    const c = Object.create(TimingSnapshot.prototype) as TimingSnapshot;
    c.n = this.n;
    c.idx = this.idx.slice(0, this.n);
    c.rel = this.rel.slice(0, this.n);
    (c as { dense: Float64Array }).dense = this.dense.slice();
    return c;
  }

  /** A hash that does not depend on the order of the pairs. */
  hash(): number {
    let h = 0x811c9dc5;
    const d = this.dense;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ (d[i] | 0), 0x01000193);
    let s = this.n;
    for (let j = 0; j < this.n; j++) {
      let x = Math.imul(this.idx[j] + 1, 0x9e3779b1) ^ Math.imul(this.rel[j] | 0, 0x85ebca6b);
      x ^= x >>> 15;
      s = (s + Math.imul(x, 0xc2b2ae35)) | 0;
    }
    return (h ^ s) | 0;
  }
}
