/**
 * Functional mode, host side: place a model's weights in a datapath as the layout says, and the
 * per-token host work around each decode-step program: the embedding in ('embed' = wte[token] +
 * wpe[position]) and greedy decoding out (argmax of 'logits').
 *
 * Host vector names are the token program's (src/mapping/token.ts): per layer `L{l}.ln1.g/b`,
 * `L{l}.qkv.bias`, `L{l}.attn.bias`, `L{l}.ln2.g/b`, `L{l}.up.bias`, `L{l}.down.bias`; then
 * `final.ln.g/b`; input 'embed', output 'logits'.
 */
import { InputError } from '../util/errors.js';
import type { Datapath } from '../pim/datapath.js';
import type { ModelLayout } from '../mapping/layout.js';
import { loadGemvWeights } from '../mapping/gemv.js';
import { foldAttentionScale, LAYER_ROLES, type GptWeights, type LayerRole } from './weights.js';

/** The token program's bias vector name per role. */
const BIAS_NAME: Readonly<Record<LayerRole, string>> = { qkv: 'qkv.bias', 'attn-out': 'attn.bias', 'ffn-up': 'up.bias', 'ffn-down': 'down.bias' };

/** The model's parameters as host vectors (name -> values): biases, layernorm gains and shifts. */
export function parameterVectors(weights: GptWeights): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  weights.layers.forEach((l, i) => {
    const L = `L${i}`;
    out.set(`${L}.ln1.g`, l.ln1Gain).set(`${L}.ln1.b`, l.ln1Bias).set(`${L}.ln2.g`, l.ln2Gain).set(`${L}.ln2.b`, l.ln2Bias);
    if (weights.model.bias) for (const role of LAYER_ROLES) out.set(`${L}.${BIAS_NAME[role]}`, l.b[role]);
  });
  out.set('final.ln.g', weights.lnFGain).set('final.ln.b', weights.lnFBias);
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
    for (const role of LAYER_ROLES) loadGemvWeights(datapath, system, layout.plans[i][role]!, l.w[role]);
  });
  loadGemvWeights(datapath, system, layout.plans[model.layers]['lm-head']!, w.lmHead);
  for (const [name, v] of parameterVectors(w)) datapath.setVector(name, v);
}

/** wte[token] + wpe[position] in float32: the input of layer 0. */
export function embed(weights: GptWeights, token: number, position: number): Float32Array {
  const { dModel: d, vocab, context } = weights.model;
  if (!Number.isInteger(token) || token < 0 || token >= vocab) throw new InputError(`token ${token} is outside the vocabulary (0..${vocab - 1})`);
  if (!Number.isInteger(position) || position < 0 || position >= context) throw new InputError(`position ${position} is outside the context (0..${context - 1})`);
  const x = new Float32Array(d);
  for (let k = 0; k < d; k++) x[k] = weights.wte[token * d + k] + weights.wpe[position * d + k];
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
