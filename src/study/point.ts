/** One point of a study: a simulation configuration, optionally labelled with the swept parameter. */
import { simulate } from '../simulate.js';
import { buildResult, configHashOf, type ResolvedConfiguration, type SimulationResult } from '../results.js';
import { loadModel } from '../model/spec.js';
import { loadSystem } from '../spec/system.js';
import { energyTableFor } from '../energy/index.js';
import { loadDevice } from '../baselines/index.js';
import { defaultDevices } from '../compare.js';
import { parsePrecisionPlan } from '../model/precision.js';
import { InputError } from '../util/errors.js';

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

export type StudyResult = SimulationResult;

/**
 * Everything that determines a point's result, resolved without simulating (presets are loaded and
 * checked): a bad point fails here, before any worker starts, and its configHash is known up front.
 */
export function resolvePoint(p: StudyPoint): ResolvedConfiguration {
  const prompt = p.prompt ?? 1;
  const model = loadModel(p.model, p.modelSets ?? []);
  if (!Number.isInteger(p.tokens) || p.tokens < 1) throw new InputError(`a study point needs tokens >= 1, got ${p.tokens}`, `${p.model}@${p.system}`);
  if (prompt + p.tokens > model.context) {
    throw new InputError(`prompt (${prompt}) + tokens (${p.tokens}) exceeds ${model.name}'s context of ${model.context}`, `${p.model}@${p.system}`);
  }
  const system = loadSystem(p.system, p.systemSets ?? []);
  return {
    model, system, energyTable: energyTableFor(system), devices: (p.devices ?? defaultDevices()).map((d) => loadDevice(d)),
    prompt, tokens: p.tokens, packing: p.packing, precision: parsePrecisionPlan(p.precision ?? 'bf16'),
  };
}

/** The configHash the point's result will carry. */
export function pointConfigHash(p: StudyPoint): string {
  return configHashOf(resolvePoint(p));
}

export function runPoint(p: StudyPoint, onToken?: (done: number, total: number) => void): StudyResult {
  const sim = simulate({
    model: p.model, system: p.system, prompt: p.prompt ?? 1, tokens: p.tokens, packing: p.packing,
    systemSets: p.systemSets, modelSets: p.modelSets, precision: p.precision, onToken: onToken && ((i, total) => onToken(i + 1, total)),
  });
  const result = buildResult(sim, { asicOps: sim.asicOps, devices: p.devices, sets: { system: p.systemSets, model: p.modelSets } });
  return p.sweep ? { ...result, sweep: p.sweep } : result;
}
