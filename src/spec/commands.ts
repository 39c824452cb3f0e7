/**
 * The DRAM and PIM command set, and what each command does to bank state.
 *
 * Every standard shares this table; a memory preset chooses which commands its rules mention.
 * Names resolve to small integer ids once (COMMAND_ID), so the hot loop indexes typed arrays.
 *
 * A MAC of a low-bit weight format is its own command (MAC.ternary, MAC16.ternary, ...): it does
 * to the banks what MAC / MAC16 does, but a slower format holds its PU longer, and that spacing is
 * a timing rule (derived from the PU format in spec/system.ts) which the sequencer obeys and the
 * protocol checker verifies like any other. BF16 MACs keep the plain names.
 */
import { PRECISIONS, type Precision } from './formats.js';

/** Weight formats whose MACs have their own command names (every format but bf16). */
export type MacFormat = Exclude<Precision, 'bf16'>;
const MAC_FORMATS = PRECISIONS.filter((p): p is MacFormat => p !== 'bf16');

/** The commands a memory preset names (its rules, buses, register mode; `*` means all of these). */
export const COMMAND_NAMES = [
  // Plain DRAM
  'ACT', 'PRE', 'PREA', 'RD', 'WR', 'REFab', 'REFpb',
  // PIM (AiM-style; see src/pim/)
  'ACT4', 'ACT16', 'MAC', 'MAC16', 'WRGB', 'RDMAC16', 'WRBIAS', 'TMOD',
] as const;

export type PresetCommandName = (typeof COMMAND_NAMES)[number];

/** The MAC commands of one low-bit format. */
type FormatMac<F extends string> = `MAC.${F}` | `MAC16.${F}`;

/**
 * Every command a channel can issue and a command log can hold: the preset commands, then the
 * format MACs (derived from the PU: a system's resolved rules name those of its formats).
 */
export const ALL_COMMAND_NAMES = [
  ...COMMAND_NAMES,
  ...MAC_FORMATS.map((f) => `MAC.${f}` as const),
  ...MAC_FORMATS.map((f) => `MAC16.${f}` as const),
] as readonly (PresetCommandName | FormatMac<MacFormat>)[];

export type CommandName = PresetCommandName | FormatMac<MacFormat>;

/** Commands every DRAM standard has; the PIM ones come with a command set (src/presets/command-sets/). */
export const DRAM_COMMANDS: readonly CommandName[] = ['ACT', 'PRE', 'PREA', 'RD', 'WR', 'REFab', 'REFpb'];

export const COMMAND_ID: Readonly<Record<CommandName, number>> = Object.fromEntries(
  ALL_COMMAND_NAMES.map((n, i) => [n, i]),
) as Record<CommandName, number>;

export const NUM_COMMANDS = ALL_COMMAND_NAMES.length;

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
  ...formatMacs('MAC'),
  ...formatMacs('MAC16'),
} as Record<CommandName, CommandBehaviour>;

/** The MAC commands of a base MAC command for every low-bit format, behaving like it. */
function formatMacs(base: 'MAC' | 'MAC16'): Record<string, CommandBehaviour> {
  const b = base === 'MAC'
    ? { reach: 'bank', requires: 'open', effect: 'none', bus: null, column: true } as const
    : { reach: 'rank', requires: 'open', effect: 'none', bus: null, column: true } as const;
  return Object.fromEntries(MAC_FORMATS.map((f) => [`${base}.${f}`, { ...b, description: `${base} of ${f} weights (held for the ${f} unit's MAC spacing)` }]));
}

/**
 * The command a MAC of weight format `precision` is issued as: the base MAC / MAC16 for bf16,
 * else its format's own command.
 */
export function macCommand(base: 'MAC' | 'MAC16', precision: Precision): CommandName {
  return precision === 'bf16' ? base : `${base}.${precision}`;
}

/** Per command id: the id of the command it is a kind of (a format MAC's MAC / MAC16; else itself). */
export const BASE_COMMAND_ID: Readonly<Int32Array> = Int32Array.from(ALL_COMMAND_NAMES, (n, i) => (n.includes('.') ? COMMAND_ID[n.slice(0, n.indexOf('.')) as CommandName] : i));

/** The format MAC commands (MAC.f, MAC16.f) of the given formats, for a base command. */
export function formatMacCommands(base: CommandName, formats: readonly Precision[]): CommandName[] {
  if (base !== 'MAC' && base !== 'MAC16') return [];
  return formats.filter((f) => f !== 'bf16').map((f) => macCommand(base, f));
}

export function isCommandName(s: string): s is CommandName {
  return (ALL_COMMAND_NAMES as readonly string[]).includes(s);
}
