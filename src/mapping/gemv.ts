/**
 * GEMV mapping: y[M] = W[M x K] . x[K] in BF16 onto channels, banks and rows, as a PIM program.
 *
 * - K is split into chunks that fit both a DRAM row and the global buffer; each chunk's partial
 *   sums are added on the host ASIC (a "reduce" instruction) when there is more than one.
 * - Output rows go round-robin over all banks (channel first), so all PUs work at once; a bank's
 *   rows of one chunk fill its DRAM rows whole: when a chunk is shorter than a row, several output
 *   rows share a DRAM row ("segments"), the global buffer holds the chunk once per segment, and
 *   the accumulators are read after each segment.
 * - Per channel, per chunk: WR_GB (the chunk, replicated), then one all-bank MAC block over the
 *   chunk's DRAM rows, reading the 16 results (RDMAC16) after every segment. The last row's unused
 *   segments are still MACed (their outputs are discarded): blocks keep programs small.
 */
import { InputError } from '../spec/errors.js';
import type { SystemSpec } from '../spec/system.js';
import { buildProgram, type InstructionInput, type Program } from '../pim/program.js';
import type { Datapath } from '../pim/datapath.js';
import { toBf16Bits } from '../quant/bf16.js';

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
}

export interface GemvPlan {
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
  const e = m.accessBytes / 2; // BF16 elements per column
  const rowCols = m.burstsPerRow;
  const gbCols = system.globalBufferBytes / m.accessBytes;
  const maxCols = Math.min(rowCols, gbCols);
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
  const segmentsPerRow = Math.floor(maxCols / chunkCols);
  const B = m.org.channels * m.banksPerChannel;
  const slotsPerBank = Math.ceil(rows / B);
  const dramRowsPerChunk = Math.ceil(slotsPerBank / segmentsPerRow);
  const dramRowsPerBank = chunks * dramRowsPerChunk;
  const rowBase = opts.rowBase ?? 0;
  if (rowBase + dramRowsPerBank > m.org.rows) {
    const capacity = (m.totalBytes / 2 / 1e6).toFixed(1);
    throw new InputError(`a ${rows} x ${cols} BF16 matrix needs ${dramRowsPerBank} rows in every bank from row ${rowBase}, but banks have ${m.org.rows} rows (the memory holds about ${capacity} M BF16 values)`);
  }
  const chunkStart = (j: number) => j * chunkCols * e;
  const chunkLength = (j: number) => Math.min(cols, (j + 1) * chunkCols * e) - chunkStart(j);
  return {
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
 * The chunk count that needs the fewest DRAM rows per bank (ties: fewer chunks). Short chunks
 * pack several output rows per DRAM row, so a matrix whose K wastes part of every row in the
 * default plan can take fewer rows, at the price of more RDMAC16 readouts and ASIC additions.
 */
export function densestChunks(system: SystemSpec, rows: number, cols: number): number {
  const m = system.memory;
  const e = m.accessBytes / 2;
  const totalCols = Math.ceil(cols / e);
  const maxCols = Math.min(m.burstsPerRow, system.globalBufferBytes / m.accessBytes);
  const slots = Math.ceil(rows / (m.org.channels * m.banksPerChannel));
  let best = Math.ceil(totalCols / maxCols), bestRows = Infinity;
  for (let n = best; n <= totalCols; n++) {
    const cc = Math.ceil(totalCols / n);
    if ((n - 1) * cc >= totalCols) continue; // would leave the last chunk empty
    const need = n * Math.ceil(slots / Math.floor(maxCols / cc));
    if (need < bestRows) {
      bestRows = need;
      best = n;
    }
  }
  return best;
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
  const e = m.accessBytes / 2;
  const x = opts.input ?? 'x', y = opts.output ?? 'y', pre = opts.prefix ?? 'gemv';
  const B = m.org.channels * m.banksPerChannel;
  const epilogue = plan.chunks > 1 || opts.bias !== undefined;
  const part = (j: number) => (epilogue ? `${y}.part${j}` : y);
  const items: InstructionInput[] = [];
  const last: string[] = [];
  for (let c = 0; c < m.org.channels; c++) {
    for (let j = 0; j < plan.chunks; j++) {
      const gb = `${pre}.c${c}.gb${j}`;
      const deps = j === 0 ? [...(opts.deps ?? [])] : [last[c]];
      items.push({ id: gb, op: 'WR_GB', channel: c, bytes: plan.segmentsPerRow * plan.chunkCols * m.accessBytes, data: { vector: x, offset: plan.chunkStart(j), elements: plan.chunkCols * e, replicate: plan.segmentsPerRow }, deps });
      // One block per chunk: every DRAM row of the chunk, each segment read out after its MACs.
      const mac = `${pre}.c${c}.mac${j}`;
      const lastSegments = plan.slotsPerBank - (plan.dramRowsPerChunk - 1) * plan.segmentsPerRow;
      items.push({
        id: mac, op: 'MAC', channel: c, banks: 'all', row: plan.rowBase + j * plan.dramRowsPerChunk, col: 0, cols: Math.ceil(plan.chunkLength(j) / e),
        rows: plan.dramRowsPerChunk, segments: plan.segmentsPerRow, lastSegments, segmentStride: plan.chunkCols, readout: true, deps: [gb],
        data: { vector: part(j), base: c, slotStride: B, bankStride: m.org.channels, count: Math.max(0, plan.rows - c) },
      });
      last[c] = mac;
    }
  }
  const done = `${pre}.done`;
  if (epilogue) {
    // The ASIC adds the partial sums (and the bias): rows x (chunks - 1 + bias) additions.
    const adds = plan.rows * (plan.chunks - 1 + (opts.bias ? 1 : 0));
    items.push({
      id: done, op: 'ASIC', kind: 'reduce', elements: adds, deps: last,
      data: { inputs: Array.from({ length: plan.chunks }, (_, j) => part(j)) as [string, ...string[]], output: y, ...(opts.bias ? { bias: opts.bias } : {}) },
    });
  } else {
    items.push({ id: done, op: 'BARRIER', deps: last });
  }
  return { items, done };
}

/** The program for one GEMV (timing and, with vector names, functional data movement). */
export function gemvProgram(system: SystemSpec, plan: GemvPlan, opts: GemvOptions = {}): Program {
  return buildProgram(gemvItems(system, plan, opts).items, system, opts.prefix ?? 'gemv', undefined, true);
}

/** Place W (row-major float32, rounded to BF16) into the datapath's banks as the plan says. */
export function loadGemvWeights(datapath: Datapath, system: SystemSpec, plan: GemvPlan, w: Float32Array): void {
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
