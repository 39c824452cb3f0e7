/**
 * The float32 reference: a GPT-2 decode step in TensorFlow.js on the same weights, one token at a
 * time with a KV cache, in exact math (tf ops: tf.exp, tf.tanh, sqrt and division), not the ASIC's
 * approximations, and on the unrounded float32 weights.
 *
 * Pre-LN block: x1 = x + W_o attn(LN1(x)) + b_o; x' = x1 + W_2 GELU(W_1 LN2(x1) + b_1) + b_2, with
 * causal attention over the cache (the current token included), scores scaled by 1/sqrt(headDim)
 * unless the weights carry the scale already; GELU in its tanh form (GPT-2); layernorm eps 1e-5
 * (GPT-2's, and the ASIC's). Logits = LN_f(x) . lmHead^T.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type HostBackend } from '../baselines/host.js';
import { weightShape } from '../model/block.js';
import { InputError } from '../util/errors.js';
import { LAYER_ROLES, type GptWeights, type LayerRole } from './weights.js';

const LN_EPS = 1e-5;

interface LayerTensors {
  /** Transposed: [cols x rows], so y = x . wT for a row vector x. */
  readonly wT: Record<LayerRole, tf.Tensor2D>;
  readonly b: Record<LayerRole, tf.Tensor1D>;
  readonly ln1g: tf.Tensor1D; readonly ln1b: tf.Tensor1D; readonly ln2g: tf.Tensor1D; readonly ln2b: tf.Tensor1D;
}

// A type alias (not an interface) so tf.tidy accepts it. [heads, positions, headDim]
type Cache = { k: tf.Tensor3D; v: tf.Tensor3D };

function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(LN_EPS).sqrt()).mul(g).add(b);
}

/** GPT-2's GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(inner.tanh().add(1)).mul(0.5);
}

/** A reference decoder holding its weights and KV cache as tensors; call dispose() when done. */
export class ReferenceModel {
  private readonly layers: LayerTensors[];
  private readonly lnfg: tf.Tensor1D;
  private readonly lnfb: tf.Tensor1D;
  private readonly headT: tf.Tensor2D;
  private caches: Cache[];
  private position = 0;

  private constructor(
    private readonly weights: GptWeights,
    readonly backend: HostBackend,
  ) {
    const m = weights.model;
    this.layers = weights.layers.map((l) => {
      const wT = {} as Record<LayerRole, tf.Tensor2D>;
      const b = {} as Record<LayerRole, tf.Tensor1D>;
      for (const role of LAYER_ROLES) {
        const { rows, cols } = weightShape(m, role);
        wT[role] = tf.tidy(() => tf.tensor2d(l.w[role], [rows, cols]).transpose());
        b[role] = tf.tensor1d(l.b[role]);
      }
      return { wT, b, ln1g: tf.tensor1d(l.ln1Gain), ln1b: tf.tensor1d(l.ln1Bias), ln2g: tf.tensor1d(l.ln2Gain), ln2b: tf.tensor1d(l.ln2Bias) };
    });
    this.lnfg = tf.tensor1d(weights.lnFGain);
    this.lnfb = tf.tensor1d(weights.lnFBias);
    this.headT = tf.tidy(() => tf.tensor2d(weights.lmHead, [m.vocab, m.dModel]).transpose());
    this.caches = this.emptyCaches();
  }

  /** Build on the TensorFlow.js backend selectBackend picks (wasm, tfjs-node, cpu) unless one is given. */
  static async create(weights: GptWeights, backend?: HostBackend): Promise<ReferenceModel> {
    const chosen = await selectBackend(backend);
    return new ReferenceModel(weights, chosen.backend);
  }

  private emptyCaches(): Cache[] {
    const m = this.weights.model;
    return this.weights.layers.map(() => ({ k: tf.zeros([m.heads, 0, m.headDim]), v: tf.zeros([m.heads, 0, m.headDim]) }));
  }

  /** Forget the KV cache: the next step is position 0. */
  reset(): void {
    for (const c of this.caches) tf.dispose([c.k, c.v]);
    this.caches = this.emptyCaches();
    this.position = 0;
  }

  /** Process `token` at the next position; returns its logits (vocab values). */
  step(token: number): Float32Array {
    const w = this.weights, m = w.model;
    const d = m.dModel, H = m.heads, hd = m.headDim, W = m.attnWidth;
    const position = this.position;
    if (position >= m.context) throw new InputError(`position ${position} is beyond ${m.name}'s context of ${m.context}`);
    if (!Number.isInteger(token) || token < 0 || token >= m.vocab) throw new InputError(`token ${token} is outside the vocabulary (0..${m.vocab - 1})`);
    const x0 = new Float32Array(d);
    for (let k = 0; k < d; k++) x0[k] = w.wte[token * d + k] + w.wpe[position * d + k];
    const scale = w.attentionScaleFolded ? 1 : 1 / Math.sqrt(hd);
    const old = this.caches;
    const { logits, caches } = tf.tidy(() => {
      let x = tf.tensor2d(x0, [1, d]);
      const next: Cache[] = [];
      this.layers.forEach((l, i) => {
        const h = layerNorm(x, l.ln1g, l.ln1b);
        const qkv = tf.matMul(h, l.wT.qkv).add(l.b.qkv) as tf.Tensor2D;
        const [q, k, v] = tf.split(qkv, [W, W, W], 1).map((t) => t.reshape([H, 1, hd]) as tf.Tensor3D);
        const kc = tf.concat([old[i].k, k], 1);
        const vc = tf.concat([old[i].v, v], 1);
        next.push({ k: tf.keep(kc), v: tf.keep(vc) });
        const scores = tf.matMul(q, kc, false, true).mul(scale); // [heads, 1, positions]
        const ctx = tf.matMul(tf.softmax(scores), vc).reshape([1, W]) as tf.Tensor2D;
        const x1 = x.add(tf.matMul(ctx, l.wT['attn-out']).add(l.b['attn-out'])) as tf.Tensor2D;
        const up = gelu(tf.matMul(layerNorm(x1, l.ln2g, l.ln2b), l.wT['ffn-up']).add(l.b['ffn-up']) as tf.Tensor2D);
        x = x1.add(tf.matMul(up, l.wT['ffn-down']).add(l.b['ffn-down']));
      });
      return { logits: tf.matMul(layerNorm(x, this.lnfg, this.lnfb), this.headT).reshape([m.vocab]), caches: next };
    });
    for (const c of old) tf.dispose([c.k, c.v]);
    this.caches = caches;
    this.position++;
    const out = Float32Array.from(logits.dataSync() as Float32Array);
    logits.dispose();
    return out;
  }

  dispose(): void {
    for (const c of this.caches) tf.dispose([c.k, c.v]);
    for (const l of this.layers) tf.dispose([...Object.values(l.wT), ...Object.values(l.b), l.ln1g, l.ln1b, l.ln2g, l.ln2b]);
    tf.dispose([this.lnfg, this.lnfb, this.headT]);
  }
}
