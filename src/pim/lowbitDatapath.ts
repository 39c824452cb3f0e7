/**
 * The functional side of the low-bit PUs (see the pim-gpt-lowbit preset and mapping/gemv.ts): the
 * banks hold packed weight codes (pack.ts layouts) and each DRAM row's float32 weight scales, the
 * global buffer holds integer activation codes, each PU accumulates exact integers (int32, checked),
 * and the ASIC adds integer partial sums and applies the scales once per output.
 *
 * The arithmetic is that of the plain integer reference (src/quant/intGemv.ts): a ternary lane is
 * a mux + conditional negate, a binary lane a conditional negate (equal to XNOR-popcount on 1-bit
 * activations), an int8 lane a multiply; y = weight scale x (activation scale x sum + 0), in
 * float64. So outputs are bit-exact against intGemv over the same codes.
 *
 * Host vectors of integer sums and of the float64 outputs live in `wide` (Float64Array): float32
 * host vectors could not hold int32 sums exactly.
 */
import { InputError } from '../util/errors.js';
import type { SystemSpec } from '../spec/system.js';
import type { Precision } from '../model/ops.js';
import { INT32_MAX, lowBitColumnMac } from '../quant/intGemv.js';
import { COLUMN_BYTES, weightsPerColumn, type CodeFormat } from '../quant/pack.js';
import { quantizeActElastic, quantizeActSymmetric, type QuantizedActivations } from '../quant/activations.js';
import type { GbQuant, Instruction } from './program.js';

/** Read access to the bank rows (owned by Datapath). */
export interface RowBytes {
  rowBytes(channel: number, flatBank: number, row: number): Uint8Array;
}

/** Quantize a host vector as the ASIC does before a low-bit GEMV ([QUANT]). */
export function quantizeForGb(x: ArrayLike<number>, q: GbQuant): QuantizedActivations {
  switch (q.method) {
    case 'symmetric':
      if (q.bits < 2) throw new InputError(`symmetric activation quantization needs 2..8 bits, got ${q.bits}; use elastic-signed for 1 bit`);
      return quantizeActSymmetric(x, { bits: q.bits });
    case 'absmax':
      if (q.bits < 2) throw new InputError(`absmax activation quantization needs 2..8 bits, got ${q.bits}`);
      return quantizeActSymmetric(x, { bits: q.bits, clip: Infinity });
    case 'elastic-signed':
      if (q.bits > 2) throw new InputError(`the elastic activation quantizer has 1 or 2 bits, got ${q.bits}`);
      return quantizeActElastic(x, { bits: q.bits, signed: true });
  }
}

export class LowBitDatapath {
  /** Integer and float64 host vectors (integer partial sums, read-out scales, exact outputs). */
  readonly wide = new Map<string, Float64Array>();
  private readonly gb: Int8Array[];
  private readonly acc: Float64Array;
  private readonly banksPerChannel: number;
  private readonly accumulators: number;
  private readonly accessBytes: number;
  private readonly formats: Readonly<Partial<Record<Precision, CodeFormat>>>;
  /** Quantized activations per host vector object (a new token's vector is a new object). */
  private readonly quantized = new WeakMap<Float32Array, Map<string, QuantizedActivations>>();

  constructor(system: SystemSpec) {
    const m = system.memory;
    this.banksPerChannel = m.banksPerChannel;
    this.accessBytes = m.accessBytes;
    // Codes are held one per element; the buffer holds up to bytes x 8 of them (1-bit activations).
    this.gb = Array.from({ length: m.org.channels }, () => new Int8Array(system.globalBufferBytes * 8));
    this.accumulators = system.pu.accumulators;
    this.acc = new Float64Array(m.org.channels * this.accumulators * m.banksPerChannel);
    const formats: Partial<Record<Precision, CodeFormat>> = {};
    for (const [p, u] of Object.entries(system.pu.byFormat)) if (u && u.pack !== 'bf16') formats[p as Precision] = u.pack;
    this.formats = formats;
  }

  wideVector(name: string, length: number): Float64Array {
    let v = this.wide.get(name);
    if (!v || v.length < length) {
      const w = new Float64Array(length);
      if (v) w.set(v);
      this.wide.set(name, (v = w));
    }
    return v;
  }

  /** The codes of host vector x under quantizer q (computed once per vector object). */
  activations(x: Float32Array, q: GbQuant): QuantizedActivations {
    let byQuant = this.quantized.get(x);
    if (!byQuant) this.quantized.set(x, (byQuant = new Map()));
    const key = `${q.method}:${q.bits}`;
    let r = byQuant.get(key);
    if (!r) byQuant.set(key, (r = quantizeForGb(x, q)));
    return r;
  }

  /** The k-th 32 B transfer of a low-bit WR_GB: codes of elements [k x per, (k + 1) x per) of the chunk. */
  writeGlobalBuffer(channel: number, x: Float32Array, d: { offset: number; elements: number; quant: GbQuant }, k: number): void {
    const codes = this.activations(x, d.quant).codes;
    const per = (this.accessBytes * 8) / d.quant.bits;
    const gb = this.gb[channel];
    for (let i = k * per; i < (k + 1) * per && i < gb.length; i++) {
      const src = d.offset + i;
      gb[i] = i < d.elements && src < codes.length ? codes[src] : 0;
    }
  }

  /**
   * One low-bit MAC on column `col` of the open row: each listed bank's PU adds the integer dot
   * product of the column's codes with the buffer's codes for that column of the segment.
   */
  mac(rows: RowBytes, channel: number, banks: readonly number[] | null, row: number, col: number, ins: Instruction, seg: number, acc = 0): void {
    const format = this.formats[ins.precision];
    if (!format) throw new InputError(`no low-bit datapath for ${ins.precision}`, `instruction "${ins.id}"`);
    if (this.accessBytes !== COLUMN_BYTES) throw new InputError(`low-bit functional mode needs ${COLUMN_BYTES} B columns, the memory has ${this.accessBytes} B`);
    const lanes = weightsPerColumn(format);
    const rel = col - ins.col - seg * ins.segmentStride;
    const gb = this.gb[channel];
    const n = banks ? banks.length : this.banksPerChannel;
    const base = this.accBase(channel, acc);
    for (let j = 0; j < n; j++) {
      const b = banks ? banks[j] : j;
      const a = base + b;
      this.acc[a] += lowBitColumnMac({ format, packed: rows.rowBytes(channel, b, row), byteOffset: col * COLUMN_BYTES, x: gb, xOffset: rel * lanes, count: lanes });
    }
  }

  private accBase(channel: number, acc: number): number {
    return (channel * this.accumulators + acc) * this.banksPerChannel;
  }

  /** A MAC block's readout of accumulator `acc`: integer sums (and, with `scales`, each output row's weight scale) to host vectors. */
  readAccumulators(rows: RowBytes, channel: number, inst: Instruction, slot: number, acc = 0): void {
    const base = this.accBase(channel, acc);
    const src = inst.source;
    if (src.op === 'MAC' && src.data && src.data.count > 0) {
      const d = src.data;
      const v = this.wideVector(d.vector, d.base + d.count);
      const seg = slot % inst.segments;
      const row = inst.row + Math.floor(slot / inst.segments);
      const sv = d.scales ? this.wideVector(d.scales.vector, d.base + d.count) : undefined;
      for (let b = 0; b < this.banksPerChannel; b++) {
        const e = slot * d.slotStride + b * d.bankStride;
        if (e >= d.count) continue;
        const sum = this.acc[base + b];
        if (Math.abs(sum) > INT32_MAX) {
          throw new InputError(`int32 accumulator overflow (${sum}) in channel ${channel} bank ${b}; use shorter chunks`, `instruction "${inst.id}"`);
        }
        v[d.base + e] = sum;
        if (sv && d.scales) {
          const bytes = rows.rowBytes(channel, b, row);
          const at = d.scales.col * COLUMN_BYTES + seg * 4;
          sv[d.base + e] = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getFloat32(0, true);
        }
      }
    }
    this.acc.fill(0, base, base + this.banksPerChannel);
  }

  clear(channel: number, acc = 0): void {
    const base = this.accBase(channel, acc);
    this.acc.fill(0, base, base + this.banksPerChannel);
  }

  /**
   * The ASIC epilogue of a low-bit GEMV: y_i = s_w[i] x (s_x x sum_j part_j[i] + 0) (+ bias), the
   * sum exact in float64 (integers far below 2^53), the order of operations that of intGemv.
   * Returns the float64 outputs (also kept in `wide`).
   */
  dequant(
    d: { inputs: readonly string[]; output: string; dequant: { input: string; quant: GbQuant; scales: string } },
    x: Float32Array, bias: Float32Array | undefined, where: string,
  ): Float64Array {
    const parts = d.inputs.map((n) => {
      const v = this.wide.get(n);
      if (!v) throw new InputError(`integer partial sums "${n}" were never read out`, where);
      return v;
    });
    const scales = this.wide.get(d.dequant.scales);
    if (!scales) throw new InputError(`weight scales "${d.dequant.scales}" were never read out`, where);
    const q = this.activations(x, d.dequant.quant);
    if (q.offset !== 0) throw new InputError('low-bit GEMVs need a zero-point-free activation quantizer', where);
    const n = parts[0].length;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let dot = parts[0][i];
      for (let j = 1; j < parts.length; j++) dot += parts[j][i];
      y[i] = scales[i] * (q.scale * dot + 0);
      if (bias) y[i] += bias[i];
    }
    this.wide.set(d.output, y);
    return y;
  }
}
