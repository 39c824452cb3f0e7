/**
 * The functional datapath: real numbers in the banks, the global buffers and the accumulators.
 * The sequencer calls it as commands issue; timing never depends on it.
 *
 * Arithmetic follows AiM: each PU multiplies 16 BF16 pairs per column and adds them through an
 * FP32 adder tree into an FP32 accumulator (src/quant/bf16.ts macColumn). RDMAC16 returns one
 * 256-bit word, i.e. the 16 accumulators rounded to BF16, and clears them (assumed). Each bank has
 * pu.accumulators accumulators; a MAC adds into one, a readout reads one.
 * Low-bit MACs (packed codes in the banks, integer codes in the buffer) go to LowBitDatapath.
 */
import { macColumn, roundToBf16, toBf16Bits } from '../quant/bf16.js';
import { InputError } from '../util/errors.js';
import type { SystemSpec } from '../spec/system.js';
import type { Instruction } from './program.js';
import { gelu32, layernorm32, rmsnorm32, rope32, softmax32, swiglu32 } from '../asic/approx.js';
import type { ApproxParams } from '../spec/asic.js';
import { LowBitDatapath } from './lowbitDatapath.js';

export class Datapath {
  private readonly rowElems: number;
  private readonly colElems: number;
  private readonly banksPerChannel: number;
  private readonly rows: number;
  private readonly banksPerGroupCount: number;
  private readonly accumulators: number;
  private readonly bankRows = new Map<number, Uint16Array>();
  private readonly gb: Uint16Array[];
  private readonly acc: Float32Array;
  /** Host vectors by name (float32 values). */
  readonly vectors = new Map<string, Float32Array>();
  private static readonly ZERO_ROW = new Map<number, Uint16Array>();
  /** Integer codes, int32 accumulators and exact host vectors of the low-bit formats. */
  readonly lowBit: LowBitDatapath;

  constructor(system: SystemSpec) {
    this.lowBit = new LowBitDatapath(system);
    const m = system.memory;
    this.colElems = m.accessBytes / 2;
    this.rowElems = m.burstsPerRow * this.colElems;
    this.banksPerChannel = m.banksPerChannel;
    this.rows = m.org.rows;
    this.banksPerGroupCount = m.org.bankGroups;
    this.gb = Array.from({ length: m.org.channels }, () => new Uint16Array(system.globalBufferBytes / 2));
    this.accumulators = system.pu.accumulators;
    // Accumulator a of bank b on channel c at ((c x accumulators) + a) x banks + b.
    this.acc = new Float32Array(m.org.channels * this.accumulators * m.banksPerChannel);
  }

  private accBase(channel: number, acc: number): number {
    return (channel * this.accumulators + acc) * this.banksPerChannel;
  }

  private key(channel: number, flatBank: number, row: number): number {
    return (channel * this.banksPerChannel + flatBank) * this.rows + row;
  }

  /** Preload one bank row with BF16 bits (untimed: the weights are placed before inference). */
  setRow(channel: number, flatBank: number, row: number, bits: Uint16Array, offset = 0): void {
    const k = this.key(channel, flatBank, row);
    let r = this.bankRows.get(k);
    if (!r) this.bankRows.set(k, (r = new Uint16Array(this.rowElems)));
    r.set(bits, offset);
  }

  /** Preload bytes into one bank row at a byte offset (packed low-bit codes, scales). */
  setRowBytes(channel: number, flatBank: number, row: number, bytes: Uint8Array, byteOffset = 0): void {
    const k = this.key(channel, flatBank, row);
    let r = this.bankRows.get(k);
    if (!r) this.bankRows.set(k, (r = new Uint16Array(this.rowElems)));
    new Uint8Array(r.buffer, r.byteOffset, r.byteLength).set(bytes, byteOffset);
  }

  /** A bank row as bytes (little-endian, as pack.ts lays out BF16); read-only for absent rows. */
  rowBytes(channel: number, flatBank: number, row: number): Uint8Array {
    const r = this.row(channel, flatBank, row);
    return new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
  }

  private row(channel: number, flatBank: number, row: number): Uint16Array {
    const r = this.bankRows.get(this.key(channel, flatBank, row));
    if (r) return r;
    let z = Datapath.ZERO_ROW.get(this.rowElems);
    if (!z) Datapath.ZERO_ROW.set(this.rowElems, (z = new Uint16Array(this.rowElems)));
    return z;
  }

  setVector(name: string, values: Float32Array): void {
    this.vectors.set(name, values);
  }

  private vector(name: string, length: number, where: Instruction): Float32Array {
    let v = this.vectors.get(name);
    if (!v) {
      if (length < 0) throw new InputError(`vector "${name}" is not defined`, `instruction "${where.id}"`);
      this.vectors.set(name, (v = new Float32Array(length)));
    } else if (v.length < length) {
      const w = new Float32Array(length);
      w.set(v);
      this.vectors.set(name, (v = w));
    }
    return v;
  }

  /** The k-th 32 B transfer of a WR_GB writes global-buffer column k. */
  writeGlobalBuffer(channel: number, inst: Instruction, k: number): void {
    if (inst.source.op !== 'WR_GB' || !inst.source.data) return;
    const d = inst.source.data;
    const x = this.vector(d.vector, -1, inst);
    if (d.quant) return this.lowBit.writeGlobalBuffer(channel, x, { offset: d.offset, elements: d.elements, quant: d.quant }, k);
    const segCols = Math.ceil(d.elements / this.colElems);
    const seg = Math.floor(k / segCols), inSeg = (k % segCols) * this.colElems;
    const gb = this.gb[channel];
    if (seg >= (d.replicate ?? 1)) return;
    for (let e = 0; e < this.colElems; e++) {
      const i = inSeg + e;
      gb[k * this.colElems + e] = i < d.elements ? toBf16Bits(x[d.offset + i] ?? 0) : 0;
    }
  }

  /**
   * MAC over column `col` of the open row in each listed bank (flat indexes) into accumulator
   * `acc`; `ins` and `seg` for low-bit MACs.
   */
  mac(channel: number, banks: readonly number[] | null, row: number, col: number, ins?: Instruction, seg = 0, acc = 0): void {
    if (ins && ins.precision !== 'bf16') return this.lowBit.mac(this, channel, banks, row, col, ins, seg, acc);
    const gb = this.gb[channel];
    const off = col * this.colElems;
    const n = banks ? banks.length : this.banksPerChannel;
    const base = this.accBase(channel, acc);
    for (let j = 0; j < n; j++) {
      const b = banks ? banks[j] : j;
      const a = base + b;
      this.acc[a] = macColumn(this.acc[a], this.row(channel, b, row), off, gb, off, this.colElems);
    }
  }

  /**
   * RDMAC16 of accumulator `acc`: its values, rounded to BF16, go to the host vector; then it is
   * cleared. RD_MAC names an output per bank; a MAC block with readout maps (slot, bank) to an element.
   */
  readAccumulators(channel: number, inst: Instruction, slot: number, acc = 0): void {
    if (inst.op === 'MAC' && inst.precision !== 'bf16') return this.lowBit.readAccumulators(this, channel, inst, slot, acc);
    const base = this.accBase(channel, acc);
    const src = inst.source;
    if (src.op === 'RD_MAC' && src.data) {
      const d = src.data;
      const v = this.vector(d.vector, Math.max(-1, ...d.index) + 1, inst);
      for (let b = 0; b < this.banksPerChannel && b < d.index.length; b++) {
        if (d.index[b] >= 0) v[d.index[b]] = roundToBf16(this.acc[base + b]);
      }
    } else if (src.op === 'MAC' && src.data && src.data.count > 0) {
      const d = src.data;
      const v = this.vector(d.vector, d.base + d.count, inst);
      for (let b = 0; b < this.banksPerChannel; b++) {
        const e = slot * d.slotStride + b * d.bankStride;
        if (e < d.count) v[d.base + e] = roundToBf16(this.acc[base + b]);
      }
    }
    this.acc.fill(0, base, base + this.banksPerChannel);
  }

  /** The k-th burst of a WR (bank-major over `count` bursts per bank) writes its part of the data. */
  writeRow(channel: number, inst: Instruction, k: number, row: number): void {
    // `row` is the DRAM row; the payload's row index within the instruction is row - inst.row.
    const src = inst.source;
    if (src.op !== 'WR' || !src.data) return;
    const d = src.data;
    const perBank = inst.count;
    const flat = inst.allBanks ? Math.floor(k / perBank) : (inst.bankgroup * (this.banksPerChannel / this.banksPerGroupCount)) + inst.bank;
    const burst = k % perBank;
    if (burst !== 0) return; // the whole payload is written with the first burst of each bank
    const x = this.vector(d.vector, -1, inst);
    const bits = new Uint16Array(d.elements);
    const from = d.offset + flat * (d.bankStride ?? 0) + (row - inst.row) * (d.rowStride ?? 0);
    for (let e = 0; e < d.elements; e++) bits[e] = toBf16Bits(x[from + e] ?? 0);
    this.setRow(channel, flat, row, bits, d.at);
  }

  /** WR_BIAS: accumulator `acc` of every bank of the channel starts from zero (biases are added by the ASIC). */
  clearAccumulators(channel: number, acc = 0): void {
    const base = this.accBase(channel, acc);
    this.acc.fill(0, base, base + this.banksPerChannel);
    this.lowBit.clear(channel, acc);
  }

  /** Functional ASIC ops, with the ASIC's numeric approximations. */
  asic(inst: Instruction, approx: ApproxParams): void {
    if (inst.source.op !== 'ASIC' || !inst.source.data) return;
    const d = inst.source.data;
    if (inst.asicKind === 'reduce' && d.dequant) {
      // Low-bit epilogue: the partial sums are exact integers in the low-bit datapath's vectors.
      const x = this.vector(d.dequant.input, -1, inst), bias = d.bias ? this.vector(d.bias, -1, inst) : undefined;
      const y = this.lowBit.dequant({ inputs: d.inputs, output: d.output, dequant: d.dequant }, x, bias, `instruction "${inst.id}"`);
      this.vectors.set(d.output, Float32Array.from(y));
      return;
    }
    const ins = d.inputs.map((n) => this.vector(n, -1, inst));
    const x = ins[0];
    let out: Float32Array;
    switch (inst.asicKind) {
      case 'reduce': {
        out = new Float32Array(x.length);
        const bias = d.bias ? this.vector(d.bias, -1, inst) : undefined;
        for (let i = 0; i < x.length; i++) {
          let s = x[i];
          for (let k = 1; k < ins.length; k++) s = Math.fround(s + ins[k][i]);
          out[i] = bias ? Math.fround(s + bias[i]) : s;
        }
        break;
      }
      case 'residual':
        out = new Float32Array(x.length);
        for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i] + ins[1][i]);
        break;
      case 'gelu':
        out = gelu32(x, approx);
        break;
      case 'swiglu':
        out = swiglu32(x.subarray(0, inst.elements), ins[1].subarray(0, inst.elements), approx);
        break;
      case 'rope':
        if (!d.rope) throw new InputError(`rope needs data.rope (position, headDim, theta)`, `instruction "${inst.id}"`);
        out = rope32(x, { ...d.rope, heads: inst.rows });
        break;
      case 'rmsnorm':
        out = rmsnorm32(x.subarray(0, inst.elements), { rows: inst.rows, gamma: d.gamma ? this.vector(d.gamma, -1, inst) : undefined }, approx);
        break;
      case 'softmax':
        out = softmax32(x.subarray(0, inst.elements), inst.rows, approx);
        break;
      case 'layernorm':
        out = layernorm32(x.subarray(0, inst.elements), {
          rows: inst.rows,
          gamma: d.gamma ? this.vector(d.gamma, -1, inst) : undefined,
          beta: d.beta ? this.vector(d.beta, -1, inst) : undefined,
        }, approx);
        break;
      default:
        return;
    }
    this.vectors.set(d.output, out);
  }
}
