/**
 * GEMV mapping: y[M] = W[M x K] . x[K] onto channels, banks and rows, as a PIM program, in BF16 or
 * a low-bit format the PUs support (system.pu.byFormat).
 *
 * - K is split into chunks that fit both a DRAM row and the global buffer; each chunk's partial
 *   sums are added on the host ASIC (a "reduce" instruction) when there is more than one.
 * - Output rows go round-robin over all banks (channel first), so all PUs work at once; a bank's
 *   rows of one chunk fill its DRAM rows whole: when a chunk is shorter than a row, several output
 *   rows share a DRAM row ("segments"), the global buffer holds the chunk once per segment, and
 *   the accumulators are read after each segment.
 * - Per channel, per chunk: WR_GB (the chunk, replicated), then one all-bank MAC block over the
 *   chunk's DRAM rows. The last row's unused segments are still MACed (their outputs are
 *   discarded): blocks keep programs small.
 * - Readout grouping (CENT's order, with its global-buffer reuse): on AiM the global-buffer write
 *   and the accumulator reads (WRGB, RDMAC16) run in register mode and the MACs in bank mode, and
 *   each switch costs nMODCH. The block MACs g = pu.accumulators segments (outputs) into the g
 *   accumulators, then reads the g together (readoutGroup): two switches per g outputs instead of
 *   per output. The next chunk's WR_GB follows the last readout in register mode, so it pays none.
 *   PIM-GPT's own order, a readout after every row or segment, is readoutGroup 1.
 *
 * Low-bit formats ([QUANT]; see the pim-gpt-lowbit preset): a column holds weightsPerColumn packed
 * codes (int8 32, ternary 128 or 160, binary 256), so a matrix takes about 16 / bits of the BF16
 * columns and rows. The global buffer holds one chunk's activation codes once (globalBuffer bytes
 * x 8 / activation bits activations; a MAC reads them relative to its segment), so a chunk is at
 * most that many weights. Each DRAM row reserves its last column(s) for the float32 weight scales
 * of the output rows it holds, 4 bytes per segment (reserved in every chunk's rows, so all rows of
 * a matrix share one geometry; only the last chunk's are read). The ASIC first quantizes the input
 * vector (absmax, then scale and round: two element passes); readouts return int32 sums (two words), with the scales (two
 * more words) on the last chunk; the ASIC epilogue adds the integer partials exactly and applies
 * the weight and activation scales once per output (and the bias).
 */
import { InputError } from '../util/errors.js';
import type { FormatUnit, SystemSpec } from '../spec/system.js';
import { buildProgram, type GbQuant, type InstructionInput, type Program } from '../pim/program.js';
import type { Datapath } from '../pim/datapath.js';
import { toBf16Bits } from '../quant/bf16.js';
import type { Precision } from '../model/ops.js';

/** Bytes of one output row's weight scale (float32) in its DRAM row. */
export const SCALE_BYTES = 4;

export interface GemvOptions {
  /** First DRAM row the matrix may use in every bank. */
  readonly rowBase?: number;
  /** Host vector names (functional mode). */
  readonly input?: string;
  readonly output?: string;
  /** Prefix for instruction ids, so several GEMVs can share a program. */
  readonly prefix?: string;
  /**
   * Number of K chunks. Default: the fewest that fit a row and the global buffer (fastest). More
   * chunks can fill rows better (see densestChunks) at the cost of more readouts and reductions.
   */
  readonly chunks?: number;
  /** Weight format (default bf16). */
  readonly precision?: Precision;
  /** Outputs per readout group (default: pu.accumulators, the most the PUs hold; 1: PIM-GPT's order). */
  readonly readoutGroup?: number;
}

export interface GemvPlan {
  readonly precision: Precision;
  /** The PU datapath of that format. */
  readonly unit: FormatUnit;
  /** Weights per 32 B column. */
  readonly elementsPerColumn: number;
  readonly rows: number;
  readonly cols: number;
  readonly chunks: number;
  /** Columns (32 B bursts) of the longest chunk. */
  readonly chunkCols: number;
  readonly segmentsPerRow: number;
  /** Output rows per bank. */
  readonly slotsPerBank: number;
  readonly dramRowsPerChunk: number;
  /** DRAM rows used in every bank. */
  readonly dramRowsPerBank: number;
  readonly rowBase: number;
  /** Low-bit: first column of each DRAM row's scale records, and how many columns they take (0 for bf16). */
  readonly scaleCol: number;
  readonly scaleCols: number;
  /** Bytes one WR_GB of a chunk writes (bf16: the chunk once per segment; low-bit: its codes once). */
  readonly gbBytes: number;
  /** Outputs (segments) read out together: each MAC block reads its accumulators every readoutGroup segments. */
  readonly readoutGroup: number;
  /** Readout groups per chunk and channel. */
  readonly readoutsPerChunk: number;
  /**
   * Register-mode switches per channel: two per readout group (into register mode for the
   * readout and the next WR_GB, back for the MACs), counted from register mode as another GEMV
   * leaves a channel; one more from bank mode. 0 on memories without register mode.
   */
  readonly modeSwitches: number;
  /** Where output row i, chunk j lives. */
  place(i: number, j: number): { channel: number; bank: number; row: number; col: number };
  chunkStart(j: number): number;
  chunkLength(j: number): number;
}

export function planGemv(system: SystemSpec, rows: number, cols: number, opts: GemvOptions = {}): GemvPlan {
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new InputError(`--${name} must be a positive integer, got ${v}`);
  }
  const m = system.memory;
  const precision = opts.precision ?? 'bf16';
  const unit = formatUnit(system, precision);
  const e = unit.weightsPerColumn;
  const lowBit = precision !== 'bf16';
  const rowCols = m.burstsPerRow;
  const maxCols = maxChunkCols(system, unit);
  const totalCols = Math.ceil(cols / e);
  const minChunks = Math.ceil(totalCols / maxCols);
  const chunks = opts.chunks ?? minChunks;
  if (!Number.isInteger(chunks) || chunks < minChunks || chunks > totalCols) {
    throw new InputError(`a ${cols}-column matrix needs between ${minChunks} and ${totalCols} chunks, got ${chunks}`);
  }
  const chunkCols = Math.ceil(totalCols / chunks);
  if ((chunks - 1) * chunkCols >= totalCols) {
    throw new InputError(`${chunks} chunks of ${chunkCols} columns leave the last chunk of a ${cols}-column matrix empty; use fewer chunks`);
  }
  const segmentsPerRow = lowBit ? lowBitSegments(rowCols, chunkCols, m.accessBytes) : Math.floor(maxCols / chunkCols);
  const scaleCol = lowBit ? segmentsPerRow * chunkCols : 0;
  const scaleCols = lowBit ? Math.ceil((segmentsPerRow * SCALE_BYTES) / m.accessBytes) : 0;
  const gbBytes = lowBit
    ? Math.ceil((chunkCols * e * unit.activationBits) / 8 / m.accessBytes) * m.accessBytes
    : segmentsPerRow * chunkCols * m.accessBytes;
  const B = m.org.channels * m.banksPerChannel;
  const slotsPerBank = Math.ceil(rows / B);
  const dramRowsPerChunk = Math.ceil(slotsPerBank / segmentsPerRow);
  const dramRowsPerBank = chunks * dramRowsPerChunk;
  const readoutGroup = readoutGroupFor(system, slotsPerBank, opts.readoutGroup);
  const readoutsPerChunk = Math.ceil(slotsPerBank / readoutGroup);
  const modeSwitches = m.registerMode ? 2 * chunks * readoutsPerChunk : 0;
  const rowBase = opts.rowBase ?? 0;
  if (rowBase + dramRowsPerBank > m.org.rows) {
    const capacity = (((m.totalBytes / m.accessBytes) * e) / 1e6).toFixed(1);
    throw new InputError(`a ${rows} x ${cols} ${lowBit ? `${precision} (${unit.pack})` : 'BF16'} matrix needs ${dramRowsPerBank} rows in every bank from row ${rowBase}, but banks have ${m.org.rows} rows (the memory holds about ${capacity} M ${lowBit ? unit.pack : 'BF16'} values)`);
  }
  const chunkStart = (j: number) => j * chunkCols * e;
  const chunkLength = (j: number) => Math.min(cols, (j + 1) * chunkCols * e) - chunkStart(j);
  return {
    precision, unit, elementsPerColumn: e, scaleCol, scaleCols, gbBytes, readoutGroup, readoutsPerChunk, modeSwitches,
    rows, cols, chunks, chunkCols, segmentsPerRow, slotsPerBank, dramRowsPerChunk, dramRowsPerBank, rowBase,
    chunkStart, chunkLength,
    place(i, j) {
      const g = i % B, s = Math.floor(i / B);
      return {
        channel: g % m.org.channels,
        bank: Math.floor(g / m.org.channels),
        row: rowBase + j * dramRowsPerChunk + Math.floor(s / segmentsPerRow),
        col: (s % segmentsPerRow) * chunkCols,
      };
    },
  };
}

/**
 * Outputs per readout group of a MAC block of `segments` segments: the requested group (default
 * every accumulator of the PU), never more than the block has.
 */
export function readoutGroupFor(system: SystemSpec, segments: number, requested?: number): number {
  const n = system.pu.accumulators;
  const g = requested ?? n;
  if (!Number.isInteger(g) || g < 1 || g > n) {
    throw new InputError(`readout group ${g}: must be an integer from 1 to the ${n} accumulator${n === 1 ? '' : 's'} per bank of ${system.name} (pu.accumulators)`);
  }
  return Math.max(1, Math.min(g, segments));
}

/**
 * The chunk count that needs the fewest DRAM rows per bank (ties: fewer chunks), or with `slack`
 * the fewest chunks needing at most (1 + slack) times those rows. Short chunks
 * pack several output rows per DRAM row, so a matrix whose K wastes part of every row in the
 * default plan can take fewer rows, at the price of more RDMAC16 readouts and ASIC additions.
 */
export function densestChunks(system: SystemSpec, rows: number, cols: number, precision: Precision = 'bf16', slack = 0): number {
  const m = system.memory;
  const unit = formatUnit(system, precision);
  const e = unit.weightsPerColumn;
  const totalCols = Math.ceil(cols / e);
  const maxCols = maxChunkCols(system, unit);
  const segments = (cc: number) => (precision === 'bf16' ? Math.floor(maxCols / cc) : lowBitSegments(m.burstsPerRow, cc, m.accessBytes));
  const slots = Math.ceil(rows / (m.org.channels * m.banksPerChannel));
  const need: number[] = [];
  let bestRows = Infinity;
  for (let n = Math.ceil(totalCols / maxCols); n <= totalCols; n++) {
    const cc = Math.ceil(totalCols / n);
    if ((n - 1) * cc >= totalCols) continue; // would leave the last chunk empty
    need[n] = n * Math.ceil(slots / segments(cc));
    bestRows = Math.min(bestRows, need[n]);
  }
  // The fewest chunks within `slack` of the fewest rows: more chunks cost readouts and reductions.
  for (let n = 0; n < need.length; n++) if (need[n] !== undefined && need[n] <= bestRows * (1 + slack)) return n;
  return need.length - 1;
}

export interface GemvItemsOptions extends GemvOptions {
  /** Instructions every channel's first WR_GB waits for. */
  readonly deps?: readonly string[];
  /** Host vector with the bias, added by the ASIC epilogue. */
  readonly bias?: string;
}

/**
 * The instructions of one GEMV and the id of the one that completes it (the ASIC epilogue that adds
 * partial sums and bias, or a barrier over the channels).
 */
export function gemvItems(system: SystemSpec, plan: GemvPlan, opts: GemvItemsOptions = {}): { items: InstructionInput[]; done: string } {
  const m = system.memory;
  const e = plan.elementsPerColumn;
  const x = opts.input ?? 'x', y = opts.output ?? 'y', pre = opts.prefix ?? 'gemv';
  const B = m.org.channels * m.banksPerChannel;
  const lowBit = plan.precision !== 'bf16';
  const epilogue = lowBit || plan.chunks > 1 || opts.bias !== undefined;
  const part = (j: number) => (epilogue ? `${y}.part${j}` : y);
  const items: InstructionInput[] = [];
  const last: string[] = [];
  const quant = lowBit ? gbQuantFor(plan.unit) : undefined;
  let firstDeps = [...(opts.deps ?? [])];
  if (lowBit) {
    // The ASIC quantizes the input once (absmax pass, then scale and round): two element passes.
    const q = `${pre}.quant`;
    items.push({ id: q, op: 'ASIC', kind: 'reduce', elements: 2 * plan.cols, deps: firstDeps });
    firstDeps = [q];
  }
  // Readout words per segment: the accumulators, plus the row scales with the last chunk.
  const accWords = Math.ceil((m.banksPerChannel * plan.unit.readoutBits) / (m.accessBytes * 8));
  const scaleWords = Math.ceil((m.banksPerChannel * SCALE_BYTES) / m.accessBytes);
  for (let c = 0; c < m.org.channels; c++) {
    for (let j = 0; j < plan.chunks; j++) {
      const gb = `${pre}.c${c}.gb${j}`;
      const deps = j === 0 ? firstDeps : [last[c]];
      const data = lowBit
        ? { vector: x, offset: plan.chunkStart(j), elements: plan.chunkCols * e, quant }
        : { vector: x, offset: plan.chunkStart(j), elements: plan.chunkCols * e, replicate: plan.segmentsPerRow };
      items.push({ id: gb, op: 'WR_GB', channel: c, bytes: plan.gbBytes, data, deps });
      // One block per chunk: every DRAM row of the chunk, each segment read out after its MACs.
      const mac = `${pre}.c${c}.mac${j}`;
      const lastSegments = plan.slotsPerBank - (plan.dramRowsPerChunk - 1) * plan.segmentsPerRow;
      const withScales = lowBit && j === plan.chunks - 1;
      const readoutWords = accWords + (withScales ? scaleWords : 0);
      items.push({
        id: mac, op: 'MAC', channel: c, banks: 'all', row: plan.rowBase + j * plan.dramRowsPerChunk, col: 0, cols: Math.ceil(plan.chunkLength(j) / e),
        rows: plan.dramRowsPerChunk, segments: plan.segmentsPerRow, lastSegments, segmentStride: plan.chunkCols, readout: true, deps: [gb],
        ...(plan.readoutGroup > 1 ? { readoutGroup: plan.readoutGroup } : {}),
        ...(lowBit ? { precision: plan.precision } : {}),
        ...(readoutWords > 1 ? { readoutWords } : {}),
        data: {
          vector: part(j), base: c, slotStride: B, bankStride: m.org.channels, count: Math.max(0, plan.rows - c),
          ...(withScales ? { scales: { vector: `${y}.scales`, col: plan.scaleCol } } : {}),
        },
      });
      last[c] = mac;
    }
  }
  const done = `${pre}.done`;
  if (epilogue) {
    // The ASIC adds the partial sums (and the bias): rows x (chunks - 1 + bias) additions; a
    // low-bit GEMV also scales each output twice (weight scale, activation scale).
    const adds = plan.rows * (plan.chunks - 1 + (opts.bias ? 1 : 0) + (lowBit ? 2 : 0));
    items.push({
      id: done, op: 'ASIC', kind: 'reduce', elements: adds, deps: last,
      data: {
        inputs: Array.from({ length: plan.chunks }, (_, j) => part(j)) as [string, ...string[]], output: y, ...(opts.bias ? { bias: opts.bias } : {}),
        ...(quant ? { dequant: { input: x, quant, scales: `${y}.scales` } } : {}),
      },
    });
  } else {
    items.push({ id: done, op: 'BARRIER', deps: last });
  }
  return { items, done };
}

/** The PU datapath of a format, or a clear error when the system's PUs lack it. */
export function formatUnit(system: SystemSpec, precision: Precision): FormatUnit {
  const unit = system.pu.byFormat[precision];
  if (!unit) {
    throw new InputError(`the ${system.name} PUs cannot multiply ${precision} (they support ${system.pu.formats.join(', ')}); use a system with low-bit PUs, e.g. --system pim-gpt-lowbit`);
  }
  return unit;
}

/**
 * Longest chunk in columns. BF16: a row and the global buffer (whose column c feeds bank column c).
 * Low-bit: the activations the buffer holds over the weights per column, leaving a row column for
 * the scales.
 */
function maxChunkCols(system: SystemSpec, unit: FormatUnit): number {
  const m = system.memory;
  if (unit.precision === 'bf16') return Math.min(m.burstsPerRow, system.globalBufferBytes / m.accessBytes);
  const activations = Math.floor((system.globalBufferBytes * 8) / unit.activationBits);
  const cols = Math.min(m.burstsPerRow - 1, Math.floor(activations / unit.weightsPerColumn));
  if (cols < 1) {
    throw new InputError(`one ${unit.pack} column needs ${unit.weightsPerColumn} activations of ${unit.activationBits} bits, more than the ${system.globalBufferBytes} B global buffer of ${system.name} holds (${activations})`);
  }
  return cols;
}

/** Segments of `chunkCols` columns that fit a row beside their 4-byte scales. */
export function lowBitSegments(rowCols: number, chunkCols: number, accessBytes: number): number {
  let s = Math.floor(rowCols / chunkCols);
  while (s > 1 && s * chunkCols + Math.ceil((s * SCALE_BYTES) / accessBytes) > rowCols) s--;
  return s;
}

/**
 * The quantizer the ASIC applies to a low-bit GEMV's input for a unit's activation width ([QUANT]):
 * 8..3 bits symmetric with the reference code's clip, 2 and 1 bits the signed elastic quantizer.
 */
export function gbQuantFor(unit: FormatUnit): GbQuant {
  return unit.activationBits <= 2 ? { method: 'elastic-signed', bits: unit.activationBits } : { method: 'symmetric', bits: unit.activationBits };
}

/** The program for one GEMV (timing and, with vector names, functional data movement). */
export function gemvProgram(system: SystemSpec, plan: GemvPlan, opts: GemvOptions = {}): Program {
  return buildProgram(gemvItems(system, plan, opts).items, system, opts.prefix ?? 'gemv', undefined, true);
}

/** Place W (row-major float32, rounded to BF16) into the datapath's banks as the plan says. */
export function loadGemvWeights(datapath: Datapath, system: SystemSpec, plan: GemvPlan, w: Float32Array): void {
  if (plan.precision !== 'bf16') throw new InputError(`loadGemvWeights places BF16 weights; a ${plan.precision} plan needs quantized weights (loadLowBitGemvWeights)`);
  const e = system.memory.accessBytes / 2;
  if (w.length !== plan.rows * plan.cols) throw new InputError(`weights have ${w.length} values, expected ${plan.rows} x ${plan.cols}`);
  for (let i = 0; i < plan.rows; i++) {
    for (let j = 0; j < plan.chunks; j++) {
      const { channel, bank, row, col } = plan.place(i, j);
      const start = plan.chunkStart(j), len = plan.chunkLength(j);
      const bits = new Uint16Array(len);
      for (let k = 0; k < len; k++) bits[k] = toBf16Bits(w[i * plan.cols + start + k]);
      datapath.setRow(channel, bank, row, bits, col * e);
    }
  }
}
