/**
 * System presets: a memory preset (with overrides) plus the processing units in the banks, the
 * per-channel global buffer, the link to the host ASIC and the ASIC preset.
 *
 * Resolving a system derives extra timing rules from the PU clock and the link bandwidth (a MAC
 * cannot issue faster than its PU consumes columns; WRGB/RDMAC16 cannot move data faster than the
 * link), appends them to the memory's rules, and so the scheduler and the protocol checker see
 * them as ordinary rules.
 */
import { z } from 'zod';
import { loadPreset } from './load.js';
import { MemoryPresetSchema, resolveMemory, type MemorySpec, type ResolvedRule } from './memory.js';
import { InputError } from './errors.js';
import { toBytesPerSecond, toHertz } from './units.js';
import { loadAsic } from '../asic/spec.js';
import type { AsicSpec } from '../asic/spec.js';
import { PRECISIONS, type Precision } from '../model/ops.js';

const posInt = z.number().int().positive();

export const PuSchema = z.strictObject({
  /** Banks sharing one processing unit (AiM 1, HBM-PIM 2). */
  banksPerPu: posInt,
  /** Multipliers per unit: elements of one 32 B column consumed per PU cycle in BF16/FP16. */
  lanes: posInt,
  clock: z.union([z.string(), z.number().positive()]),
  /** Number formats the unit can multiply. */
  formats: z.array(z.enum(PRECISIONS)).nonempty(),
  /** Accumulator format. */
  accumulator: z.enum(['fp32', 'fp16', 'int32']),
});

export const SystemPresetSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string(),
  memory: z.string(),
  /** Fields of the memory preset to override, as a nested object (e.g. {"organization": {"channels": 8}}). */
  memoryOverrides: z.record(z.string(), z.unknown()).optional(),
  pu: PuSchema,
  globalBuffer: z.strictObject({ bytes: posInt }),
  link: z.strictObject({ bandwidthPerChannel: z.union([z.string(), z.number().positive()]) }),
  asic: z.string(),
  sources: z.record(z.string(), z.string()),
  assumptions: z.array(z.string()),
});
export type SystemPreset = z.infer<typeof SystemPresetSchema>;

export interface SystemSpec {
  readonly name: string;
  readonly file: string;
  readonly memory: MemorySpec;
  readonly pu: {
    readonly banksPerPu: number;
    readonly lanes: number;
    readonly clockHz: number;
    readonly formats: readonly Precision[];
    readonly accumulator: 'fp32' | 'fp16' | 'int32';
    /** Minimum DRAM cycles between two MACs to the same PU (one column per PU cycle per bank). */
    readonly macSpacingCycles: number;
  };
  readonly globalBufferBytes: number;
  readonly linkBytesPerSecond: number;
  /** DRAM cycles the link needs per 32 B transfer. */
  readonly linkCyclesPerAccess: number;
  readonly asic: AsicSpec;
  readonly preset: SystemPreset;
  readonly sources: Readonly<Record<string, string>>;
  readonly assumptions: readonly string[];
}

/** {"a": {"b": 1}} -> ["a.b=1"] */
function flatten(obj: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, path));
    else out.push(`${path}=${JSON.stringify(v)}`);
  }
  return out;
}

/** Load a system preset; `sets` override system fields, `memorySets` memory fields. */
export function loadSystem(nameOrPath: string, sets: readonly string[] = [], memorySets: readonly string[] = []): SystemSpec {
  const { file, value: p } = loadPreset('systems', nameOrPath, SystemPresetSchema, sets);
  const memSets = [...flatten(p.memoryOverrides ?? {}), ...memorySets];
  const mem = loadPreset('memory', p.memory, MemoryPresetSchema, memSets);
  const base = resolveMemory(mem.value, mem.file);
  const where = `${file}`;
  const clockHz = toHertz(p.pu.clock, `${where}: pu.clock`);
  const linkBytesPerSecond = toBytesPerSecond(p.link.bandwidthPerChannel, `${where}: link.bandwidthPerChannel`);
  if (!(clockHz > 0)) throw new InputError('pu.clock must be positive', where);
  if (!(linkBytesPerSecond > 0)) throw new InputError('link.bandwidthPerChannel must be positive', where);
  if (p.globalBuffer.bytes % base.accessBytes !== 0) {
    throw new InputError(`globalBuffer.bytes (${p.globalBuffer.bytes}) must be a whole number of ${base.accessBytes} B columns`, where);
  }
  if (base.banksPerRank % p.pu.banksPerPu !== 0) {
    throw new InputError(`pu.banksPerPu (${p.pu.banksPerPu}) must divide the ${base.banksPerRank} banks of a rank`, where);
  }
  const tCKs = base.tCK_ps * 1e-12;
  // A PU takes ceil(elements per column / lanes) cycles per column, for each bank it serves.
  const elementsPerColumn = base.accessBytes / 2;
  const puCyclesPerColumn = Math.ceil(elementsPerColumn / p.pu.lanes) * p.pu.banksPerPu;
  const macSpacingCycles = Math.ceil(puCyclesPerColumn / clockHz / tCKs - 1e-9);
  const linkCyclesPerAccess = Math.ceil(base.accessBytes / linkBytesPerSecond / tCKs - 1e-9);
  const derived: ResolvedRule[] = [
    { kind: 'pair', from: ['MAC16'], to: ['MAC16'], scope: 'channel', count: 1, cycles: macSpacingCycles, text: `"MAC16" -> "MAC16" >= ${macSpacingCycles} (channel; derived from the PU clock)` },
    { kind: 'pair', from: ['MAC'], to: ['MAC'], scope: 'bank', count: 1, cycles: macSpacingCycles, text: `"MAC" -> "MAC" >= ${macSpacingCycles} (bank; derived from the PU clock)` },
    { kind: 'pair', from: ['WRGB', 'WRBIAS', 'WR'], to: ['WRGB', 'WRBIAS', 'WR'], scope: 'channel', count: 1, cycles: linkCyclesPerAccess, text: `writes >= ${linkCyclesPerAccess} (channel; derived from the link bandwidth)` },
    { kind: 'pair', from: ['RDMAC16', 'RD'], to: ['RDMAC16', 'RD'], scope: 'channel', count: 1, cycles: linkCyclesPerAccess, text: `reads >= ${linkCyclesPerAccess} (channel; derived from the link bandwidth)` },
  ];
  const memory: MemorySpec = { ...base, rules: [...base.rules, ...derived] };
  return {
    name: p.name,
    file,
    memory,
    pu: { banksPerPu: p.pu.banksPerPu, lanes: p.pu.lanes, clockHz, formats: p.pu.formats, accumulator: p.pu.accumulator, macSpacingCycles },
    globalBufferBytes: p.globalBuffer.bytes,
    linkBytesPerSecond,
    linkCyclesPerAccess,
    asic: loadAsic(p.asic),
    preset: p,
    sources: p.sources,
    assumptions: [...base.assumptions, ...p.assumptions],
  };
}
