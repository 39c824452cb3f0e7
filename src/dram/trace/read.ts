/** Reading traces: bytes or text -> Trace, with the format named or detected. */
import { readFileSync } from 'node:fs';
import { InputError } from '../../util/errors.js';
import { quote } from '../../spec/quote.js';
import { detectFormat } from './detect.js';
import { gunzipTrace, isGzip } from './gzip.js';
import { FORMAT_PARSERS } from './parsers.js';
import { parseBytes } from './scan.js';
import { TRACE_FORMATS, type Trace, type TraceFormat, type TraceFormatOption } from './types.js';


/** Checks a --format value from the command line. */
export function parseTraceFormatOption(value: string, where = '--format'): TraceFormatOption {
  if (value === 'auto' || (TRACE_FORMATS as readonly string[]).includes(value)) return value as TraceFormatOption;
  throw new InputError(`unknown trace format ${quote(value)}; expected auto, ${TRACE_FORMATS.join(', ')}`, where);
}

/** Parses trace bytes (UTF-8 or ASCII); `file` names the source in errors. */
export function parseTraceBytes(bytes: Uint8Array, file: string, format: TraceFormatOption = 'auto'): Trace {
  const resolved = format === 'auto' ? detectFormat(bytes, file) : format;
  const parser = FORMAT_PARSERS[resolved];
  if (parser === undefined) parseTraceFormatOption(String(format)); // throws for a bad value from untyped callers
  return parseBytes(bytes, file, resolved, parser);
}

/** Parses trace text; `file` names the source in errors. */
export function parseTrace(text: string, file: string, format: TraceFormatOption = 'auto'): Trace {
  return parseTraceBytes(Buffer.from(text, 'utf8'), file, format);
}

/**
 * Reads and parses a whole trace file (plain or gzip-compressed) into memory: for tests and small
 * traces. Large traces stream (stream.ts), as `pimsim trace` does.
 */
export function readTrace(file: string, format: TraceFormatOption = 'auto'): Trace {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new InputError(`cannot read trace file: ${why}`, file);
  }
  return parseTraceBytes(isGzip(bytes) ? gunzipTrace(bytes, file) : bytes, file, format);
}
