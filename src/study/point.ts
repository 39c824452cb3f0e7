/** One point of a study: a simulation configuration, optionally labelled with the swept parameter. */
import { simulate } from '../simulate.js';
import { buildResult, type SimulationResult } from '../results.js';

export interface StudyPoint {
  readonly model: string;
  readonly system: string;
  readonly prompt?: number;
  readonly tokens: number;
  readonly systemSets?: readonly string[];
  readonly modelSets?: readonly string[];
  readonly packing?: 'fast' | 'dense';
  /** Precision plan, e.g. "ternary,attention=bf16" (default bf16). */
  readonly precision?: string;
  readonly devices?: readonly string[];
  /** The swept parameter and its value, recorded in the result for sweep charts. */
  readonly sweep?: { readonly parameter: string; readonly value: number | string };
}

export type StudyResult = SimulationResult & { readonly sweep?: StudyPoint['sweep'] };

export function runPoint(p: StudyPoint, onToken?: (done: number, total: number) => void): StudyResult {
  const sim = simulate({
    model: p.model, system: p.system, prompt: p.prompt ?? 1, tokens: p.tokens, packing: p.packing,
    systemSets: p.systemSets, modelSets: p.modelSets, precision: p.precision, onToken: onToken && ((i, total) => onToken(i + 1, total)),
  });
  const result = buildResult(sim, { asicOps: sim.asicOps, devices: p.devices, sets: { system: p.systemSets, model: p.modelSets } });
  return p.sweep ? { ...result, sweep: p.sweep } : result;
}
