/**
 * The float32 forward pass: the workload graph (model/decode.ts) evaluated op by op with
 * TensorFlow.js, one token at a time with a KV cache, in exact math (tf ops: exp, tanh, sigmoid,
 * sqrt and division, not the ASIC's approximations). Both the functional reference
 * (`simulate --functional`, reference.ts) and the measured host baseline (`baseline --measure-host`,
 * baselines/host.ts) run this one pass; they differ only in the weights they give it.
 *
 * Conventions: layernorm and RMSNorm eps 1e-5 (GPT-2's and [LLAMA]'s); GELU in its tanh form
 * (GPT-2); SiLU(x) = x sigmoid(x); RoPE in the Hugging Face "rotate_half" form with float32
 * inverse frequencies and float32 angles (as the HF model computes them), cos/sin in float64 of
 * that angle; grouped-query attention by grouping the query heads of each K/V head; scores scaled
 * by 1/sqrt(headDim) unless the weights carry the scale already.
 */
import * as tf from '@tensorflow/tfjs';
import { opsPerToken } from '../model/decode.js';
import { EMBED, type Op, type OpKind } from '../model/ops.js';
import type { ModelSpec } from '../model/spec.js';
import { InputError } from '../util/errors.js';

const NORM_EPS = 1e-5;

/** Weights as tensors, keyed by the graph's op names (position 0's graph names every parameter). */
export interface TensorWeights {
  readonly model: ModelSpec;
  /** Per GEMV op: W transposed, [cols x rows], so y = x . wT; and its bias. */
  readonly linear: ReadonlyMap<string, { readonly wT: tf.Tensor2D; readonly b?: tf.Tensor1D }>;
  /** Per norm op: gain, and shift for layernorm. */
  readonly norm: ReadonlyMap<string, { readonly g: tf.Tensor1D; readonly b?: tf.Tensor1D }>;
  /** Token embedding [vocab x dModel], or null when tied: then the LM head's wT [dModel x vocab] is gathered. */
  readonly wte: tf.Tensor2D | null;
  /** Learned positions [positions x dModel], or null with RoPE. */
  readonly wpe: tf.Tensor2D | null;
  readonly attentionScaleFolded: boolean;
}

export function disposeTensorWeights(w: TensorWeights): void {
  for (const l of w.linear.values()) tf.dispose([l.wT, ...(l.b ? [l.b] : [])]);
  for (const n of w.norm.values()) tf.dispose([n.g, ...(n.b ? [n.b] : [])]);
  tf.dispose([...(w.wte ? [w.wte] : []), ...(w.wpe ? [w.wpe] : [])]);
}

/** Parameters counted over the tensors (a tied embedding once). */
export function tensorParameterCount(w: TensorWeights): number {
  let n = (w.wte?.size ?? 0) + (w.wpe?.size ?? 0);
  for (const l of w.linear.values()) n += l.wT.size + (l.b?.size ?? 0);
  for (const x of w.norm.values()) n += x.g.size + (x.b?.size ?? 0);
  return n;
}

// A type alias (not an interface) so tf.tidy accepts it. [kvHeads, positions, headDim]
export type Cache = { k: tf.Tensor3D; v: tf.Tensor3D };

interface Env {
  readonly w: TensorWeights;
  readonly m: ModelSpec;
  readonly vectors: Map<string, tf.Tensor2D>;
  readonly old: readonly Cache[];
  readonly next: Cache[];
}
type Eval = (e: Env, op: Op) => tf.Tensor2D | null;

const input = (e: Env, op: Op, i = 0): tf.Tensor2D => {
  const v = e.vectors.get(op.inputs[i]);
  if (!v) throw new Error(`forward pass: ${op.name} reads ${op.inputs[i]}, which no earlier op produced`);
  return v;
};

function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b?: tf.Tensor1D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  const y = x.sub(mean).div(variance.add(NORM_EPS).sqrt()).mul(g);
  return (b ? y.add(b) : y) as tf.Tensor2D;
}

function rmsNorm(x: tf.Tensor2D, g: tf.Tensor1D): tf.Tensor2D {
  return x.mul(x.square().mean(-1, true).add(NORM_EPS).rsqrt()).mul(g) as tf.Tensor2D;
}

/** GPT-2's GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(inner.tanh().add(1)).mul(0.5);
}

/** cos and sin of the float32 angles position x float32(theta^(-2i/d)), tiled to both halves. */
function ropeTables(position: number, headDim: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(headDim), sin = new Float32Array(headDim);
  for (let i = 0; i < half; i++) {
    const a = Math.fround(position * Math.fround(theta ** (-(2 * i) / headDim)));
    cos[i] = cos[i + half] = Math.cos(a);
    sin[i] = sin[i + half] = Math.sin(a);
  }
  return { cos, sin };
}

function norm(e: Env, op: Op) {
  const p = e.w.norm.get(op.name);
  if (!p) throw new Error(`forward pass: no parameters for ${op.name}`);
  return p;
}

/** One evaluation per op kind the graph can emit (a test checks this covers OP_KINDS). */
export const EVALUATIONS: { readonly [K in OpKind]: Eval } = {
  layernorm: (e, op) => layerNorm(input(e, op), norm(e, op).g, norm(e, op).b),
  rmsnorm: (e, op) => rmsNorm(input(e, op), norm(e, op).g),
  gemv: (e, op) => {
    const l = e.w.linear.get(op.name);
    if (!l) throw new Error(`forward pass: no weights for ${op.name}`);
    const y = tf.matMul(input(e, op), l.wT);
    return (l.b ? y.add(l.b) : y) as tf.Tensor2D;
  },
  rope: (e, op) => {
    if (op.kind !== 'rope') return null;
    const { m } = e;
    const hd = op.headDim, rotated = (m.heads + m.kvHeads) * hd;
    const x = input(e, op);
    const [qk, v] = tf.split(x, [rotated, m.kvWidth], 1);
    const heads = qk.reshape([m.heads + m.kvHeads, hd]);
    const [a, b] = tf.split(heads, 2, 1);
    const { cos, sin } = ropeTables(op.position, hd, op.theta);
    const rotateHalf = tf.concat([b.neg(), a], 1);
    const y = heads.mul(tf.tensor1d(cos)).add(rotateHalf.mul(tf.tensor1d(sin)));
    return tf.concat([y.reshape([1, rotated]), v], 1) as tf.Tensor2D;
  },
  'kv-write': (e, op) => {
    const { m } = e;
    const [, k, v] = tf.split(input(e, op), [m.attnWidth, m.kvWidth, m.kvWidth], 1);
    const c = e.old[op.layer];
    e.next[op.layer] = {
      k: tf.keep(tf.concat([c.k, k.reshape([m.kvHeads, 1, m.headDim]) as tf.Tensor3D], 1)),
      v: tf.keep(tf.concat([c.v, v.reshape([m.kvHeads, 1, m.headDim]) as tf.Tensor3D], 1)),
    };
    return null;
  },
  'attn-score': (e, op) => {
    const { m } = e;
    const group = m.heads / m.kvHeads;
    const q = tf.slice(input(e, op), [0, 0], [1, m.attnWidth]).reshape([m.kvHeads, group, m.headDim]) as tf.Tensor3D;
    const scale = e.w.attentionScaleFolded ? 1 : 1 / Math.sqrt(m.headDim);
    // [kvHeads, group, positions]: query head h = g x group + j reads K/V head g.
    const s = tf.matMul(q, e.next[op.layer].k, false, true).mul(scale);
    return s.reshape([m.heads, -1]) as tf.Tensor2D;
  },
  softmax: (e, op) => tf.softmax(input(e, op)) as tf.Tensor2D,
  'attn-context': (e, op) => {
    const { m } = e;
    const p = input(e, op).reshape([m.kvHeads, m.heads / m.kvHeads, -1]) as tf.Tensor3D;
    return tf.matMul(p, e.next[op.layer].v).reshape([1, m.attnWidth]) as tf.Tensor2D;
  },
  residual: (e, op) => input(e, op, 0).add(input(e, op, 1)) as tf.Tensor2D,
  gelu: (e, op) => gelu(input(e, op)),
  swiglu: (e, op) => {
    const g = input(e, op, 0);
    return g.mul(tf.sigmoid(g)).mul(input(e, op, 1)) as tf.Tensor2D;
  },
};

/** A decoder holding its KV cache; step() runs the graph of the next position. */
export class ForwardPass {
  private caches: Cache[];
  position = 0;

  constructor(readonly weights: TensorWeights) {
    this.caches = this.emptyCaches();
  }

  private emptyCaches(): Cache[] {
    const m = this.weights.model;
    return Array.from({ length: m.layers }, () => ({ k: tf.zeros([m.kvHeads, 0, m.headDim]), v: tf.zeros([m.kvHeads, 0, m.headDim]) }));
  }

  /** Replace the cache with `context` positions of seeded uniform [-1, 1) K and V (host timing). */
  fillCache(context: number, seed: number): void {
    const m = this.weights.model;
    this.disposeCaches();
    this.caches = Array.from({ length: m.layers }, (_, i) => ({
      k: tf.randomUniform([m.kvHeads, context, m.headDim], -1, 1, 'float32', seed * 7919 + 2 * i) as tf.Tensor3D,
      v: tf.randomUniform([m.kvHeads, context, m.headDim], -1, 1, 'float32', seed * 7919 + 2 * i + 1) as tf.Tensor3D,
    }));
    this.position = context;
  }

  reset(): void {
    this.disposeCaches();
    this.caches = this.emptyCaches();
    this.position = 0;
  }

  private disposeCaches(): void {
    for (const c of this.caches) tf.dispose([c.k, c.v]);
  }

  /** Process `token` at the next position: its logits [vocab] (the caller disposes them). */
  stepTensor(token: number): tf.Tensor1D {
    const w = this.weights, m = w.model;
    const position = this.position;
    if (position >= m.context) throw new InputError(`position ${position} is beyond ${m.name}'s context of ${m.context}`);
    if (!Number.isInteger(token) || token < 0 || token >= m.vocab) throw new InputError(`token ${token} is outside the vocabulary (0..${m.vocab - 1})`);
    const ops = opsPerToken(m, { position });
    const old = this.caches;
    const { logits, caches } = tf.tidy(() => {
      // gather, not slice: the wasm backend's strided slice is ~100x slower.
      let x: tf.Tensor2D = w.wte
        ? (tf.gather(w.wte, [token]) as tf.Tensor2D)
        : (tf.gather(w.linear.get('final.lm-head')!.wT, [token], 1).reshape([1, m.dModel]) as tf.Tensor2D);
      if (w.wpe) x = x.add(tf.gather(w.wpe, [position]));
      const env: Env = { w, m, vectors: new Map([[EMBED, x]]), old, next: [...old] };
      let last: tf.Tensor2D = x;
      for (const op of ops) {
        const y = EVALUATIONS[op.kind](env, op);
        if (y) {
          env.vectors.set(op.name, y);
          last = y;
        }
      }
      return { logits: last.reshape([m.vocab]) as tf.Tensor1D, caches: env.next };
    });
    for (const c of old) tf.dispose([c.k, c.v]);
    this.caches = caches;
    this.position++;
    return logits;
  }

  step(token: number): Float32Array {
    const logits = this.stepTensor(token);
    const out = Float32Array.from(logits.dataSync() as Float32Array);
    logits.dispose();
    return out;
  }

  /** Dispose the cache (the weights belong to the caller). */
  dispose(): void {
    this.disposeCaches();
  }
}
