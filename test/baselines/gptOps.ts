/**
 * A local op-list builder for the baseline tests, independent of src/model/decode.ts: per layer
 * ln1, qkv [3d x d], kv-write, attn-score, softmax, attn-context, attn-out [d x d], residual, ln2,
 * ffn-up [dFF x d], gelu, ffn-down [d x dFF], residual; then the final layernorm and the LM head.
 */
import type { GemvRole, Op, Precision } from '../../src/model/ops.js';

export interface Shape {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFF: number;
  readonly vocab: number;
}

export const GPT2_SMALL: Shape = { layers: 12, dModel: 768, heads: 12, dFF: 3072, vocab: 50257 };

export function gptOps(m: Shape, position: number, precision: Precision = 'bf16', kvPrecision: Precision = 'bf16'): Op[] {
  const d = m.dModel;
  const hd = d / m.heads;
  const context = position + 1;
  const ops: Op[] = [];
  const gemv = (layer: number, role: GemvRole, rows: number, cols: number, bias: boolean): Op => ({
    kind: 'gemv', name: `L${layer}.${role}`, layer, inputs: [], role, rows, cols, precision, gelu: false, bias,
  });
  const vec = (layer: number, kind: 'layernorm' | 'softmax' | 'gelu' | 'residual', name: string, elements: number, rows = 1): Op => ({
    kind, name: `L${layer}.${name}`, layer, inputs: [], elements, rows,
  });
  for (let l = 0; l < m.layers; l++) {
    ops.push(
      vec(l, 'layernorm', 'ln1', d),
      gemv(l, 'qkv', 3 * d, d, true),
      { kind: 'kv-write', name: `L${l}.kv-write`, layer: l, inputs: [], heads: m.heads, kvHeads: m.heads, headDim: hd, position, precision: kvPrecision },
      { kind: 'attn-score', name: `L${l}.attn-score`, layer: l, inputs: [], heads: m.heads, kvHeads: m.heads, headDim: hd, context, precision: kvPrecision },
      vec(l, 'softmax', 'softmax', m.heads * context, m.heads),
      { kind: 'attn-context', name: `L${l}.attn-context`, layer: l, inputs: [], heads: m.heads, kvHeads: m.heads, headDim: hd, context, precision: kvPrecision },
      gemv(l, 'attn-out', d, d, true),
      vec(l, 'residual', 'residual1', d),
      vec(l, 'layernorm', 'ln2', d),
      gemv(l, 'ffn-up', m.dFF, d, true),
      vec(l, 'gelu', 'gelu', m.dFF),
      gemv(l, 'ffn-down', d, m.dFF, true),
      vec(l, 'residual', 'residual2', d),
    );
  }
  ops.push(vec(-1, 'layernorm', 'ln', d), gemv(-1, 'lm-head', m.vocab, d, false));
  return ops;
}

/** Weight elements read per token: the four layer matrices and the LM head. */
export function weightElements(m: Shape): number {
  const d = m.dModel;
  return m.layers * (3 * d * d + d * d + 2 * d * m.dFF) + m.vocab * d;
}
