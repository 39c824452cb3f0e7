/**
 * Memory presets: DRAM organization, timing values, timing rules and controller settings.
 * The zod schema is the source of the types; `resolveMemory` turns a validated preset into the
 * integer-only MemorySpec the simulator uses.
 */
import { z } from 'zod';
import { COMMAND_ID, COMMAND_NAMES, DRAM_COMMANDS, type CommandName } from './commands.js';
import { InputError } from '../util/errors.js';
import { quote } from './quote.js';
import { toPicoseconds } from './units.js';
import { evalExpr, EXPRESSION, resolveTiming, timingReads, TIMING_KEYS, type TimingKey } from './timingValues.js';

export { TIMING_KEYS, type TimingKey } from './timingValues.js';

export const SCOPES = ['channel', 'rank', 'bankgroup', 'bank'] as const;
export type Scope = (typeof SCOPES)[number];
/**
 * Where a pair rule applies: the same node of a scope, or `other-rank`: a command to another rank of
 * the same channel (rank-to-rank switching: the data bus changes driver, tRTRS).
 */
export const RULE_SCOPES = [...SCOPES, 'other-rank'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];

const posInt = z.number().int().positive();
const cycleValue = z.union([z.number().int().nonnegative(), z.string({ error: 'a duration such as "14 ns"' })]);
const commandList = z.union([z.enum([...COMMAND_NAMES, '*']), z.array(z.enum(COMMAND_NAMES)).nonempty()]);
/** "nCL + nBL + 2 - nCWL": integers and timing names joined by + and -. */
const cycleExpr = z.union([z.number().int().nonnegative(), z.string().regex(EXPRESSION, 'expected names and integers joined by + or -')]);

const PairRule = z.strictObject({
  from: commandList,
  to: commandList,
  scope: z.enum(RULE_SCOPES),
  cycles: cycleExpr,
  source: z.string().optional(),
  note: z.string().optional(),
});
const WindowRule = z.strictObject({
  window: commandList,
  count: posInt,
  scope: z.enum(SCOPES),
  cycles: cycleExpr,
  source: z.string().optional(),
  note: z.string().optional(),
});
export const RuleSchema = z.union([PairRule, WindowRule]);

export const ADDRESS_FIELDS = ['channel', 'rank', 'bankgroup', 'bank', 'row', 'column'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** Named address mappings, most significant field first. The burst offset sits below them all. */
export const ADDRESS_MAPPINGS = {
  /** Row-bank-column-channel: consecutive bursts alternate channels, then walk a row. */
  RoBaRaCoCh: ['row', 'bank', 'bankgroup', 'rank', 'column', 'channel'],
  /** Channel- and bank-group-interleaved: consecutive bursts walk channels, then bank groups, then banks. */
  RoCoRaBaBgCh: ['row', 'column', 'rank', 'bank', 'bankgroup', 'channel'],
  /** Channel-contiguous: each channel owns one contiguous slice of the address space. */
  ChRaBaRoCo: ['channel', 'rank', 'bankgroup', 'bank', 'row', 'column'],
} as const satisfies Record<string, readonly AddressField[]>;
export type AddressMappingName = keyof typeof ADDRESS_MAPPINGS;

const MAPPING_NAMES = Object.keys(ADDRESS_MAPPINGS) as [AddressMappingName, ...AddressMappingName[]];
const mappingHelp =
  `expected one of ${MAPPING_NAMES.map((n) => `"${n}"`).join(', ')} (most significant field first), or an array naming ` +
  `each of ${ADDRESS_FIELDS.join(', ')} once, e.g. ${JSON.stringify(ADDRESS_MAPPINGS.RoBaRaCoCh)}`;

/**
 * The command interface of a channel: which buses carry which commands, one command starting per
 * bus per clock, and how many clocks a command occupies its bus. One bus carrying everything
 * (`"commands": "*"`) is the single command/address bus of DDR4, GDDR6 and LPDDR5; HBM has a row
 * bus and a column bus, so a row and a column command can issue in the same clock, and its ACT
 * takes two clocks of the row bus.
 */
const BusSchema = z.strictObject({
  name: z.string().min(1),
  /** The commands this bus carries, or "*": every command no other bus names. */
  commands: z.union([z.literal('*'), z.array(z.enum(COMMAND_NAMES)).nonempty()]),
});
export const CommandBusSchema = z.strictObject({
  buses: z.array(BusSchema).nonempty(),
  /** Clocks a command occupies its bus (default 1); timing rules count from its first clock. */
  cycles: z.partialRecord(z.enum(COMMAND_NAMES), posInt).default({}),
});
export type CommandBusConfig = z.infer<typeof CommandBusSchema>;
export const SINGLE_COMMAND_BUS: CommandBusConfig = { buses: [{ name: 'command', commands: '*' }], cycles: {} };

/** What an ACT does to its request's queue entry (see ActiveRequests). */
export const ACTIVATED_ENTRY = {
  keep: 'the request keeps its read/write queue entry until its column command: queueDepth bounds every request the controller holds',
  free: "the ACT frees the entry (Ramulator 2.1's active buffer): up to one more request per bank is held beyond queueDepth",
} as const;
/** Which requests the write-drain watermarks count. */
export const WRITE_MODE_COUNTS = {
  all: 'every request of the queue, activated or not',
  unactivated: 'only requests whose ACT has not issued (Ramulator 2.1)',
} as const;

/**
 * The request schedulers a preset may name; src/dram/schedulers/index.ts implements each (its
 * registry is typed by this list, so a name without an implementation does not compile).
 */
export const SCHEDULER_NAMES = ['frfcfs-oldest', 'frfcfs', 'frfcfs-cap', 'fcfs'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export const ControllerSchema = z.strictObject({
  /** Entries in each of the read and write queues of a channel. */
  queueDepth: posInt,
  /** Which request goes next: see SCHEDULERS (src/dram/schedulers/index.ts) and README. */
  scheduler: z.enum(SCHEDULER_NAMES, { error: `expected a scheduler: one of ${SCHEDULER_NAMES.join(', ')}` }),
  /** frfcfs-cap: column commands an open row serves before an older request for another row of its bank may close it. */
  rowHitCap: posInt.optional(),
  pagePolicy: z.enum(['open', 'closed']),
  /** Start draining writes when the write queue holds this fraction of queueDepth... */
  writeHighWatermark: z.number().gt(0).lte(1),
  /** ...and stop when it falls to this fraction. */
  writeLowWatermark: z.number().gte(0).lt(1),
  refresh: z.enum(['all-bank', 'per-bank', 'off']),
  /** See ACTIVATED_ENTRY. */
  activatedEntry: z.enum(Object.keys(ACTIVATED_ENTRY) as [keyof typeof ACTIVATED_ENTRY]).default('keep'),
  /** See WRITE_MODE_COUNTS. */
  writeModeCounts: z.enum(Object.keys(WRITE_MODE_COUNTS) as [keyof typeof WRITE_MODE_COUNTS]).default('all'),
  addressMapping: z.union([z.enum(MAPPING_NAMES), z.array(z.enum(ADDRESS_FIELDS)).length(ADDRESS_FIELDS.length)], {
    error: mappingHelp,
  }),
});
export type ControllerConfig = z.infer<typeof ControllerSchema>;

/**
 * AiM's register read/write mode: `commands` (the global-buffer and accumulator transfers) are only
 * legal in register mode, every other command only in bank mode; `switch` toggles the mode. A
 * channel starts in bank mode. The switch's timing is ordinary rules (e.g. TMOD -> * >= nMODCH).
 * An empty `commands` list turns mode switching off.
 */
export const RegisterModeSchema = z.strictObject({
  switch: z.enum(COMMAND_NAMES),
  commands: z.array(z.enum(COMMAND_NAMES)),
});
export type RegisterMode = z.infer<typeof RegisterModeSchema>;

export const OrganizationSchema = z.strictObject({
  channels: posInt,
  /**
   * Pseudo-channels per channel (HBM2/HBM3 pseudo-channel mode): each has its own data bus, banks
   * and ranks; all share the channel's command buses and controller. Default 1.
   */
  pseudoChannels: posInt.default(1),
  /** Ranks per pseudo-channel: they share its data bus (rank switching, other-rank rules). */
  ranks: posInt,
  bankGroups: posInt,
  banksPerGroup: posInt,
  rows: posInt,
  /** Column addresses per row (JEDEC columns, each busWidthBits / 8 bytes... of one device width). */
  columns: posInt,
  /** Data bus width of one channel in bits. */
  busWidthBits: posInt,
  /** Beats per burst; one access moves busWidthBits * burstLength / 8 bytes. */
  burstLength: posInt,
});
export type Organization = z.infer<typeof OrganizationSchema>;

export const MemoryPresetSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string(),
    standard: z.string(),
    organization: OrganizationSchema,
    timing: z
      .strictObject({ tCK: z.union([z.number().positive(), z.string()]) })
      .extend(Object.fromEntries(TIMING_KEYS.map((k) => [k, cycleValue.optional()])) as Record<TimingKey, z.ZodOptional<typeof cycleValue>>),
    rules: z.array(RuleSchema).nonempty(),
    commandBus: CommandBusSchema.default(SINGLE_COMMAND_BUS),
    controller: ControllerSchema,
    registerMode: RegisterModeSchema.optional(),
    /** The command sets the preset includes (filled by the loader from `include`; see spec/load.ts). */
    commandSets: z
      .array(z.strictObject({ name: z.string(), file: z.string(), commands: z.array(z.enum(COMMAND_NAMES)) }))
      .default([]),
    /** Where each value comes from: keys are field paths or section names, values cite REFERENCE keys or say "assumed". */
    sources: z.record(z.string(), z.string()),
    /** Assumptions this preset makes, shown in reports. */
    assumptions: z.array(z.string()),
  });
export type MemoryPreset = z.infer<typeof MemoryPresetSchema>;

/**
 * A PIM command set (src/presets/command-sets/): the commands it adds, the rules it adds to any
 * standard that includes it, defaults for the timing values those rules read, and optionally a
 * register mode. Merged into a memory preset by the loader (spec/load.ts, `include`).
 */
export const CommandSetPresetSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string(),
  commands: z.array(z.enum(COMMAND_NAMES)),
  timing: z
    .strictObject(Object.fromEntries(TIMING_KEYS.map((k) => [k, cycleValue.optional()])) as Record<TimingKey, z.ZodOptional<typeof cycleValue>>)
    .optional(),
  registerMode: RegisterModeSchema.optional(),
  sources: z.record(z.string(), z.string()).optional(),
  '+rules': z.array(RuleSchema).optional(),
  '+assumptions': z.array(z.string()).optional(),
});

/** A rule after names are resolved to cycles. */
export interface ResolvedRule {
  readonly kind: 'pair' | 'window';
  readonly from: readonly CommandName[];
  readonly to: readonly CommandName[];
  /** Window rules have a node scope (never other-rank). */
  readonly scope: RuleScope;
  readonly count: number;
  readonly cycles: number;
  /** The rule as written, for messages. */
  readonly text: string;
}

/** The command buses of a channel, resolved per command id. */
export interface CommandBuses {
  readonly names: readonly string[];
  /** Per command id: the index of the bus that carries it. */
  readonly busOf: readonly number[];
  /** Per command id: clocks it occupies its bus (at least 1). */
  readonly cycles: readonly number[];
}

export interface MemorySpec {
  readonly name: string;
  readonly standard: string;
  readonly org: Organization;
  readonly tCK_ps: number;
  readonly timing: Readonly<Partial<Record<TimingKey, number>>>;
  readonly rules: readonly ResolvedRule[];
  readonly buses: CommandBuses;
  readonly controller: ControllerConfig;
  /** Register-mode switching, or null when the memory has none (or its command list is empty). */
  readonly registerMode: RegisterMode | null;
  /** Names of the PIM command sets the preset includes (e.g. ["aim"]); empty for plain DRAM. */
  readonly commandSets: readonly string[];
  readonly addressMapping: readonly AddressField[];
  /** Bytes moved by one column access (one burst). */
  readonly accessBytes: number;
  /** Bursts per row. */
  readonly burstsPerRow: number;
  readonly banksPerRank: number;
  /**
   * Rank slots of a channel: pseudoChannels x ranks. A command's rank index r is rank r mod
   * ranks of pseudo-channel floor(r / ranks); rank-scope rules apply per slot.
   */
  readonly rankSlots: number;
  readonly banksPerChannel: number;
  readonly totalBytes: number;
  /** Peak external bandwidth of all channels, GB/s (1e9 B/s). */
  readonly peakBandwidthGBs: number;
  readonly preset: MemoryPreset;
  /** The preset file it came from. */
  readonly file: string;
  /** Field paths set from outside the preset file (--set, a system's memoryOverrides). */
  readonly overrides: readonly string[];
  readonly sources: Readonly<Record<string, string>>;
  readonly assumptions: readonly string[];
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

function expand(list: CommandName | '*' | readonly CommandName[]): CommandName[] {
  if (list === '*') return [...COMMAND_NAMES];
  return typeof list === 'string' ? [list] : [...list];
}

/**
 * Timing names the simulator reads directly rather than through a rule: the data latency of reads
 * and writes (controller, PIM sequencer) and the refresh intervals of the refresh mode in use
 * (nRFC also sizes the PIM fast path's refresh share).
 */
function timingReadByCode(c: ControllerConfig): TimingKey[] {
  // nCLREG / nCWLREG: the PIM sequencer's register read and write data latencies (when defined).
  const keys: TimingKey[] = ['nCL', 'nBL', 'nCWL', 'nCLREG', 'nCWLREG'];
  if (c.refresh !== 'off') keys.push('nREFI', 'nRFC');
  if (c.refresh === 'per-bank') keys.push('nREFIpb');
  return keys;
}

/** Every timing name something reads: the rules, the derived values they read (transitively), the code. */
export function timingNamesRead(preset: MemoryPreset, derivedReads: Partial<Record<TimingKey, readonly TimingKey[]>>): Set<TimingKey> {
  const read = new Set<TimingKey>(timingReadByCode(preset.controller));
  for (const r of preset.rules) {
    // A rank-switch rule relates two ranks: with one, it reads nothing.
    if (!('window' in r) && r.scope === 'other-rank' && preset.organization.ranks === 1) continue;
    for (const k of timingReads(r.cycles)) read.add(k);
  }
  const todo = [...read];
  while (todo.length) {
    for (const k of derivedReads[todo.pop()!] ?? []) {
      if (!read.has(k)) {
        read.add(k);
        todo.push(k);
      }
    }
  }
  return read;
}

/**
 * An override that nothing reads would change nothing: refuse it, naming what is read instead.
 * `overrides` are the field paths set from outside the preset file ("timing.nRTW").
 */
function checkOverridesRead(preset: MemoryPreset, read: ReadonlySet<TimingKey>, overrides: readonly string[], file: string): void {
  const c = preset.controller;
  for (const path of overrides) {
    const [section, key] = path.split('.');
    if (section === 'timing' && (TIMING_KEYS as readonly string[]).includes(key) && !read.has(key as TimingKey)) {
      const refresh = ['nREFI', 'nREFIpb', 'nRFC', 'nRFCpb'].includes(key)
        ? ` (controller.refresh is "${c.refresh}")`
        : key === 'nRTRS' && preset.organization.ranks === 1 ? ' (organization.ranks is 1: rank-switch rules relate two ranks)' : '';
      throw new InputError(
        `timing.${key} is overridden, but no rule, derived timing value or controller setting of this preset reads it${refresh}, ` +
          `so the override would change nothing; the timing names it reads are: ${[...read].sort().join(', ')}`,
        file,
      );
    }
    if (path === 'controller.rowHitCap' && c.scheduler !== 'frfcfs-cap') {
      throw new InputError(`controller.rowHitCap is overridden, but only the frfcfs-cap scheduler reads it and this preset's scheduler is "${c.scheduler}" (set controller.scheduler=frfcfs-cap too)`, file);
    }
  }
}

/** Each command on exactly one bus: named by one, or taken by the bus that says "*". */
function resolveBuses(cfg: CommandBusConfig, file: string): CommandBuses {
  const names = cfg.buses.map((b) => b.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new InputError(`commandBus.buses: two buses are named "${dup}"`, file);
  const rest = cfg.buses.flatMap((b, i) => (b.commands === '*' ? [i] : []));
  if (rest.length > 1) throw new InputError(`commandBus.buses: only one bus may carry "*" (every other command); ${rest.map((i) => `"${names[i]}"`).join(' and ')} both do`, file);
  const busOf: number[] = new Array(COMMAND_NAMES.length).fill(rest.length ? rest[0] : -1);
  const named = new Map<CommandName, number>();
  cfg.buses.forEach((b, i) => {
    if (b.commands === '*') return;
    for (const c of b.commands) {
      if (named.has(c)) throw new InputError(`commandBus.buses: ${c} is on bus "${names[named.get(c)!]}" and on bus "${b.name}"; a command is carried by one bus`, file);
      named.set(c, i);
      busOf[COMMAND_ID[c]] = i;
    }
  });
  const orphans = COMMAND_NAMES.filter((_, id) => busOf[id] < 0);
  if (orphans.length) {
    throw new InputError(`commandBus.buses: no bus carries ${orphans.join(', ')}; name them on a bus, or let one bus carry "commands": "*" (every command no other bus names)`, file);
  }
  const cycles = COMMAND_NAMES.map((c) => cfg.cycles[c] ?? 1);
  return { names, busOf, cycles };
}

/**
 * A rule or the register mode may name only the plain DRAM commands and those of the command sets
 * the preset includes: a PIM command is defined by including its set, not by mentioning it.
 */
function checkCommandsDefined(preset: MemoryPreset, file: string): void {
  const defined = new Set<string>([...DRAM_COMMANDS, ...preset.commandSets.flatMap((s) => s.commands)]);
  const included = preset.commandSets.map((s) => s.name);
  const hint = `; ${included.length ? `the included command sets (${included.join(', ')}) do not define it` : 'include a command set that defines it (e.g. "include": ["aim"])'}`;
  preset.rules.forEach((r, i) => {
    const names = 'window' in r ? [r.window] : [r.from, r.to];
    for (const n of names.flat()) {
      if (n !== '*' && !defined.has(n)) throw new InputError(`rules[${i}] ("${r.source ?? ''}") uses ${n}, which is not a plain DRAM command${hint}`, file);
    }
  });
  const rm = preset.registerMode;
  for (const n of rm ? [rm.switch, ...rm.commands] : []) {
    if (!defined.has(n)) throw new InputError(`registerMode uses ${n}, which is not a plain DRAM command${hint}`, file);
  }
}

/**
 * Validated preset -> integer spec. `file` names the preset in error messages; `overrides` are the
 * field paths changed by --set or a system's memoryOverrides, each of which must be read by something.
 */
export function resolveMemory(preset: MemoryPreset, file: string, overrides: readonly string[] = []): MemorySpec {
  const org = preset.organization;
  const tCK_ps = toPicoseconds(preset.timing.tCK, `${file}: timing.tCK`);
  if (!(tCK_ps > 0)) throw new InputError(`timing.tCK must be positive`, file);
  const { tCK: _tCK, ...values } = preset.timing;
  for (const k of ['nBL', 'nCL', 'nCWL', 'nRCDRD', 'nRCDWR', 'nRP', 'nRAS'] as const) {
    if (values[k] === undefined) throw new InputError(`timing.${k} is required`, file);
  }
  const { cycles: timing, derivedReads } = resolveTiming(values, tCK_ps, file);
  checkOverridesRead(preset, timingNamesRead(preset, derivedReads), overrides, file);
  for (const k of ['nBL', 'nCL', 'nCWL', 'nRCDRD', 'nRCDWR', 'nRP', 'nRAS'] as const) {
    if (timing[k] === undefined) throw new InputError(`timing.${k} is required`, file);
    if (timing[k]! <= 0) throw new InputError(`timing.${k} must be at least 1 cycle, got ${timing[k]}`, file);
  }
  for (const k of ['nREFI', 'nREFIpb'] as const) {
    if (timing[k] !== undefined && timing[k]! < 1) throw new InputError(`timing.${k} must be at least 1 cycle, got ${timing[k]}`, file);
  }
  for (const k of TIMING_KEYS) {
    const v = timing[k];
    if (v !== undefined && !(v >= 0)) throw new InputError(`timing.${k} is ${v} cycles; a timing cannot be negative`, file);
  }
  const rules: ResolvedRule[] = preset.rules.map((r, i) => {
    const where = `${file}: rules[${i}]`;
    // A rank switch relates two data bursts: its cycles are latency differences, and where one
    // comes out negative the command order alone keeps the bursts apart.
    const cycles = evalExpr(r.cycles, timing, where, 'rule', !('window' in r) && r.scope === 'other-rank');
    if ('window' in r) {
      return { kind: 'window', from: expand(r.window), to: expand(r.window), scope: r.scope, count: r.count, cycles, text: `${r.count} x ${JSON.stringify(r.window)} within ${r.cycles} (${r.scope})` };
    }
    return { kind: 'pair', from: expand(r.from), to: expand(r.to), scope: r.scope, count: 1, cycles, text: `${JSON.stringify(r.from)} -> ${JSON.stringify(r.to)} >= ${r.cycles} (${r.scope})` };
  });
  checkCommandsDefined(preset, file);
  const buses = resolveBuses(preset.commandBus, file);
  const c = preset.controller;
  if (c.scheduler === 'frfcfs-cap' && c.rowHitCap === undefined) {
    throw new InputError('controller.scheduler is "frfcfs-cap" but controller.rowHitCap (hits an open row may serve while an older request waits for another row) is missing', file);
  }
  if (c.writeLowWatermark >= c.writeHighWatermark) {
    throw new InputError(`controller.writeLowWatermark (${c.writeLowWatermark}) must be below writeHighWatermark (${c.writeHighWatermark})`, file);
  }
  const accessBits = org.busWidthBits * org.burstLength;
  if (accessBits % 8 !== 0) throw new InputError(`organization: busWidthBits x burstLength must be whole bytes`, file);
  const accessBytes = accessBits / 8;
  if (org.columns % org.burstLength !== 0) {
    throw new InputError(`organization.columns (${org.columns}) must be a multiple of burstLength (${org.burstLength})`, file);
  }
  const burstsPerRow = org.columns / org.burstLength;
  for (const [field, n] of [['channels', org.channels], ['pseudoChannels', org.pseudoChannels], ['ranks', org.ranks], ['bankGroups', org.bankGroups], ['banksPerGroup', org.banksPerGroup], ['rows', org.rows]] as const) {
    if (!isPow2(n)) throw new InputError(`organization.${field} is ${n}; the address mapping needs a power of two`, file);
  }
  if (!isPow2(burstsPerRow)) throw new InputError(`organization.columns / burstLength is ${burstsPerRow}; the address mapping needs a power of two`, file);
  if (!isPow2(accessBytes)) throw new InputError(`bytes per access (${accessBytes}) must be a power of two`, file);
  if (c.refresh !== 'off' && timing.nREFI === undefined) throw new InputError(`controller.refresh is "${c.refresh}" but timing.nREFI is missing`, file);
  if (c.refresh === 'all-bank' && timing.nRFC === undefined) throw new InputError(`controller.refresh is "all-bank" but timing.nRFC is missing`, file);
  if (c.refresh === 'per-bank' && (timing.nRFCpb === undefined)) throw new InputError(`controller.refresh is "per-bank" but timing.nRFCpb is missing`, file);
  // A refresh interval barely longer than a refresh leaves no time to serve a request between two
  // (a row opened for a request would be closed by the next refresh before its column command).
  if (c.refresh === 'all-bank' && timing.nRC !== undefined && timing.nREFI! <= 2 * (timing.nRFC! + timing.nRC)) {
    throw new InputError(`timing.nREFI (${timing.nREFI}) must exceed 2 x (nRFC + nRC) = ${2 * (timing.nRFC! + timing.nRC)} cycles, or refreshes leave no time for requests`, file);
  }
  const rm = preset.registerMode;
  if (rm && rm.commands.includes(rm.switch)) throw new InputError(`registerMode.commands must not include the switch command ${rm.switch}`, file);
  const registerMode = rm && rm.commands.length > 0 ? rm : null;
  const banksPerRank = org.bankGroups * org.banksPerGroup;
  const rankSlots = org.pseudoChannels * org.ranks;
  const banksPerChannel = banksPerRank * rankSlots;
  const addressMapping = typeof c.addressMapping === 'string' ? ADDRESS_MAPPINGS[c.addressMapping] : c.addressMapping;
  if (new Set(addressMapping).size !== ADDRESS_FIELDS.length) {
    throw new InputError(`controller.addressMapping must name each of ${ADDRESS_FIELDS.join(', ')} exactly once`, file);
  }
  const totalBytes = org.channels * banksPerChannel * org.rows * burstsPerRow * accessBytes;
  const peakBandwidthGBs = (org.channels * org.pseudoChannels * accessBytes) / ((timing.nBL! * tCK_ps) / 1000);
  return {
    name: preset.name, standard: preset.standard, org, tCK_ps, timing, rules, buses, controller: c, registerMode,
    commandSets: preset.commandSets.map((s) => s.name), addressMapping,
    accessBytes, burstsPerRow, banksPerRank, rankSlots, banksPerChannel, totalBytes, peakBandwidthGBs,
    preset, file, overrides: [...overrides], sources: preset.sources, assumptions: preset.assumptions,
  };
}
