/**
 * pimsim's own trace format: one request per line.
 *
 *   R 0x1f40        read of byte address 0x1f40 (hex needs the 0x prefix)
 *   W 8000          write of byte address 8000 (decimal)
 *   R 0x1f40 @120   read that arrives at DRAM clock cycle 120
 *   # comment       '#' starts a comment anywhere on a line; blank lines are ignored
 *
 * Fields are separated by spaces or tabs. A request without @<cycle> has no time: it is offered as
 * fast as the controller takes it. Timed requests must be listed in non-decreasing cycle order.
 * R/W may be lower case. Addresses must be below 2^53.
 */
import type { ByteWriter } from './bytes.js';
import {
  addressProblem,
  fastAddress,
  fastDecimal,
  decimalValue,
  cycleProblem,
  parseDecimal,
  parseHexOrDecimal,
  tokenIsChar,
  tokenText,
  type FastLineParser,
  type LineParser,
} from './scan.js';

const R = 82;
const r = 114;
const W = 87;
const w = 119;
const AT = 64;

export const parsePimsimLine: LineParser = (line, slot) => {
  if (line.n < 2) return 'expected an operation (R or W) followed by an address';
  if (line.n > 3) return 'too many fields: expected R|W <addr> [@<cycle>]';
  if (tokenIsChar(line, 0, R, r)) slot.isWrite = false;
  else if (tokenIsChar(line, 0, W, w)) slot.isWrite = true;
  else return `operation "${tokenText(line, 0)}" is not R or W`;
  const b = line.bytes;
  const address = parseHexOrDecimal(b, line.start[1], line.end[1]);
  if (address < 0) return addressProblem(line, 1, address, 'a hex (0x1f40) or decimal (8000) number');
  slot.address = address;
  if (line.n === 3) {
    const s = line.start[2];
    if (b[s] !== AT) return `third field "${tokenText(line, 2)}" is not an arrival cycle written as @<cycle>`;
    const cycle = parseDecimal(b, s + 1, line.end[2]);
    if (cycle < 0) return cycleProblem(tokenText(line, 2).slice(1), cycle);
    slot.arrival = cycle;
  }
  return null;
};

/**
 * The fast path (FastLineParser) for the plain line: R, r, W or w, a space, 0x and 1-13 hex digits
 * or 1-15 decimal digits, optionally a space, @ and 1-15 decimal digits, then the end of the line.
 */
export const fastPimsimLine: FastLineParser = (b, pos, slot) => {
  const n = b.length;
  if (pos + 2 >= n || b[pos + 1] !== 32) return -1;
  const op = b[pos];
  let write: boolean;
  if (op === R || op === r) write = false;
  else if (op === W || op === w) write = true;
  else return -1;
  let i = fastAddress(b, pos + 2, slot);
  if (i < 0) return -1;
  let cycle = -1;
  if (i < n && b[i] === 32) {
    if (b[i + 1] !== AT) return -1;
    i = fastDecimal(b, i + 2);
    if (i < 0) return -1;
    cycle = decimalValue;
  }
  if (i < n && b[i] !== 10) return -1;
  slot.isWrite = write;
  slot.arrival = cycle;
  return i;
};

/** Whether a line's first fields look like this format (for --format auto). */
export function looksLikePimsim(line: Parameters<LineParser>[0]): boolean {
  return line.n >= 1 && (tokenIsChar(line, 0, R, r) || tokenIsChar(line, 0, W, w));
}

/** Appends one request in pimsim form: `R 0x1f40` or `R 0x1f40 @120`. */
export function writePimsimLine(out: ByteWriter, address: number, isWrite: boolean, arrival: number): void {
  out.text(isWrite ? 'W 0x' : 'R 0x').integer(address, 16);
  if (arrival >= 0) out.text(' @').integer(arrival, 10);
  out.byte(10);
}
