/**
 * Arithmetic work of one PU column step per weight format, as structural counts (no energies here):
 * an energy model multiplies them by per-operation energies such as [ENERGY-OPS]. The shapes follow
 * [AIM] (16 BF16 multipliers + adder tree + FP32 accumulator) and [QUANT] (a ternary lane is a mux +
 * conditional negate; 128 lanes need a 127-adder tree; the row scale is applied once per output, not
 * per column, so it is not counted here).
 */
import { weightsPerColumn, type PackFormat } from './pack.js';

export interface ColumnOps {
  /** Weights consumed (lanes of the unit). */
  readonly lanes: number;
  /** Multiplications and their operand type ('none' for the multiplier-free low-bit lanes). */
  readonly multiplies: number;
  readonly multiplyKind: 'bf16' | 'int8' | 'none';
  /** Mux + conditional-negate lanes (ternary, binary). */
  readonly muxNegates: number;
  /** Adder-tree additions (lanes - 1) and their type. */
  readonly treeAdds: number;
  readonly addKind: 'fp32' | 'int';
  /** Accumulator additions (one per column). */
  readonly accumulateAdds: number;
}

export function columnOps(format: PackFormat): ColumnOps {
  const lanes = weightsPerColumn(format);
  const common = { lanes, treeAdds: lanes - 1, accumulateAdds: 1 };
  switch (format) {
    case 'bf16':
      return { ...common, multiplies: lanes, multiplyKind: 'bf16', muxNegates: 0, addKind: 'fp32' };
    case 'int8':
      return { ...common, multiplies: lanes, multiplyKind: 'int8', muxNegates: 0, addKind: 'int' };
    case 'ternary-2bit':
    case 'ternary-base3':
    case 'binary':
      return { ...common, multiplies: 0, multiplyKind: 'none', muxNegates: lanes, addKind: 'int' };
  }
}
