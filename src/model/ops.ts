/**
 * The operations of one GPT decode step, as shaped data. The mapper (PIM), the baselines (GPU/CPU)
 * and the energy model all consume the same list, so every comparison is on the same work.
 */

import { WEIGHT_BITS, type Precision } from '../spec/formats.js';
// The format vocabulary is spec data; re-exported because every op names its format.
export { PRECISIONS, WEIGHT_BITS, type Precision } from '../spec/formats.js';

/** Which linear layer a GEMV is; studies use it for per-layer precision overrides. */
export type GemvRole = 'qkv' | 'attn-out' | 'ffn-up' | 'ffn-down' | 'lm-head';

interface OpBase {
  /** Unique within a step, e.g. "L3.qkv". */
  readonly name: string;
  /** Decoder layer index; -1 for the final layernorm and the LM head. */
  readonly layer: number;
}

/** y[rows] = W[rows x cols] . x[cols] with a stored weight matrix. */
export interface GemvOp extends OpBase {
  readonly kind: 'gemv';
  readonly role: GemvRole;
  readonly rows: number;
  readonly cols: number;
  readonly precision: Precision;
  /** Applies GELU to the output (FFN up). */
  readonly gelu: boolean;
  readonly bias: boolean;
}

/** Per head: scores[context] = K[context x headDim] . q[headDim] (K stored row-major). */
export interface AttnScoreOp extends OpBase {
  readonly kind: 'attn-score';
  readonly heads: number;
  readonly headDim: number;
  /** Tokens in the KV cache, including the current one. */
  readonly context: number;
  readonly precision: Precision;
}

/** Per head: out[headDim] = V^T[headDim x context] . p[context] (V stored column-major). */
export interface AttnContextOp extends OpBase {
  readonly kind: 'attn-context';
  readonly heads: number;
  readonly headDim: number;
  readonly context: number;
  readonly precision: Precision;
}

/** Append the current token's K and V (heads x headDim each) to the cache. */
export interface KvWriteOp extends OpBase {
  readonly kind: 'kv-write';
  readonly heads: number;
  readonly headDim: number;
  /** Position written (0-based). */
  readonly position: number;
  readonly precision: Precision;
}

/** Element-wise or reduction work done by the ASIC (host side in baselines). */
export interface VectorOp extends OpBase {
  readonly kind: 'layernorm' | 'softmax' | 'gelu' | 'residual';
  /** Elements processed. */
  readonly elements: number;
  /** Independent rows (softmax: one per head). */
  readonly rows: number;
}

export type Op = GemvOp | AttnScoreOp | AttnContextOp | KvWriteOp | VectorOp;

/** Bytes a KV-cache element or a weight occupies in storage at this precision. */
export function storageBytes(count: number, precision: Precision): number {
  return (count * WEIGHT_BITS[precision]) / 8;
}
