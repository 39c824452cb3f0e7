/**
 * The DRAM and PIM command set, and what each command does to bank state.
 *
 * Every standard shares this table; a memory preset chooses which commands its rules mention.
 * Names resolve to small integer ids once (COMMAND_ID), so the hot loop indexes typed arrays.
 */

export const COMMAND_NAMES = [
  // Plain DRAM
  'ACT', 'PRE', 'PREA', 'RD', 'WR', 'REFab', 'REFpb',
  // PIM (AiM-style; see src/pim/)
  'ACT4', 'ACT16', 'MAC', 'MAC16', 'WRGB', 'RDMAC16', 'WRBIAS', 'TMOD',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export const COMMAND_ID: Readonly<Record<CommandName, number>> = Object.fromEntries(
  COMMAND_NAMES.map((n, i) => [n, i]),
) as Record<CommandName, number>;

export const NUM_COMMANDS = COMMAND_NAMES.length;

/** Which banks a command touches. */
export type Reach =
  | 'bank' // the one bank addressed
  | 'bankgroup' // every bank of the addressed bank group
  | 'rank' // every bank of the addressed rank
  | 'none'; // no bank (global buffer, MAC registers)

export interface CommandBehaviour {
  readonly reach: Reach;
  /** Bank state required before: 'closed', 'open', or anything. */
  readonly requires: 'closed' | 'open' | 'any';
  /** Bank state after. */
  readonly effect: 'open' | 'close' | 'none';
  /** Uses the external data bus: 'read' (device drives), 'write' (host drives), or neither. */
  readonly bus: 'read' | 'write' | null;
  /** A column command (reads or writes a column of an open row). */
  readonly column: boolean;
  readonly description: string;
}

export const COMMANDS: Readonly<Record<CommandName, CommandBehaviour>> = {
  ACT: { reach: 'bank', requires: 'closed', effect: 'open', bus: null, column: false, description: 'activate a row in one bank' },
  PRE: { reach: 'bank', requires: 'any', effect: 'close', bus: null, column: false, description: 'precharge one bank' },
  PREA: { reach: 'rank', requires: 'any', effect: 'close', bus: null, column: false, description: 'precharge all banks' },
  RD: { reach: 'bank', requires: 'open', effect: 'none', bus: 'read', column: true, description: 'read one burst' },
  WR: { reach: 'bank', requires: 'open', effect: 'none', bus: 'write', column: true, description: 'write one burst' },
  REFab: { reach: 'rank', requires: 'closed', effect: 'none', bus: null, column: false, description: 'all-bank refresh' },
  REFpb: { reach: 'bank', requires: 'closed', effect: 'none', bus: null, column: false, description: 'per-bank refresh' },
  ACT4: { reach: 'bankgroup', requires: 'closed', effect: 'open', bus: null, column: false, description: 'activate the same row in the 4 banks of a bank group' },
  ACT16: { reach: 'rank', requires: 'closed', effect: 'open', bus: null, column: false, description: 'activate the same row in all banks' },
  MAC: { reach: 'bank', requires: 'open', effect: 'none', bus: null, column: true, description: 'MAC one column of one bank with the global buffer' },
  MAC16: { reach: 'rank', requires: 'open', effect: 'none', bus: null, column: true, description: 'MAC one column in every bank with the global buffer' },
  WRGB: { reach: 'none', requires: 'any', effect: 'none', bus: 'write', column: false, description: 'write 32 B into the global buffer' },
  RDMAC16: { reach: 'none', requires: 'any', effect: 'none', bus: 'read', column: false, description: 'read the 16 MAC result registers (one 256-bit word)' },
  WRBIAS: { reach: 'none', requires: 'any', effect: 'none', bus: 'write', column: false, description: 'write the MAC accumulators (bias)' },
  // Which commands need register mode is the memory preset's (registerMode); TMOD only toggles it.
  TMOD: { reach: 'none', requires: 'any', effect: 'none', bus: null, column: false, description: 'switch between bank mode and register read/write mode (AiM)' },
};

export function isCommandName(s: string): s is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(s);
}
