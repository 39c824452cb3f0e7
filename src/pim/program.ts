/**
 * PIM programs: host-level instructions with explicit dependencies, one JSON object per line.
 *
 *   {"id": "gb0", "op": "WR_GB", "channel": 0, "bytes": 2048}
 *   {"id": "m0", "op": "MAC", "channel": 0, "banks": "all", "row": 12, "col": 0, "cols": 64, "deps": ["gb0"]}
 *   {"id": "r0", "op": "RD_MAC", "channel": 0, "deps": ["m0"]}
 *   {"id": "sm", "op": "ASIC", "kind": "softmax", "elements": 1024, "rows": 1, "deps": ["r0"]}
 *
 * `channel` may be "all": the instruction is replicated on every channel. A dependency on its id
 * waits for all copies, except that a copy of another "all" instruction waits only for the copy on
 * its own channel. Each instruction decodes into DRAM/PIM commands on its channel (see
 * sequencer.ts); ASIC instructions run on the host ASIC; BARRIER only joins dependencies.
 * Instructions of one channel issue in program order; channels and the ASIC run in parallel.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { quote } from '../spec/quote.js';
import type { SystemSpec } from '../spec/system.js';
import { PRECISIONS, type Precision } from '../model/ops.js';

const nonneg = z.number().int().nonnegative();
const pos = z.number().int().positive();
const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const channel = z.union([nonneg, z.literal('all')]);
const base = { id: id.optional(), deps: z.array(id).optional(), note: z.string().optional() };

/**
 * How the ASIC turns a host vector into integer codes for a low-bit MAC ([QUANT]): symmetric
 * clipped (SymQuantizer, clip 2.5), absmax (BitNet b1.58, no clip) or the signed elastic 1-/2-bit
 * quantizer; one scale per vector, zero point 0.
 */
export const GbQuantSchema = z.strictObject({ method: z.enum(['symmetric', 'absmax', 'elastic-signed']), bits: z.number().int().min(1).max(8) });
export type GbQuant = z.infer<typeof GbQuantSchema>;

/**
 * Functional payloads (optional): which host vector elements move where. With `quant`, the global
 * buffer receives the vector's integer codes (activation bits each) instead of BF16 values.
 */
const VectorRef = z.strictObject({ vector: z.string().min(1), offset: nonneg, elements: pos, replicate: pos.optional(), quant: GbQuantSchema.optional() });

/** ASIC instruction kinds: the graph's element-wise ops and partial-sum reduction. */
export const ASIC_KINDS = ['softmax', 'layernorm', 'rmsnorm', 'gelu', 'swiglu', 'rope', 'residual', 'reduce'] as const;
export type AsicKind = (typeof ASIC_KINDS)[number];

export const InstructionSchema = z.discriminatedUnion('op', [
  z.strictObject({ ...base, op: z.literal('WR_GB'), channel, bytes: pos, data: VectorRef.optional() }),
  z.strictObject({
    ...base, op: z.literal('MAC'), channel, banks: z.union([z.literal('all'), z.tuple([nonneg, nonneg])]),
    row: nonneg, col: nonneg, cols: pos, precision: z.enum(PRECISIONS).optional(),
    /** A block: `rows` consecutive rows, each holding `segments` runs of `cols` columns from `col`. */
    rows: pos.optional(),
    segments: pos.optional(),
    /** Segments in the last row (default: all). */
    lastSegments: pos.optional(),
    /** Columns from one segment's start to the next (default: cols). */
    segmentStride: pos.optional(),
    /** Read the accumulators (RDMAC16) after every segment. */
    readout: z.boolean().optional(),
    /** RDMAC16 words per readout (default 1; int32 accumulators take 2, the row scales 2 more). */
    readoutWords: pos.optional(),
    /**
     * With readout: segments MACed into accumulators 0..g-1 (segment s of the block into s mod g)
     * before the g are read out together (default 1: a readout after every segment). At most
     * the system's pu.accumulators.
     */
    readoutGroup: pos.optional(),
    /** Without readout: the accumulator the MACs add into (default 0). */
    acc: nonneg.optional(),
    /**
     * Where readouts go: element base + slot x slotStride + bank x bankStride, kept when below count.
     * Low-bit formats: the integer sums go to `vector` (exact), and with `scales` the float32 weight
     * scale of each output row, read from its DRAM row (4 bytes per segment from column `col`).
     */
    data: z.strictObject({
      vector: z.string().min(1), base: nonneg, slotStride: nonneg, bankStride: nonneg, count: nonneg,
      scales: z.strictObject({ vector: z.string().min(1), col: nonneg }).optional(),
    }).optional(),
  }),
  z.strictObject({
    ...base, op: z.literal('RD_MAC'), channel,
    /** The accumulator read (and cleared; default 0). */
    acc: nonneg.optional(),
    /** Per bank of the channel: the output element its accumulator goes to (-1: discard). */
    data: z.strictObject({ vector: z.string().min(1), index: z.array(z.number().int().gte(-1)) }).optional(),
  }),
  /** Writes (here: clears) accumulator `acc` (default 0) of every bank. */
  z.strictObject({ ...base, op: z.literal('WR_BIAS'), channel, acc: nonneg.optional() }),
  z.strictObject({
    ...base, op: z.enum(['WR', 'RD']), channel, banks: z.union([z.literal('all'), z.tuple([nonneg, nonneg])]),
    row: nonneg, col: nonneg, count: pos,
    /** Consecutive rows (each gets `count` bursts from `col` in every addressed bank). */
    rows: pos.optional(),
    /**
     * Functional WR: `elements` values of `vector` from `offset + bank x bankStride + r x rowStride` go to
     * element `at` of the r-th row, in every addressed bank (bank = flat index within the channel).
     */
    data: z.strictObject({
      vector: z.string().min(1), offset: nonneg, elements: pos, at: nonneg, bankStride: nonneg.optional(), rowStride: nonneg.optional(),
    }).optional(),
  }),
  z.strictObject({
    ...base, op: z.literal('ASIC'), kind: z.enum(ASIC_KINDS), elements: pos, rows: pos.optional(),
    /**
     * Functional data (host vectors by name). reduce: output = inputs summed in order (+ bias), FP32;
     * residual: inputs[0] + inputs[1]; gelu: GELU(inputs[0]); swiglu: SiLU(inputs[0]) x inputs[1];
     * softmax: per row; layernorm: per row with gamma and beta; rmsnorm: per row with gamma; rope:
     * the first `rows` head vectors of inputs[0] rotated as `rope` says, the rest copied. The ASIC's
     * approximations are used (src/asic/approx.ts).
     */
    data: z.strictObject({
      inputs: z.array(z.string().min(1)).nonempty(), output: z.string().min(1),
      bias: z.string().optional(), gamma: z.string().optional(), beta: z.string().optional(),
      rope: z.strictObject({ position: nonneg, headDim: pos, theta: z.number().positive() }).optional(),
      /**
       * reduce of a low-bit GEMV: the inputs are integer partial sums, added exactly, then
       * y = weight scale x (activation scale x sum) (+ bias), the activation scale being that of
       * `input` quantized by `quant`, the weight scales those read out into `scales`.
       */
      dequant: z.strictObject({ input: z.string().min(1), quant: GbQuantSchema, scales: z.string().min(1) }).optional(),
    }).optional(),
  }),
  z.strictObject({ ...base, op: z.literal('BARRIER') }),
]);
export type InstructionInput = z.input<typeof InstructionSchema>;
type Parsed = z.output<typeof InstructionSchema>;

export type Op = Parsed['op'];

/** One instruction on one channel (or the ASIC), dependencies resolved to indices. */
export interface Instruction {
  readonly index: number;
  readonly id: string;
  /** Source line (1-based), or 0 for generated programs. */
  readonly line: number;
  readonly op: Op;
  /** -1 for ASIC and BARRIER. */
  readonly channel: number;
  readonly allBanks: boolean;
  readonly bankgroup: number;
  readonly bank: number;
  readonly row: number;
  readonly col: number;
  /** MAC: columns per segment; WR/RD: bursts per bank and row; WR_GB: 32 B transfers; RD_MAC, WR_BIAS: 1. */
  readonly count: number;
  /** MAC, WR, RD: rows in the block. */
  readonly rowCount: number;
  /** MAC: segments per row. */
  readonly segments: number;
  /** MAC: segments in the last row. */
  readonly lastSegments: number;
  /** MAC: columns between segment starts. */
  readonly segmentStride: number;
  /** MAC: RDMAC16 after each segment. */
  readonly readout: boolean;
  /** MAC: RDMAC16 words per readout. */
  readonly readoutWords: number;
  /** MAC with readout: segments per readout group (segment s uses accumulator s mod readoutGroup). */
  readonly readoutGroup: number;
  /** MAC without readout, RD_MAC, WR_BIAS: the accumulator used. */
  readonly acc: number;
  readonly precision: Precision;
  readonly asicKind?: AsicKind;
  readonly elements: number;
  readonly rows: number;
  deps: number[];
  readonly source: Parsed;
}

export interface Program {
  readonly name: string;
  readonly instructions: readonly Instruction[];
  /** Per source item (instruction object given), the index of its first instruction; one more entry at the end. */
  readonly itemStart?: Int32Array;
  /** The source items, for patchProgram. */
  readonly items?: readonly (InstructionInput | Parsed)[];
}

/** Build a program from instruction objects (validated), as generators and the parser do. */
export function buildProgram(items: readonly (InstructionInput | Parsed)[], system: SystemSpec, name = 'program', lines?: readonly number[], trusted = false): Program {
  const org = system.memory.org;
  const out: Instruction[] = [];
  const byId = new Map<string, number[]>();
  const pendingDeps: string[][] = [];
  const itemStart = new Int32Array(items.length + 1);
  items.forEach((raw, k) => {
    const line = lines?.[k] ?? 0;
    const where = lines ? `${name}:${line}` : `${name}: instruction ${k + 1}`;
    // Generated programs (trusted) skip schema validation: it dominates build time for large models.
    let ins: Parsed;
    if (trusted) ins = raw as Parsed;
    else {
      const r = InstructionSchema.safeParse(raw);
      if (!r.success) {
        throw new InputError(r.error.issues.map((i) => `field ${i.path.join('.') || '(instruction)'}: ${i.message}`).join('; '), where);
      }
      ins = r.data;
    }
    const idStr = ins.id ?? `#${k + 1}`;
    if (byId.has(idStr)) throw new InputError(`duplicate instruction id ${quote(idStr)}`, where);
    const ch = 'channel' in ins ? ins.channel : -1;
    const channels = ch === 'all' ? [...Array(org.channels).keys()] : [ch];
    const idxs: number[] = [];
    itemStart[k] = out.length;
    for (const c of channels) {
      const inst = makeInstruction(ins, c, out.length, idStr, line, system, where);
      out.push(inst);
      pendingDeps.push(ins.deps ?? []);
      idxs.push(inst.index);
      if (ins.op === 'ASIC' || ins.op === 'BARRIER') break;
    }
    byId.set(idStr, idxs);
  });
  itemStart[items.length] = out.length;
  const isAll = (ins: Instruction) => 'channel' in ins.source && ins.source.channel === 'all';
  out.forEach((inst, i) => {
    for (const d of pendingDeps[i]) {
      const targets = byId.get(d);
      if (!targets) throw new InputError(`depends on unknown instruction ${quote(String(d))}`, inst.line ? `${name}:${inst.line}` : `${name}: instruction ${quote(String(inst.id))}`);
      if (isAll(inst) && isAll(out[targets[0]])) inst.deps.push(...targets.filter((t) => out[t].channel === inst.channel));
      else inst.deps.push(...targets);
    }
  });
  // Dependencies on earlier instructions only cannot form a cycle; anything else gets a full check.
  if (!out.every((x) => x.deps.every((d) => d < x.index))) checkAcyclic(out, name);
  return { name, instructions: out, itemStart, items };
}

/**
 * One instruction of item `ins` on channel `c` (the channel's copy of an "all" instruction), with
 * its fields checked against the system; dependencies are resolved by the caller.
 */
function makeInstruction(ins: Parsed, c: number | 'all' | -1, index: number, idStr: string, line: number, system: SystemSpec, where: string): Instruction {
  const org = system.memory.org;
  if (typeof c === 'number' && c >= org.channels) throw new InputError(`channel ${c} does not exist (the system has ${org.channels})`, where);
  // Every instruction gets the same fields in the same order (one object shape: fast to build and read).
  let allBanks = true, bankgroup = 0, bank = 0, row = -1, col = 0, count = 1, precision: Precision = 'bf16';
  let rowCount = 1, segments = 1, lastSegments = 1, segmentStride = 0, readout = false, readoutWords = 1, readoutGroup = 1, acc = 0, elements = 0, rows = 1, channel = c as number;
  let asicKind: Instruction['asicKind'];
  switch (ins.op) {
    case 'MAC':
    case 'WR':
    case 'RD': {
      allBanks = ins.banks === 'all';
      [bankgroup, bank] = allBanks ? [0, 0] : (ins.banks as [number, number]);
      if (!allBanks && (bankgroup >= org.bankGroups || bank >= org.banksPerGroup)) throw new InputError(`bank [${bankgroup}, ${bank}] does not exist (${org.bankGroups} bank groups x ${org.banksPerGroup} banks)`, where);
      rowCount = ins.rows ?? 1;
      row = ins.row;
      col = ins.col;
      if (ins.op === 'MAC') {
        segments = ins.segments ?? 1;
        lastSegments = ins.lastSegments ?? segments;
        if (lastSegments > segments) throw new InputError(`lastSegments (${lastSegments}) exceeds segments (${segments})`, where);
        count = ins.cols;
        segmentStride = ins.segmentStride ?? ins.cols;
        if (segmentStride < count) throw new InputError(`segmentStride (${segmentStride}) is shorter than a segment (${count} columns)`, where);
        readout = ins.readout ?? false;
        readoutWords = ins.readoutWords ?? 1;
        if (ins.readoutWords !== undefined && !readout) throw new InputError('readoutWords needs "readout": true', where);
        if (ins.readoutGroup !== undefined && !readout) throw new InputError('readoutGroup needs "readout": true', where);
        if (ins.acc !== undefined && readout) throw new InputError('"acc" is for MACs without readout (a readout block uses accumulators 0..readoutGroup-1)', where);
        readoutGroup = ins.readoutGroup ?? 1;
        acc = ins.acc ?? 0;
        if (readout) checkAccumulator(readoutGroup - 1, system, where, `readoutGroup ${readoutGroup} needs ${readoutGroup} accumulators per bank`);
        else checkAccumulator(acc, system, where, `acc ${acc}`);
        precision = ins.precision ?? 'bf16';
        if (!system.pu.formats.includes(precision)) {
          throw new InputError(`the ${system.name} PUs cannot multiply ${precision} (they support ${system.pu.formats.join(', ')})`, where);
        }
      } else count = ins.count;
      checkRow(row + rowCount - 1, col, segments > 1 ? (segments - 1) * segmentStride + count : count, system, where);
      break;
    }
    case 'RD_MAC':
    case 'WR_BIAS':
      acc = ins.acc ?? 0;
      checkAccumulator(acc, system, where, `acc ${acc}`);
      break;
    case 'WR_GB':
      if (ins.bytes > system.globalBufferBytes) throw new InputError(`WR_GB of ${ins.bytes} B exceeds the ${system.globalBufferBytes} B global buffer`, where);
      count = Math.ceil(ins.bytes / system.memory.accessBytes);
      break;
    case 'ASIC':
      if (ins.rows !== undefined && ins.elements % ins.rows !== 0) throw new InputError(`ASIC ${ins.kind}: ${ins.elements} elements do not split into ${ins.rows} rows`, where);
      channel = -1;
      allBanks = false;
      asicKind = ins.kind;
      elements = ins.elements;
      rows = ins.rows ?? 1;
      break;
    case 'BARRIER':
      channel = -1;
      break;
    default:
      break;
  }
  return {
    index, id: idStr, line, op: ins.op, channel, allBanks, bankgroup, bank, row, col, count,
    rowCount, segments, lastSegments, segmentStride, readout, readoutWords, readoutGroup, acc, precision, asicKind, elements, rows, deps: [], source: ins,
  };
}

/** Deep equality of JSON-like values down to `depth` levels (items are small plain objects). */
function sameValue(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (depth === 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], depth - 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth - 1)) return false;
  return true;
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The program of `items` made from `prev` when they have the same structure (the same ids, ops,
 * channels and dependencies in the same order; trusted, generated items): instructions of items
 * identical to prev's (the same objects) are shared, the others rebuilt in place. Null when the
 * structure differs (build it with buildProgram). A decode step differs from the previous one only
 * in its attention and KV-cache instructions, so this avoids rebuilding the rest each token.
 */
export function patchProgram(prev: Program, items: readonly (InstructionInput | Parsed)[], system: SystemSpec, name: string): Program | null {
  const old = prev.items, starts = prev.itemStart;
  if (!old || !starts || old.length !== items.length) return null;
  const out = prev.instructions.slice() as Instruction[];
  for (let k = 0; k < items.length; k++) {
    const raw = items[k] as Parsed;
    const was = old[k] as Parsed;
    if (raw === was || sameValue(raw, was, 3)) continue;
    if (raw.op !== was.op || raw.id !== was.id || ('channel' in raw ? raw.channel : -1) !== ('channel' in was ? was.channel : -1) || !sameStrings(raw.deps, was.deps)) return null;
    for (let i = starts[k]; i < starts[k + 1]; i++) {
      const o = out[i];
      const inst = makeInstruction(raw, o.channel, i, o.id, 0, system, `${name}: instruction ${k + 1}`);
      inst.deps = o.deps;
      out[i] = inst;
    }
  }
  return { name, instructions: out, itemStart: starts, items };
}

function checkAccumulator(acc: number, system: SystemSpec, where: string, what: string): void {
  const n = system.pu.accumulators;
  if (acc >= n) throw new InputError(`${what}, but the ${system.name} PUs have ${n} accumulator${n === 1 ? '' : 's'} per bank (pu.accumulators)`, where);
}

function checkRow(row: number, col: number, cols: number, system: SystemSpec, where: string): void {
  const m = system.memory;
  if (row >= m.org.rows) throw new InputError(`row ${row} is not mapped (the memory has rows 0..${m.org.rows - 1})`, where);
  if (col + cols > m.burstsPerRow) throw new InputError(`columns ${col}..${col + cols - 1} run past the ${m.burstsPerRow} columns of a row`, where);
}

/** Kahn's algorithm; on a cycle, name the instructions on it. */
function checkAcyclic(ins: readonly Instruction[], name: string): void {
  const indeg = new Int32Array(ins.length);
  const users: number[][] = ins.map(() => []);
  ins.forEach((x) => x.deps.forEach((d) => { users[d].push(x.index); indeg[x.index]++; }));
  const queue = ins.filter((x) => indeg[x.index] === 0).map((x) => x.index);
  let seen = 0;
  while (queue.length) {
    const i = queue.pop()!;
    seen++;
    for (const u of users[i]) if (--indeg[u] === 0) queue.push(u);
  }
  if (seen < ins.length) {
    const stuck = ins.filter((x) => indeg[x.index] > 0).map((x) => `"${x.id}"${x.line ? ` (line ${x.line})` : ''}`);
    throw new InputError(`dependency cycle among instructions ${[...new Set(stuck)].slice(0, 10).join(', ')}`, name);
  }
}

/** Parse the JSON-lines program format; `#` comments and blank lines are ignored. */
export function parseProgram(text: string, file: string, system: SystemSpec): Program {
  const items: unknown[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (!s || s.startsWith('#')) return;
    try {
      items.push(JSON.parse(s));
    } catch (e) {
      throw new InputError(`not a JSON object (${(e as Error).message}); expected one instruction per line, e.g. {"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0, "cols": 64}`, `${file}:${i + 1}`);
    }
    lines.push(i + 1);
  });
  if (items.length === 0) throw new InputError('the program has no instructions', file);
  return buildProgram(items as InstructionInput[], system, file, lines);
}

/** Serialize a program back to JSON lines (one source object per instruction id). */
export function formatProgram(p: Program): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const i of p.instructions) {
    if (seen.has(i.id)) continue;
    seen.add(i.id);
    lines.push(JSON.stringify({ ...i.source, id: i.id }));
  }
  return lines.join('\n') + '\n';
}
