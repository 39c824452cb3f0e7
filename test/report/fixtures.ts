/**
 * Result documents for report tests: one real simulation of the tiny test model (a second or two),
 * and hand-made variants of it (another model, a sweep), so tests can check reports against
 * numbers they know.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildResult, type SimulationResult } from '../../src/results.js';
import { simulate } from '../../src/simulate.js';
import type { ReportResult, SweepTag } from '../../src/report/index.js';

let cached: SimulationResult | undefined;

/** test-tiny on pim-gpt, 1 prompt + 3 generated tokens, against T4, Xeon Gold 6154 and A100. */
export function tinyResult(): SimulationResult {
  if (!cached) {
    const sim = simulate({ model: 'test-tiny', system: 'pim-gpt', tokens: 3 });
    cached = buildResult(sim, { asicOps: sim.asicOps, devices: ['t4', 'xeon-gold-6154', 'a100-80gb'] });
  }
  return structuredClone(cached);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** A copy of the tiny result presented as another model, every time and energy scaled by `factor`. */
export function scaledResult(model: string, factor: number): ReportResult {
  const r = tinyResult() as unknown as Mutable<SimulationResult>;
  r.config.model.name = model;
  r.perToken.latencyNs = r.perToken.latencyNs.map((v) => v * factor);
  r.summary.totalNs *= factor;
  r.summary.meanTokenNs *= factor;
  r.summary.meanGeneratedTokenNs *= factor;
  r.summary.tokensPerSecond /= factor;
  for (const k of Object.keys(r.breakdownNs) as (keyof SimulationResult['breakdownNs'])[]) r.breakdownNs[k] *= factor;
  r.stats.perChannelBusyNs = r.stats.perChannelBusyNs.map((v) => v * factor);
  r.energy.totalPj *= factor;
  r.energy.perTokenPj *= factor;
  for (const k of Object.keys(r.energy.byComponentPj)) r.energy.byComponentPj[k] *= factor;
  r.baselines = r.baselines.map((b) => ({ ...b, speedup: b.speedup / factor, energyEfficiency: b.energyEfficiency / factor }));
  r.configHash = `${r.configHash.slice(0, 8)}${model.length.toString(16).padStart(8, '0')}`;
  return r as unknown as ReportResult;
}

/** A tiny result tagged as one point of a sweep. */
export function sweepPoint(tag: SweepTag, factor: number): ReportResult {
  return { ...scaledResult('test-tiny', factor), sweep: tag };
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'pimsim-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes documents as JSON files in `dir`; returns their paths. */
export function writeResults(dir: string, docs: readonly unknown[], names?: readonly string[]): string[] {
  return docs.map((d, i) => {
    const path = join(dir, names?.[i] ?? `result-${i}.json`);
    writeFileSync(path, JSON.stringify(d));
    return path;
  });
}
