/**
 * Functional mode, host side: place a model's weights in a datapath as the layout says, and the
 * per-token host work around each decode-step program: the embedding in ('embed' = wte[token] +
 * wpe[position]) and greedy decoding out (argmax of 'logits').
 *
 * Host vector names are the token program's (src/mapping/token.ts), i.e. the graph's op names:
 * `<gemv>.bias` for each GEMV with a bias, `<norm>.g` (and `<norm>.b` for layernorm) for each norm;
 * input 'embed', output 'logits'.
 */
import { InputError } from '../util/errors.js';
import type { Datapath } from '../pim/datapath.js';
import type { ModelLayout } from '../mapping/layout.js';
import { loadGemvWeights } from '../mapping/gemv.js';
import { layerRoles } from '../model/block.js';
import { opsPerToken } from '../model/decode.js';
import { foldAttentionScale, normParams, type GptWeights, type LayerRole } from './weights.js';

/** The model's parameters as host vectors (name -> values), named by the graph's ops: biases, norm gains and shifts. */
export function parameterVectors(weights: GptWeights): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const op of opsPerToken(weights.model, { position: 0 })) {
    if (op.kind === 'gemv' && op.bias) out.set(`${op.name}.bias`, weights.layers[op.layer].b[op.role as LayerRole]!);
    if (op.kind === 'layernorm' || op.kind === 'rmsnorm') {
      const p = normParams(weights, op);
      out.set(`${op.name}.g`, p.gain);
      if (op.kind === 'layernorm') out.set(`${op.name}.b`, p.shift);
    }
  }
  return out;
}

/**
 * Place every weight matrix (rounded to BF16) in the banks at its plan's rows, and set the parameter
 * host vectors. The attention scale is folded into W_q and b_q first if it is not already.
 */
export function loadModelWeights(datapath: Datapath, layout: ModelLayout, weights: GptWeights): void {
  const { model, system } = layout;
  if (weights.model.layers !== model.layers || weights.model.dModel !== model.dModel || weights.model.vocab !== model.vocab) {
    throw new InputError(`weights are for ${weights.model.name} (${weights.model.layers} layers, d_model ${weights.model.dModel}), the layout for ${model.name}`);
  }
  const w = foldAttentionScale(weights);
  w.layers.forEach((l, i) => {
    for (const role of layerRoles(model)) loadGemvWeights(datapath, system, layout.plans[i][role]!, l.w[role]!);
  });
  loadGemvWeights(datapath, system, layout.plans[model.layers]['lm-head']!, w.lmHead);
  for (const [name, v] of parameterVectors(w)) datapath.setVector(name, v);
}

/** wte[token] (+ wpe[position] with learned positions) in float32: the input of layer 0. */
export function embed(weights: GptWeights, token: number, position: number): Float32Array {
  const { dModel: d, vocab, context } = weights.model;
  if (!Number.isInteger(token) || token < 0 || token >= vocab) throw new InputError(`token ${token} is outside the vocabulary (0..${vocab - 1})`);
  if (!Number.isInteger(position) || position < 0 || position >= context) throw new InputError(`position ${position} is outside the context (0..${context - 1})`);
  const x = new Float32Array(d);
  const learned = weights.model.position === 'learned';
  for (let k = 0; k < d; k++) x[k] = learned ? weights.wte[token * d + k] + weights.wpe[position * d + k] : weights.wte[token * d + k];
  return x;
}

/** Index of the largest value (the first of equal ones). */
export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** Prompt tokens: `count` uniform draws from the vocabulary. */
export function randomPrompt(vocab: number, count: number, rng: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(rng() * vocab));
}

/**
 * Greedy decoding around the simulated programs: pass `beforeToken` and `afterToken` to simulate().
 * Before each token it clears the previous token's activations (so a program that reads a vector it
 * never wrote fails instead of reading stale data) and sets 'embed'; after it, it copies 'logits'
 * and picks the argmax, which becomes the next token once the prompt is used up.
 */
export class GreedyHost {
  /** The prompt, then each greedy pick (the pick at the last position too). */
  readonly tokens: number[];
  /** Logits per position. */
  readonly logits: Float32Array[] = [];
  /** Argmax per position. */
  readonly picks: number[] = [];
  private readonly keep: Set<string>;

  constructor(
    private readonly datapath: Datapath,
    private readonly weights: GptWeights,
    prompt: readonly number[],
  ) {
    if (prompt.length === 0) throw new InputError('the prompt needs at least one token');
    this.tokens = [...prompt];
    this.keep = new Set(parameterVectors(weights).keys());
  }

  readonly beforeToken = (position: number): void => {
    if (position >= this.tokens.length) throw new Error(`no token for position ${position}: afterToken(${position - 1}) did not run`);
    for (const name of [...this.datapath.vectors.keys()]) if (!this.keep.has(name)) this.datapath.vectors.delete(name);
    this.datapath.setVector('embed', embed(this.weights, this.tokens[position], position));
  };

  readonly afterToken = (position: number): void => {
    const v = this.datapath.vectors.get('logits');
    const vocab = this.weights.model.vocab;
    if (!v || v.length < vocab) throw new Error(`the program left ${v ? v.length : 'no'} logits, expected ${vocab}`);
    const logits = Float32Array.from(v.subarray(0, vocab));
    this.logits[position] = logits;
    this.picks[position] = argmax(logits);
    if (position + 1 >= this.tokens.length) this.tokens.push(this.picks[position]);
  };
}
