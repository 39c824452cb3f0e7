/**
 * One GPT decode step as an op list: the work done to process the token at `position`, in order.
 *
 * Representation choices (the mapper, baselines and energy model all rely on them):
 * - GELU is a separate 'gelu' VectorOp after the FFN-up GEMV (whose `gelu` flag is always false),
 *   because the ASIC, not the bank, computes it.
 * - Biases are flagged on each GEMV (`bias`), not separate ops; the LM head has none.
 * - The attention scale 1/sqrt(headDim) is folded into W_q and b_q offline, so it costs nothing.
 * - The embedding lookup (one row of the token and position tables, added) is not an op: it moves
 *   2 x dModel elements, and PIM-GPT does not list it.
 * - The KV cache uses the plan's `attention` precision; attn-score/attn-context read `position + 1`
 *   cached tokens, the current one included (written by this step's kv-write first).
 */
import { LayerOps, type Vec } from './block.js';
import type { Op } from './ops.js';
import { BF16_PLAN, type PrecisionPlan } from './precision.js';
import { checkPosition, type ModelSpec } from './spec.js';

export { summarizeOps, type OpSummary } from './summary.js';

export interface DecodeOptions {
  /** 0-based index of the token being processed; it attends to positions 0..position. */
  readonly position: number;
  readonly precision?: PrecisionPlan;
}

/** Pre-LN decoder block: attention then FFN, each with a residual. */
function decoderLayer(g: LayerOps, m: ModelSpec, x: Vec): Vec {
  const h = g.layernorm('ln1', x);
  const qkv = g.linear('qkv', 'qkv', h);
  const { q, k, v } = g.splitQkv(qkv);
  g.kvWrite('kv-write', k, v);
  const scores = g.attnScore('attn-score', q);
  const probs = g.softmax('softmax', scores);
  const context = g.attnContext('attn-context', probs);
  const attn = g.linear('attn-out', 'attn-out', context);
  const x1 = g.residual('residual1', x, attn);

  const h2 = g.layernorm('ln2', x1);
  const up = g.linear('ffn-up', 'ffn-up', h2);
  const act = g.gelu('gelu', up);
  const down = g.linear('ffn-down', 'ffn-down', act);
  return g.residual('residual2', x1, down);
}

/** The ops of one decode step, in execution order. */
export function opsPerToken(model: ModelSpec, options: DecodeOptions): Op[] {
  const { position } = options;
  const plan = options.precision ?? BF16_PLAN;
  checkPosition(model, position);
  const ops: Op[] = [];
  let x: Vec = { from: 'embedding', length: model.dModel };
  for (let layer = 0; layer < model.layers; layer++) {
    x = decoderLayer(new LayerOps(ops, model, plan, position, layer), model, x);
  }
  const final = new LayerOps(ops, model, plan, position, -1);
  const logits = final.linear('lm-head', 'lm-head', final.layernorm('ln', x));
  if (logits.length !== model.vocab) throw new Error(`shape error: logits have ${logits.length} entries, vocab is ${model.vocab}`);
  return ops;
}
