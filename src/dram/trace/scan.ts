/**
 * The shared line scanner behind every trace format. It works on raw bytes (no per-line strings,
 * no regexes): a 10^6-line trace is one pass of byte compares. Each format supplies a LineParser
 * that reads the tokens of one line; this module handles lines, comments, ordering and errors.
 */
import { InputError } from '../../util/errors.js';
import { quote } from '../../spec/quote.js';
import { ACCEPTED_SHORT, MAX_TRACE_ADDRESS, NO_ARRIVAL, type Trace, type TraceFormat } from './types.js';

// Module-local copies for the hot loops (a transpiled import can become a getter call per use).
const MAX = MAX_TRACE_ADDRESS;
const UNTIMED = NO_ARRIVAL;

/** More fields than any format uses; a line with this many is reported as "too many fields". */
export const MAX_TOKENS = 4;

/** The tokens of one line, as byte ranges into `bytes` (reused from line to line). */
export interface Line {
  bytes: Uint8Array;
  /** Number of tokens, capped at MAX_TOKENS. */
  n: number;
  start: Int32Array;
  end: Int32Array;
}

/** Where a LineParser puts the request it read. */
export interface Slot {
  address: number;
  isWrite: boolean;
  arrival: number;
}

/** Reads one non-empty line into `slot`; returns null, or the reason the line is malformed. */
export type LineParser = (line: Line, slot: Slot) => string | null;

/**
 * A format's fast path: reads the line starting at `pos` straight from the bytes if it has the
 * format's plain shape (one space between fields, no comment, no CR), and returns the index of its
 * end ('\n' or the end of the input); returns -1 for anything else, which then goes through
 * tokenize and the LineParser. It must give exactly what they give on the lines it takes.
 */
export type FastLineParser = (b: Uint8Array, pos: number, slot: Slot) => number;

/** A format's readers: the general LineParser and, optionally, its fast path. */
export interface FormatParser {
  readonly line: LineParser;
  readonly fast?: FastLineParser;
}

export function newLine(bytes: Uint8Array): Line {
  return { bytes, n: 0, start: new Int32Array(MAX_TOKENS), end: new Int32Array(MAX_TOKENS) };
}

/**
 * Splits the line starting at `from` into whitespace-separated tokens, stopping at `#` (comment),
 * and returns the index of the line's end ('\n' or the end of the input). Finding the newline here
 * rather than with indexOf saves a native call per line.
 */
export function tokenize(line: Line, from: number): number {
  const b = line.bytes;
  const len = b.length;
  let n = 0;
  let tokStart = -1;
  let i = from;
  for (; i < len; i++) {
    const c = b[i];
    if (c === 10 /* \n */ || c === 35 /* # */) break; // '#' also ends a token: "R 0x40#note" has "0x40"
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      if (tokStart >= 0) {
        if (n < MAX_TOKENS) {
          line.start[n] = tokStart;
          line.end[n] = i;
        }
        n++;
        tokStart = -1;
      }
    } else if (tokStart < 0) {
      tokStart = i;
    }
  }
  if (tokStart >= 0) {
    if (n < MAX_TOKENS) {
      line.start[n] = tokStart;
      line.end[n] = i;
    }
    n++;
  }
  line.n = n > MAX_TOKENS ? MAX_TOKENS : n;
  if (i < len && b[i] === 35) while (i < len && b[i] !== 10) i++;
  return i;
}

/** Token i as a string, at most 200 bytes of it (error paths only; messages quote it shorter still). */
export function tokenText(line: Line, i: number): string {
  return bytesToString(line.bytes, line.start[i], Math.min(line.end[i], line.start[i] + 200));
}

/** True if token i is exactly `word` (ASCII). */
export function tokenIs(line: Line, i: number, word: string): boolean {
  const s = line.start[i];
  if (line.end[i] - s !== word.length) return false;
  const b = line.bytes;
  for (let k = 0; k < word.length; k++) if (b[s + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** Token i is a single character equal to one of the given char codes. */
export function tokenIsChar(line: Line, i: number, a: number, b?: number): boolean {
  if (line.end[i] - line.start[i] !== 1) return false;
  const c = line.bytes[line.start[i]];
  return c === a || c === b;
}

/** Negative results of the number parsers. */
export const NOT_A_NUMBER = -1;
export const TOO_BIG = -2;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function hasHexPrefix(b: Uint8Array, s: number, e: number): boolean {
  return e - s >= 2 && b[s] === 48 && (b[s + 1] === 120 || b[s + 1] === 88);
}

/** Hex digits in [s, e), with an optional 0x/0X prefix; NOT_A_NUMBER or TOO_BIG (> 2^53 - 1) on failure. */
export function parseHex(b: Uint8Array, s: number, e: number): number {
  if (hasHexPrefix(b, s, e)) s += 2;
  if (s >= e) return NOT_A_NUMBER;
  let v = 0;
  let big = false;
  for (let i = s; i < e; i++) {
    const d = hexDigit(b[i]);
    if (d < 0) return NOT_A_NUMBER;
    // Exact while the result stays below 2^53; past that only "too big" matters, which rounding cannot hide.
    if (!big) {
      v = v * 16 + d;
      if (v > MAX) big = true;
    }
  }
  return big ? TOO_BIG : v;
}

/** Decimal digits in [s, e); NOT_A_NUMBER or TOO_BIG on failure. */
export function parseDecimal(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return NOT_A_NUMBER;
  let v = 0;
  let big = false;
  for (let i = s; i < e; i++) {
    const d = b[i] - 48; // same exactness argument as parseHex
    if (d < 0 || d > 9) return NOT_A_NUMBER;
    if (!big) {
      v = v * 10 + d;
      if (v > MAX) big = true;
    }
  }
  return big ? TOO_BIG : v;
}

/** Hex when prefixed with 0x, decimal otherwise (pimsim and Ramulator 2 LoadStoreTrace addresses). */
export function parseHexOrDecimal(b: Uint8Array, s: number, e: number): number {
  return hasHexPrefix(b, s, e) ? parseHex(b, s, e) : parseDecimal(b, s, e);
}

/** The reason an address token failed to parse, for error messages. */
export function addressProblem(line: Line, i: number, code: number, expected: string): string {
  const text = tokenText(line, i);
  if (code === TOO_BIG) return `address ${quote(text)} is 2^53 or larger (pimsim keeps byte addresses below 2^53)`;
  const hint = text.includes(',')
    ? ' (comma-separated address vectors, as in Ramulator 2 ReadWriteTrace, name DRAM coordinates, not byte addresses, and are not supported)'
    : '';
  return `address ${quote(text)} is not ${expected}${hint}`;
}

/** The reason a cycle token failed to parse. */
export function cycleProblem(text: string, code: number): string {
  return code === TOO_BIG ? `arrival cycle ${quote(text)} is 2^53 or larger` : `arrival cycle ${quote(text)} is not a non-negative decimal integer`;
}

export function bytesToString(b: Uint8Array, s: number, e: number): string {
  return Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8');
}

/** Length of a UTF-8 byte-order mark at the start, if any. */
export function bomLength(b: Uint8Array): number {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
}

/**
 * The fast paths' address field at b[i]: `0x`/`0X` and 1-13 hex digits, or 1-15 decimal digits
 * (below 2^53 either way). Sets slot.address and returns the index after the field, or -1 to leave
 * the line to the general parser (which reports what is wrong).
 */
export function fastAddress(b: Uint8Array, i: number, slot: Slot): number {
  const n = b.length;
  let v = 0;
  const start = b[i] === 48 && (b[i + 1] === 120 || b[i + 1] === 88) ? i + 2 : i;
  if (start !== i) {
    for (i = start; i < n; i++) {
      const d = hexDigit(b[i]);
      if (d < 0) break;
      v = v * 16 + d;
    }
    if (i === start || i - start > 13) return -1;
  } else {
    i = fastDecimal(b, start);
    if (i < 0) return -1;
    v = decimalValue;
  }
  slot.address = v;
  return i;
}

/** The value fastDecimal parsed last (module state, so the hot path allocates nothing). */
export let decimalValue = 0;

/** 1-15 decimal digits at b[i] into decimalValue; the index after them, or -1. */
export function fastDecimal(b: Uint8Array, i: number): number {
  const n = b.length, start = i;
  let v = 0;
  for (; i < n; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i === start || i - start > 15) return -1;
  decimalValue = v;
  return i;
}

/** The text of a line, trimmed, shortened and on one line, for quoting in errors. */
export function quoteLine(b: Uint8Array, from: number, to: number): string {
  return quote(bytesToString(b, from, Math.min(to, from + 400)).trim());
}

export function lineError(file: string, lineNo: number, lineQuote: string, reason: string, format: TraceFormat): InputError {
  return new InputError(`${reason}; line: ${lineQuote}; accepted ${format} trace lines: ${ACCEPTED_SHORT[format]}`, `${file}:${lineNo}`);
}

/**
 * Where parsing stands between blocks of one file (streamed traces are parsed block by block):
 * lines read so far, and the last arrival cycle and its line (arrivals must not decrease).
 */
export interface ParseState {
  line: number;
  lastArrival: number;
  lastArrivalLine: number;
}

export function newParseState(): ParseState {
  return { line: 0, lastArrival: -1, lastArrivalLine: 0 };
}

/**
 * Parses every line of `bytes` with the format's parser (its fast path first, when it has one);
 * comments (#) and blank lines are skipped. With a `state`, `bytes` is one block of complete lines
 * of a longer file: line numbers and the arrival order continue from the state, which is updated.
 */
export function parseBytes(bytes: Uint8Array, file: string, format: TraceFormat, parser: FormatParser, state?: ParseState): Trace {
  // Room for as many requests as lines of the first line's length fit (lines of a trace are much
  // alike); the arrays grow if not. Sizing them without a pass to count lines.
  const firstEnd = bytes.indexOf(10);
  const perLine = firstEnd < 0 ? bytes.length + 1 : firstEnd + 1;
  let capacity = Math.ceil((bytes.length / perLine) * 1.1) + 16;
  let address = new Float64Array(capacity);
  let isWrite = new Uint8Array(capacity);
  let arrival = new Float64Array(capacity);
  let sourceLine = new Int32Array(capacity);
  const line = newLine(bytes);
  const slot: Slot = { address: 0, isWrite: false, arrival: UNTIMED };
  const parseLine = parser.line, fast = parser.fast;
  let count = 0;
  let lastArrival = state?.lastArrival ?? -1;
  let lastArrivalLine = state?.lastArrivalLine ?? 0;
  const first = state?.line ?? 0;
  let lineNo = first;
  for (let pos = first === 0 ? bomLength(bytes) : 0; pos < bytes.length || (lineNo === 0 && !state); ) {
    lineNo++;
    let end = fast !== undefined && pos < bytes.length ? fast(bytes, pos, slot) : -1;
    if (end < 0) {
      end = tokenize(line, pos);
      if (line.n === 0) {
        pos = end + 1;
        continue;
      }
      slot.arrival = UNTIMED;
      const reason = parseLine(line, slot);
      if (reason !== null) throw lineError(file, lineNo, quoteLine(bytes, pos, end), reason, format);
    }
    if (slot.arrival >= 0) {
      if (slot.arrival < lastArrival) {
        const why =
          `arrival cycle ${slot.arrival} is earlier than cycle ${lastArrival} on line ${lastArrivalLine}; ` +
          'requests must be listed in arrival order';
        throw lineError(file, lineNo, quoteLine(bytes, pos, end), why, format);
      }
      lastArrival = slot.arrival;
      lastArrivalLine = lineNo;
    }
    if (count === capacity) {
      capacity = Math.ceil(capacity * 1.5) + 16;
      address = grow(address, new Float64Array(capacity));
      isWrite = grow(isWrite, new Uint8Array(capacity));
      arrival = grow(arrival, new Float64Array(capacity));
      sourceLine = grow(sourceLine, new Int32Array(capacity));
    }
    address[count] = slot.address;
    isWrite[count] = slot.isWrite ? 1 : 0;
    arrival[count] = slot.arrival;
    sourceLine[count] = lineNo;
    count++;
    pos = end + 1;
  }
  if (state) {
    state.line = lineNo;
    state.lastArrival = lastArrival;
    state.lastArrivalLine = lastArrivalLine;
  }
  // Views, not copies: only [0, count) is meaningful (Trace).
  return {
    count,
    address: address.subarray(0, count),
    isWrite: isWrite.subarray(0, count),
    arrival: arrival.subarray(0, count),
    format,
    file,
    line: sourceLine.subarray(0, count),
  };
}

function grow<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
