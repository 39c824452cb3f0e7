/**
 * One decoder step as an op list (the workload graph): the work done to process the token at
 * `position`, in order, for any model of the family (GPT: layernorm, learned positions, GELU MLP,
 * biases; LLaMA: RMSNorm, RoPE, SwiGLU MLP, grouped-query attention, no biases).
 *
 * Representation choices (every consumer relies on them):
 * - GELU and SwiGLU are separate vector ops after the FFN GEMVs (GEMV `gelu` flags stay false),
 *   because the ASIC, not the bank, computes them.
 * - Biases are flagged on each GEMV (`bias`), not separate ops; the LM head has none.
 * - The attention scale 1/sqrt(headDim) is folded into W_q and b_q offline, so it costs nothing.
 * - The embedding lookup (one row of the token table, plus one of the position table with learned
 *   positions) is not an op: it moves one or two dModel vectors, and PIM-GPT does not list it.
 * - RoPE rotates q and k inside the QKV vector before the KV write and the scores.
 * - The KV cache uses the plan's `attention` precision; attn-score/attn-context read `position + 1`
 *   cached tokens, the current one included (written by this step's kv-write first). With
 *   kvHeads < heads, each K/V head is stored once and serves heads / kvHeads query heads.
 */
import { LayerOps, type Vec } from './block.js';
import { EMBED, type Op } from './ops.js';
import { BF16_PLAN, type PrecisionPlan } from './precision.js';
import { checkPosition, type ModelSpec } from './spec.js';

export { summarizeOps, type OpSummary } from './summary.js';

export interface DecodeOptions {
  /** 0-based index of the token being processed; it attends to positions 0..position. */
  readonly position: number;
  readonly precision?: PrecisionPlan;
}

/** Pre-norm decoder block: attention then MLP, each with a residual. */
function decoderLayer(g: LayerOps, m: ModelSpec, x: Vec): Vec {
  const h = g.norm('ln1', x);
  let qkv = g.linear('qkv', 'qkv', h);
  if (m.position === 'rope') qkv = g.rope('rope', qkv);
  g.kvWrite('kv-write', qkv);
  const scores = g.attnScore('attn-score', qkv);
  const probs = g.softmax('softmax', scores);
  const context = g.attnContext('attn-context', probs);
  const attn = g.linear('attn-out', 'attn-out', context);
  const x1 = g.residual('residual1', x, attn);

  const h2 = g.norm('ln2', x1);
  let act: Vec;
  if (m.mlp === 'swiglu') {
    const gate = g.linear('ffn-gate', 'ffn-gate', h2);
    const up = g.linear('ffn-up', 'ffn-up', h2);
    act = g.swiglu('swiglu', gate, up);
  } else act = g.gelu('gelu', g.linear('ffn-up', 'ffn-up', h2));
  const down = g.linear('ffn-down', 'ffn-down', act);
  return g.residual('residual2', x1, down);
}

/** The ops of one decode step, in execution order. */
export function opsPerToken(model: ModelSpec, options: DecodeOptions): Op[] {
  const { position } = options;
  const plan = options.precision ?? BF16_PLAN;
  checkPosition(model, position);
  const ops: Op[] = [];
  let x: Vec = { from: EMBED, length: model.dModel };
  for (let layer = 0; layer < model.layers; layer++) {
    x = decoderLayer(new LayerOps(ops, model, plan, position, layer), model, x);
  }
  const final = new LayerOps(ops, model, plan, position, -1);
  const logits = final.linear('lm-head', 'lm-head', final.norm('ln', x));
  if (logits.length !== model.vocab) throw new Error(`shape error: logits have ${logits.length} entries, vocab is ${model.vocab}`);
  return ops;
}
