/**
 * Baselines beside a PIM run: for each device and tier, the per-token latency and energy of the
 * same decode steps (same positions, same op list), and the PIM system's speedup and energy
 * efficiency over them.
 */
import { baselineDecode, loadDevice, TIERS, type BaselineFormat, type DeviceSpec, type Tier } from './baselines/index.js';
import { opsPerToken } from './model/decode.js';
import type { ModelSpec } from './model/spec.js';
import type { PrecisionPlan } from './model/precision.js';
import { listPresets } from './spec/load.js';

export interface BaselineComparison {
  readonly device: string;
  readonly kind: 'gpu' | 'cpu';
  readonly tier: Tier;
  readonly latencyNsPerToken: number;
  readonly energyPjPerToken: number;
  /** TDP x time: an upper bound, never the headline. */
  readonly energyUpperBoundPjPerToken: number;
  readonly speedup: number;
  readonly energyEfficiency: number;
  readonly method: string;
}

/** The devices the comparison uses by default: every shipped device preset. */
export function defaultDevices(): string[] {
  return listPresets('devices');
}

export function compareBaselines(opts: {
  model: ModelSpec;
  positions: readonly number[];
  pimLatencyNsPerToken: number;
  pimEnergyPjPerToken: number;
  /** Preset names or resolved devices (default: every shipped device). */
  devices?: readonly (string | DeviceSpec)[];
  tiers?: readonly Tier[];
  precision?: PrecisionPlan;
  /** Baseline weight format (default: each tier's runtime default). */
  format?: BaselineFormat;
}): BaselineComparison[] {
  const devices: DeviceSpec[] = (opts.devices ?? defaultDevices()).map((d) => (typeof d === 'string' ? loadDevice(d) : d));
  const tiers = opts.tiers ?? TIERS;
  // Baselines are linear in the op list per token; a sample of positions spread over the run
  // gives the mean to well under 0.1% (attention is the only position-dependent part).
  const sample = samplePositions(opts.positions, 64);
  const opsList = sample.map((position) => opsPerToken(opts.model, { position, precision: opts.precision }));
  const out: BaselineComparison[] = [];
  for (const device of devices) {
    for (const tier of tiers) {
      let lat = 0, en = 0, ub = 0, method = '';
      for (const ops of opsList) {
        const r = baselineDecode(ops, device, tier, opts.format === undefined ? {} : { format: opts.format });
        lat += r.latencyNs;
        en += r.energyPj;
        ub += r.energyUpperBoundPj;
        method = r.method;
      }
      const n = opsList.length;
      out.push({
        device: device.name, kind: device.kind, tier,
        latencyNsPerToken: lat / n, energyPjPerToken: en / n, energyUpperBoundPjPerToken: ub / n,
        speedup: lat / n / opts.pimLatencyNsPerToken,
        energyEfficiency: en / n / opts.pimEnergyPjPerToken,
        method,
      });
    }
  }
  return out;
}

/** Up to `max` positions evenly spread over the list (all of them when there are few). */
function samplePositions(positions: readonly number[], max: number): number[] {
  if (positions.length <= max) return [...positions];
  return Array.from({ length: max }, (_, i) => positions[Math.round((i * (positions.length - 1)) / (max - 1))]);
}
