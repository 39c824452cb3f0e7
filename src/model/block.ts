/**
 * Shaped operators for writing a decoder step so it reads like the model (STYLE item 8).
 * Each operator takes the vectors it consumes, checks their lengths against the model, appends
 * one Op (with its inputs) and returns the vector it produces. A length mismatch is a bug in the
 * block, not bad user input, so it throws a plain Error.
 */
import type { ModelSpec } from './spec.js';
import type { GemvRole, Op, Precision } from './ops.js';
import { precisionFor, type PrecisionPlan } from './precision.js';

/** A vector flowing through the block: the op that made it and its length. */
export interface Vec {
  readonly from: string;
  readonly length: number;
}

/**
 * The weight matrix of each linear layer as [rows, cols] (rows = outputs). The fused QKV matrix
 * has rows [q; k; v]: attnWidth query rows, then kvWidth rows each for K and V.
 */
export function weightShape(m: ModelSpec, role: GemvRole): { rows: number; cols: number } {
  switch (role) {
    case 'qkv':
      return { rows: m.attnWidth + 2 * m.kvWidth, cols: m.dModel };
    case 'attn-out':
      return { rows: m.dModel, cols: m.attnWidth };
    case 'ffn-gate':
    case 'ffn-up':
      return { rows: m.dFF, cols: m.dModel };
    case 'ffn-down':
      return { rows: m.dModel, cols: m.dFF };
    case 'lm-head':
      return { rows: m.vocab, cols: m.dModel };
  }
}

/** The linear layers of one decoder layer, in the order the graph runs them. */
export function layerRoles(m: ModelSpec): Exclude<GemvRole, 'lm-head'>[] {
  return m.mlp === 'swiglu' ? ['qkv', 'attn-out', 'ffn-gate', 'ffn-up', 'ffn-down'] : ['qkv', 'attn-out', 'ffn-up', 'ffn-down'];
}

function expectLength(v: Vec, length: number, op: string, what: string): void {
  if (v.length !== length) {
    throw new Error(`shape error in ${op}: ${what} should have ${length} elements, got ${v.length} (from ${v.from})`);
  }
}

/** Operators for one decoder layer (or the final part, layer -1), appending to a shared op list. */
export class LayerOps {
  constructor(
    private readonly sink: Op[],
    private readonly model: ModelSpec,
    private readonly plan: PrecisionPlan,
    /** Tokens already in the KV cache before this one (0-based position of this token). */
    private readonly position: number,
    readonly layer: number,
  ) {}

  private get prefix(): string {
    return this.layer < 0 ? 'final' : `L${this.layer}`;
  }

  private get kvPrecision(): Precision {
    return precisionFor(this.plan, 'attention');
  }

  /** Tokens attended to, the current one included. */
  private get context(): number {
    return this.position + 1;
  }

  private name(op: string): string {
    return `${this.prefix}.${op}`;
  }

  /** The model's norm (layernorm or RMSNorm) over the residual stream. */
  norm(op: string, x: Vec): Vec {
    const name = this.name(op);
    expectLength(x, this.model.dModel, name, 'input');
    this.sink.push({ kind: this.model.norm, name, layer: this.layer, inputs: [x.from], elements: x.length, rows: 1 });
    return { from: name, length: x.length };
  }

  /** y = W x (+ b) with the role's weight matrix (see weightShape). The LM head has no bias. */
  linear(op: string, role: GemvRole, x: Vec): Vec {
    const name = this.name(op);
    const { rows, cols } = weightShape(this.model, role);
    expectLength(x, cols, name, 'input');
    const bias = role !== 'lm-head' && this.model.bias;
    this.sink.push({ kind: 'gemv', name, layer: this.layer, inputs: [x.from], role, rows, cols, precision: precisionFor(this.plan, role), gelu: false, bias });
    return { from: name, length: rows };
  }

  /** Rotary embedding of q and k inside the QKV vector (same layout out; v untouched). */
  rope(op: string, qkv: Vec): Vec {
    const name = this.name(op);
    const m = this.model;
    expectLength(qkv, m.attnWidth + 2 * m.kvWidth, name, 'QKV');
    this.sink.push({
      kind: 'rope', name, layer: this.layer, inputs: [qkv.from], elements: m.attnWidth + m.kvWidth, rows: m.heads + m.kvHeads,
      headDim: m.headDim, position: this.position, theta: m.ropeTheta,
    });
    return { from: name, length: qkv.length };
  }

  /** Append this token's K and V (parts of the QKV vector) to the cache. */
  kvWrite(op: string, qkv: Vec): void {
    const name = this.name(op);
    const { heads, kvHeads, headDim, attnWidth, kvWidth } = this.model;
    expectLength(qkv, attnWidth + 2 * kvWidth, name, 'QKV');
    this.sink.push({ kind: 'kv-write', name, layer: this.layer, inputs: [qkv.from], heads, kvHeads, headDim, position: this.position, precision: this.kvPrecision });
  }

  /** Per query head: scores = K q over the cached tokens. Scaling by 1/sqrt(headDim) is folded into W_q. */
  attnScore(op: string, qkv: Vec): Vec {
    const name = this.name(op);
    const { heads, kvHeads, headDim, attnWidth, kvWidth } = this.model;
    expectLength(qkv, attnWidth + 2 * kvWidth, name, 'QKV');
    this.sink.push({ kind: 'attn-score', name, layer: this.layer, inputs: [qkv.from], heads, kvHeads, headDim, context: this.context, precision: this.kvPrecision });
    return { from: name, length: heads * this.context };
  }

  /** Softmax over each head's scores (one row per head). */
  softmax(op: string, scores: Vec): Vec {
    const name = this.name(op);
    const { heads } = this.model;
    expectLength(scores, heads * this.context, name, 'scores');
    this.sink.push({ kind: 'softmax', name, layer: this.layer, inputs: [scores.from], elements: scores.length, rows: heads });
    return { from: name, length: scores.length };
  }

  /** Per query head: out = V^T p over its K/V head; the heads concatenate into one attnWidth vector. */
  attnContext(op: string, probs: Vec): Vec {
    const name = this.name(op);
    const { heads, kvHeads, headDim, attnWidth } = this.model;
    expectLength(probs, heads * this.context, name, 'probabilities');
    this.sink.push({ kind: 'attn-context', name, layer: this.layer, inputs: [probs.from], heads, kvHeads, headDim, context: this.context, precision: this.kvPrecision });
    return { from: name, length: attnWidth };
  }

  residual(op: string, x: Vec, y: Vec): Vec {
    const name = this.name(op);
    expectLength(x, this.model.dModel, name, 'residual stream');
    expectLength(y, this.model.dModel, name, 'branch output');
    this.sink.push({ kind: 'residual', name, layer: this.layer, inputs: [x.from, y.from], elements: x.length, rows: 1 });
    return { from: name, length: x.length };
  }

  gelu(op: string, x: Vec): Vec {
    const name = this.name(op);
    expectLength(x, this.model.dFF, name, 'FFN hidden');
    this.sink.push({ kind: 'gelu', name, layer: this.layer, inputs: [x.from], elements: x.length, rows: 1 });
    return { from: name, length: x.length };
  }

  /** SiLU(gate) x up, element-wise. */
  swiglu(op: string, gate: Vec, up: Vec): Vec {
    const name = this.name(op);
    expectLength(gate, this.model.dFF, name, 'gate');
    expectLength(up, this.model.dFF, name, 'up');
    this.sink.push({ kind: 'swiglu', name, layer: this.layer, inputs: [gate.from, up.from], elements: gate.length, rows: 1 });
    return { from: name, length: gate.length };
  }
}
