/**
 * Placing quantized weights for a low-bit GEMV plan (mapping/gemv.ts): each (output row, K chunk)
 * piece packed into whole columns at its place (pack.ts layouts), and each output row's float32
 * weight scale in the scale columns of every DRAM row that holds a piece of it (4 bytes per
 * segment, little-endian). Untimed, like loadGemvWeights: weights are placed before inference.
 */
import { InputError } from '../util/errors.js';
import type { GemvPlan } from '../mapping/gemv.js';
import { SCALE_BYTES } from '../mapping/gemv.js';
import { COLUMN_BYTES, packRow, type CodeFormat } from '../quant/pack.js';
import { quantizeBinary, quantizeInt8, quantizeTernary, type QuantizedWeights } from '../quant/weights.js';
import type { Precision } from '../model/ops.js';
import type { Datapath } from './datapath.js';

export function loadLowBitGemvWeights(datapath: Datapath, plan: GemvPlan, q: QuantizedWeights): void {
  if (plan.precision === 'bf16') throw new InputError('a bf16 plan takes BF16 weights (loadGemvWeights)', 'loadLowBitGemvWeights');
  if (q.format !== plan.precision) throw new InputError(`the plan is ${plan.precision} but the weights are ${q.format}`, 'loadLowBitGemvWeights');
  if (q.rows !== plan.rows || q.cols !== plan.cols) {
    throw new InputError(`weights are ${q.rows} x ${q.cols}, the plan ${plan.rows} x ${plan.cols}`, 'loadLowBitGemvWeights');
  }
  const pack = plan.unit.pack as CodeFormat;
  const scale = new Uint8Array(SCALE_BYTES);
  const view = new DataView(scale.buffer);
  for (let i = 0; i < plan.rows; i++) {
    view.setFloat32(0, q.scales[i], true);
    for (let j = 0; j < plan.chunks; j++) {
      const { channel, bank, row, col } = plan.place(i, j);
      const start = i * plan.cols + plan.chunkStart(j);
      datapath.setRowBytes(channel, bank, row, packRow(pack, q.codes.subarray(start, start + plan.chunkLength(j))), col * COLUMN_BYTES);
      const seg = col / plan.chunkCols;
      datapath.setRowBytes(channel, bank, row, scale, plan.scaleCol * COLUMN_BYTES + seg * SCALE_BYTES);
    }
  }
}

/** The [QUANT] weight quantizer of each low-bit precision (per-row scales). */
export function quantizeFor(precision: Exclude<Precision, 'bf16'>, w: ArrayLike<number>, rows: number, cols: number): QuantizedWeights {
  switch (precision) {
    case 'ternary':
      return quantizeTernary(w, rows, cols);
    case 'binary':
      return quantizeBinary(w, rows, cols);
    case 'int8':
      return quantizeInt8(w, rows, cols);
  }
}
