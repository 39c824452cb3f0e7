/**
 * The command-log CSV: one line per DRAM/PIM command a controller issued. The simulator writes it,
 * the protocol checker (checker.ts) reads it, and users may hand-write one to test a schedule.
 *
 *   cycle,channel,rank,bankgroup,bank,row,column,command
 *   120,0,0,1,3,42,-,ACT
 *
 * `cycle` is the DRAM clock cycle the command was issued at (its first clock, for a command that
 * holds its command bus longer, such as HBM's 2-cycle ACT). Commands of one channel issued in the
 * same clock (a row and a column command on HBM's two buses) are two lines with the same cycle.
 * With pseudo-channels, `rank` is the rank slot (pseudo-channel x ranks + rank). `bank` is the bank index WITHIN its
 * bank group. A field that does not apply to a command is `-` (-1 in a CommandRecord). Which
 * fields a command takes follows from its behaviour in COMMANDS (see `commandFields`):
 *   - channel and rank: always (WRGB, RDMAC16, WRBIAS use the rank they are sent to, usually 0);
 *   - bankgroup: commands that reach one bank or one bank group (ACT, PRE, RD, WR, REFpb, MAC, ACT4);
 *   - bank: commands that reach one bank (ACT, PRE, RD, WR, REFpb, MAC);
 *   - row: required by activates (ACT, ACT4, ACT16); optional on column commands (RD, WR, MAC,
 *     MAC16), where a given row must be the open one; `-` elsewhere;
 *   - column: required by column commands (RD, WR, MAC, MAC16); `-` elsewhere.
 * So PREA and REFab carry only channel and rank, ACT4 a bank group but no bank, ACT16 a rank and a row.
 */
import { InputError } from '../util/errors.js';
import { quote } from '../spec/quote.js';
import { COMMANDS, COMMAND_NAMES, isCommandName, type CommandName } from '../spec/commands.js';
import { lineBlocks } from './trace/stream.js';

export const COMMAND_LOG_HEADER = 'cycle,channel,rank,bankgroup,bank,row,column,command';

/** One issued command. Address fields that do not apply are -1 (`-` in the CSV). */
export interface CommandRecord {
  cycle: number;
  channel: number;
  rank: number;
  bankgroup: number;
  /** Bank index within its bank group. */
  bank: number;
  row: number;
  column: number;
  command: CommandName;
}

/** Whether an address field is required, optional or must be `-` for a command. */
export type FieldUse = 'required' | 'optional' | 'absent';

export interface CommandFields {
  readonly bankgroup: FieldUse;
  readonly bank: FieldUse;
  readonly row: FieldUse;
  readonly column: FieldUse;
}

/** The address fields a command takes, derived from its reach and behaviour. */
export function commandFields(command: CommandName): CommandFields {
  const b = COMMANDS[command];
  return {
    bankgroup: b.reach === 'bank' || b.reach === 'bankgroup' ? 'required' : 'absent',
    bank: b.reach === 'bank' ? 'required' : 'absent',
    row: b.effect === 'open' ? 'required' : b.column && b.reach !== 'none' ? 'optional' : 'absent',
    column: b.column ? 'required' : 'absent',
  };
}

const FIELDS = Object.fromEntries(COMMAND_NAMES.map((c) => [c, commandFields(c)])) as Record<CommandName, CommandFields>;

function field(n: number, use: FieldUse = 'required'): string {
  return n < 0 || use === 'absent' ? '-' : String(n);
}

/**
 * One CSV line (no newline). Fields the command does not take are written `-` whatever the record
 * holds (so a writer may pass its raw address); nothing else is validated: parseCommandLog does.
 */
export function formatCommandRecord(r: CommandRecord): string {
  const f = FIELDS[r.command];
  return `${r.cycle},${field(r.channel)},${field(r.rank)},${field(r.bankgroup, f.bankgroup)},${field(r.bank, f.bank)},${field(r.row, f.row)},${field(r.column, f.column)},${r.command}`;
}

/** A whole log: header and one line per record, ending in a newline. */
export function formatCommandLog(records: readonly CommandRecord[]): string {
  const lines = [COMMAND_LOG_HEADER];
  for (const r of records) lines.push(formatCommandRecord(r));
  return lines.join('\n') + '\n';
}

const FIELD_NAMES = COMMAND_LOG_HEADER.split(',');
const NON_NEG_INT = /^\d+$/;

function describeFields(command: CommandName): string {
  const f = commandFields(command);
  const parts = ['cycle', 'channel', 'rank'];
  for (const k of ['bankgroup', 'bank', 'row', 'column'] as const) {
    parts.push(f[k] === 'absent' ? '-' : f[k] === 'optional' ? `${k}|-` : k);
  }
  return `${parts.join(',')},${command}`;
}

/**
 * Parse a command log. `file` names it in errors, which say `file:line` and the expected form.
 * Record i (0-based) comes from line i + 2: the header is line 1 and blank lines are not allowed
 * (a single trailing newline is).
 */
export function parseCommandLog(text: string, file: string): CommandRecord[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  checkHeader(lines[0] ?? '', file);
  const records: CommandRecord[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    records[i - 1] = parseLine(line.endsWith('\r') ? line.slice(0, -1) : line, file, i + 1);
  }
  return records;
}

function checkHeader(line: string, file: string): void {
  const header = line.replace(/\r$/, '').trim();
  if (header !== COMMAND_LOG_HEADER) throw new InputError(`expected the header line "${COMMAND_LOG_HEADER}", got ${quote(header)}`, `${file}:1`);
}

/**
 * Reads a command-log file (plain or gzip-compressed) in bounded memory whatever its size, calling
 * `each` for every record with its CSV line; returns the number of records. The record object is
 * reused from line to line (copy what you keep). Lines are parsed from bytes; any line the fast
 * path does not take (spaces, CR, a malformed field) goes through parseLine, so the accepted forms
 * and the errors are exactly parseCommandLog's.
 */
export async function forEachCommand(file: string, each: (r: CommandRecord, line: number) => void): Promise<number> {
  const r: CommandRecord = { cycle: 0, channel: 0, rank: 0, bankgroup: 0, bank: 0, row: 0, column: 0, command: 'ACT' };
  let lineNo = 0;
  let count = 0;
  for await (const block of lineBlocks(file, 'command log')) {
    let pos = 0;
    const end = block.length;
    if (lineNo === 0) {
      const nl = block.indexOf(10);
      const stop = nl < 0 ? end : nl;
      checkHeader(block.toString('utf8', 0, stop).replace(/^\uFEFF/, ''), file);
      lineNo = 1;
      pos = stop + 1;
    }
    while (pos < end) {
      let nl = block.indexOf(10, pos);
      if (nl < 0) nl = end;
      lineNo++;
      if (!parseBytesLine(block, pos, nl, r)) {
        const text = block.toString('utf8', pos, nl);
        Object.assign(r, parseLine(text.endsWith('\r') ? text.slice(0, -1) : text, file, lineNo));
      }
      each(r, lineNo);
      count++;
      pos = nl + 1;
    }
  }
  if (lineNo === 0) throw new InputError(`expected the header line "${COMMAND_LOG_HEADER}", got an empty file`, `${file}:1`);
  return count;
}

const NAME_IDS = new Map<string, CommandName>(COMMAND_NAMES.map((n) => [n, n]));
const FIELD_BITS = Object.fromEntries(COMMAND_NAMES.map((n) => {
  const f = commandFields(n);
  // Per address field (bankgroup, bank, row, column): 0 absent, 1 optional, 2 required.
  const code = (u: FieldUse) => (u === 'absent' ? 0 : u === 'optional' ? 1 : 2);
  return [n, [code(f.bankgroup), code(f.bank), code(f.row), code(f.column)]];
})) as Record<CommandName, number[]>;
const scratch = new Float64Array(7);

/**
 * The fast path: `cycle,channel,rank,bg,bank,row,col,NAME` with plain digits or "-" and nothing
 * else, every field as its command needs. Fills `r` and returns true, or returns false (leaving
 * the line to parseLine, which accepts it or says what is wrong).
 */
function parseBytesLine(b: Uint8Array, from: number, to: number, r: CommandRecord): boolean {
  let i = from;
  for (let f = 0; f < 7; f++) {
    if (i >= to) return false;
    if (b[i] === 45 /* - */) {
      scratch[f] = -1;
      i++;
    } else {
      let v = 0, digits = 0;
      for (; i < to; i++, digits++) {
        const d = b[i] - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (digits === 0 || digits > 15) return false;
      scratch[f] = v;
    }
    if (b[i] !== 44 /* , */) return false;
    i++;
  }
  if (to - i < 2 || to - i > 8) return false;
  let name = '';
  for (let k = i; k < to; k++) name += String.fromCharCode(b[k]);
  const cmd = NAME_IDS.get(name);
  if (cmd === undefined || scratch[0] < 0 || scratch[1] < 0 || scratch[2] < 0) return false;
  const bits = FIELD_BITS[cmd];
  for (let k = 0; k < 4; k++) {
    const v = scratch[3 + k];
    if ((bits[k] === 2 && v < 0) || (bits[k] === 0 && v >= 0)) return false;
  }
  r.cycle = scratch[0];
  r.channel = scratch[1];
  r.rank = scratch[2];
  r.bankgroup = scratch[3];
  r.bank = scratch[4];
  r.row = scratch[5];
  r.column = scratch[6];
  r.command = cmd;
  return true;
}

// Module-level functions, no per-line closures: under tsx each closure costs a __name() call.
function parseLine(line: string, file: string, lineNo: number): CommandRecord {
  const parts = line.split(',');
  if (parts.length !== FIELD_NAMES.length) {
    const got = line.trim() === '' ? 'an empty line' : `${parts.length}: ${quote(line)}`;
    throw new InputError(`expected ${FIELD_NAMES.length} comma-separated fields (${COMMAND_LOG_HEADER}), got ${got}`, `${file}:${lineNo}`);
  }
  const name = parts[7].trim();
  if (!isCommandName(name)) {
    throw new InputError(`unknown command ${quote(name)}; expected one of ${COMMAND_NAMES.join(', ')}`, `${file}:${lineNo}`);
  }
  const f = FIELDS[name];
  return {
    cycle: parseField(parts, 0, 'required', name, file, lineNo),
    channel: parseField(parts, 1, 'required', name, file, lineNo),
    rank: parseField(parts, 2, 'required', name, file, lineNo),
    bankgroup: parseField(parts, 3, f.bankgroup, name, file, lineNo),
    bank: parseField(parts, 4, f.bank, name, file, lineNo),
    row: parseField(parts, 5, f.row, name, file, lineNo),
    column: parseField(parts, 6, f.column, name, file, lineNo),
    command: name,
  };
}

function parseField(parts: string[], i: number, use: FieldUse, name: CommandName, file: string, lineNo: number): number {
  const s = parts[i].trim();
  const label = FIELD_NAMES[i];
  if (s === '-') {
    if (use === 'required') throw new InputError(`${name} needs a ${label}; expected ${describeFields(name)}`, `${file}:${lineNo}`);
    return -1;
  }
  if (!NON_NEG_INT.test(s)) {
    throw new InputError(`${label} must be a non-negative integer${use === 'required' ? '' : ' or -'}, got ${quote(s)}; expected ${describeFields(name)}`, `${file}:${lineNo}`);
  }
  if (use === 'absent') throw new InputError(`${name} takes no ${label} (write -); expected ${describeFields(name)}`, `${file}:${lineNo}`);
  const v = Number(s);
  if (!Number.isSafeInteger(v)) throw new InputError(`${label} ${quote(s)} is too large`, `${file}:${lineNo}`);
  return v;
}
