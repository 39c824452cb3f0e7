/**
 * One model under several precision plans, side by side: latency and energy per token, the gain
 * over BF16 on the same system, speedup and energy efficiency over the baselines (each run on the
 * same plan's op list), the active bound and the published accuracy cost. `pimsim precision`
 * prints it; the full result documents come along for JSON output.
 */
import { simulate } from '../simulate.js';
import { buildResult, type SimulationResult } from '../results.js';
import { formatPrecisionPlan, parsePrecisionPlan, type PrecisionPlan } from '../model/precision.js';
import { InputError } from '../util/errors.js';
import type { Fidelity } from './sequencer.js';
import type { ActiveBound } from './lowbitBounds.js';
import type { Tier } from '../baselines/index.js';

export const DEFAULT_PRECISIONS = ['bf16', 'int8', 'ternary', 'binary'] as const;

export interface PrecisionCompareOptions {
  readonly model: string;
  /** Plans (compact form or objects); default bf16, int8, ternary, binary. The first is the reference. */
  readonly precisions?: readonly (string | PrecisionPlan)[];
  /** Default pim-gpt-lowbit (its bf16 path is pim-gpt's). */
  readonly system?: string;
  readonly systemSets?: readonly string[];
  readonly modelSets?: readonly string[];
  readonly prompt?: number;
  readonly tokens: number;
  readonly devices?: readonly string[];
  readonly fidelity?: Fidelity;
  /** Baseline tier for the headline columns (default B, the optimised runtime). */
  readonly tier?: Tier;
}

export interface PrecisionRow {
  readonly precision: string;
  readonly latencyNsPerToken: number;
  readonly energyPjPerToken: number;
  /** Over the first plan (normally bf16) on the same system. */
  readonly speedupOverReference: number;
  readonly energyEfficiencyOverReference: number;
  readonly baselines: readonly { device: string; tier: Tier; speedup: number; energyEfficiency: number }[];
  readonly activeBound: ActiveBound;
  readonly rowsUsedPerBank: number;
  readonly accuracy: string;
}

export interface PrecisionComparison {
  readonly model: string;
  readonly system: string;
  readonly reference: string;
  readonly tier: Tier;
  readonly rows: readonly PrecisionRow[];
  readonly results: readonly SimulationResult[];
}

export function comparePrecisions(opts: PrecisionCompareOptions): PrecisionComparison {
  const plans = (opts.precisions ?? DEFAULT_PRECISIONS).map((p) => (typeof p === 'string' ? parsePrecisionPlan(p) : p));
  if (plans.length === 0) throw new InputError('give at least one precision plan');
  const tier = opts.tier ?? 'B';
  const system = opts.system ?? 'pim-gpt-lowbit';
  const results = plans.map((precision) => {
    const sim = simulate({
      model: opts.model, system, precision, prompt: opts.prompt, tokens: opts.tokens, fidelity: opts.fidelity,
      systemSets: opts.systemSets, modelSets: opts.modelSets,
    });
    return buildResult(sim, { asicOps: sim.asicOps, devices: opts.devices, sets: { system: opts.systemSets, model: opts.modelSets } });
  });
  const ref = results[0];
  const rows = results.map((r): PrecisionRow => ({
    precision: formatPrecisionPlan(r.config.precisionPlan),
    latencyNsPerToken: r.summary.meanTokenNs,
    energyPjPerToken: r.energy.perTokenPj,
    speedupOverReference: ref.summary.meanTokenNs / r.summary.meanTokenNs,
    energyEfficiencyOverReference: ref.energy.perTokenPj / r.energy.perTokenPj,
    baselines: r.baselines.filter((b) => b.tier === tier).map((b) => ({ device: b.device, tier: b.tier, speedup: b.speedup, energyEfficiency: b.energyEfficiency })),
    activeBound: r.lowBit.activeBound,
    rowsUsedPerBank: r.mapping.rowsUsedPerBank,
    accuracy: r.lowBit.accuracy.filter((a) => a.precision !== 'bf16').map((a) => a.summary).join(' | ') || 'full precision',
  }));
  return { model: ref.config.model.name, system: ref.config.system.name, reference: rows[0].precision, tier, rows, results };
}
