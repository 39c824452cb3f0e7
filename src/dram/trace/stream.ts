/**
 * Reading large inputs (traces, command logs) in bounded memory: the file is read as a stream,
 * gunzipped on the fly when it is gzip-compressed (detected from its magic bytes, whatever its
 * name), and cut into blocks of complete lines, so memory stays at a few blocks whatever the size.
 * Traces are parsed block by block into chunks of requests for replayChunks (replay.ts).
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../util/errors.js';
import { quote } from '../../spec/quote.js';
import { fsError } from '../../util/fsError.js';
import { detectFormat } from './detect.js';
import { FORMAT_PARSERS } from './parsers.js';
import { newParseState, parseBytes } from './scan.js';
import type { Trace, TraceFormat, TraceFormatOption } from './types.js';


/** Bytes per block of lines (a block holds about 250 000 trace lines). */
export const BLOCK_BYTES = 4 << 20;
/** Longest line accepted: no trace or command-log line is anywhere near it. */
export const MAX_LINE_BYTES = 1 << 20;

/** Whether `file` starts with the gzip magic bytes. `what` names the input in errors. */
export function isGzip(file: string, what: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw fsError(e, file, `read the ${what}`);
  }
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } catch (e) {
    throw fsError(e, file, `read the ${what}`);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes as a stream of buffers, decompressed when gzip-compressed. */
async function* fileBytes(file: string, what: string): AsyncGenerator<Buffer> {
  const gz = isGzip(file, what);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (gz && typeof code === 'string' && code.startsWith('Z_')) throw new InputError(`not a valid gzip file: ${(e as Error).message}`, file);
    throw fsError(e, file, `read the ${what}`);
  } finally {
    raw.destroy();
    stream.destroy();
  }
}

/** Newlines in a block: a plain loop over the bytes (a native indexOf per line costs more). */
function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return n;
}

/**
 * Whether a block may hold a line longer than MAX_LINE_BYTES: true unless every stretch of
 * MAX_LINE_BYTES / 2 bytes has a newline (a few native look-ups per block instead of one per line).
 */
function mayHoldLongLine(b: Buffer): boolean {
  const step = MAX_LINE_BYTES >> 1;
  for (let p = 0; p + step < b.length; p += step) {
    const nl = b.indexOf(10, p);
    if (nl < 0 || nl > p + step) return true;
  }
  return false;
}

/**
 * Blocks of complete lines, each of at most `blockBytes` (or one line, if longer): every block
 * ends with a newline, except the last block of a file without a final newline. A line longer
 * than MAX_LINE_BYTES is an error naming its line number.
 */
export async function* lineBlocks(file: string, what: string, blockBytes = BLOCK_BYTES): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  let lines = 0;
  for await (const chunk of fileBytes(file, what)) {
    parts.push(chunk);
    size += chunk.length;
    if (size < blockBytes) continue;
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    let pos = 0;
    while (buf.length - pos >= blockBytes) {
      let nl = buf.lastIndexOf(10, pos + blockBytes - 1);
      if (nl < pos) nl = buf.indexOf(10, pos + blockBytes); // one line longer than a block
      if (nl < 0) break;
      const block = buf.subarray(pos, nl + 1);
      if (block.length > MAX_LINE_BYTES && mayHoldLongLine(block)) checkLineLengths(file, block, lines, what);
      lines += countNewlines(block);
      yield block;
      pos = nl + 1;
    }
    // The carry is the start of one line or less than a block: a line must not grow past the limit.
    const rest = buf.subarray(pos);
    if (rest.length > MAX_LINE_BYTES && rest.indexOf(10) < 0) throw longLine(file, lines + 1, rest, what);
    parts = rest.length ? [Buffer.from(rest)] : [];
    size = rest.length;
  }
  if (size > 0) {
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    if (buf.length > MAX_LINE_BYTES && mayHoldLongLine(buf)) checkLineLengths(file, buf, lines, what);
    yield buf;
  }
}

function longLine(file: string, line: number, bytes: Uint8Array, what: string): InputError {
  const start = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 200)).toString('utf8');
  return new InputError(`a line longer than ${MAX_LINE_BYTES / (1 << 20)} MiB (starts ${quote(start)}): not a ${what}`, `${file}:${line}`);
}

/** Throws for a line longer than MAX_LINE_BYTES in a block (lines before it: `before`). */
function checkLineLengths(file: string, block: Buffer, before: number, what: string): void {
  if (block.length <= MAX_LINE_BYTES) return;
  let line = before, from = 0;
  for (;;) {
    const nl = block.indexOf(10, from);
    const end = nl < 0 ? block.length : nl;
    line++;
    if (end - from > MAX_LINE_BYTES) throw longLine(file, line, block.subarray(from, end), what);
    if (nl < 0) return;
    from = nl + 1;
  }
}

/** The requests of a trace file, one chunk per block of lines, format named or detected from the first block. */
export async function* traceChunks(file: string, format: TraceFormatOption = 'auto', blockBytes = BLOCK_BYTES): AsyncGenerator<Trace> {
  const state = newParseState();
  let resolved: TraceFormat | undefined = format === 'auto' ? undefined : format;
  let any = false;
  for await (const block of lineBlocks(file, 'trace', blockBytes)) {
    any = true;
    resolved ??= detectFormat(block, file);
    yield parseBytes(block, file, resolved, FORMAT_PARSERS[resolved], state);
  }
  if (!any && format === 'auto') detectFormat(new Uint8Array(0), file);
}

export interface TraceScan {
  readonly format: TraceFormat;
  /** Requests in the whole trace. */
  readonly count: number;
  /**
   * The trace's chunks, when scanTrace was asked to keep them and they fit (`keep` requests at
   * most): the replay then needs no second read.
   */
  readonly chunks?: readonly Trace[];
}

/**
 * Requests scanTrace keeps by default for the replay that follows: 2^22 (about 90 MB of arrays);
 * a longer trace is read again, streamed, so memory stays bounded whatever its size.
 */
export const KEEP_REQUESTS = 1 << 22;

/**
 * Reads the whole trace once without simulating: every line parses, arrivals never decrease and
 * `check` (an address check) accepts every chunk, so a bad line at the end of a huge trace fails
 * before any simulation time is spent. Returns the format and the request count, and the chunks
 * themselves if there are at most `keep` requests.
 */
export async function scanTrace(file: string, format: TraceFormatOption = 'auto', check?: (chunk: Trace) => void, keep = 0): Promise<TraceScan> {
  let count = 0;
  let found: TraceFormat = format === 'auto' ? 'pimsim' : format;
  let kept: Trace[] | undefined = keep > 0 ? [] : undefined;
  for await (const chunk of traceChunks(file, format)) {
    check?.(chunk);
    count += chunk.count;
    found = chunk.format;
    if (kept && count > keep) kept = undefined; // too long to keep: it will be read again
    kept?.push(chunk);
  }
  return { format: found, count, chunks: kept };
}

/** Kept chunks as the stream replayChunks takes. */
export async function* keptChunks(chunks: readonly Trace[]): AsyncGenerator<Trace> {
  yield* chunks;
}
