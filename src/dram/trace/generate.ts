/**
 * Synthetic request streams built in memory, so benchmarks can make 10^6-request traces without
 * files. All randomness comes from a seeded mulberry32: the same arguments give the same trace.
 * Addresses are byte addresses; every generated trace is read-only unless said otherwise.
 */
import { InputError } from '../../util/errors.js';
import { mulberry32 } from '../../util/rng.js';
import { MAX_TRACE_ADDRESS, NO_ARRIVAL, type Trace } from './types.js';

function checkCount(name: string, field: string, value: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InputError(`${field} must be an integer >= ${min}, got ${value}`, name);
  }
}

function emptyTrace(n: number, file: string): Trace {
  const arrival = new Float64Array(n).fill(NO_ARRIVAL);
  return { count: n, address: new Float64Array(n), isWrite: new Uint8Array(n), arrival, format: 'pimsim', file };
}

function checkEnd(name: string, lastAddress: number): void {
  if (lastAddress > MAX_TRACE_ADDRESS) throw new InputError(`addresses would reach 2^53 or beyond`, name);
}

/** A uniform integer in [0, n) using 53 random bits, so spans above 2^32 stay uniform. */
function uniformInt(rng: () => number, n: number): number {
  const hi = Math.floor(rng() * 2 ** 21);
  const lo = Math.floor(rng() * 2 ** 32);
  return Math.floor(((hi * 2 ** 32 + lo) / 2 ** 53) * n);
}

/**
 * n reads at baseAddress, baseAddress + stepBytes, ... (untimed). With stepBytes = 64 a 64 B
 * access streams through memory; a 32 B-access memory sees every other burst of the same stream.
 */
export function streamTrace(n: number, stepBytes = 64, options: { baseAddress?: number; isWrite?: boolean } = {}): Trace {
  const name = 'streamTrace';
  checkCount(name, 'n', n);
  checkCount(name, 'stepBytes', stepBytes, 1);
  const base = options.baseAddress ?? 0;
  checkCount(name, 'baseAddress', base);
  checkEnd(name, base + Math.max(0, n - 1) * stepBytes);
  const t = emptyTrace(n, `generated:stream(n=${n},step=${stepBytes})`);
  for (let i = 0; i < n; i++) t.address[i] = base + i * stepBytes;
  if (options.isWrite) t.isWrite.fill(1);
  return t;
}

/** n reads of uniformly random, alignBytes-aligned addresses in [0, spanBytes) (untimed). */
export function randomTrace(n: number, spanBytes: number, seed: number, options: { alignBytes?: number } = {}): Trace {
  const name = 'randomTrace';
  const align = options.alignBytes ?? 64;
  checkCount(name, 'n', n);
  checkCount(name, 'alignBytes', align, 1);
  checkCount(name, 'spanBytes', spanBytes, align);
  checkEnd(name, spanBytes - 1);
  const slots = Math.floor(spanBytes / align);
  const rng = mulberry32(seed);
  const t = emptyTrace(n, `generated:random(n=${n},span=${spanBytes},seed=${seed})`);
  for (let i = 0; i < n; i++) t.address[i] = uniformInt(rng, slots) * align;
  return t;
}

export interface GemvTraceOptions {
  /** Bytes per request (default 64). */
  accessBytes?: number;
  /** Bytes from the start of one matrix row to the next (default: the row size rounded up to accessBytes). */
  rowPitchBytes?: number;
  /** Address of element (0, 0) (default 0). */
  baseAddress?: number;
}

/**
 * Reads of a rows x cols row-major weight matrix, row by row, as a GEMV streams its weights:
 * sequential accessBytes reads within a row, then a jump to the next row's start (rowPitchBytes
 * on from the previous one). (rows * ceil(cols * bytesPerElem / accessBytes)) untimed reads.
 */
export function gemvTrace(rows: number, cols: number, bytesPerElem: number, options: GemvTraceOptions = {}): Trace {
  const name = 'gemvTrace';
  const access = options.accessBytes ?? 64;
  checkCount(name, 'rows', rows);
  checkCount(name, 'cols', cols);
  checkCount(name, 'bytesPerElem', bytesPerElem, 1);
  checkCount(name, 'accessBytes', access, 1);
  const rowBytes = cols * bytesPerElem;
  const perRow = Math.ceil(rowBytes / access);
  const pitch = options.rowPitchBytes ?? perRow * access;
  const base = options.baseAddress ?? 0;
  checkCount(name, 'baseAddress', base);
  if (!Number.isSafeInteger(pitch) || pitch < rowBytes) {
    throw new InputError(`rowPitchBytes must be an integer >= one row (${rowBytes} B), got ${pitch}`, name);
  }
  const n = rows * perRow;
  checkEnd(name, base + Math.max(0, rows - 1) * pitch + Math.max(0, perRow - 1) * access);
  const t = emptyTrace(n, `generated:gemv(${rows}x${cols},${bytesPerElem}B,pitch=${pitch})`);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    const rowStart = base + r * pitch;
    for (let k = 0; k < perRow; k++) t.address[i++] = rowStart + k * access;
  }
  return t;
}

export interface MixedTraceOptions {
  /** Addresses fall in [0, spanBytes) (default 1 GiB). */
  spanBytes?: number;
  /** Bytes per request and alignment (default 64). */
  accessBytes?: number;
  /** Independent sequential streams that requests are drawn from (default 4). */
  streams?: number;
  /** Chance that a stream jumps to a random address before a request (default 1/8: runs of ~8 accesses). */
  jumpProbability?: number;
  /** When given, requests get arrival cycles with exponential gaps of this mean (Poisson arrivals). */
  meanGapCycles?: number;
}

/**
 * n requests, 2:1 reads to writes on average (each is a write with probability 1/3), with some
 * locality: each request continues one of a few sequential streams, which now and then jumps to a
 * random aligned address. Untimed unless meanGapCycles is given.
 */
export function mixedTrace(n: number, seed: number, options: MixedTraceOptions = {}): Trace {
  const name = 'mixedTrace';
  const span = options.spanBytes ?? 2 ** 30;
  const access = options.accessBytes ?? 64;
  const streams = options.streams ?? 4;
  const jump = options.jumpProbability ?? 1 / 8;
  checkCount(name, 'n', n);
  checkCount(name, 'accessBytes', access, 1);
  checkCount(name, 'spanBytes', span, access);
  checkCount(name, 'streams', streams, 1);
  checkEnd(name, span - 1);
  if (!(jump >= 0 && jump <= 1)) throw new InputError(`jumpProbability must be in [0, 1], got ${jump}`, name);
  const gap = options.meanGapCycles;
  if (gap !== undefined && !(gap >= 0 && Number.isFinite(gap))) {
    throw new InputError(`meanGapCycles must be a non-negative number, got ${gap}`, name);
  }
  const slots = Math.floor(span / access);
  const rng = mulberry32(seed);
  const position = Array.from({ length: streams }, () => uniformInt(rng, slots));
  const t = emptyTrace(n, `generated:mixed(n=${n},seed=${seed})`);
  let cycle = 0;
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rng() * streams);
    if (rng() < jump) position[s] = uniformInt(rng, slots);
    t.address[i] = position[s] * access;
    position[s] = (position[s] + 1) % slots;
    t.isWrite[i] = rng() < 1 / 3 ? 1 : 0;
    if (gap !== undefined) {
      if (i > 0) cycle += Math.round(-Math.log(1 - rng()) * gap);
      t.arrival[i] = cycle;
    }
  }
  return t;
}
