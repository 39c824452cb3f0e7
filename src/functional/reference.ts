/**
 * The float32 reference of functional runs: the graph's forward pass (forward.ts) on the same
 * weights as the PIM datapath, unrounded float32 and exact math, one token at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { opsPerToken } from '../model/decode.js';
import { weightShape } from '../model/block.js';
import { selectBackend, type HostBackend } from '../util/tfBackend.js';
import { disposeTensorWeights, ForwardPass, type TensorWeights } from './forward.js';
import { normParams, type GptWeights, type LayerRole } from './weights.js';

/** GptWeights as the forward pass's tensors, keyed by the graph's op names. */
export function tensorWeights(weights: GptWeights): TensorWeights {
  const m = weights.model;
  const linear = new Map<string, { wT: tf.Tensor2D; b?: tf.Tensor1D }>();
  const norm = new Map<string, { g: tf.Tensor1D; b?: tf.Tensor1D }>();
  for (const op of opsPerToken(m, { position: 0 })) {
    if (op.kind === 'gemv') {
      const { rows, cols } = weightShape(m, op.role);
      const w = op.role === 'lm-head' ? weights.lmHead : weights.layers[op.layer].w[op.role as LayerRole]!;
      linear.set(op.name, {
        wT: tf.tidy(() => tf.tensor2d(w, [rows, cols]).transpose()),
        ...(op.bias ? { b: tf.tensor1d(weights.layers[op.layer].b[op.role as LayerRole]!) } : {}),
      });
    } else if (op.kind === 'layernorm' || op.kind === 'rmsnorm') {
      const p = normParams(weights, op);
      norm.set(op.name, { g: tf.tensor1d(p.gain), ...(op.kind === 'layernorm' ? { b: tf.tensor1d(p.shift) } : {}) });
    }
  }
  return {
    model: m, linear, norm,
    wte: tf.tensor2d(weights.wte, [m.vocab, m.dModel]),
    wpe: m.position === 'learned' ? tf.tensor2d(weights.wpe, [m.context, m.dModel]) : null,
    attentionScaleFolded: weights.attentionScaleFolded,
  };
}

/** A reference decoder holding its weights and KV cache as tensors; call dispose() when done. */
export class ReferenceModel {
  private constructor(
    private readonly pass: ForwardPass,
    readonly backend: HostBackend,
  ) {}

  /** Build on the TensorFlow.js backend selectBackend picks (wasm, tfjs-node, cpu) unless one is given. */
  static async create(weights: GptWeights, backend?: HostBackend): Promise<ReferenceModel> {
    const chosen = await selectBackend(backend);
    return new ReferenceModel(new ForwardPass(tensorWeights(weights)), chosen.backend);
  }

  /** Forget the KV cache: the next step is position 0. */
  reset(): void {
    this.pass.reset();
  }

  /** Process `token` at the next position; returns its logits (vocab values). */
  step(token: number): Float32Array {
    return this.pass.step(token);
  }

  dispose(): void {
    this.pass.dispose();
    disposeTensorWeights(this.pass.weights);
  }
}
