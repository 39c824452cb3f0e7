/**
 * DRAMsim3 traces: `<addr> <op> <cycle>` per line, read as `is >> hex >> addr >> op >> dec >> cycle`.
 *
 *   0x1f40 READ 120    read of 0x1f40 arriving at cycle 120
 *   1f40 WRITE 135     the address is always hex; the 0x prefix is optional
 *
 * DRAMsim3 counts WRITE, write, P_MEM_WR and BOFF as writes and any other word as a read; pimsim
 * accepts READ, read, P_MEM_RD and P_FETCH as reads and rejects other words, so typos surface.
 * The cycle is required (DRAMsim3 offers a request once its clock reaches that cycle) and must not
 * decrease from line to line. pimsim also skips '#' comments and blank lines.
 */
import type { ByteWriter } from './bytes.js';
import {
  addressProblem,
  cycleProblem,
  parseDecimal,
  parseHex,
  tokenIs,
  tokenText,
  type Line,
  type LineParser,
} from './scan.js';

const READ_OPS = ['READ', 'read', 'P_MEM_RD', 'P_FETCH'] as const;
const WRITE_OPS = ['WRITE', 'write', 'P_MEM_WR', 'BOFF'] as const;

/** 0 = read, 1 = write, -1 = not an operation word. */
function opKind(line: Line, i: number): number {
  for (const op of READ_OPS) if (tokenIs(line, i, op)) return 0;
  for (const op of WRITE_OPS) if (tokenIs(line, i, op)) return 1;
  return -1;
}

export const parseDramsim3Line: LineParser = (line, slot) => {
  if (line.n > 3) return 'too many fields: expected <addr> READ|WRITE <cycle>';
  const b = line.bytes;
  const address = parseHex(b, line.start[0], line.end[0]);
  if (address < 0) return addressProblem(line, 0, address, 'a hex number');
  if (line.n < 2) return 'missing the operation (READ or WRITE) and arrival cycle';
  const kind = opKind(line, 1);
  if (kind < 0) return `operation "${tokenText(line, 1)}" is not READ or WRITE`;
  if (line.n < 3) return 'missing the arrival cycle (DRAMsim3 lines end with a decimal cycle)';
  const cycle = parseDecimal(b, line.start[2], line.end[2]);
  if (cycle < 0) return cycleProblem(tokenText(line, 2), cycle);
  slot.address = address;
  slot.isWrite = kind === 1;
  slot.arrival = cycle;
  return null;
};

export function looksLikeDramsim3(line: Line): boolean {
  return line.n >= 2 && opKind(line, 1) >= 0;
}

/** Appends one request in DRAMsim3 form: `0x1f40 READ 120`. */
export function writeDramsim3Line(out: ByteWriter, address: number, isWrite: boolean, cycle: number): void {
  out.text('0x').integer(address, 16).text(isWrite ? ' WRITE ' : ' READ ').integer(cycle, 10).byte(10);
}
