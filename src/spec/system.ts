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
import { loadPreset, overridePaths, type Override } from './load.js';
import { MemoryPresetSchema, resolveMemory, type MemorySpec, type ResolvedRule } from './memory.js';
import { InputError } from '../util/errors.js';
import { toBytesPerSecond, toHertz } from './units.js';
import { loadAsic, type AsicSpec } from './asic.js';
import { PRECISIONS, weightsPerColumn, type PackFormat, type Precision } from './formats.js';

const posInt = z.number().int().positive();

/**
 * A low-bit datapath of the PU ([QUANT]): integer lanes fed by packed weight codes and integer
 * activations from the global buffer, an integer adder tree and an int32 accumulator.
 */
export const FormatUnitSchema = z.strictObject({
  /** Weights the unit consumes per PU cycle (int8 multipliers, or ternary/binary mux + negate lanes). */
  lanes: posInt,
  /** Bits per activation code in the global buffer (8: int8; 2 and 1: the elastic quantizers). */
  activationBits: z.number().int().min(1).max(8),
  /** Ternary packing: 2-bit codes (128 per 32 B column) or base-3 (160 per column). Default 2-bit. */
  packing: z.enum(['ternary-2bit', 'ternary-base3']).optional(),
});
export const LOW_BIT_FORMATS = ['int8', 'ternary', 'binary'] as const;
export type LowBitFormat = (typeof LOW_BIT_FORMATS)[number];

export const PuSchema = z.strictObject({
  /** Banks sharing one processing unit (AiM 1, HBM-PIM 2). */
  banksPerPu: posInt,
  /** Multipliers per unit: elements of one 32 B column consumed per PU cycle in BF16/FP16. */
  lanes: posInt,
  clock: z.union([z.string(), z.number().positive()]),
  /** Number formats the unit can multiply. */
  formats: z.array(z.enum(PRECISIONS)).nonempty(),
  /** Accumulator format (of the bf16 datapath; low-bit formats accumulate in int32). */
  accumulator: z.enum(['fp32', 'fp16', 'int32']),
  /**
   * Accumulator registers per bank: outputs a PU can hold before they are read out. A GEMV MACs
   * that many outputs, then reads them in one register-mode phase (mapping/gemv.ts).
   */
  accumulators: posInt,
  /** Global-buffer bits a PU reads per PU cycle. Default: one column (32 B = 256 bits, as AiM). */
  globalBufferReadBits: posInt.optional(),
  /** The low-bit datapaths, one per non-bf16 entry of `formats`. */
  formatUnits: z.partialRecord(z.enum(LOW_BIT_FORMATS), FormatUnitSchema).optional(),
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
  /** Fields of the ASIC preset to override, as a nested object (e.g. {"clock": "100 MHz"}). */
  asicOverrides: z.record(z.string(), z.unknown()).optional(),
  sources: z.record(z.string(), z.string()),
  assumptions: z.array(z.string()),
});
export type SystemPreset = z.infer<typeof SystemPresetSchema>;

/** How a PU processes one 32 B weight column in one format (derived from the preset). */
export interface FormatUnit {
  readonly precision: Precision;
  readonly pack: PackFormat;
  /** Weights per 32 B column. */
  readonly weightsPerColumn: number;
  /** Weights per PU cycle. */
  readonly lanes: number;
  /** Bits per activation in the global buffer (16 for bf16). */
  readonly activationBits: number;
  /** Global-buffer reads (of globalBufferReadBits) per weight column: ceil(weights x activation bits / read bits). */
  readonly gbReadsPerColumn: number;
  /** PU cycles per column: max(ceil(weights / lanes), gbReadsPerColumn), times the banks a PU serves. */
  readonly puCyclesPerColumn: number;
  /** DRAM cycles between two MACs of this format to the same PU. */
  readonly macSpacingCycles: number;
  /** Bits of each bank's accumulator read out (bf16: the BF16-rounded sum; integer formats: int32). */
  readonly readoutBits: number;
}

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
    /** Accumulator registers per bank. */
    readonly accumulators: number;
    /**
     * Minimum DRAM cycles between two MACs to the same PU, over all formats (the derived timing
     * rule); a format whose unit is slower waits for its own spacing (byFormat), in the sequencer.
     */
    readonly macSpacingCycles: number;
    /** Global-buffer bits read per PU cycle. */
    readonly globalBufferReadBits: number;
    /** The datapath of each supported format. */
    readonly byFormat: Readonly<Partial<Record<Precision, FormatUnit>>>;
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
  // Overrides written in the system file are blamed on it (and its field), not on a --set.
  const typed = sets.map((s) => s.slice(0, s.indexOf('=')));
  const fromFile = (field: string, o: Record<string, unknown>): Override[] => flatten(o).map((setting) => {
    const key = `${field}.${setting.slice(0, setting.indexOf('='))}`;
    return { setting, file, field, ...(typed.some((t) => key === t || key.startsWith(`${t}.`)) ? { flag: '--set' } : {}) };
  });
  const memSets: Override[] = [...fromFile('memoryOverrides', p.memoryOverrides ?? {}), ...memorySets];
  const mem = loadPreset('memory', p.memory, MemoryPresetSchema, memSets);
  const memPaths = overridePaths(memSets);
  const base = resolveMemory(mem.value, p.memoryOverrides && Object.keys(p.memoryOverrides).length ? `${mem.file} (with the memoryOverrides of ${file})` : mem.file, memPaths);
  // The PIM sequencer issues its own commands: of the controller settings it reads only refresh.
  const unread = memPaths.filter((path) => path.startsWith('controller.') && path !== 'controller.refresh');
  if (unread.length > 0) {
    throw new InputError(`memory override ${unread.join(', ')} is not read by PIM runs (the PIM sequencer reads only controller.refresh; the other controller settings apply to trace replay)`, file);
  }
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
  const byFormat = formatUnits(p, base.accessBytes, clockHz, tCKs, where);
  const macSpacingCycles = Math.min(...Object.values(byFormat).map((u) => u.macSpacingCycles));
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
    pu: {
      banksPerPu: p.pu.banksPerPu, lanes: p.pu.lanes, clockHz, formats: p.pu.formats, accumulator: p.pu.accumulator, accumulators: p.pu.accumulators, macSpacingCycles,
      globalBufferReadBits: p.pu.globalBufferReadBits ?? base.accessBytes * 8, byFormat,
    },
    globalBufferBytes: p.globalBuffer.bytes,
    linkBytesPerSecond,
    linkCyclesPerAccess,
    asic: loadAsic(p.asic, fromFile('asicOverrides', p.asicOverrides ?? {})),
    preset: p,
    sources: p.sources,
    assumptions: [...base.assumptions, ...p.assumptions],
  };
}

/**
 * The datapath of every format the PUs support. A PU takes, per column and per bank it serves,
 * ceil(weights / lanes) cycles to consume the weights and ceil(weights x activation bits /
 * global-buffer read bits) cycles to be fed the activations ([QUANT]: 128 int8 activations are 4x
 * a 256-bit read); the slower of the two sets the pace.
 */
function formatUnits(p: SystemPreset, accessBytes: number, clockHz: number, tCKs: number, where: string): Partial<Record<Precision, FormatUnit>> {
  const readBits = p.pu.globalBufferReadBits ?? accessBytes * 8;
  const units = p.pu.formatUnits ?? {};
  const out: Partial<Record<Precision, FormatUnit>> = {};
  for (const f of Object.keys(units)) {
    if (!p.pu.formats.includes(f as Precision)) throw new InputError(`pu.formatUnits.${f} describes a format missing from pu.formats (${p.pu.formats.join(', ')})`, where);
  }
  for (const precision of p.pu.formats) {
    let pack: PackFormat, lanes: number, activationBits: number;
    if (precision === 'bf16') {
      pack = 'bf16';
      lanes = p.pu.lanes;
      activationBits = 16;
    } else {
      const u = units[precision];
      if (!u) throw new InputError(`pu.formats lists ${precision} but pu.formatUnits.${precision} (lanes, activationBits) is missing`, where);
      if (u.packing && precision !== 'ternary') throw new InputError(`pu.formatUnits.${precision}.packing applies to ternary only`, where);
      pack = precision === 'ternary' ? (u.packing ?? 'ternary-2bit') : precision;
      lanes = u.lanes;
      activationBits = u.activationBits;
    }
    const w = weightsPerColumn(pack) * (accessBytes / 32);
    if (!Number.isInteger(w)) throw new InputError(`a ${accessBytes} B column does not hold a whole number of ${pack} weights`, where);
    const gbReadsPerColumn = Math.ceil((w * activationBits) / readBits);
    const puCyclesPerColumn = Math.max(Math.ceil(w / lanes), gbReadsPerColumn) * p.pu.banksPerPu;
    const macSpacingCycles = Math.ceil(puCyclesPerColumn / clockHz / tCKs - 1e-9);
    out[precision] = {
      precision, pack, weightsPerColumn: w, lanes, activationBits, gbReadsPerColumn, puCyclesPerColumn, macSpacingCycles,
      readoutBits: precision === 'bf16' ? 16 : 32,
    };
  }
  return out;
}
