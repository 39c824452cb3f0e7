/*
 * REFERENCE (test only): the trace-replay path as it was before per-bank queues (commit ce9b2c9),
 * kept verbatim so test/dram/reference.test.ts can prove the fast path gives identical commands,
 * statistics and engine events. Do not optimize this copy.
 */
/**
 * Trace replay: a front end offers the requests to the channel controllers in trace order,
 * waiting while the target queue is full. A request with an arrival cycle is not offered before it.
 *
 * Two front ends (FRONTENDS): `shared` offers at most one request per memory clock in total, as
 * Ramulator 2.1 and DRAMsim3 replay traces; `per-channel` at most one per channel per clock. Both
 * are in order, so a request whose queue is full holds back the ones behind it.
 *
 * replayChunks takes the requests as a
 * stream of chunks (a trace read block by block): the engine pauses when the front end has
 * offered a chunk's last request and resumes at that same cycle with the next chunk, so the run
 * is exactly the one replay() gives for the whole trace.
 */
import { Engine, Waker, type Component } from '../../../src/sim/engine.js';
import { AddressMap } from '../../../src/dram/addressMap.js';
import { ChannelController, type CommandSink } from './controller.js';
import { summarize, type DramStats } from '../../../src/dram/stats.js';
import type { MemorySpec } from '../../../src/spec/memory.js';
import { InputError } from '../../../src/util/errors.js';

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

export const FRONTENDS = {
  'per-channel': 'in order, at most one request per channel per memory clock (a host that can feed every channel at once)',
  shared: 'in order, at most one request per memory clock in total (Ramulator 2.1 and DRAMsim3 trace replay)',
} as const;
export type FrontendName = keyof typeof FRONTENDS;
export const FRONTEND_NAMES = Object.keys(FRONTENDS) as FrontendName[];
/** The front end `replay` uses unless told otherwise. */
export const DEFAULT_FRONTEND: FrontendName = 'per-channel';

export interface ReplayOptions {
  readonly onCommand?: CommandSink;
  readonly frontend?: FrontendName;
  /** Controllers wake every cycle instead of sleeping until something can issue (slow; for tests). */
  readonly everyCycle?: boolean;
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
  /** Requests fed so far, and whether more may follow (chunked replay). */
  total: number;
  more = false;
  /** Set when every fed request is offered and more may follow: the run pauses for the next chunk. */
  starved = false;
  /** Last cycle each channel (or, shared, any channel: entry 0) was offered a request. */
  private readonly sentAt: Float64Array;
  private readonly shared: boolean;

  constructor(
    private stream: RequestStream,
    private readonly map: AddressMap,
    private readonly controllers: readonly ChannelController[],
    frontend: FrontendName,
  ) {
    this.shared = frontend === 'shared';
    this.sentAt = new Float64Array(controllers.length).fill(-1);
    this.total = stream.count;
  }

  /** The next chunk of requests (chunked replay), or none: the stream has ended. */
  feed(chunk: RequestStream | undefined): void {
    this.starved = false;
    if (!chunk) {
      this.more = false;
      return;
    }
    this.stream = chunk;
    this.next = 0;
    this.total += chunk.count;
  }

  get finished(): boolean {
    return !this.more && this.served >= this.total;
  }

  wake(now: number): void {
    if (!this.waker.accept(now)) return;
    this.offer(now);
  }

  offer(now: number): void {
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
      const slot = this.shared ? 0 : ch;
      if (this.sentAt[slot] === now) {
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
      this.sentAt[slot] = now;
      this.next = i + 1;
    }
    if (this.more) this.starved = true;
  }

  release(channel: number, now: number, served: boolean, freed: boolean): void {
    if (served) this.served++;
    if (freed && this.blockedOn === channel) {
      this.blockedOn = -1;
      this.waker.request(now);
    }
  }
}

function checkAddresses(map: AddressMap, stream: RequestStream): void {
  for (let i = 0; i < stream.count; i++) {
    const where = stream.line ? `${stream.file ?? 'trace'}:${stream.line[i]}` : `${stream.file ?? 'trace'}: request ${i + 1}`;
    map.check(stream.address[i], where);
  }
}

/** Replay a request stream on a memory and return its statistics. */
export function replay(spec: MemorySpec, stream: RequestStream, opts: ReplayOptions = {}): ReplayResult {
  const map = new AddressMap(spec);
  checkAddresses(map, stream);
  const run = start(spec, map, stream, opts);
  run.engine.run(() => run.frontend.finished);
  return run.finish();
}

function start(spec: MemorySpec, map: AddressMap, stream: RequestStream, opts: ReplayOptions) {
  const engine = new Engine();
  let frontend: Frontend | undefined;
  const controllers: ChannelController[] = [];
  for (let ch = 0; ch < spec.org.channels; ch++) {
    controllers.push(new ChannelController(spec, ch, engine, {
      onCommand: opts.onCommand,
      everyCycle: opts.everyCycle,
      onRelease: (c, now, served, freed) => frontend!.release(c, now, served, freed),
    }));
  }
  const name = opts.frontend ?? DEFAULT_FRONTEND;
  if (!(name in FRONTENDS)) throw new InputError(`unknown front end "${name}"; expected one of ${FRONTEND_NAMES.join(', ')}`);
  const front = new Frontend(stream, map, controllers, name);
  frontend = front;
  front.waker = new Waker(engine, engine.add(front));
  if (stream.count > 0) front.waker.request(Math.max(0, stream.arrival[0]));
  const finish = (): ReplayResult => {
    let cycles = engine.now;
    for (const c of controllers) cycles = Math.max(cycles, c.stats.lastDataCycle);
    return { stats: summarize(spec, controllers.map((c) => c.stats), cycles), events: engine.events };
  };
  return { engine, frontend: front, finish };
}
