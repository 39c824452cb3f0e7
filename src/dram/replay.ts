/**
 * Trace replay: a front end offers requests to the channel controllers, at most one per memory
 * clock, waiting while the target queue is full (as Ramulator and DRAMsim3 replay traces). A
 * request with an arrival cycle is not offered before it.
 */
import { Engine, Waker, type Component } from '../sim/engine.js';
import { AddressMap } from './addressMap.js';
import { ChannelController, type CommandSink } from './controller.js';
import { summarize, type DramStats } from './stats.js';
import type { MemorySpec } from '../spec/memory.js';

/** Requests in structure-of-arrays form; arrival -1 means "as soon as accepted". */
export interface RequestStream {
  readonly count: number;
  readonly address: Float64Array;
  readonly isWrite: Uint8Array;
  readonly arrival: Float64Array;
  /** Source line of each request, for error messages (optional). */
  readonly line?: Int32Array;
  readonly file?: string;
}

export interface ReplayOptions {
  readonly onCommand?: CommandSink;
}

export interface ReplayResult {
  readonly stats: DramStats;
  readonly events: number;
}

class Frontend implements Component {
  next = 0;
  served = 0;
  waker!: Waker;
  blockedOn = -1;
  /** Last cycle each channel was offered a request: at most one per channel per clock. */
  private readonly sentAt: Float64Array;

  constructor(
    private readonly stream: RequestStream,
    private readonly map: AddressMap,
    private readonly controllers: readonly ChannelController[],
  ) {
    this.sentAt = new Float64Array(controllers.length).fill(-1);
  }

  wake(now: number): void {
    if (!this.waker.accept(now)) return;
    const s = this.stream, m = this.map;
    while (this.next < s.count) {
      const i = this.next;
      const arr = s.arrival[i];
      if (arr > now) {
        this.waker.request(arr);
        return;
      }
      const a = s.address[i], w = s.isWrite[i] === 1;
      const ch = m.field(a, 0);
      if (this.sentAt[ch] === now) {
        // In order: the next request waits for the next clock.
        this.waker.request(now + 1);
        return;
      }
      const ctrl = this.controllers[ch];
      if (!ctrl.canAccept(w)) {
        this.blockedOn = ch;
        return;
      }
      ctrl.enqueue(w, m.field(a, 1), m.field(a, 2), m.field(a, 3), m.field(a, 4), m.field(a, 5), now);
      this.sentAt[ch] = now;
      this.next = i + 1;
    }
  }

  slotFree(channel: number, now: number): void {
    this.served++;
    if (this.blockedOn === channel) {
      this.blockedOn = -1;
      this.waker.request(now);
    }
  }
}

/** Replay a request stream on a memory and return its statistics. */
export function replay(spec: MemorySpec, stream: RequestStream, opts: ReplayOptions = {}): ReplayResult {
  const map = new AddressMap(spec);
  for (let i = 0; i < stream.count; i++) {
    const where = stream.line ? `${stream.file ?? 'trace'}:${stream.line[i]}` : `${stream.file ?? 'trace'}: request ${i + 1}`;
    map.check(stream.address[i], where);
  }
  const engine = new Engine();
  let frontend: Frontend | undefined;
  const controllers: ChannelController[] = [];
  for (let ch = 0; ch < spec.org.channels; ch++) {
    controllers.push(new ChannelController(spec, ch, engine, {
      onCommand: opts.onCommand,
      onSlotFree: (c, now) => frontend!.slotFree(c, now),
    }));
  }
  frontend = new Frontend(stream, map, controllers);
  frontend.waker = new Waker(engine, engine.add(frontend));
  if (stream.count > 0) frontend.waker.request(Math.max(0, stream.arrival[0]));
  const done = () => frontend!.served >= stream.count;
  engine.run(done);
  let cycles = engine.now;
  for (const c of controllers) cycles = Math.max(cycles, c.stats.lastDataCycle);
  return { stats: summarize(spec, controllers.map((c) => c.stats), cycles), events: engine.events };
}
