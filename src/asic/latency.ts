/**
 * ASIC timing: each op is a short sequence of passes over its elements on one vector unit, plus
 * per-row scalar work (a reciprocal, a 1/sqrt) on the special unit. Passes run one after another
 * because each needs the previous one's reduction (softmax needs the max before the exps).
 *
 * One pass over `rows` rows of `perRow` elements with `stages` arithmetic stages on a unit with
 * L lanes and fixed latency P:
 *   pipelined: rows x ceil(perRow / L)           + stages + P (+ reduction tree)
 *   iterative: rows x ceil(perRow x stages / L)  +          P (+ reduction tree)
 * A row never shares a lane group with another row; a reduction adds ceil(log2(min(L, perRow)))
 * adder-tree stages. All counts are integers, so latency is exact in ASIC cycles.
 */
import { InputError } from '../util/errors.js';
import type { AsicVectorKind } from '../model/ops.js';
import { approxStages } from './costs.js';
import type { AsicSpec, UnitName } from '../spec/asic.js';

/** Partial-sum reduction: `elements` partial values added into their outputs (one add each). */
export interface ReduceOp {
  readonly kind: 'reduce';
  readonly elements: number;
}
/** A graph vector op (kind, elements, rows; rope's rows are head vectors) or a partial-sum reduction. */
export type AsicOp = { readonly kind: AsicVectorKind; readonly elements: number; readonly rows: number } | ReduceOp;

/** Bytes per element the ASIC holds in SRAM: it computes in float32 (assumed; see approx.ts). */
export const ASIC_ELEMENT_BYTES = 4;

export interface AsicPass {
  readonly what: string;
  readonly unit: UnitName;
  readonly rows: number;
  readonly perRow: number;
  readonly stages: number;
  /** Ends in a per-row reduction (max or sum) through an adder tree. */
  readonly reduces: boolean;
}

/** The passes an op makes, in order. */
export function asicPasses(op: AsicOp, asic: AsicSpec): AsicPass[] {
  const s = approxStages(asic.approximations);
  if (op.kind === 'reduce') {
    checkCount(op.elements, 'elements', op.kind);
    return [{ what: 'add partials', unit: 'add', rows: 1, perRow: op.elements, stages: 1, reduces: false }];
  }
  const rows = op.rows;
  checkCount(op.elements, 'elements', op.kind);
  checkCount(rows, 'rows', op.kind);
  if (op.elements % rows !== 0) throw new InputError(`${op.kind}: ${op.elements} elements do not split into ${rows} equal rows`);
  const perRow = op.elements / rows;
  switch (op.kind) {
    case 'residual':
      return [{ what: 'add', unit: 'add', rows, perRow, stages: 1, reduces: false }];
    case 'gelu':
      return [{ what: 'gelu', unit: 'gelu', rows, perRow, stages: s.gelu, reduces: false }];
    // SwiGLU and RoPE run on the GELU unit, the ASIC's element-wise function unit (assumed: PIM-GPT has neither).
    case 'swiglu':
      return [{ what: 'silu(gate) x up', unit: 'gelu', rows, perRow, stages: s.silu + 1, reduces: false }];
    case 'rope':
      if (perRow % 2 !== 0) throw new InputError(`rope: head dim ${perRow} must be even`);
      // One sin/cos per frequency, shared by every head of the token; then each pair rotated.
      return [
        { what: 'sin, cos of position x inverse frequency', unit: 'gelu', rows: 1, perRow: perRow / 2, stages: s.sinCos, reduces: false },
        { what: 'rotate pairs (x cos - y sin, x sin + y cos)', unit: 'gelu', rows, perRow, stages: 2, reduces: false },
      ];
    case 'rmsnorm':
      return [
        { what: 'sum x^2', unit: 'layernorm', rows, perRow, stages: 1, reduces: true },
        { what: '1 / sqrt(sum / n + eps)', unit: 'special', rows: 1, perRow: rows, stages: 1 + s.rsqrt, reduces: false },
        { what: 'x rstd gamma', unit: 'layernorm', rows, perRow, stages: 2, reduces: false },
      ];
    case 'softmax':
      return [
        { what: 'max', unit: 'softmax', rows, perRow, stages: 1, reduces: true },
        { what: 'exp(x - max), sum', unit: 'softmax', rows, perRow, stages: 1 + s.exp + 1, reduces: true },
        { what: '1 / sum', unit: 'special', rows: 1, perRow: rows, stages: s.reciprocal, reduces: false },
        { what: 'scale by 1 / sum', unit: 'softmax', rows, perRow, stages: 1, reduces: false },
      ];
    case 'layernorm':
      return [
        { what: 'sum', unit: 'layernorm', rows, perRow, stages: 1, reduces: true },
        { what: 'mean = sum / n', unit: 'special', rows: 1, perRow: rows, stages: 1, reduces: false },
        { what: 'sum (x - mean)^2', unit: 'layernorm', rows, perRow, stages: 2, reduces: true },
        { what: '1 / sqrt(var / n + eps)', unit: 'special', rows: 1, perRow: rows, stages: 1 + s.rsqrt, reduces: false },
        { what: '(x - mean) rstd gamma + beta', unit: 'layernorm', rows, perRow, stages: 3, reduces: false },
      ];
  }
}

function checkCount(n: number, field: string, kind: string): void {
  if (!Number.isInteger(n) || n <= 0) throw new InputError(`ASIC op ${kind}: ${field} must be a positive integer, got ${n}`);
}

export function passCycles(pass: AsicPass, asic: AsicSpec): number {
  const unit = asic.units[pass.unit];
  const lanes = unit.lanes;
  const tree = pass.reduces ? Math.ceil(Math.log2(Math.min(lanes, pass.perRow))) : 0;
  if (asic.execution === 'pipelined') {
    return pass.rows * Math.ceil(pass.perRow / lanes) + pass.stages + unit.pipelineCycles + tree;
  }
  return pass.rows * Math.ceil((pass.perRow * pass.stages) / lanes) + unit.pipelineCycles + tree;
}

/** Latency of one op in ASIC clock cycles (an integer). */
export function asicLatencyCycles(op: AsicOp, asic: AsicSpec): number {
  let cycles = 0;
  for (const pass of asicPasses(op, asic)) cycles += passCycles(pass, asic);
  return cycles;
}

/**
 * Lane operations an op performs (elements x stages, summed over passes, plus tree adds): the
 * action count an energy table multiplies by energy per lane-op.
 */
export function asicLaneOps(op: AsicOp, asic: AsicSpec): number {
  let ops = 0;
  for (const p of asicPasses(op, asic)) ops += p.rows * p.perRow * p.stages + (p.reduces ? p.rows * (p.perRow - 1) : 0);
  return ops;
}

/** ASIC cycles -> picoseconds, rounded up to a whole picosecond. */
export function asicCyclesToPs(cycles: number, asic: AsicSpec): number {
  return Math.ceil(cycles * asic.periodPs - 1e-6);
}

/** Latency of one op in picoseconds. */
export function asicLatencyPs(op: AsicOp, asic: AsicSpec): number {
  return asicCyclesToPs(asicLatencyCycles(op, asic), asic);
}

/** Time to move `bytes` over one ASIC-channel link, rounded up to a whole picosecond. */
export function linkTransferPs(bytes: number, asic: AsicSpec): number {
  return Math.ceil((bytes * 1e12) / asic.linkBytesPerSecond - 1e-6);
}

/** Bytes of SRAM an op's vector needs, and whether it fits. */
export function asicWorkingSet(op: AsicOp, asic: AsicSpec): { bytes: number; fits: boolean } {
  const bytes = op.elements * ASIC_ELEMENT_BYTES;
  return { bytes, fits: bytes <= asic.sramBufferBytes };
}
