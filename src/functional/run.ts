/**
 * Whole-model functional simulation: GPT token generation on the PIM datapath (BF16 weights and
 * activations in the banks, FP32 accumulation, the ASIC's approximations), greedy decoding on the
 * host, checked step by step against the float32 TensorFlow.js reference on the same weights.
 *
 * The reference is fed the simulated token sequence (teacher forcing), so its logits at every
 * position see the same inputs and the per-step errors stay meaningful. Its greedy pick at each
 * position is recorded; the free-running greedy sequences are identical exactly when the picks
 * agree at every generating position. When they do not, the reference is also run free-running
 * to give its own sequence.
 */
import { loadModel, type ModelSpec } from '../model/spec.js';
import { loadSystem, type SystemSpec } from '../spec/system.js';
import { InputError } from '../util/errors.js';
import { layoutModel, type Packing } from '../mapping/layout.js';
import { Datapath } from '../pim/datapath.js';
import type { Fidelity } from '../pim/sequencer.js';
import { maxRelError } from './gemvReference.js';
import { simulate, type Simulation } from '../simulate.js';
import type { HostBackend } from '../util/tfBackend.js';
import { mulberry32 } from '../util/rng.js';
import { argmax, GreedyHost, loadModelWeights, randomPrompt } from './load.js';
import { ReferenceModel } from './reference.js';
import { randomWeights, type GptWeights } from './weights.js';

export interface FunctionalOptions {
  readonly model: string | ModelSpec;
  readonly system: string | SystemSpec;
  /** Prompt length (tokens drawn from the seed), or the prompt tokens. Default 1. */
  readonly prompt?: number | readonly number[];
  /** Tokens generated after the prompt. */
  readonly tokens: number;
  /** Seeds the weights and the prompt. Default 1. */
  readonly seed?: number;
  /** Weights to use instead of seeded random ones (checkpoint form or folded). */
  readonly weights?: GptWeights;
  /** The reference's weights when they should differ (to check that a comparison detects a wrong model). */
  readonly referenceWeights?: GptWeights;
  readonly modelSets?: readonly string[];
  readonly systemSets?: readonly string[];
  readonly packing?: Packing;
  readonly fidelity?: Fidelity;
  /** TensorFlow.js backend of the reference (default: selectBackend's choice). */
  readonly backend?: HostBackend;
}

export interface FunctionalStep {
  readonly position: number;
  readonly phase: 'prompt' | 'generate';
  /** The token processed at this position. */
  readonly token: number;
  readonly simulatedPick: number;
  readonly referencePick: number;
  /** max |sim - ref| / max |ref| over the vocabulary. */
  readonly maxRelError: number;
  readonly maxAbsError: number;
  /** Reference logit of its top-1 minus its top-2: how much error a pick can take. */
  readonly referenceMargin: number;
}

export interface FunctionalResult {
  readonly simulation: Simulation;
  /** The weights used (checkpoint form; the PIM gets them with the attention scale folded in). */
  readonly weights: GptWeights;
  readonly prompt: readonly number[];
  readonly steps: readonly FunctionalStep[];
  readonly logits: { readonly simulated: readonly Float32Array[]; readonly reference: readonly Float32Array[] };
  /** Greedy sequences: the prompt, then one pick per position from the last prompt token on. */
  readonly tokens: { readonly simulated: readonly number[]; readonly reference: readonly number[] };
  /** Largest per-step maxRelError. */
  readonly maxRelError: number;
  /** First position (from the last prompt token) whose greedy picks differ, or -1. */
  readonly firstDivergence: number;
  readonly backend: HostBackend;
}

/** Top-1 minus top-2. */
function margin(x: Float32Array): number {
  let a = -Infinity, b = -Infinity;
  for (const v of x) {
    if (v > a) [a, b] = [v, a];
    else if (v > b) b = v;
  }
  return a - b;
}

export async function runFunctional(opts: FunctionalOptions): Promise<FunctionalResult> {
  const model = typeof opts.model === 'string' ? loadModel(opts.model, opts.modelSets ?? []) : opts.model;
  const system = typeof opts.system === 'string' ? loadSystem(opts.system, opts.systemSets ?? []) : opts.system;
  const seed = opts.seed ?? 1;
  const weights = opts.weights ?? randomWeights(model, { seed });
  const prompt = typeof opts.prompt === 'object' ? [...opts.prompt] : randomPrompt(model.vocab, opts.prompt ?? 1, mulberry32((seed + 0x5bd1e995) >>> 0));
  if (prompt.some((t) => !Number.isInteger(t) || t < 0 || t >= model.vocab)) throw new InputError(`prompt tokens must be integers in 0..${model.vocab - 1}, got [${prompt.join(', ')}]`);

  const layout = layoutModel(model, system, opts.packing);
  const datapath = new Datapath(system);
  loadModelWeights(datapath, layout, weights);
  const host = new GreedyHost(datapath, weights, prompt);
  const simulation = simulate({
    model, system, prompt: prompt.length, tokens: opts.tokens, packing: layout.packing, fidelity: opts.fidelity,
    datapath, beforeToken: host.beforeToken, afterToken: host.afterToken,
  });

  const total = prompt.length + opts.tokens;
  const ref = await ReferenceModel.create(opts.referenceWeights ?? weights, opts.backend);
  try {
    const refLogits = host.tokens.slice(0, total).map((t) => ref.step(t));
    const steps: FunctionalStep[] = refLogits.map((r, p) => {
      const s = host.logits[p];
      let abs = 0;
      for (let i = 0; i < r.length; i++) abs = Math.max(abs, Math.abs(s[i] - r[i]));
      return {
        position: p, phase: p < prompt.length ? 'prompt' : 'generate', token: host.tokens[p],
        simulatedPick: host.picks[p], referencePick: argmax(r), maxRelError: maxRelError(s, r), maxAbsError: abs, referenceMargin: margin(r),
      };
    });
    const firstDivergence = steps.find((s) => s.position >= prompt.length - 1 && s.simulatedPick !== s.referencePick)?.position ?? -1;
    let refTokens = host.tokens;
    if (firstDivergence >= 0) {
      // The reference's own greedy sequence from the same prompt.
      ref.reset();
      refTokens = [...prompt];
      for (let p = 0; p < total; p++) {
        const pick = argmax(ref.step(refTokens[p]));
        if (p + 1 >= refTokens.length) refTokens.push(pick);
      }
    }
    return {
      simulation, weights, prompt, steps,
      logits: { simulated: host.logits, reference: refLogits },
      tokens: { simulated: host.tokens, reference: refTokens },
      maxRelError: Math.max(...steps.map((s) => s.maxRelError)),
      firstDivergence,
      backend: ref.backend,
    };
  } finally {
    ref.dispose();
  }
}
