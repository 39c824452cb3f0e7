/**
 * Seeded random GPT weights of a model's shapes, for functional runs (no checkpoint is needed to
 * check that the PIM datapath computes what the model computes).
 *
 * Layout: every matrix is row-major [rows x cols] as weightShape gives it (rows = outputs), so
 * y = W x; the QKV matrix's rows are [q; k; v], attnWidth each. The token embedding is
 * [vocab x dModel] and, when the model ties embeddings, is also the LM head.
 *
 * Initialisation (GPT-2 style): matrices and embeddings ~ N(0, 0.02^2), positions ~ N(0, 0.01^2);
 * the residual projections (attn-out, ffn-down) ~ N(0, (0.02 / sqrt(2 x layers))^2), as GPT-2 scales
 * them so the residual stream does not grow with depth. One departure: W_q and W_k ~ N(0, 0.2^2)
 * (see WeightOptions.attentionStd) so that attention is peaked and the check covers it.
 * GPT-2 starts biases at 0 and layernorm at (1, 0); here they are perturbed (biases ~ N(0, 0.02^2),
 * gains ~ 1 + N(0, 0.1^2), shifts ~ N(0, 0.02^2)) so that a host vector placed at the wrong offset
 * or never set changes the logits. A model without biases gets zero biases.
 *
 * Attention scale: the decode program computes scores = K q with no scaling (src/model/decode.ts),
 * so 1/sqrt(headDim) must be folded into W_q and b_q before the weights are placed:
 * `foldAttentionScale` does it (rows 0..attnWidth-1 of the QKV matrix and bias). A checkpoint stores
 * the unfolded form, which `randomWeights` returns; the reference forward pass accepts either.
 * With headDim a power of 4 the scale is a power of 2 and the folded W_q stays BF16-exact; otherwise
 * the banks round it (as folding a real BF16 checkpoint would).
 */
import type { GemvRole } from '../model/ops.js';
import type { ModelSpec } from '../model/spec.js';
import { layerRoles, weightShape } from '../model/block.js';
import { gaussianArray, mulberry32 } from '../util/rng.js';
import { roundToBf16 } from '../quant/bf16.js';
import { InputError } from '../util/errors.js';

/** The four per-layer linear layers of a GPT (a SwiGLU model adds ffn-gate: layerRoles(model)). */
export const LAYER_ROLES = ['qkv', 'attn-out', 'ffn-up', 'ffn-down'] as const satisfies readonly GemvRole[];
export type LayerRole = Exclude<GemvRole, 'lm-head'>;

export interface LayerWeights {
  /** Row-major [rows x cols] per weightShape(model, role), for each of layerRoles(model). */
  readonly w: Readonly<Partial<Record<LayerRole, Float32Array>>>;
  /** One per output row. */
  readonly b: Readonly<Partial<Record<LayerRole, Float32Array>>>;
  readonly ln1Gain: Float32Array;
  /** Layernorm shifts (drawn for every model; RMSNorm has none and ignores them). */
  readonly ln1Bias: Float32Array;
  readonly ln2Gain: Float32Array;
  readonly ln2Bias: Float32Array;
}

export interface GptWeights {
  readonly model: ModelSpec;
  /** [vocab x dModel]. */
  readonly wte: Float32Array;
  /** [context x dModel] with learned positions; empty with RoPE. */
  readonly wpe: Float32Array;
  readonly layers: readonly LayerWeights[];
  readonly lnFGain: Float32Array;
  readonly lnFBias: Float32Array;
  /** [vocab x dModel]: the LM head (the same array as wte when the model ties embeddings). */
  readonly lmHead: Float32Array;
  /** True when 1/sqrt(headDim) is already in W_q and b_q. */
  readonly attentionScaleFolded: boolean;
}

export interface WeightOptions {
  readonly seed: number;
  /** Std of matrices and the token embedding (GPT-2: 0.02). Biases and layernorm: see above. */
  readonly std?: number;
  /**
   * Std of the W_q and W_k rows (default 0.2). With GPT-2's 0.02 the attention scores of a random
   * model are about 0.03 and softmax is nearly uniform, so the logits would hardly depend on which
   * key sits where (or on the attention scale); 0.2 gives scores of a few units and peaked
   * attention, as trained models have.
   */
  readonly attentionStd?: number;
  /** Std of the token embedding (default: std). */
  readonly embeddingStd?: number;
  /** Std of the position embedding (GPT-2: 0.01). */
  readonly positionStd?: number;
  /**
   * Round every matrix and embedding to BF16 values (default true): a BF16 checkpoint, which the
   * banks then hold exactly, so a comparison measures the datapath, not the weight conversion.
   */
  readonly bf16?: boolean;
}

/** Random weights in the unfolded (checkpoint) form. Deterministic in (model shape, options). */
export function randomWeights(model: ModelSpec, opts: WeightOptions): GptWeights {
  const rng = mulberry32(opts.seed);
  const std = opts.std ?? 0.02;
  const d = model.dModel;
  const normal = (n: number, s: number, mean = 0) => gaussianArray(rng, n, s, mean);
  const matrix = (n: number, s: number) => {
    const x = normal(n, s);
    if (opts.bf16 ?? true) for (let i = 0; i < n; i++) x[i] = roundToBf16(x[i]);
    return x;
  };
  const bias = (n: number) => (model.bias ? normal(n, 0.02) : new Float32Array(n));
  const wte = matrix(model.vocab * d, opts.embeddingStd ?? std);
  const wpe = model.position === 'learned' ? matrix(model.context * d, opts.positionStd ?? 0.01) : new Float32Array(0);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < model.layers; l++) {
    const w = {} as Record<LayerRole, Float32Array>;
    const b = {} as Record<LayerRole, Float32Array>;
    for (const role of layerRoles(model)) {
      const { rows, cols } = weightShape(model, role);
      const residual = role === 'attn-out' || role === 'ffn-down';
      const x = matrix(rows * cols, residual ? std / Math.sqrt(2 * model.layers) : std);
      w[role] = x;
      // Rows [0, attnWidth + kvWidth) of the QKV matrix are W_q and W_k.
      if (role === 'qkv') x.set(matrix((model.attnWidth + model.kvWidth) * cols, opts.attentionStd ?? 0.2));
      b[role] = bias(rows);
    }
    layers.push({ w, b, ln1Gain: normal(d, 0.1, 1), ln1Bias: normal(d, 0.02), ln2Gain: normal(d, 0.1, 1), ln2Bias: normal(d, 0.02) });
  }
  const lnFGain = normal(d, 0.1, 1), lnFBias = normal(d, 0.02);
  const lmHead = model.tiedEmbeddings ? wte : matrix(model.vocab * d, std);
  return { model, wte, wpe, layers, lnFGain, lnFBias, lmHead, attentionScaleFolded: false };
}

/** A copy whose W_q rows and b_q carry 1/sqrt(headDim) (the form the PIM program needs). */
export function foldAttentionScale(weights: GptWeights): GptWeights {
  if (weights.attentionScaleFolded) return weights;
  const m = weights.model;
  const scale = 1 / Math.sqrt(m.headDim);
  const qElems = m.attnWidth * m.dModel; // the first attnWidth rows of the [3W x d] matrix
  const layers = weights.layers.map((l) => {
    const qkv = Float32Array.from(l.w.qkv!);
    for (let i = 0; i < qElems; i++) qkv[i] *= scale;
    const qkvBias = Float32Array.from(l.b.qkv!);
    for (let i = 0; i < m.attnWidth; i++) qkvBias[i] *= scale;
    return { ...l, w: { ...l.w, qkv }, b: { ...l.b, qkv: qkvBias } };
  });
  return { ...weights, layers, attentionScaleFolded: true };
}

export interface PlantOptions {
  /** Tokens on the cycle (at most dFF and vocab). */
  readonly tokens: number;
  readonly seed: number;
  /** The layer whose FFN holds the table (default 0, where the token's embedding is clearest). */
  readonly layer?: number;
  /** Detection threshold, in standard deviations of a non-matching key's response (default 4). */
  readonly threshold?: number;
  /** Sharpness of the detecting units (default 1). */
  readonly keyGain?: number;
  /** How many token embeddings the table writes into the residual stream (default 3). */
  readonly valueGain?: number;
}

/**
 * Plant a next-token table in one layer's FFN, so greedy decoding follows a known cycle of tokens
 * with wide top-1 margins. (Random weights alone give near-ties within a few steps: their top two
 * logits are two draws from one distribution, a few BF16 steps apart at worst.) FFN unit j becomes
 * a key-value memory: up row j = keyGain x unit(wte[c_j]) with bias -keyGain x threshold, so it
 * fires only when the token's embedding dominates LN2's output (norm about sqrt(dModel)); down
 * column j = valueGain x wte[c_{j+1}] / (its expected activation), which then outweighs the token's
 * own embedding in the tied LM head. The other units keep their random weights. Planted values are
 * rounded to BF16, like the rest of a BF16 checkpoint.
 *
 * The table needs the token embedding to dominate the residual stream at that layer, as in trained
 * GPT-2 (its token embeddings are several times larger than this module's 0.02 init): use an
 * embeddingStd of 0.05 or more. With the 0.02 init, random attention outputs are as large as the
 * embedding, keys fire unreliably and sit close to the threshold, where the bias cancels most of
 * the BF16-rounded MAC result.
 */
export function plantCycle(weights: GptWeights, opts: PlantOptions): { weights: GptWeights; cycle: number[] } {
  const m = weights.model;
  const d = m.dModel, f = m.dFF;
  const n = opts.tokens, layer = opts.layer ?? 0;
  if (!Number.isInteger(n) || n < 2 || n > f || n > m.vocab) throw new InputError(`a planted cycle needs 2..${Math.min(f, m.vocab)} tokens, got ${n}`);
  if (!Number.isInteger(layer) || layer < 0 || layer >= m.layers) throw new InputError(`layer ${layer} does not exist (0..${m.layers - 1})`);
  if (!m.tiedEmbeddings || !m.bias) throw new InputError('plantCycle needs a tied LM head and FFN biases (the detection threshold)');
  const rng = mulberry32(opts.seed);
  // n distinct tokens (partial Fisher-Yates), visited in that order.
  const perm = Array.from({ length: m.vocab }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng() * (m.vocab - i));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const cycle = perm.slice(0, n);
  const keyGain = opts.keyGain ?? 1, threshold = opts.threshold ?? 4, valueGain = opts.valueGain ?? 3;
  const l = weights.layers[layer];
  if (m.mlp !== 'gelu') throw new InputError('plantCycle plants its table in a GELU MLP');
  const up = Float32Array.from(l.w['ffn-up']!), upBias = Float32Array.from(l.b['ffn-up']!);
  const down = Float32Array.from(l.w['ffn-down']!);
  // A matching key sees about sqrt(d) x cos(stream, embedding); take cos ~ 0.9 for the activation estimate.
  const fired = keyGain * (0.9 * Math.sqrt(d) - threshold);
  for (let j = 0; j < n; j++) {
    const key = cycle[j], next = cycle[(j + 1) % n];
    let norm = 0;
    for (let k = 0; k < d; k++) norm += weights.wte[key * d + k] ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < d; k++) up[j * d + k] = roundToBf16((keyGain * weights.wte[key * d + k]) / norm);
    upBias[j] = -keyGain * threshold;
    for (let r = 0; r < d; r++) down[r * f + j] = roundToBf16((valueGain * weights.wte[next * d + r]) / Math.max(fired, 1));
  }
  const layers = weights.layers.map((x, i) => (i === layer ? { ...x, w: { ...x.w, 'ffn-up': up, 'ffn-down': down }, b: { ...x.b, 'ffn-up': upBias } } : x));
  return { weights: { ...weights, layers }, cycle };
}

/** A norm op's gain and shift: the graph names them ln1 and ln2 per layer, and final.ln. */
export function normParams(weights: GptWeights, op: { readonly name: string; readonly layer: number }): { gain: Float32Array; shift: Float32Array } {
  if (op.layer < 0) return { gain: weights.lnFGain, shift: weights.lnFBias };
  const l = weights.layers[op.layer];
  if (op.name.endsWith('.ln1')) return { gain: l.ln1Gain, shift: l.ln1Bias };
  if (op.name.endsWith('.ln2')) return { gain: l.ln2Gain, shift: l.ln2Bias };
  throw new Error(`no norm parameters for op ${op.name}`);
}
