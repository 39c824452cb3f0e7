/**
 * The host ASIC as an engine component: runs ASIC instructions one at a time, in the order they
 * become ready (program order among equals), each taking the latency its unit model gives.
 */
import { Waker, type Component, type Engine } from '../sim/engine.js';
import { asicLatencyPs } from '../asic/latency.js';
import type { AsicSpec } from '../spec/asic.js';
import type { Datapath } from './datapath.js';
import type { Executor, Runtime } from './runtime.js';

export class AsicUnit implements Component, Executor {
  private readonly waker: Waker;
  private readonly queue: number[] = [];
  private busyUntil = 0;
  busyCycles = 0;
  ops = 0;

  private rt!: Runtime;

  constructor(
    engine: Engine,
    private readonly asic: AsicSpec,
    private readonly tCK_ps: number,
    private readonly datapath: Datapath | null,
  ) {
    this.waker = new Waker(engine, engine.add(this));
  }

  attach(rt: Runtime): void {
    this.rt = rt;
    this.queue.length = 0;
  }

  ready(index: number, at: number): void {
    this.queue.push(index);
    this.waker.request(Math.max(at, this.busyUntil));
  }

  /** ASIC latency of an instruction in DRAM cycles (rounded up). */
  cycles(index: number): number {
    const ins = this.rt.instructions[index];
    const op = ins.asicKind === 'reduce' ? { kind: 'reduce' as const, elements: ins.elements } : { kind: ins.asicKind!, elements: ins.elements, rows: ins.rows };
    return Math.ceil(asicLatencyPs(op, this.asic) / this.tCK_ps);
  }

  wake(now: number): void {
    if (!this.waker.accept(now)) return;
    if (now < this.busyUntil) {
      this.waker.request(this.busyUntil);
      return;
    }
    // Earliest-ready first; ties in program order.
    let best = -1;
    for (let k = 0; k < this.queue.length; k++) {
      const i = this.queue[k];
      if (this.rt.readyAt[i] > now) continue;
      if (best < 0 || this.rt.readyAt[i] < this.rt.readyAt[this.queue[best]] || (this.rt.readyAt[i] === this.rt.readyAt[this.queue[best]] && i < this.queue[best])) best = k;
    }
    if (best < 0) {
      let next = Infinity;
      for (const i of this.queue) next = Math.min(next, this.rt.readyAt[i]);
      if (next < Infinity) this.waker.request(next);
      return;
    }
    const index = this.queue.splice(best, 1)[0];
    const c = this.cycles(index);
    this.busyUntil = now + c;
    this.busyCycles += c;
    this.ops++;
    this.datapath?.asic(this.rt.instructions[index], this.asic.approximations);
    this.rt.complete(index, now + c);
    if (this.queue.length) this.waker.request(this.busyUntil);
  }
}
