/**
 * A deliberately plain GPT-2 decode in float64 loops, independent of TensorFlow.js, to check the
 * reference forward pass: pre-LN blocks, causal attention scaled by 1/sqrt(headDim), tanh GELU,
 * layernorm eps 1e-5, tied (or given) LM head. Slow; only for tiny models and a few tokens.
 */
import type { GptWeights } from '../../src/functional/weights.js';

function layerNorm(x: Float64Array, g: Float32Array, b: Float32Array): Float64Array {
  const n = x.length;
  const mean = x.reduce((a, v) => a + v, 0) / n;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * g[i] + b[i]);
}

/** y = W x + b with W row-major [rows x cols]. */
function linear(w: Float32Array, b: Float32Array | undefined, x: Float64Array, rows: number): Float64Array {
  const cols = x.length;
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = b ? b[i] : 0;
    for (let k = 0; k < cols; k++) s += w[i * cols + k] * x[k];
    y[i] = s;
  }
  return y;
}

const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

/** Logits for each position of `tokens`. */
export function forward64(w: GptWeights, tokens: readonly number[]): Float64Array[] {
  const m = w.model;
  const d = m.dModel, H = m.heads, hd = m.headDim, W = m.attnWidth;
  const scale = w.attentionScaleFolded ? 1 : 1 / Math.sqrt(hd);
  const keys: Float64Array[][] = w.layers.map(() => []), values: Float64Array[][] = w.layers.map(() => []);
  return tokens.map((token, p) => {
    let x = new Float64Array(d).map((_, k) => w.wte[token * d + k] + w.wpe[p * d + k]);
    w.layers.forEach((l, i) => {
      const qkv = linear(l.w.qkv!, l.b.qkv!, layerNorm(x, l.ln1Gain, l.ln1Bias), 3 * W);
      keys[i].push(qkv.slice(W, 2 * W));
      values[i].push(qkv.slice(2 * W));
      const ctx = new Float64Array(W);
      for (let h = 0; h < H; h++) {
        const s = keys[i].map((k) => {
          let dot = 0;
          for (let j = 0; j < hd; j++) dot += qkv[h * hd + j] * k[h * hd + j];
          return dot * scale;
        });
        const max = Math.max(...s);
        const e = s.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, v) => a + v, 0);
        values[i].forEach((v, t) => {
          for (let j = 0; j < hd; j++) ctx[h * hd + j] += (e[t] / sum) * v[h * hd + j];
        });
      }
      const attn = linear(l.w['attn-out']!, l.b['attn-out']!, ctx, d);
      const x1 = x.map((v, k) => v + attn[k]);
      const up = linear(l.w['ffn-up']!, l.b['ffn-up']!, layerNorm(x1, l.ln2Gain, l.ln2Bias), m.dFF).map(gelu);
      const down = linear(l.w['ffn-down']!, l.b['ffn-down']!, up, d);
      x = x1.map((v, k) => v + down[k]);
    });
    return linear(w.lmHead, undefined, layerNorm(x, w.lnFGain, w.lnFBias), m.vocab);
  });
}
