/**
 * The program of one decode step on a placed model: the workload graph (model/decode.ts) lowered
 * op by op to PIM and ASIC instructions, chained by the graph's data flow. Every op kind has one
 * lowering in `LOWERINGS`; nothing here describes the block itself.
 *
 * Naming: an instruction's id and the host vector it produces are the graph op's name ("L3.qkv",
 * "L3.softmax", ...), so functional mode can follow the data; the LM head writes 'logits' and
 * layer 0 reads 'embed'. Parameters: `<gemv>.bias`, `<norm>.g` and (layernorm) `<norm>.b`.
 *
 * Order: the KV writes of a K/V head are emitted on its channel right before the first QK^T of its
 * query-head group, after that head's query went to the global buffer, so the WR_GB shares the
 * register-mode phase of the previous readout and the writes share the MACs' bank mode (two mode
 * switches a head).
 */
import type { InstructionInput } from '../pim/program.js';
import { gemvItems, readoutGroupFor } from './gemv.js';
import type { ModelLayout } from './layout.js';
import { opsPerToken } from '../model/decode.js';
import { EMBED, type Op, type OpKind, type VectorOp } from '../model/ops.js';

export interface TokenProgram {
  readonly items: InstructionInput[];
  /** Id of the instruction that produces the logits. */
  readonly done: string;
}

/** State shared by the lowerings of one token. */
interface Lowering {
  readonly layout: ModelLayout;
  readonly position: number;
  readonly items: InstructionInput[];
  /** Graph op name -> the instruction ids whose completion makes its output ready. */
  readonly ready: Map<string, string[]>;
  /** K/V head -> its KV-write instructions, emitted before its group's first QK^T. */
  readonly pendingKv: Map<number, InstructionInput[]>;
  /** Id of the LM head's last instruction. */
  done: string;
}

/** The op type of a kind (the element-wise kinds share VectorOp). */
export type OfKind<K extends OpKind> = K extends VectorOp['kind'] ? VectorOp : Extract<Op, { kind: K }>;
type Lower<K extends OpKind> = (s: Lowering, op: OfKind<K>) => void;

const depsOf = (s: Lowering, name: string): string[] => (name === EMBED ? [] : (s.ready.get(name) ?? []));
const vectorOf = (op: Op): string => (op.kind === 'gemv' && op.role === 'lm-head' ? 'logits' : op.name);

/** An ASIC op reading its inputs' vectors; the residual waits only on its branch (the stream input is the branch's ancestor). */
function asicOp(s: Lowering, op: OfKind<'layernorm' | 'rmsnorm' | 'softmax' | 'gelu' | 'swiglu' | 'residual' | 'rope'>, extra: Record<string, unknown> = {}): void {
  const deps = op.kind === 'residual' ? depsOf(s, op.inputs[1]) : [...new Set(op.inputs.flatMap((i) => depsOf(s, i)))];
  s.items.push({
    id: op.name, op: 'ASIC', kind: op.kind, elements: op.elements, rows: op.rows, deps,
    data: { inputs: op.inputs as [string, ...string[]], output: op.name, ...extra },
  } as InstructionInput);
  s.ready.set(op.name, [op.name]);
}

/**
 * A GEMV's instructions are the same every token: they are made once per layout and op (and the
 * ids they wait for), so consecutive token programs share them (patchProgram).
 */
const gemvCache = new WeakMap<ModelLayout, Map<string, { deps: string[]; g: ReturnType<typeof gemvItems> }>>();

const gemv: Lower<'gemv'> = (s, op) => {
  const { layout } = s;
  const deps = depsOf(s, op.inputs[0]);
  let cache = gemvCache.get(layout);
  if (!cache) gemvCache.set(layout, (cache = new Map()));
  const hit = cache.get(op.name);
  let g: ReturnType<typeof gemvItems>;
  if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) g = hit.g;
  else {
    const plan = layout.plans[op.layer < 0 ? layout.model.layers : op.layer][op.role]!;
    g = gemvItems(layout.system, plan, {
      prefix: op.name, input: op.inputs[0], output: vectorOf(op), deps, bias: op.bias ? `${op.name}.bias` : undefined,
    });
    cache.set(op.name, { deps, g });
  }
  s.items.push(...g.items);
  s.ready.set(op.name, [g.done]);
  if (op.role === 'lm-head') s.done = g.done;
};

const kvWrite: Lower<'kv-write'> = (s, op) => {
  const { layout, position } = s;
  const { model, system } = layout;
  const m = system.memory, banks = m.banksPerChannel, e = m.accessBytes / 2;
  const kv = layout.kv[op.layer];
  const hd = op.headDim, W = model.attnWidth, KW = model.kvWidth;
  const deps = depsOf(s, op.inputs[0]);
  const chunk = Math.floor(position / kv.tokensPerChunk);
  const vt = position % kv.tokensPerChunk;
  for (let g = 0; g < op.kvHeads; g++) {
    const k = layout.kPlace(op.layer, g, position);
    const L = `L${op.layer}`;
    s.pendingKv.set(g, [
      {
        id: `${L}.g${g}.kw`, op: 'WR', channel: k.channel, banks: [Math.floor(k.bank / m.org.banksPerGroup), k.bank % m.org.banksPerGroup],
        row: k.row, col: k.col, count: kv.headCols, deps,
        data: { vector: op.inputs[0], offset: W + g * hd, elements: hd, at: k.col * e },
      },
      // V^T: element d = r x banks + b of this token goes to row r of bank b, one masked burst each.
      {
        id: `${L}.g${g}.vw`, op: 'WR', channel: k.channel, banks: 'all', row: layout.vRow(op.layer, g, chunk), rows: kv.vRowsPerHead, col: Math.floor(vt / e), count: 1,
        deps, data: { vector: op.inputs[0], offset: W + KW + g * hd, bankStride: 1, rowStride: banks, elements: 1, at: vt },
      },
    ]);
  }
};

/** What both attention products of a layer start from: its K/V layout, the context length, ids. */
function attention(s: Lowering, op: OfKind<'attn-score'> | OfKind<'attn-context'>) {
  const { layout, position } = s;
  const { system } = layout;
  const m = system.memory;
  return {
    layout, system, m, banks: m.banksPerChannel, e: m.accessBytes / 2, kv: layout.kv[op.layer],
    L: `L${op.layer}`, n: position + 1, hd: op.headDim,
  };
}

const attnScore: Lower<'attn-score'> = (s, op) => {
  const { layout, system, m, banks, e, kv, L, n, hd } = attention(s, op);
  const slots = Math.ceil(n / banks);
  const rows = Math.ceil(slots / kv.kSegments);
  // Scores read out in groups of as many tokens per bank as the PUs have accumulators.
  const qkGroup = readoutGroupFor(system, slots);
  const ids: string[] = [];
  for (let h = 0; h < op.heads; h++) {
    const g = layout.kvHeadOf(h);
    const c = layout.channelOf(h);
    // QK^T: q_h replicated in the global buffer, one K segment per token, 16 scores per readout.
    s.items.push({
      id: `${L}.h${h}.q`, op: 'WR_GB', channel: c, bytes: kv.kSegments * kv.headCols * m.accessBytes, deps: depsOf(s, op.inputs[0]),
      data: { vector: op.inputs[0], offset: h * hd, elements: kv.headCols * e, replicate: kv.kSegments },
    });
    const writes = s.pendingKv.get(g);
    if (writes) {
      s.items.push(...writes);
      s.pendingKv.delete(g);
    }
    s.items.push({
      id: `${L}.h${h}.qk`, op: 'MAC', channel: c, banks: 'all', row: layout.kPlace(op.layer, g, 0).row, col: 0, cols: kv.headCols, rows, segments: kv.kSegments,
      lastSegments: slots - (rows - 1) * kv.kSegments, readout: true, deps: [`${L}.h${h}.q`], ...(qkGroup > 1 ? { readoutGroup: qkGroup } : {}),
      data: { vector: op.name, base: h * n, slotStride: banks, bankStride: 1, count: n },
    });
    ids.push(`${L}.h${h}.qk`);
  }
  for (const writes of s.pendingKv.values()) s.items.push(...writes);
  s.pendingKv.clear();
  s.ready.set(op.name, ids);
};

const attnContext: Lower<'attn-context'> = (s, op) => {
  const { layout, system, m, banks, e, kv, L, n, hd } = attention(s, op);
  // S.V: the head's probabilities in the global buffer, V^T rows MACed, one chunk of context at a time.
  const tokensPerChunk = kv.tokensPerChunk;
  const chunks = Math.ceil(n / tokensPerChunk);
  const ids: string[] = [];
  const svGroup = readoutGroupFor(system, kv.vRowsPerHead);
  for (let h = 0; h < op.heads; h++) {
    const c = layout.channelOf(h);
    for (let j = 0; j < chunks; j++) {
      const len = Math.min(tokensPerChunk, n - j * tokensPerChunk);
      const cols = Math.ceil(len / e);
      s.items.push({ id: `${L}.h${h}.p${j}`, op: 'WR_GB', channel: c, bytes: cols * m.accessBytes, deps: depsOf(s, op.inputs[0]), data: { vector: op.inputs[0], offset: h * n + j * tokensPerChunk, elements: len } });
      s.items.push({
        id: `${L}.h${h}.sv${j}`, op: 'MAC', channel: c, banks: 'all', row: layout.vRow(op.layer, layout.kvHeadOf(h), j), col: 0, cols, rows: kv.vRowsPerHead, readout: true,
        ...(svGroup > 1 ? { readoutGroup: svGroup } : {}),
        deps: [`${L}.h${h}.p${j}`], data: { vector: chunks > 1 ? `${op.name}.part${j}` : op.name, base: h * hd, slotStride: banks, bankStride: 1, count: hd },
      });
      ids.push(`${L}.h${h}.sv${j}`);
    }
  }
  if (chunks > 1) {
    s.items.push({
      id: op.name, op: 'ASIC', kind: 'reduce', elements: layout.model.attnWidth * (chunks - 1), deps: ids,
      data: { inputs: Array.from({ length: chunks }, (_, j) => `${op.name}.part${j}`) as [string, ...string[]], output: op.name },
    });
  } else s.items.push({ id: op.name, op: 'BARRIER', deps: ids });
  s.ready.set(op.name, [op.name]);
};

/** One lowering per op kind the graph can emit (a test checks this covers OP_KINDS). */
export const LOWERINGS: { readonly [K in OpKind]: Lower<K> } = {
  gemv,
  'kv-write': kvWrite,
  'attn-score': attnScore,
  'attn-context': attnContext,
  layernorm: (s, op) => asicOp(s, op, { gamma: `${op.name}.g`, beta: `${op.name}.b` }),
  rmsnorm: (s, op) => asicOp(s, op, { gamma: `${op.name}.g` }),
  softmax: (s, op) => asicOp(s, op),
  gelu: (s, op) => asicOp(s, op),
  swiglu: (s, op) => asicOp(s, op),
  residual: (s, op) => asicOp(s, op),
  rope: (s, op) => asicOp(s, op, { rope: { position: op.position, headDim: op.headDim, theta: op.theta } }),
};

/** Lower a graph (one token's ops) on a placed model. */
export function lowerOps(layout: ModelLayout, position: number, ops: readonly Op[]): TokenProgram {
  const s: Lowering = { layout, position, items: [], ready: new Map(), pendingKv: new Map(), done: '' };
  for (const op of ops) (LOWERINGS[op.kind] as Lower<OpKind>)(s, op as never);
  if (!s.done) throw new Error('the graph has no LM head');
  return { items: s.items, done: s.done };
}

/** The instructions that process the token at `position` (attending to positions 0..position). */
export function tokenItems(layout: ModelLayout, position: number): TokenProgram {
  return lowerOps(layout, position, opsPerToken(layout.model, { position, precision: layout.precision }));
}
