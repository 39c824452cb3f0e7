/**
 * The result document of a simulation, as one zod schema: the TypeScript type is inferred from it
 * (src/results.ts builds documents of this type), `pimsim report` validates every file with it
 * (types, ranges and the consistency of its figures), and `pimsim schema` exports it as JSON
 * Schema. `kind` and `schemaVersion` let readers refuse files that are not pimsim results or come
 * from an incompatible version; the version constants live here, with the format they describe.
 */
import { z } from 'zod';
import { COMMAND_NAMES } from './spec/commands.js';
import { PRECISIONS } from './model/ops.js';
import { PrecisionPlanSchema } from './model/precision.js';

export const RESULT_KIND = 'pimsim.simulation';
/** Version 2: tier C stores weights in fp32; configHash covers the resolved configuration; ranges and consistency are checked. */
export const RESULT_SCHEMA_VERSION = 2;
/** The pimsim version written into results and reports. */
export { PIMSIM_VERSION } from './util/version.js';

const count = z.number().int().nonnegative();
const posInt = z.number().int().positive();
const nonNeg = z.number().nonnegative();
const positive = z.number().positive();
const share = z.number().min(0).max(1);
const text = z.string();
const name = z.string().min(1);
const TIERS = ['A', 'B', 'C'] as const;

const ModelConfigSchema = z.strictObject({
  name, layers: posInt, dModel: posInt, heads: posInt, headDim: posInt, dFF: posInt, vocab: posInt, context: posInt, parameters: posInt,
});

const SystemConfigSchema = z.strictObject({
  name, memory: name, channels: posInt, banksPerChannel: posInt, tCK_ps: positive, rows: posInt, columnsPerRow: posInt,
  pu: z.strictObject({ banksPerPu: posInt, lanes: posInt, clockHz: positive, formats: z.array(z.enum(PRECISIONS)).min(1) }),
  globalBufferBytes: posInt, linkBandwidthGBs: positive, asic: name, asicClockHz: positive,
  peakInternalBandwidthGBs: positive, peakExternalBandwidthGBs: positive,
});

export const ConfigSchema = z.strictObject({
  model: ModelConfigSchema,
  system: SystemConfigSchema,
  prompt: posInt,
  tokens: posInt,
  promptMode: text,
  fidelity: z.enum(['fast', 'command']),
  packing: z.enum(['fast', 'dense']),
  /** The precision plan in compact form ("ternary,lm-head=bf16,attention=bf16"). */
  precision: name,
  precisionPlan: PrecisionPlanSchema,
  /** The `--set` / `--model-set` overrides as given (informational: configHash covers their effect). */
  sets: z.strictObject({ system: z.array(text).optional(), model: z.array(text).optional() }),
});

export const LatencyBreakdownSchema = z.strictObject({
  mac: nonNeg, activatePrecharge: nonNeg, loadReadout: nonNeg, refresh: nonNeg, asic: nonNeg, waiting: nonNeg,
});

export const BaselineComparisonSchema = z.strictObject({
  device: name,
  kind: z.enum(['gpu', 'cpu']),
  tier: z.enum(TIERS),
  latencyNsPerToken: positive,
  energyPjPerToken: nonNeg,
  /** TDP x time: an upper bound, never the headline. */
  energyUpperBoundPjPerToken: nonNeg,
  speedup: positive,
  energyEfficiency: nonNeg,
  method: text,
});

const COLUMN_BOUNDS = ['dram-column-rate', 'activation-supply', 'pu-lanes'] as const;

const FormatBoundSchema = z.strictObject({
  precision: z.enum(PRECISIONS), pack: name, weightsPerColumn: posInt, lanes: posInt, activationBits: posInt, globalBufferReadBits: posInt,
  columnRateNs: nonNeg, activationSupplyNs: nonNeg, lanesNs: nonNeg, macNsPerColumn: positive, bound: z.enum(COLUMN_BOUNDS),
  weightsPerNsPerBank: positive, macRateOverBf16: positive, macRateOverBf16AtColumnRate: positive, globalBufferReadBitsForColumnRate: posInt,
  bankColumns: count, macNsPerToken: nonNeg,
});

const QualityNoteSchema = z.strictObject({
  precision: z.enum(PRECISIONS),
  activationBits: posInt,
  figures: z.array(z.strictObject({ benchmark: text, metric: text, fullPrecision: z.number(), lowBit: z.number(), setting: text, source: text })),
  summary: text,
});

export const LowBitExplanationSchema = z.strictObject({
  formats: z.array(FormatBoundSchema),
  perTokenNs: z.strictObject({ total: nonNeg, mac: nonNeg, gemvOverhead: nonNeg, nonGemv: nonNeg }),
  activeBound: z.enum([...COLUMN_BOUNDS, 'gemv-overhead', 'non-gemv']),
  tokenNsAtColumnRate: nonNeg,
  tokenNsWithoutMac: nonNeg,
  explanation: text,
  accuracy: z.array(QualityNoteSchema),
  accuracyCaveat: text,
});

/**
 * Optional tag a study script adds to a result to mark it as one point of a sweep: which
 * parameter it varied (free text, e.g. "system.channels") and its value here. Results of the
 * same model with the same `parameter` are drawn as one sweep, ordered by value.
 */
export const SweepTagSchema = z.strictObject({
  parameter: name,
  value: z.union([z.number().finite(), z.string()]),
  /** Unit of a numeric value, for axis titles (e.g. "channels", "MHz"). */
  unit: z.string().optional(),
});
export type SweepTag = z.infer<typeof SweepTagSchema>;

/** The document's fields and their ranges, without the cross-field checks. */
export const SimulationResultShape = z.strictObject({
  kind: z.literal(RESULT_KIND),
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  pimsimVersion: name,
  /** 16 hex digits of the SHA-256 of the canonical resolved configuration (src/results.ts configHashOf). */
  configHash: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lower-case hex digits'),
  config: ConfigSchema,
  /** Per processed token (prompt tokens first), columnar. */
  perToken: z.strictObject({ position: z.array(count).min(1), phase: z.array(z.enum(['prompt', 'generate'])).min(1), latencyNs: z.array(positive).min(1) }),
  summary: z.strictObject({
    totalNs: positive, meanTokenNs: positive, meanGeneratedTokenNs: positive, tokensPerSecond: positive, asicShare: share, gemvShare: share,
  }),
  breakdownNs: LatencyBreakdownSchema,
  stats: z.strictObject({
    rowHitRate: share, puUtilization: share, macCommands: count, activations: count, internalBandwidthGBs: nonNeg, externalBytes: nonNeg,
    asicBusyNs: nonNeg, rowOpenNs: nonNeg, commands: z.partialRecord(z.enum(COMMAND_NAMES), count), perChannelBusyNs: z.array(nonNeg).min(1),
    instructions: count,
  }),
  mapping: z.strictObject({ rowsUsedPerBank: count, packing: z.enum(['fast', 'dense']) }),
  energy: z.strictObject({
    totalPj: positive, perTokenPj: positive, averagePowerMw: nonNeg,
    byComponentPj: z.record(name, nonNeg), formulas: z.record(name, text), table: name,
  }),
  baselines: z.array(BaselineComparisonSchema),
  /** Which bound limits the run per weight format, and the published accuracy cost of the formats. */
  lowBit: LowBitExplanationSchema,
  /** Where the headline comparison sits: tier B (optimised runtime); PIM-GPT's own setting is tier C. */
  headlineTier: z.enum(TIERS),
  assumptions: z.array(text),
  sweep: SweepTagSchema.optional(),
});

/** Relative tolerance of the consistency checks: the figures are derived from each other in float64. */
const REL = 1e-9;
const close = (a: number, b: number) => Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b), 1e-300);

type Shape = z.infer<typeof SimulationResultShape>;

/** Cross-field checks: every derived figure agrees with the figures it is derived from. */
function checkConsistency(r: Shape, ctx: z.RefinementCtx): void {
  const bad = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const { position, phase, latencyNs } = r.perToken;
  const n = latencyNs.length;
  if (position.length !== n || phase.length !== n) {
    return bad(['perToken'], `position (${position.length}), phase (${phase.length}) and latencyNs (${n}) must have the same length`);
  }
  if (n !== r.config.prompt + r.config.tokens) bad(['perToken', 'latencyNs'], `expected ${r.config.prompt} prompt + ${r.config.tokens} generated = ${r.config.prompt + r.config.tokens} tokens, got ${n}`);
  const firstGenerate = phase.indexOf('generate');
  if (firstGenerate !== r.config.prompt || phase.slice(firstGenerate).some((p) => p !== 'generate')) {
    bad(['perToken', 'phase'], `expected ${r.config.prompt} "prompt" entries followed by ${r.config.tokens} "generate" entries`);
  }
  if (position.some((p, i) => i > 0 && p <= position[i - 1])) bad(['perToken', 'position'], 'positions must increase');
  const total = latencyNs.reduce((a, b) => a + b, 0);
  const s = r.summary;
  if (!close(s.totalNs, total)) bad(['summary', 'totalNs'], `must equal the sum of perToken.latencyNs (${total})`);
  if (!close(s.meanTokenNs, s.totalNs / n)) bad(['summary', 'meanTokenNs'], `must equal totalNs / ${n} tokens (${s.totalNs / n})`);
  const gen = latencyNs.filter((_, i) => phase[i] === 'generate');
  const meanGen = gen.reduce((a, b) => a + b, 0) / gen.length;
  if (gen.length && !close(s.meanGeneratedTokenNs, meanGen)) bad(['summary', 'meanGeneratedTokenNs'], `must equal the mean latency of the generated tokens (${meanGen})`);
  if (!close(s.tokensPerSecond, 1e9 / s.meanTokenNs)) bad(['summary', 'tokensPerSecond'], `must equal 1e9 / meanTokenNs (${1e9 / s.meanTokenNs})`);
  const e = r.energy;
  if (!close(e.perTokenPj, e.totalPj / n)) bad(['energy', 'perTokenPj'], `must equal totalPj / ${n} tokens (${e.totalPj / n})`);
  const parts = Object.values(e.byComponentPj).reduce((a, b) => a + b, 0);
  if (Math.abs(parts - e.totalPj) > 1e-6 * e.totalPj) bad(['energy', 'byComponentPj'], `components must add up to totalPj (${e.totalPj}), got ${parts}`);
  if (r.stats.perChannelBusyNs.length !== r.config.system.channels) {
    bad(['stats', 'perChannelBusyNs'], `expected one entry per channel (${r.config.system.channels}), got ${r.stats.perChannelBusyNs.length}`);
  }
  r.stats.perChannelBusyNs.forEach((b, c) => {
    if (b > s.totalNs * (1 + 1e-9)) bad(['stats', 'perChannelBusyNs', c], `busy time ${b} ns exceeds the run (${s.totalNs} ns)`);
  });
  r.baselines.forEach((b, i) => {
    if (!close(b.speedup, b.latencyNsPerToken / s.meanTokenNs)) bad(['baselines', i, 'speedup'], `must equal latencyNsPerToken / summary.meanTokenNs (${b.latencyNsPerToken / s.meanTokenNs})`);
    if (!close(b.energyEfficiency, b.energyPjPerToken / e.perTokenPj)) {
      bad(['baselines', i, 'energyEfficiency'], `must equal energyPjPerToken / energy.perTokenPj (${b.energyPjPerToken / e.perTokenPj})`);
    }
  });
}

/** The result document: its fields, their ranges, and the consistency of its figures. */
export const SimulationResultSchema = SimulationResultShape.superRefine(checkConsistency);

/** Readonly all the way down: result documents are values, built once and only read. */
type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** The result document's type, inferred from the schema. */
export type SimulationResult = DeepReadonly<z.infer<typeof SimulationResultShape>>;
export type ResultConfig = SimulationResult['config'];
