/**
 * Energy tables: what each action of a PIM system costs (Accelergy-style: energy = Σ action count x
 * energy per action). A table is a JSON preset in src/presets/energy/, separate from the system so
 * the same run can be priced with another table.
 *
 * Every figure is optional in the schema: a table may cover only part of a system, and energyOf
 * fails, naming the preset and field, when a run needs a figure the table lacks (never a silent zero).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { COMMAND_NAMES } from '../spec/commands.js';
import { InputError } from '../util/errors.js';
import { applyOverrides, formatZodError, PRESET_ROOT } from '../spec/load.js';
import { TIMING_KEYS } from '../spec/memory.js';
import { toMilliwatts, toPicojoules, toPicoseconds } from '../spec/units.js';
import type { SystemSpec } from '../spec/system.js';

const quantity = z.union([z.number(), z.string()]);

/**
 * The energy of one action, in one of three forms:
 *   "5.5 pJ"                                          a plain energy
 *   {power: "66.3 mW", duration: "nRC", times?: 3}    power x duration (a timing name of the memory, or "1.25 ns")
 *   {perBit: "0.11 pJ", bits: "row", times?: 2}       per bit x bits ("row", "column" of the memory, or a count)
 * `times` multiplies; "banks" means the banks of one rank.
 */
export const ActionEnergySchema = z.union([
  quantity,
  z.strictObject({ power: quantity, duration: quantity, times: z.union([z.number().positive(), z.literal('banks')]).optional() }),
  z.strictObject({
    perBit: quantity,
    bits: z.union([z.enum(['row', 'column']), z.number().int().positive()]),
    times: z.union([z.number().positive(), z.literal('banks')]).optional(),
  }),
]);
export type ActionEnergy = z.infer<typeof ActionEnergySchema>;

const CommandPriced = z.strictObject({
  energy: ActionEnergySchema,
  /** Commands charged this energy once each. */
  commands: z.array(z.enum(COMMAND_NAMES)).nonempty(),
});

/** Per-operation energies of a processing unit; columnOps(format) says how many of each a column takes. */
export const PU_OP_NAMES = ['bf16Mult', 'fp32Add', 'int8Mult', 'intTreeAdd', 'int32Add', 'muxNegate'] as const;
export type PuOpName = (typeof PU_OP_NAMES)[number];

export const EnergyPresetSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string(),
    /** Memory preset (by name) whose timing and organization the figures assume. */
    memory: z.string().min(1),
    dram: z.strictObject({
      background: z.strictObject({ activeStandbyPerChannel: quantity.optional(), prechargeStandbyPerChannel: quantity.optional() }).optional(),
      /** Per bank activation (ACT16 counts every bank it opens); includes the precharge. */
      activation: ActionEnergySchema.optional(),
      columnRead: CommandPriced.optional(),
      columnWrite: CommandPriced.optional(),
      refresh: z.strictObject({ allBank: ActionEnergySchema.optional(), perBank: ActionEnergySchema.optional() }).optional(),
    }),
    pim: z.strictObject({
      /**
       * One of: allBankCommand, a lumped all-bank MAC (column reads and bf16 PU arithmetic of every
       * bank); or bankColumn, the cell access of one bank column, PU arithmetic added from puOps.
       */
      mac: z.strictObject({ allBankCommand: ActionEnergySchema.optional(), bankColumn: ActionEnergySchema.optional() }).optional(),
      /** One register-mode switch (the memory's registerMode switch command, AiM's TMOD). */
      modeSwitch: ActionEnergySchema.optional(),
      puOps: z.strictObject(Object.fromEntries(PU_OP_NAMES.map((k) => [k, quantity.optional()])) as Record<PuOpName, z.ZodOptional<typeof quantity>>).optional(),
      globalBuffer: z
        .strictObject({
          writePerBit: quantity.optional(),
          readPerBit: quantity.optional(),
          /** Physical copies a broadcast write fills and an all-bank MAC reads (one per PU group). */
          copies: z.number().int().positive().optional(),
        })
        .optional(),
    }),
    /** Off-chip link between the memory and the host ASIC, per bit moved. */
    link: z.strictObject({ perBit: quantity.optional() }),
    asic: z.strictObject({
      fp32Add: quantity.optional(),
      fp32Mult: quantity.optional(),
      /** SRAM buffer access per bit read or written. */
      sramPerBit: quantity.optional(),
      /** Dynamic power while busy: the fallback when a run's ASIC op list is not given. */
      busyPower: quantity.optional(),
      staticPower: quantity.optional(),
    }),
    sources: z.record(z.string(), z.string()),
    assumptions: z.array(z.string()),
  })
  .superRefine((p, ctx) => {
    if (p.pim.mac?.allBankCommand !== undefined && p.pim.mac.bankColumn !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['pim', 'mac'], message: 'give either allBankCommand or bankColumn, not both' });
    }
    const reads = p.dram.columnRead?.commands ?? [], writes = p.dram.columnWrite?.commands ?? [];
    for (const c of reads.filter((c) => writes.includes(c))) {
      ctx.addIssue({ code: 'custom', path: ['dram', 'columnWrite', 'commands'], message: `${c} is priced as both a column read and a column write` });
    }
    // Every figure must be cited, by its own path or a parent section.
    for (const path of leafPaths({ dram: p.dram, pim: p.pim, link: p.link, asic: p.asic })) {
      const parts = path.split('.');
      const cited = parts.some((_, i) => p.sources[parts.slice(0, i + 1).join('.')] !== undefined);
      if (!cited) ctx.addIssue({ code: 'custom', path: ['sources', path], message: `no source for ${path}; cite a REFERENCE key or say "assumed: why" (a parent section also counts)` });
    }
  });
export type EnergyPreset = z.infer<typeof EnergyPresetSchema>;

/** Paths of the numeric or quantity leaves (command lists excluded). */
function leafPaths(obj: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v === undefined || k === 'commands') continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(...leafPaths(v as Record<string, unknown>, path));
    else out.push(path);
  }
  return out;
}

/** A validated energy table and where it came from (errors name the file). */
export interface EnergyTable {
  readonly name: string;
  readonly file: string;
  readonly preset: EnergyPreset;
}

export const ENERGY_DIR = join(PRESET_ROOT, 'energy');

export function listEnergyTables(): string[] {
  if (!existsSync(ENERGY_DIR)) return [];
  return readdirSync(ENERGY_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .map((f) => f.slice(0, -5))
    .sort();
}

function energyFile(nameOrPath: string): string {
  if (nameOrPath.endsWith('.json') || nameOrPath.includes('/')) {
    const p = resolve(process.cwd(), nameOrPath);
    if (!existsSync(p)) throw new InputError(`no such energy preset file: ${p}`);
    return p;
  }
  const p = join(ENERGY_DIR, `${nameOrPath}.json`);
  if (!existsSync(p)) throw new InputError(`unknown energy preset "${nameOrPath}"; expected one of: ${listEnergyTables().join(', ')}, or a path to a .json file`);
  return p;
}

/** Load an energy table by name ("aim-gddr6") or path, with `--set path=value` overrides. */
export function loadEnergy(nameOrPath: string, sets: readonly string[] = []): EnergyTable {
  const file = energyFile(nameOrPath);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read an energy preset: ${(e as Error).message}`, file);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError('expected a JSON object at the top level', file);
  const withSets = applyOverrides(raw as Parameters<typeof applyOverrides>[0], sets, file);
  const parsed = EnergyPresetSchema.safeParse(withSets);
  if (!parsed.success) {
    throw new InputError(`invalid energy preset: ${formatZodError(file, parsed.error, withSets, sets)}`, file);
  }
  checkUnits(parsed.data, file);
  return { name: parsed.data.name, file, preset: parsed.data };
}

const POWER_KEYS = new Set(['power', 'activeStandbyPerChannel', 'prechargeStandbyPerChannel', 'busyPower', 'staticPower']);
const COUNT_KEYS = new Set(['times', 'bits', 'copies', 'commands']);

/** Parse every quantity once at load time, so a bad unit fails here, naming its field. */
function checkUnits(p: EnergyPreset, file: string): void {
  const walk = (v: unknown, path: string, key: string): void => {
    if (v === undefined || COUNT_KEYS.has(key)) return;
    if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, k);
      return;
    }
    const q = v as number | string;
    if (key === 'duration' && typeof q === 'string' && (TIMING_KEYS as readonly string[]).includes(q.trim())) return;
    const where = `${file}: ${path}`;
    const x = POWER_KEYS.has(key) ? toMilliwatts(q, where) : key === 'duration' ? toPicoseconds(q, where) : toPicojoules(q, where);
    if (!Number.isFinite(x) || x < 0) throw new InputError(`field ${path}: expected zero or more, got ${q}`, file);
  };
  walk({ dram: p.dram, pim: p.pim, link: p.link, asic: p.asic }, '', '');
}

/** Which energy table prices which shipped system. */
export const ENERGY_FOR_SYSTEM: Readonly<Record<string, string>> = { 'pim-gpt': 'aim-gddr6', 'hbm-pim': 'hbm-pim' };

/**
 * The energy table of a system: by system name (ENERGY_FOR_SYSTEM), else the one shipped table
 * written for the system's memory preset. Throws when there is none.
 */
export function energyTableFor(system: Pick<SystemSpec, 'name' | 'memory'>): EnergyTable {
  const byName = ENERGY_FOR_SYSTEM[system.name];
  if (byName) return loadEnergy(byName);
  const byMemory = listEnergyTables().map((n) => loadEnergy(n)).filter((t) => t.preset.memory === system.memory.name);
  if (byMemory.length === 1) return byMemory[0];
  const known = Object.entries(ENERGY_FOR_SYSTEM).map(([s, e]) => `${s} -> ${e}`).join(', ');
  throw new InputError(`no energy table for system "${system.name}" (memory "${system.memory.name}"); known: ${known}. Write one in src/presets/energy/ or pass a table file`);
}
