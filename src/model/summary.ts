/**
 * Totals over an op list: bytes moved, arithmetic and ASIC element counts. The GPU/CPU baselines
 * turn these into roofline times; reports print them beside the simulated results.
 */
import { storageBytes, type AsicVectorKind, type GemvRole, type Op } from './ops.js';

/**
 * Biases and layernorm gain/shift stay in full precision ([QUANT]); pimsim stores them as bf16,
 * 2 bytes each, whatever the weights' precision.
 */
export const PARAM_BYTES = 2;

export type AsicKind = AsicVectorKind;

export interface OpSummary {
  readonly ops: number;
  readonly gemvs: number;
  /** Weight-matrix elements read (every GEMV reads its whole matrix once). */
  readonly weightElements: number;
  /** Weight bytes at each GEMV's precision. */
  readonly weightBytes: number;
  readonly weightBytesByRole: Readonly<Record<GemvRole, number>>;
  /** Bias vectors read, bf16. */
  readonly biasBytes: number;
  /** Norm gains (and layernorm shifts) read, bf16. */
  readonly normBytes: number;
  /**
   * K and V elements read by attn-score and attn-context, at the KV precision: each K/V head once
   * per token (its query-head group shares the read, as a GPU kernel does).
   */
  readonly kvReadBytes: number;
  /** K and V written for the current token. */
  readonly kvWriteBytes: number;
  /** weightBytes + biasBytes + normBytes + kvReadBytes: the parameter/cache traffic of one step. */
  readonly bytesRead: number;
  /** Multiply-accumulates in GEMVs and attention matmuls. */
  readonly macs: number;
  readonly gemvMacs: number;
  readonly attentionMacs: number;
  /** 2 x macs plus bias adds; the ASIC's element-wise work is counted in asicElements instead. */
  readonly flops: number;
  /** Elements each ASIC op kind processes. */
  readonly asicElements: Readonly<Record<AsicKind, number>>;
  readonly asicElementsTotal: number;
}

export function summarizeOps(ops: readonly Op[]): OpSummary {
  const weightBytesByRole: Record<GemvRole, number> = { qkv: 0, 'attn-out': 0, 'ffn-gate': 0, 'ffn-up': 0, 'ffn-down': 0, 'lm-head': 0 };
  const asicElements: Record<AsicKind, number> = { layernorm: 0, rmsnorm: 0, softmax: 0, gelu: 0, swiglu: 0, residual: 0, rope: 0 };
  let gemvs = 0;
  let weightElements = 0;
  let weightBytes = 0;
  let biasBytes = 0;
  let normBytes = 0;
  let kvReadBytes = 0;
  let kvWriteBytes = 0;
  let gemvMacs = 0;
  let attentionMacs = 0;
  let biasAdds = 0;
  for (const op of ops) {
    switch (op.kind) {
      case 'gemv': {
        const n = op.rows * op.cols;
        const bytes = storageBytes(n, op.precision);
        gemvs++;
        weightElements += n;
        weightBytes += bytes;
        weightBytesByRole[op.role] += bytes;
        gemvMacs += n;
        if (op.bias) {
          biasBytes += op.rows * PARAM_BYTES;
          biasAdds += op.rows;
        }
        break;
      }
      case 'attn-score':
      case 'attn-context': {
        kvReadBytes += storageBytes(op.kvHeads * op.headDim * op.context, op.precision);
        attentionMacs += op.heads * op.headDim * op.context;
        break;
      }
      case 'kv-write':
        kvWriteBytes += storageBytes(2 * op.kvHeads * op.headDim, op.precision);
        break;
      case 'layernorm':
      case 'rmsnorm':
        normBytes += (op.kind === 'layernorm' ? 2 : 1) * op.elements * PARAM_BYTES;
        asicElements[op.kind] += op.elements;
        break;
      case 'softmax':
      case 'gelu':
      case 'swiglu':
      case 'residual':
      case 'rope':
        asicElements[op.kind] += op.elements;
        break;
    }
  }
  const macs = gemvMacs + attentionMacs;
  return {
    ops: ops.length,
    gemvs,
    weightElements,
    weightBytes,
    weightBytesByRole,
    biasBytes,
    normBytes,
    kvReadBytes,
    kvWriteBytes,
    bytesRead: weightBytes + biasBytes + normBytes + kvReadBytes,
    macs,
    gemvMacs,
    attentionMacs,
    flops: 2 * macs + biasAdds,
    asicElements,
    asicElementsTotal: Object.values(asicElements).reduce((a, b) => a + b, 0),
  };
}
