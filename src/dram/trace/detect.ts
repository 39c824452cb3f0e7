/**
 * `--format auto`: decide the format from the first request lines. Each format's lines have a
 * distinct shape (R/W first, LD/ST first or R/W second, READ/WRITE second), so one line usually
 * settles it; the first few are checked so a file mixing formats fails here with a clear message.
 */
import { InputError } from '../../util/errors.js';
import { looksLikeDramsim3 } from './dramsim3.js';
import { looksLikePimsim } from './pimsim.js';
import { looksLikeRamulator } from './ramulator.js';
import { bomLength, newLine, quoteLine, tokenize, type Line } from './scan.js';
import { describeForms, TRACE_FORMATS, type TraceFormat } from './types.js';

/** How many request lines auto-detection inspects. */
export const DETECT_LINES = 8;

function classify(line: Line): TraceFormat | null {
  if (looksLikePimsim(line)) return 'pimsim';
  if (looksLikeRamulator(line)) return 'ramulator';
  if (looksLikeDramsim3(line)) return 'dramsim3';
  return null;
}

export function detectFormat(bytes: Uint8Array, file: string): TraceFormat {
  const line = newLine(bytes);
  let found: TraceFormat | null = null;
  let foundLine = 0;
  let seen = 0;
  let lineNo = 0;
  for (let pos = bomLength(bytes); pos < bytes.length && seen < DETECT_LINES; ) {
    const end = tokenize(line, pos);
    lineNo++;
    if (line.n > 0) {
      seen++;
      const format = classify(line);
      // A bad line after the format is known is left to the parser, whose error is more specific.
      if (format === null && found !== null) break;
      if (format === null) {
        throw new InputError(
          `cannot tell the trace format from line ${quoteLine(bytes, pos, end)}; expected lines of one of: ${describeForms(TRACE_FORMATS)}`,
          `${file}:${lineNo}`,
        );
      }
      if (found === null) {
        found = format;
        foundLine = lineNo;
      } else if (format !== found) {
        throw new InputError(
          `ambiguous trace: line ${foundLine} looks like ${found} format but line ${lineNo} ` +
            `${quoteLine(bytes, pos, end)} looks like ${format}; a trace uses one format ` +
            '(name it with --format if detection is wrong)',
          `${file}:${lineNo}`,
        );
      }
    }
    pos = end + 1;
  }
  if (found === null) {
    throw new InputError(
      `no request lines, so the trace format cannot be detected; expected lines of one of: ${describeForms(TRACE_FORMATS)}`,
      file,
    );
  }
  return found;
}
