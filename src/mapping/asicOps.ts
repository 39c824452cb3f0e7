/**
 * The ASIC work of a mapped program: its ASIC instructions (the graph's element-wise ops as the
 * mapping lowered them, plus the partial-sum reductions the mapping added), as the op counts the
 * ASIC latency and energy models take.
 */
import type { AsicOp } from '../asic/latency.js';
import type { Program } from '../pim/program.js';

export function asicOpsOf(program: Program): AsicOp[] {
  const ops: AsicOp[] = [];
  for (const ins of program.instructions) {
    if (ins.op !== 'ASIC') continue;
    ops.push(ins.asicKind === 'reduce' ? { kind: 'reduce', elements: ins.elements } : { kind: ins.asicKind!, elements: ins.elements, rows: ins.rows });
  }
  return ops;
}
