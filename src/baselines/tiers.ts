/**
 * GPU/CPU decode baselines in three tiers ([BASELINE-TIERS]):
 *   A  ideal roofline: all bandwidth and peak, no fixed costs (a lower bound on device time);
 *   B  optimised runtime (FasterTransformer / TensorRT-LLM / llama.cpp): fused kernels, small fixed costs;
 *   C  eager framework (HuggingFace on PyTorch): many kernels, large fixed costs.
 * Per op: t = max(bytes / (eta_mem x BW), flops / (eta_comp x peak)); per layer add
 * kernelsPerLayer x t_fixed (the kernel count is the runtime's, not the op list's); per token add t_step.
 */
import type { Op } from '../model/ops.js';
import { InputError } from '../util/errors.js';
import { type ComputeClass, type DeviceSpec, type TierParams, loadDevice } from './device.js';
import { type BaselineFormat, type FormatChoice, type LowBitStorage, type OpWork, type StoredFormat, STORED_BYTES, opWork } from './opcost.js';

export const TIERS = ['A', 'B', 'C'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_NAMES: Readonly<Record<Tier, string>> = {
  A: 'ideal roofline',
  B: 'optimised runtime',
  C: 'eager framework',
};

/** Tier A by definition: full bandwidth and peak, nothing fixed. */
const TIER_A: TierParams = { etaMem: 1, etaComp: 1, kernelFixedNs: 0, kernelsPerLayer: 0, kernelsFinal: 0, stepNs: 0, format: 'ops' };

export interface BaselineOptions {
  /**
   * 'ops': weights and KV as the ops say; 'fp32': everything FP32 (HuggingFace default); any other
   * weight format (fp16, bf16, int8, q4_0, q4_K_M, ternary, binary): every weight matrix in it, KV as
   * the ops say. Default: the tier's own (the device preset's tiers.<T>.format: fp32 for tier C, the
   * eager framework; the model's formats for tiers A and B).
   */
  readonly format?: BaselineFormat;
  /** How ternary/binary weights are stored on a device without native support (default 'int8'). */
  readonly lowBitStorage?: LowBitStorage;
  /** Include the per-op breakdown (off by default to keep results small). */
  readonly perOp?: boolean;
}

export interface OpTiming extends OpWork {
  readonly timeNs: number;
  readonly bound: 'memory' | 'compute';
}

export interface LayerTiming {
  /** Decoder layer, or -1 for the ops after the last layer (final layernorm, LM head). */
  readonly layer: number;
  readonly kernels: number;
  readonly workNs: number;
  readonly fixedNs: number;
}

export interface BaselineResult {
  readonly device: string;
  readonly tier: Tier;
  readonly latencyNs: number;
  /** (idle power + dynamic) x t: the headline energy. */
  readonly energyPj: number;
  /** TDP x t: overstates GPU decode energy 2-5x ([BASELINE-TIERS]); never the headline. */
  readonly energyUpperBoundPj: number;
  readonly breakdown: {
    readonly workNs: number;
    readonly kernelFixedNs: number;
    readonly stepNs: number;
    readonly kernels: number;
    readonly bytes: number;
    readonly weightBytes: number;
    readonly kvBytes: number;
    readonly activationBytes: number;
    readonly flops: number;
    readonly idleEnergyPj: number;
    readonly dramEnergyPj: number;
    readonly onChipEnergyPj: number;
    readonly computeEnergyPj: number;
  };
  /** Formats the device stores the weights and KV cache in (after the low-bit choice). */
  readonly storedFormats: readonly StoredFormat[];
  /** The weight-format choice that was costed ('ops': the model's own formats). */
  readonly format: BaselineFormat;
  /** True when the format was asked for, false when it is the tier's runtime default. */
  readonly formatAsked: boolean;
  readonly perLayer: readonly LayerTiming[];
  readonly perOp?: readonly OpTiming[];
  readonly method: string;
}

function tierParams(device: DeviceSpec, tier: Tier): TierParams {
  if (tier === 'A') return TIER_A;
  const p = device.tiers[tier];
  if (!p) {
    throw new InputError(
      `field tiers.${tier}: device preset "${device.name}" has no tier-${tier} parameters (etaMem, etaComp, kernelFixed, kernelsPerLayer, kernelsFinal, step); add them or use tier A`,
      device.where,
    );
  }
  return p;
}

function checkDevice(device: DeviceSpec): void {
  if (!(device.bandwidthGBs > 0) || !Number.isFinite(device.bandwidthGBs)) {
    throw new InputError(`field memory.bandwidth: expected a bandwidth greater than zero for device "${device.name}", got ${device.bandwidthGBs} GB/s`, device.where);
  }
}

function flopEnergyPj(w: OpWork, device: DeviceSpec): number {
  const pj = device.pjPerFlop[w.computeClass];
  if (pj === undefined) {
    throw new InputError(`field energy.perFlop.${w.computeClass}: device preset "${device.name}" computes ${w.name} at its ${w.computeClass} peak but gives no energy per ${w.computeClass} flop`, device.where);
  }
  return w.flops * pj;
}

function timeOp(w: OpWork, device: DeviceSpec, p: TierParams): OpTiming {
  const memNs = w.bytes / (p.etaMem * device.bandwidthGBs); // bytes / (GB/s) = ns
  const peak = device.peakTflops[w.computeClass as ComputeClass] as number;
  const compNs = w.flops / (p.etaComp * peak * 1e3); // flops / (TFLOPS x 1e3) = ns
  return { ...w, timeNs: Math.max(memNs, compNs), bound: compNs > memNs ? 'compute' : 'memory' };
}

function fmt(n: number): string {
  return Number(n.toPrecision(4)).toString();
}

function describe(device: DeviceSpec, tier: Tier, p: TierParams, formats: readonly StoredFormat[], format: BaselineFormat, chosen: boolean): string {
  const head = `Tier ${tier} (${TIER_NAMES[tier]}) on ${device.name}: per op t = max(bytes / (${fmt(p.etaMem)} x ${fmt(device.bandwidthGBs)} GB/s), flops / (${fmt(p.etaComp)} x peak))`;
  const fixed = tier === 'A'
    ? '; no kernel or per-token fixed costs (a lower bound)'
    : `; plus ${p.kernelsPerLayer} kernels per layer and ${p.kernelsFinal} after the last layer at ${fmt(p.kernelFixedNs / 1000)} µs each, and ${fmt(p.stepNs / 1e6)} ms per token`;
  const why = format === 'fp32' ? (chosen ? ' (FP32, as asked)' : " (FP32: the framework's default dtype, as PIM-GPT's baselines ran)") : format === 'ops' ? '' : ` (weights ${format} as asked, ${fmt(STORED_BYTES[format] * 8)} bits per weight; KV cache as the model's formats)`;
  const store = `. Weights and KV stored as ${formats.join(', ')}${why}; activations counted at their real size.`;
  const energy = ` Energy = idle ${fmt(device.idleW)} W x t + bytes x (${fmt(device.dramPjPerBit)} DRAM + ${fmt(device.onChipPjPerBit)} on-chip) pJ/bit + flops x pJ/flop; TDP x t (${fmt(device.tdpW)} W) is reported only as an upper bound.`;
  return head + fixed + store + energy;
}

/**
 * Time and energy of one decode step (the op list of one token) on a device at a tier.
 * `device` is a preset name/path or an already resolved DeviceSpec.
 */
export function baselineDecode(ops: readonly Op[], device: string | DeviceSpec, tier: Tier, opts: BaselineOptions = {}): BaselineResult {
  const dev = typeof device === 'string' ? loadDevice(device) : device;
  if (!TIERS.includes(tier)) throw new InputError(`unknown baseline tier "${String(tier)}"; expected A, B or C`);
  checkDevice(dev);
  if (ops.length === 0) throw new InputError('baseline needs a non-empty op list (one decode step)');
  const p = tierParams(dev, tier);
  const format = opts.format ?? p.format;
  const choice: FormatChoice = { format, lowBitStorage: opts.lowBitStorage ?? 'int8' };

  const timed = ops.map((op) => timeOp(opWork(op, dev, choice), dev, p));
  const layers = new Map<number, { workNs: number }>();
  for (const t of timed) {
    const l = layers.get(t.layer) ?? { workNs: 0 };
    l.workNs += t.timeNs;
    layers.set(t.layer, l);
  }
  const perLayer: LayerTiming[] = [...layers.entries()]
    .sort(([a], [b]) => (a < 0 ? Infinity : a) - (b < 0 ? Infinity : b))
    .map(([layer, { workNs }]) => {
      const kernels = layer >= 0 ? p.kernelsPerLayer : p.kernelsFinal;
      return { layer, kernels, workNs, fixedNs: kernels * p.kernelFixedNs };
    });

  const sum = (f: (t: OpTiming) => number): number => timed.reduce((s, t) => s + f(t), 0);
  const workNs = sum((t) => t.timeNs);
  const kernels = perLayer.reduce((s, l) => s + l.kernels, 0);
  const kernelFixedNs = kernels * p.kernelFixedNs;
  const latencyNs = workNs + kernelFixedNs + p.stepNs;

  const bytes = sum((t) => t.bytes);
  // W x ns = 1e-9 J = 1e3 pJ.
  const idleEnergyPj = dev.idleW * latencyNs * 1e3;
  const dramEnergyPj = bytes * 8 * dev.dramPjPerBit;
  const onChipEnergyPj = bytes * 8 * dev.onChipPjPerBit;
  const computeEnergyPj = timed.reduce((s, t) => s + flopEnergyPj(t, dev), 0);
  const storedFormats = [...new Set(timed.flatMap((t) => (t.storedFormat === 'activation' ? [] : [t.storedFormat])))];

  return {
    device: dev.name,
    tier,
    latencyNs,
    energyPj: idleEnergyPj + dramEnergyPj + onChipEnergyPj + computeEnergyPj,
    energyUpperBoundPj: dev.tdpW * latencyNs * 1e3,
    breakdown: {
      workNs,
      kernelFixedNs,
      stepNs: p.stepNs,
      kernels,
      bytes,
      weightBytes: sum((t) => t.weightBytes),
      kvBytes: sum((t) => t.kvBytes),
      activationBytes: sum((t) => t.activationBytes),
      flops: sum((t) => t.flops),
      idleEnergyPj,
      dramEnergyPj,
      onChipEnergyPj,
      computeEnergyPj,
    },
    storedFormats,
    format,
    formatAsked: opts.format !== undefined,
    perLayer,
    ...(opts.perOp ? { perOp: timed } : {}),
    method: describe(dev, tier, p, storedFormats, format, opts.format !== undefined),
  };
}
