/**
 * The discrete-event engine: a binary min-heap of (time, sequence, component) over integer time.
 * Components ask to be woken at a time; nothing ticks through idle cycles. Ties run in the order
 * they were scheduled, so runs are deterministic.
 */

export interface Component {
  /** Called when the engine reaches a time this component asked for. */
  wake(now: number): void;
}

export class Engine {
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private owners = new Int32Array(64);
  private size = 0;
  private seq = 0;
  private readonly components: Component[] = [];
  /** Current simulated time (cycles of the engine's clock). */
  now = 0;
  /** Events handled so far (for benchmarks). */
  events = 0;

  /** Register a component; returns its id for `schedule`. */
  add(c: Component): number {
    this.components.push(c);
    return this.components.length - 1;
  }

  schedule(id: number, time: number): void {
    if (time < this.now) throw new Error(`engine: cannot schedule in the past (${time} < ${this.now})`);
    if (this.size === this.times.length) this.grow();
    let i = this.size++;
    const s = this.seq++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.times[p] < time || (this.times[p] === time && this.seqs[p] < s)) break;
      this.times[i] = this.times[p];
      this.seqs[i] = this.seqs[p];
      this.owners[i] = this.owners[p];
      i = p;
    }
    this.times[i] = time;
    this.seqs[i] = s;
    this.owners[i] = id;
  }

  get pending(): number {
    return this.size;
  }

  /** Time of the next event, or Infinity. */
  peekTime(): number {
    return this.size ? this.times[0] : Infinity;
  }

  /** Run events until the queue is empty, `until` returns true, or time passes `limit`. */
  run(until: () => boolean = () => false, limit = Infinity): void {
    while (this.size > 0 && !until()) {
      const t = this.times[0];
      if (t > limit) break;
      const id = this.owners[0];
      this.pop();
      this.now = t;
      this.events++;
      this.components[id].wake(t);
    }
  }

  private pop(): void {
    const n = --this.size;
    if (n === 0) return;
    const t = this.times[n], s = this.seqs[n], o = this.owners[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (this.times[c + 1] < this.times[c] || (this.times[c + 1] === this.times[c] && this.seqs[c + 1] < this.seqs[c]))) c++;
      if (t < this.times[c] || (t === this.times[c] && s < this.seqs[c])) break;
      this.times[i] = this.times[c];
      this.seqs[i] = this.seqs[c];
      this.owners[i] = this.owners[c];
      i = c;
    }
    this.times[i] = t;
    this.seqs[i] = s;
    this.owners[i] = o;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const t = new Float64Array(n), s = new Float64Array(n), o = new Int32Array(n);
    t.set(this.times);
    s.set(this.seqs);
    o.set(this.owners);
    this.times = t;
    this.seqs = s;
    this.owners = o;
  }
}

/**
 * Wake-up bookkeeping for one component: keeps at most one live event per component, so a
 * component that is asked to wake earlier does not also run at its stale later time.
 */
export class Waker {
  private at = Infinity;
  constructor(
    private readonly engine: Engine,
    private readonly id: number,
  ) {}

  /** Ask to be woken at `t` unless already due no later. */
  request(t: number): void {
    if (t < this.at) {
      this.at = t;
      this.engine.schedule(this.id, t);
    }
  }

  /** Call at the top of wake(): returns false for a stale event that should be ignored. */
  accept(now: number): boolean {
    if (now !== this.at) return false;
    this.at = Infinity;
    return true;
  }
}
