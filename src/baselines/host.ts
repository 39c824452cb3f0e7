/**
 * A measured host-CPU baseline: the graph's float32 forward pass (functional/forward.ts, the one
 * the functional reference runs) per token, with TensorFlow.js on seeded random weights of the
 * model's shapes, any family (GPT, LLaMA). Greedy decoding feeds each token's argmax back in, so
 * every token waits for the previous one, as real decode does.
 *
 * Backend: util/tfBackend.ts (wasm, then tfjs-node if installed, else cpu). The result says which ran.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../util/errors.js';
import { opsPerToken } from '../model/decode.js';
import type { ModelSpec } from '../model/spec.js';
import { selectBackend, type HostBackend } from '../util/tfBackend.js';
import { disposeTensorWeights, ForwardPass, tensorParameterCount, type TensorWeights } from '../functional/forward.js';

export type { HostBackend } from '../util/tfBackend.js';

export interface HostOptions {
  /** Tokens to time after one warm-up token. */
  readonly tokens: number;
  /** Positions already in the KV cache when timing starts. */
  readonly context: number;
  readonly seed: number;
  /** Force a backend instead of wasm -> tfjs-node -> cpu. */
  readonly backend?: HostBackend;
}

export interface HostResult {
  readonly msPerToken: number;
  readonly totalMs: number;
  readonly warmupMs: number;
  readonly backend: HostBackend;
  readonly threads: number;
  readonly tokens: number;
  /** KV-cache length at the first timed token; it grows by one per token. */
  readonly contextStart: number;
  readonly parameters: number;
  readonly weightBytes: number;
  /** Backends tried before the one that ran, with the reason each was skipped. */
  readonly skipped: readonly string[];
  readonly method: string;
}

function positiveInt(v: number, field: string, allowZero = false): number {
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new InputError(`${field}: expected an integer ${allowZero ? '>= 0' : '>= 1'}, got ${v}`);
  }
  return v;
}

/**
 * Seeded uniform weights for every parameter the graph names: matrices in [-1/sqrt(fan-in),
 * 1/sqrt(fan-in)) (keeps activations finite), biases 0, norm gains 1 and shifts 0. A tied
 * embedding is the LM head's [dModel x vocab] matrix, gathered by column (the wasm backend is
 * about 5x slower on a transposed operand, so the head stays a plain GEMV).
 */
function randomTensorWeights(m: ModelSpec, positions: number, seed: number): TensorWeights {
  let n = 0;
  const rand = (rows: number, cols: number): tf.Tensor2D => {
    const s = 1 / Math.sqrt(rows);
    return tf.randomUniform([rows, cols], -s, s, 'float32', seed * 1009 + ++n) as tf.Tensor2D;
  };
  const linear = new Map<string, { wT: tf.Tensor2D; b?: tf.Tensor1D }>();
  const norm = new Map<string, { g: tf.Tensor1D; b?: tf.Tensor1D }>();
  for (const op of opsPerToken(m, { position: 0 })) {
    if (op.kind === 'gemv') linear.set(op.name, { wT: rand(op.cols, op.rows), ...(op.bias ? { b: tf.zeros([op.rows]) as tf.Tensor1D } : {}) });
    else if (op.kind === 'layernorm' || op.kind === 'rmsnorm') {
      norm.set(op.name, { g: tf.ones([op.elements]) as tf.Tensor1D, ...(op.kind === 'layernorm' ? { b: tf.zeros([op.elements]) as tf.Tensor1D } : {}) });
    }
  }
  const wte = m.tiedEmbeddings ? null : rand(m.vocab, m.dModel);
  const wpe = m.position === 'learned' ? rand(positions, m.dModel) : null;
  return { model: m, linear, norm, wte, wpe, attentionScaleFolded: false };
}

/** Run `1 + tokens` greedy decode steps on random weights and time the last `tokens` of them. */
export async function measureHostDecode(model: ModelSpec, opts: HostOptions): Promise<HostResult> {
  const tokens = positiveInt(opts.tokens, 'tokens');
  const context = positiveInt(opts.context, 'context', true);
  if (!Number.isFinite(opts.seed)) throw new InputError(`seed: expected a number, got ${opts.seed}`);
  const { backend, threads, skipped } = await selectBackend(opts.backend);

  const positions = context + tokens + 1;
  if (positions > model.context) throw new InputError(`context: ${context} cached + ${tokens + 1} timed positions exceed ${model.name}'s context of ${model.context}`);
  const weights = randomTensorWeights(model, positions, opts.seed);
  const pass = new ForwardPass(weights);
  try {
    let token = Math.abs(Math.floor(opts.seed)) % model.vocab;
    const argmax = async (logits: tf.Tensor1D): Promise<number> => {
      const next = tf.argMax(logits);
      const t = (await next.data())[0];
      tf.dispose([logits, next]);
      return t;
    };
    // Warm-up: compiles kernels and allocates; its cache update is thrown away.
    pass.fillCache(context, opts.seed);
    let t0 = performance.now();
    await argmax(pass.stepTensor(token));
    const warmupMs = performance.now() - t0;
    pass.fillCache(context, opts.seed);

    t0 = performance.now();
    for (let t = 0; t < tokens; t++) token = await argmax(pass.stepTensor(token));
    const totalMs = performance.now() - t0;
    const parameters = tensorParameterCount(weights);
    return {
      msPerToken: totalMs / tokens,
      totalMs,
      warmupMs,
      backend,
      threads,
      tokens,
      contextStart: context,
      parameters,
      weightBytes: parameters * 4,
      skipped,
      method: `Measured: TensorFlow.js ${tf.version.tfjs} "${backend}" backend (${threads} thread${threads === 1 ? '' : 's'}), FP32, seeded random weights, the decode graph of ${model.name} (${model.norm}, ${model.mlp}, ${model.position} positions, ${model.kvHeads}/${model.heads} K/V heads), greedy decode of ${tokens} tokens after 1 warm-up token, KV cache starting at ${context} positions; wall-clock time per token including the host sync on each token's argmax.`,
    };
  } finally {
    pass.dispose();
    disposeTensorWeights(weights);
  }
}

