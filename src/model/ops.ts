/**
 * The workload graph: the operations of one decoder step, as shaped data with their data flow
 * (`inputs` name the ops whose outputs an op reads). Every consumer lowers this one list: the PIM
 * mapping (mapping/token.ts), the ASIC op counts and energy (via the mapped program), the float32
 * TensorFlow.js forward pass (functional/forward.ts), and the GPU/CPU baselines (baselines/opcost.ts),
 * so every comparison is on the same work. `OP_KINDS` lists every kind the graph can emit; a test
 * checks that each consumer lowers each of them.
 */

import { WEIGHT_BITS, type Precision } from '../spec/formats.js';
// The format vocabulary is spec data; re-exported because every op names its format.
export { PRECISIONS, WEIGHT_BITS, type Precision } from '../spec/formats.js';

/** Which linear layer a GEMV is; studies use it for per-layer precision overrides. */
export type GemvRole = 'qkv' | 'attn-out' | 'ffn-gate' | 'ffn-up' | 'ffn-down' | 'lm-head';

/** The input of layer 0: the token's embedding (plus its learned position embedding). */
export const EMBED = 'embed';

interface OpBase {
  /** Unique within a step, e.g. "L3.qkv"; also the name of the vector the op produces. */
  readonly name: string;
  /** Decoder layer index; -1 for the final norm and the LM head. */
  readonly layer: number;
  /** Names of the ops (or EMBED) whose outputs this op reads, in operand order. */
  readonly inputs: readonly string[];
}

/** y[rows] = W[rows x cols] . x[cols] with a stored weight matrix. */
export interface GemvOp extends OpBase {
  readonly kind: 'gemv';
  readonly role: GemvRole;
  readonly rows: number;
  readonly cols: number;
  readonly precision: Precision;
  /** Applies GELU to the output (never set by the graph: GELU is its own op). */
  readonly gelu: boolean;
  readonly bias: boolean;
}

/**
 * Per query head: scores[context] = K[context x headDim] . q[headDim] (K stored row-major). Query
 * head h reads K/V head floor(h / (heads / kvHeads)). Input: the QKV vector (q first), after RoPE.
 */
export interface AttnScoreOp extends OpBase {
  readonly kind: 'attn-score';
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Tokens in the KV cache, including the current one. */
  readonly context: number;
  readonly precision: Precision;
}

/** Per head: out[headDim] = V^T[headDim x context] . p[context] (V stored column-major). */
export interface AttnContextOp extends OpBase {
  readonly kind: 'attn-context';
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly context: number;
  readonly precision: Precision;
}

/** Append the current token's K and V (kvHeads x headDim each) to the cache. */
export interface KvWriteOp extends OpBase {
  readonly kind: 'kv-write';
  /** Query heads (for reference); the cache holds kvHeads heads. */
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Position written (0-based). */
  readonly position: number;
  readonly precision: Precision;
}

/**
 * Element-wise or reduction work done by the ASIC (host side in baselines). layernorm/rmsnorm:
 * one row, gain (and shift) read by name; gelu: GELU(x); swiglu: SiLU(inputs[0]) x inputs[1]
 * (gate, up); residual: inputs[0] + inputs[1]; softmax: one row per head.
 */
export interface VectorOp extends OpBase {
  readonly kind: 'layernorm' | 'rmsnorm' | 'softmax' | 'gelu' | 'swiglu' | 'residual';
  /** Elements processed. */
  readonly elements: number;
  /** Independent rows (softmax: one per head). */
  readonly rows: number;
}

/**
 * Rotary position embedding of this token's q and k in place (v passes through): rows = heads +
 * kvHeads head vectors of headDim, each pair (i, i + headDim/2) rotated by position x
 * theta^(-2i/headDim) (the Hugging Face "rotate_half" convention).
 */
export interface RopeOp extends OpBase {
  readonly kind: 'rope';
  /** (heads + kvHeads) x headDim: the elements rotated. */
  readonly elements: number;
  readonly rows: number;
  readonly headDim: number;
  readonly position: number;
  readonly theta: number;
}

export type Op = GemvOp | AttnScoreOp | AttnContextOp | KvWriteOp | VectorOp | RopeOp;
export type OpKind = Op['kind'];
/** Work for the ASIC: the element-wise kinds. */
export type AsicVectorKind = VectorOp['kind'] | 'rope';

/** Every op kind the graph can emit (a test checks each consumer lowers each of them). */
export const OP_KINDS = ['gemv', 'attn-score', 'attn-context', 'kv-write', 'layernorm', 'rmsnorm', 'softmax', 'gelu', 'swiglu', 'residual', 'rope'] as const satisfies readonly OpKind[];
type MissingKind = Exclude<OpKind, (typeof OP_KINDS)[number]>;
const _everyKindListed: [MissingKind] extends [never] ? true : never = true;
void _everyKindListed;

/** Bytes a KV-cache element or a weight occupies in storage at this precision. */
export function storageBytes(count: number, precision: Precision): number {
  return (count * WEIGHT_BITS[precision]) / 8;
}
