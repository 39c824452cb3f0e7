/**
 * A measured host-CPU baseline: one GPT decode step per token (embedding, per layer layernorm, QKV,
 * attention over a KV cache, output projection, GELU FFN, residuals; final layernorm and a tied LM
 * head), run with TensorFlow.js on seeded random weights of the model's shapes. Greedy decoding feeds
 * each token's argmax back in, so every token waits for the previous one, as real decode does.
 *
 * Backend: wasm first (WebAssembly, works offline from node_modules), then tfjs-node only if it is
 * already installed, else the pure-JS cpu backend. The result says which one ran. TensorFlow.js keeps
 * its active backend as global state; this leaves it set to the backend it used.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../util/errors.js';

export interface HostModelShape {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFF: number;
  readonly vocab: number;
}

export type HostBackend = 'wasm' | 'tensorflow' | 'cpu';

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

function checkShape(m: HostModelShape): void {
  for (const k of ['layers', 'dModel', 'heads', 'dFF', 'vocab'] as const) positiveInt(m[k], `model.${k}`);
  if (m.dModel % m.heads !== 0) throw new InputError(`model.heads: dModel ${m.dModel} is not divisible by heads ${m.heads}`);
}

async function tryWasm(): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // setWasmPaths throws once the backend is initialised, so only set it on first use.
  if (!tf.findBackend('wasm')) {
    const require = createRequire(import.meta.url);
    const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    // A plain directory path (trailing slash): the Node build reads the .wasm files from disk, no fetch.
    wasm.setWasmPaths(`${distDir}/`);
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
  return wasm.getThreadsCount();
}

async function tryTfjsNode(): Promise<number> {
  // A variable specifier: tfjs-node is optional and not a dependency, so TypeScript must not resolve it.
  const spec = '@tensorflow/tfjs-node';
  await import(spec);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") returned false');
  await tf.ready();
  // TensorFlow's intra-op pool defaults to one thread per core (assumed; tfjs-node does not report it).
  return availableParallelism();
}

export async function selectBackend(prefer?: HostBackend): Promise<{ backend: HostBackend; threads: number; skipped: string[] }> {
  const skipped: string[] = [];
  const order: HostBackend[] = prefer ? [prefer] : ['wasm', 'tensorflow', 'cpu'];
  for (const b of order) {
    try {
      if (b === 'wasm') return { backend: b, threads: await tryWasm(), skipped };
      if (b === 'tensorflow') return { backend: b, threads: await tryTfjsNode(), skipped };
      if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
      await tf.ready();
      return { backend: b, threads: 1, skipped };
    } catch (e) {
      skipped.push(`${b}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new InputError(`no TensorFlow.js backend could run the host baseline (${skipped.join('; ')})`);
}

interface LayerWeights {
  ln1g: tf.Tensor1D; ln1b: tf.Tensor1D; wqkv: tf.Tensor2D; bqkv: tf.Tensor1D; wo: tf.Tensor2D; bo: tf.Tensor1D;
  ln2g: tf.Tensor1D; ln2b: tf.Tensor1D; w1: tf.Tensor2D; b1: tf.Tensor1D; w2: tf.Tensor2D; b2: tf.Tensor1D;
}
interface Weights {
  wte: tf.Tensor2D; wpe: tf.Tensor2D; layers: LayerWeights[]; lnfg: tf.Tensor1D; lnfb: tf.Tensor1D;
}

function makeWeights(m: HostModelShape, positions: number, seed: number): Weights {
  let n = 0;
  // Distinct, reproducible seeds per tensor; scale 1/sqrt(fan-in) keeps activations finite.
  const rand = (rows: number, cols: number): tf.Tensor2D => {
    const s = 1 / Math.sqrt(rows);
    return tf.randomUniform([rows, cols], -s, s, 'float32', seed * 1009 + ++n) as tf.Tensor2D;
  };
  const { dModel: d, dFF: f } = m;
  const layers = Array.from({ length: m.layers }, () => ({
    ln1g: tf.ones([d]) as tf.Tensor1D, ln1b: tf.zeros([d]) as tf.Tensor1D,
    wqkv: rand(d, 3 * d), bqkv: tf.zeros([3 * d]) as tf.Tensor1D,
    wo: rand(d, d), bo: tf.zeros([d]) as tf.Tensor1D,
    ln2g: tf.ones([d]) as tf.Tensor1D, ln2b: tf.zeros([d]) as tf.Tensor1D,
    w1: rand(d, f), b1: tf.zeros([f]) as tf.Tensor1D,
    w2: rand(f, d), b2: tf.zeros([d]) as tf.Tensor1D,
  }));
  // The tied token embedding is stored [dModel x vocab], the LM head's layout: the head is then a
  // plain GEMV (the wasm backend is about 5x slower on a transposed operand) and the lookup gathers a column.
  return { wte: rand(d, m.vocab), wpe: rand(positions, d), layers, lnfg: tf.ones([d]) as tf.Tensor1D, lnfb: tf.zeros([d]) as tf.Tensor1D };
}

function allTensors(w: Weights): tf.Tensor[] {
  return [w.wte, w.wpe, w.lnfg, w.lnfb, ...w.layers.flatMap((l) => Object.values(l) as tf.Tensor[])];
}

function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b);
}

/** GPT-2's tanh GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(inner.tanh().add(1)).mul(0.5);
}

// A type alias, not an interface, so tf.tidy accepts it as a TensorContainer. [heads, positions, headDim]
type Cache = { k: tf.Tensor3D; v: tf.Tensor3D };

/** One decode step: returns the next token and the KV caches with this token appended. */
function decodeStep(w: Weights, m: HostModelShape, token: number, position: number, caches: Cache[]): { next: tf.Tensor; caches: Cache[] } {
  return tf.tidy(() => {
    const d = m.dModel;
    const hd = d / m.heads;
    // gather on axis 1, not slice: the wasm backend's strided slice is ~100x slower.
    let x = tf.gather(w.wte, [token], 1).reshape([1, d]).add(tf.gather(w.wpe, [position])) as tf.Tensor2D;
    const out: Cache[] = [];
    w.layers.forEach((l, i) => {
      const h = layerNorm(x, l.ln1g, l.ln1b);
      const qkv = tf.matMul(h, l.wqkv).add(l.bqkv) as tf.Tensor2D;
      const [q, k, v] = tf.split(qkv, 3, 1).map((t) => t.reshape([m.heads, 1, hd]) as tf.Tensor3D);
      const kc = tf.concat([caches[i].k, k], 1);
      const vc = tf.concat([caches[i].v, v], 1);
      out.push({ k: tf.keep(kc), v: tf.keep(vc) });
      const scores = tf.matMul(q, kc, false, true).div(Math.sqrt(hd)); // [heads, 1, positions]
      const ctx = tf.matMul(tf.softmax(scores), vc).reshape([1, d]) as tf.Tensor2D;
      x = x.add(tf.matMul(ctx, l.wo).add(l.bo));
      const u = gelu(tf.matMul(layerNorm(x, l.ln2g, l.ln2b), l.w1).add(l.b1) as tf.Tensor2D);
      x = x.add(tf.matMul(u, l.w2).add(l.b2));
    });
    const logits = tf.matMul(layerNorm(x, w.lnfg, w.lnfb), w.wte); // tied LM head [1, vocab]
    return { next: tf.argMax(logits, 1), caches: out };
  });
}

function disposeCaches(cs: Cache[]): void {
  for (const c of cs) tf.dispose([c.k, c.v]);
}

/** Run `1 + tokens` greedy decode steps on random weights and time the last `tokens` of them. */
export async function measureHostDecode(model: HostModelShape, opts: HostOptions): Promise<HostResult> {
  checkShape(model);
  const tokens = positiveInt(opts.tokens, 'tokens');
  const context = positiveInt(opts.context, 'context', true);
  if (!Number.isFinite(opts.seed)) throw new InputError(`seed: expected a number, got ${opts.seed}`);
  const { backend, threads, skipped } = await selectBackend(opts.backend);

  const hd = model.dModel / model.heads;
  const positions = context + tokens + 1;
  const weights = makeWeights(model, positions, opts.seed);
  let caches: Cache[] = weights.layers.map((_, i) => ({
    k: tf.randomUniform([model.heads, context, hd], -1, 1, 'float32', opts.seed * 7919 + 2 * i) as tf.Tensor3D,
    v: tf.randomUniform([model.heads, context, hd], -1, 1, 'float32', opts.seed * 7919 + 2 * i + 1) as tf.Tensor3D,
  }));
  try {
    let token = Math.abs(Math.floor(opts.seed)) % model.vocab;
    // Warm-up: compiles kernels and allocates; its cache update is thrown away.
    let t0 = performance.now();
    const warm = decodeStep(weights, model, token, context, caches);
    await warm.next.data();
    disposeCaches(warm.caches);
    warm.next.dispose();
    const warmupMs = performance.now() - t0;

    t0 = performance.now();
    for (let t = 0; t < tokens; t++) {
      const step = decodeStep(weights, model, token, context + t, caches);
      token = (await step.next.data())[0];
      step.next.dispose();
      disposeCaches(caches);
      caches = step.caches;
    }
    const totalMs = performance.now() - t0;
    const parameters = allTensors(weights).reduce((s, x) => s + x.size, 0);
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
      method: `Measured: TensorFlow.js ${tf.version.tfjs} "${backend}" backend (${threads} thread${threads === 1 ? '' : 's'}), FP32, seeded random weights, greedy decode of ${tokens} tokens after 1 warm-up token, KV cache starting at ${context} positions; wall-clock time per token including the host sync on each token's argmax.`,
    };
  } finally {
    disposeCaches(caches);
    tf.dispose(allTensors(weights));
  }
}

