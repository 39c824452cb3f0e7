/**
 * Device presets (GPUs and CPUs used as baselines): the zod schema, and `resolveDevice`, which turns
 * a validated preset into plain numbers in fixed units (GB/s, TFLOPS, W, pJ, ns).
 *
 * Tier A (ideal roofline) needs only bandwidth and peaks; tiers B and C need their own efficiency and
 * fixed-cost parameters, which live under `tiers` and are optional so a preset can leave a tier out.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { loadPreset } from '../spec/load.js';
import { toBytesPerSecond, toMilliwatts, toPicojoules, toPicoseconds } from '../spec/units.js';

const quantity = z.union([z.number(), z.string()]);
const fraction = z.number().gt(0).lte(1);

/** Compute classes a device publishes a peak for. int8 is in TOPS, the others in TFLOPS. */
export const COMPUTE_CLASSES = ['fp32', 'fp16', 'int8'] as const;
export type ComputeClass = (typeof COMPUTE_CLASSES)[number];

export const TierParamsSchema = z.strictObject({
  /** Fraction of DRAM bandwidth a GEMV-class kernel reaches. */
  etaMem: fraction,
  /** Fraction of the peak a kernel reaches when compute-bound. */
  etaComp: fraction,
  /** Fixed cost per kernel (launch, dispatch, tail): "8 us". */
  kernelFixed: quantity,
  /** Kernels launched per decoder layer (fused runtime vs eager framework), independent of the op count. */
  kernelsPerLayer: z.number().int().positive(),
  /** Kernels outside the layers: final layernorm, LM head, sampling. */
  kernelsFinal: z.number().int().nonnegative(),
  /** Fixed cost per generated token (host loop, sampling, synchronisation): "0.15 ms". */
  step: quantity,
  /**
   * Weight format the runtime runs: "ops" (the model's precision plan, as an optimised runtime
   * loads it) or "fp32" (an eager framework's default dtype). Default "ops".
   */
  format: z.enum(['ops', 'fp32']).optional(),
});
export type TierParamsPreset = z.infer<typeof TierParamsSchema>;

export const DevicePresetSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string(),
  kind: z.enum(['gpu', 'cpu']),
  memory: z.strictObject({
    /** DRAM technology, e.g. "HBM2", "GDDR6", "DDR4-2666". */
    type: z.string(),
    bandwidth: quantity,
  }),
  /** Dense peak per compute class: fp32 and fp16 (16-bit tensor / bf16) in TFLOPS, int8 in TOPS. */
  peakTflops: z.strictObject({
    fp32: z.number(),
    fp16: z.number().optional(),
    int8: z.number().optional(),
  }),
  power: z.strictObject({ tdp: quantity, idle: quantity }),
  energy: z.strictObject({
    /** DRAM array + I/O energy per bit moved to the chip. */
    dramPerBit: quantity,
    /** On-chip cache path per bit (L2 + L1). */
    onChipPerBit: quantity,
    /** Energy per arithmetic operation (a multiply-add counts as two). */
    perFlop: z.strictObject({ fp32: quantity, fp16: quantity.optional(), int8: quantity.optional() }),
  }),
  /** Low-bit weight formats the device reads and computes natively (none of the shipped devices). */
  nativeLowBit: z.array(z.enum(['ternary', 'binary'])).default([]),
  tiers: z.strictObject({ B: TierParamsSchema.optional(), C: TierParamsSchema.optional() }),
  /** Where each value comes from: field path or section -> REFERENCE key, "derived: ..." or "assumed: ...". */
  sources: z.record(z.string(), z.string()),
  assumptions: z.array(z.string()),
});
export type DevicePreset = z.infer<typeof DevicePresetSchema>;

export interface TierParams {
  readonly etaMem: number;
  readonly etaComp: number;
  readonly kernelFixedNs: number;
  readonly kernelsPerLayer: number;
  readonly kernelsFinal: number;
  readonly stepNs: number;
  /** Weight format the runtime runs by default ('ops': as the op list says; 'fp32': everything FP32). */
  readonly format: 'ops' | 'fp32';
}

/** A device in fixed units, ready for the tier models. */
export interface DeviceSpec {
  readonly name: string;
  /** File (or label) the figures came from; errors name it. */
  readonly where: string;
  readonly kind: 'gpu' | 'cpu';
  readonly memoryType: string;
  readonly bandwidthGBs: number;
  /** fp32/fp16 in TFLOPS, int8 in TOPS; a missing class falls back (see tiers.ts). */
  readonly peakTflops: Readonly<Partial<Record<ComputeClass, number>>>;
  readonly tdpW: number;
  readonly idleW: number;
  readonly dramPjPerBit: number;
  readonly onChipPjPerBit: number;
  readonly pjPerFlop: Readonly<Partial<Record<ComputeClass, number>>>;
  readonly nativeLowBit: readonly ('ternary' | 'binary')[];
  readonly tiers: { readonly B?: TierParams; readonly C?: TierParams };
  readonly sources: Readonly<Record<string, string>>;
  readonly assumptions: readonly string[];
}

/** mathjs unit conversion leaves float noise ("0.46 pJ" -> 0.4600000000000001); 12 digits is plenty. */
const clean = (x: number): number => Number(x.toPrecision(12));

function positive(value: number, where: string, field: string, expected: string): number {
  value = clean(value);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(`field ${field}: expected ${expected} greater than zero, got ${value}`, where);
  }
  return value;
}

function nonNegative(value: number, where: string, field: string, expected: string): number {
  value = clean(value);
  if (!Number.isFinite(value) || value < 0) {
    throw new InputError(`field ${field}: expected ${expected} of zero or more, got ${value}`, where);
  }
  return value;
}

function resolveTier(t: TierParamsPreset, where: string, field: string): TierParams {
  return {
    etaMem: t.etaMem,
    etaComp: t.etaComp,
    kernelFixedNs: nonNegative(toPicoseconds(t.kernelFixed, `${where}: ${field}.kernelFixed`) / 1000, where, `${field}.kernelFixed`, 'a duration'),
    kernelsPerLayer: t.kernelsPerLayer,
    kernelsFinal: t.kernelsFinal,
    stepNs: nonNegative(toPicoseconds(t.step, `${where}: ${field}.step`) / 1000, where, `${field}.step`, 'a duration'),
    format: t.format ?? 'ops',
  };
}

function perFlop(p: DevicePreset['energy']['perFlop'], where: string): Partial<Record<ComputeClass, number>> {
  const out: Partial<Record<ComputeClass, number>> = {};
  for (const c of COMPUTE_CLASSES) {
    const v = p[c];
    if (v !== undefined) out[c] = nonNegative(toPicojoules(v, `${where}: energy.perFlop.${c}`), where, `energy.perFlop.${c}`, 'an energy');
  }
  return out;
}

/** Check and convert a validated preset. `where` is its file, for error messages. */
export function resolveDevice(p: DevicePreset, where: string): DeviceSpec {
  const peaks: Partial<Record<ComputeClass, number>> = {};
  for (const c of COMPUTE_CLASSES) {
    const v = p.peakTflops[c];
    if (v !== undefined) peaks[c] = positive(v, where, `peakTflops.${c}`, 'a peak throughput');
  }
  const tdpW = positive(toMilliwatts(p.power.tdp, `${where}: power.tdp`) / 1000, where, 'power.tdp', 'a power');
  const idleW = nonNegative(toMilliwatts(p.power.idle, `${where}: power.idle`) / 1000, where, 'power.idle', 'a power');
  if (idleW > tdpW) throw new InputError(`field power.idle: idle power ${idleW} W exceeds the TDP ${tdpW} W`, where);
  return {
    name: p.name,
    where,
    kind: p.kind,
    memoryType: p.memory.type,
    bandwidthGBs: positive(toBytesPerSecond(p.memory.bandwidth, `${where}: memory.bandwidth`) / 1e9, where, 'memory.bandwidth', 'a bandwidth'),
    peakTflops: peaks,
    tdpW,
    idleW,
    dramPjPerBit: nonNegative(toPicojoules(p.energy.dramPerBit, `${where}: energy.dramPerBit`), where, 'energy.dramPerBit', 'an energy'),
    onChipPjPerBit: nonNegative(toPicojoules(p.energy.onChipPerBit, `${where}: energy.onChipPerBit`), where, 'energy.onChipPerBit', 'an energy'),
    pjPerFlop: perFlop(p.energy.perFlop, where),
    nativeLowBit: p.nativeLowBit,
    tiers: {
      B: p.tiers.B && resolveTier(p.tiers.B, where, 'tiers.B'),
      C: p.tiers.C && resolveTier(p.tiers.C, where, 'tiers.C'),
    },
    sources: p.sources,
    assumptions: p.assumptions,
  };
}

/** Load a device preset by name ("v100") or path, with `--set` overrides. */
export function loadDevice(nameOrPath: string, sets: readonly string[] = []): DeviceSpec {
  const { file, value } = loadPreset('devices', nameOrPath, DevicePresetSchema, sets);
  return resolveDevice(value, file);
}
