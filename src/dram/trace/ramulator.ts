/**
 * Ramulator memory traces, both forms the Ramulator frontends read (one request per line, no time):
 *
 *   LD 0x1f40 / ST 0x1f40   Ramulator 2 "LoadStoreTrace" frontend: exactly two fields; the address is
 *                           hex with a 0x/0X prefix, otherwise decimal (it uses std::stoll).
 *   0x1f40 R / 0x1f40 W     Ramulator (1.x) memory-trace mode: hex address (std::stoul base 16, so
 *                           the 0x is optional) followed by R or W.
 *
 * Ramulator 2's "ReadWriteTrace" frontend reads `R 0,0,1,2,3,4`: a DRAM address vector (channel,
 * rank, ... column), not a byte address; it cannot be replayed through our address mapping, so it
 * is rejected with a message saying so. Both forms above may be mixed in one file. pimsim also
 * skips '#' comments and blank lines here, which Ramulator itself does not.
 */
import type { ByteWriter } from './bytes.js';
import {
  addressProblem,
  fastAddress,
  parseHex,
  parseHexOrDecimal,
  tokenIs,
  tokenIsChar,
  type FastLineParser,
  type Line,
  type LineParser,
} from './scan.js';

const R = 82;
const W = 87;

export const parseRamulatorLine: LineParser = (line, slot) => {
  if (line.n < 2) return 'expected two fields';
  if (line.n > 2) return 'too many fields: Ramulator lines have exactly two';
  const b = line.bytes;
  let write: boolean;
  let address: number;
  if (tokenIs(line, 0, 'LD') || tokenIs(line, 0, 'ST')) {
    write = b[line.start[0]] === 83; // 'S'
    address = parseHexOrDecimal(b, line.start[1], line.end[1]);
    if (address < 0) return addressProblem(line, 1, address, 'a hex (0x1f40) or decimal (8000) number');
  } else if (tokenIsChar(line, 1, R, W)) {
    write = b[line.start[1]] === W;
    address = parseHex(b, line.start[0], line.end[0]);
    if (address < 0) return addressProblem(line, 0, address, 'a hex number');
  } else {
    return 'expected "LD <addr>", "ST <addr>", "<addr> R" or "<addr> W"';
  }
  slot.isWrite = write;
  slot.address = address;
  return null;
};

/**
 * The fast path (FastLineParser) for the plain LoadStoreTrace line: `LD ` or `ST `, then 0x and
 * 1-13 hex digits or 1-15 decimal digits (below 2^53 either way), then the end of the line.
 */
export const fastRamulatorLine: FastLineParser = (b, pos, slot) => {
  const n = b.length;
  if (pos + 3 >= n || b[pos + 2] !== 32) return -1;
  const c0 = b[pos], c1 = b[pos + 1];
  let write: boolean;
  if (c0 === 76 && c1 === 68) write = false; // LD
  else if (c0 === 83 && c1 === 84) write = true; // ST
  else return -1;
  const i = fastAddress(b, pos + 3, slot);
  if (i < 0) return -1;
  if (i < n && b[i] !== 10) return -1;
  slot.isWrite = write;
  slot.arrival = -1;
  return i;
};

export function looksLikeRamulator(line: Line): boolean {
  return (line.n >= 1 && (tokenIs(line, 0, 'LD') || tokenIs(line, 0, 'ST'))) || (line.n === 2 && tokenIsChar(line, 1, R, W));
}

/** Appends one request in the Ramulator 2 LoadStoreTrace form (`LD 0x1f40`), which carries no time. */
export function writeRamulatorLine(out: ByteWriter, address: number, isWrite: boolean): void {
  out.text(isWrite ? 'ST 0x' : 'LD 0x').integer(address, 16).byte(10);
}
