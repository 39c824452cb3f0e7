/**
 * The program of one decode step on a placed model: every layer's GEMVs, the KV-cache write, QK^T
 * and S.V on the PUs, and the ASIC's layernorm, softmax, GELU, residuals and partial-sum
 * reductions, chained by their data dependencies. Host vectors are named per layer
 * ("L3.qkv", "L3.probs", ...) so functional mode can follow the data.
 */
import type { InstructionInput } from '../pim/program.js';
import { gemvItems, readoutGroupFor } from './gemv.js';
import type { ModelLayout } from './layout.js';

export interface TokenProgram {
  readonly items: InstructionInput[];
  /** Id of the instruction that produces the logits. */
  readonly done: string;
}

/** The instructions that process the token at `position` (attending to positions 0..position). */
export function tokenItems(layout: ModelLayout, position: number): TokenProgram {
  const { model, system } = layout;
  const m = system.memory;
  const C = m.org.channels, banks = m.banksPerChannel;
  const e = m.accessBytes / 2;
  const n = position + 1;
  const H = model.heads, hd = model.headDim, W = model.attnWidth;
  const items: InstructionInput[] = [];
  const add = (...xs: InstructionInput[]) => items.push(...xs);
  let prev: string[] = [];
  let x = 'embed';
  for (let l = 0; l < model.layers; l++) {
    const L = `L${l}`;
    const plans = layout.plans[l];
    const kv = layout.kv[l];
    add({ id: `${L}.ln1`, op: 'ASIC', kind: 'layernorm', elements: model.dModel, rows: 1, deps: prev, data: { inputs: [x], output: `${L}.ln1`, gamma: `${L}.ln1.g`, beta: `${L}.ln1.b` } });
    const qkv = gemvItems(system, plans.qkv!, { prefix: `${L}.qkv`, input: `${L}.ln1`, output: `${L}.qkv`, deps: [`${L}.ln1`], bias: model.bias ? `${L}.qkv.bias` : undefined });
    add(...qkv.items);

    // Per head on its channel (program order on a channel keeps them in order): the query into the
    // global buffer first, then the KV write and QK^T, so the WR_GB shares the register-mode phase
    // of the previous readout and the writes share the MACs' bank mode (two mode switches a head).
    const scoreIds: string[] = [];
    for (let h = 0; h < H; h++) {
      const k = layout.kPlace(l, h, position);
      const c = k.channel;
      // QK^T: q_h replicated in the global buffer, one K segment per token, 16 scores per readout.
      add({
        id: `${L}.h${h}.q`, op: 'WR_GB', channel: c, bytes: kv.kSegments * kv.headCols * m.accessBytes, deps: [qkv.done],
        data: { vector: `${L}.qkv`, offset: h * hd, elements: kv.headCols * e, replicate: kv.kSegments },
      });
      add({
        id: `${L}.h${h}.kw`, op: 'WR', channel: c, banks: [Math.floor(k.bank / m.org.banksPerGroup), k.bank % m.org.banksPerGroup],
        row: k.row, col: k.col, count: kv.headCols, deps: [qkv.done],
        data: { vector: `${L}.qkv`, offset: W + h * hd, elements: hd, at: k.col * e },
      });
      const chunk = Math.floor(position / kv.tokensPerChunk);
      const vt = position % kv.tokensPerChunk;
      // V^T: element d = r x banks + b of this token goes to row r of bank b, one masked burst each.
      add({
        id: `${L}.h${h}.vw`, op: 'WR', channel: c, banks: 'all', row: layout.vRow(l, h, chunk), rows: kv.vRowsPerHead, col: Math.floor(vt / e), count: 1,
        deps: [qkv.done], data: { vector: `${L}.qkv`, offset: 2 * W + h * hd, bankStride: 1, rowStride: banks, elements: 1, at: vt },
      });
      const slots = Math.ceil(n / banks);
      const rows = Math.ceil(slots / kv.kSegments);
      const kRow0 = layout.kPlace(l, h, 0).row;
      // Scores read out in groups of as many tokens per bank as the PUs have accumulators.
      const qkGroup = readoutGroupFor(system, slots);
      add({
        id: `${L}.h${h}.qk`, op: 'MAC', channel: c, banks: 'all', row: kRow0, col: 0, cols: kv.headCols, rows, segments: kv.kSegments,
        lastSegments: slots - (rows - 1) * kv.kSegments, readout: true, deps: [`${L}.h${h}.q`], ...(qkGroup > 1 ? { readoutGroup: qkGroup } : {}),
        data: { vector: `${L}.scores`, base: h * n, slotStride: banks, bankStride: 1, count: n },
      });
      scoreIds.push(`${L}.h${h}.qk`);
    }
    add({ id: `${L}.softmax`, op: 'ASIC', kind: 'softmax', elements: H * n, rows: H, deps: scoreIds, data: { inputs: [`${L}.scores`], output: `${L}.probs` } });

    // S.V: the head's probabilities in the global buffer, V^T rows MACed, one chunk of context at a time.
    const tokensPerChunk = kv.tokensPerChunk;
    const chunks = Math.ceil(n / tokensPerChunk);
    const svIds: string[] = [];
    const svGroup = readoutGroupFor(system, kv.vRowsPerHead);
    for (let h = 0; h < H; h++) {
      const c = layout.channelOf(h);
      for (let j = 0; j < chunks; j++) {
        const len = Math.min(tokensPerChunk, n - j * tokensPerChunk);
        const cols = Math.ceil(len / e);
        add({ id: `${L}.h${h}.p${j}`, op: 'WR_GB', channel: c, bytes: cols * m.accessBytes, deps: [`${L}.softmax`], data: { vector: `${L}.probs`, offset: h * n + j * tokensPerChunk, elements: len } });
        add({
          id: `${L}.h${h}.sv${j}`, op: 'MAC', channel: c, banks: 'all', row: layout.vRow(l, h, j), col: 0, cols, rows: kv.vRowsPerHead, readout: true,
          ...(svGroup > 1 ? { readoutGroup: svGroup } : {}),
          deps: [`${L}.h${h}.p${j}`], data: { vector: chunks > 1 ? `${L}.ctx.part${j}` : `${L}.ctx`, base: h * hd, slotStride: banks, bankStride: 1, count: hd },
        });
        svIds.push(`${L}.h${h}.sv${j}`);
      }
    }
    if (chunks > 1) {
      add({ id: `${L}.ctx`, op: 'ASIC', kind: 'reduce', elements: W * (chunks - 1), deps: svIds, data: { inputs: Array.from({ length: chunks }, (_, j) => `${L}.ctx.part${j}`) as [string, ...string[]], output: `${L}.ctx` } });
    } else add({ id: `${L}.ctx`, op: 'BARRIER', deps: svIds });

    const out = gemvItems(system, plans['attn-out']!, { prefix: `${L}.attn`, input: `${L}.ctx`, output: `${L}.attn`, deps: [`${L}.ctx`], bias: model.bias ? `${L}.attn.bias` : undefined });
    add(...out.items);
    add({ id: `${L}.res1`, op: 'ASIC', kind: 'residual', elements: model.dModel, rows: 1, deps: [out.done], data: { inputs: [x, `${L}.attn`], output: `${L}.x1` } });
    add({ id: `${L}.ln2`, op: 'ASIC', kind: 'layernorm', elements: model.dModel, rows: 1, deps: [`${L}.res1`], data: { inputs: [`${L}.x1`], output: `${L}.ln2`, gamma: `${L}.ln2.g`, beta: `${L}.ln2.b` } });
    const up = gemvItems(system, plans['ffn-up']!, { prefix: `${L}.up`, input: `${L}.ln2`, output: `${L}.up`, deps: [`${L}.ln2`], bias: model.bias ? `${L}.up.bias` : undefined });
    add(...up.items);
    add({ id: `${L}.gelu`, op: 'ASIC', kind: 'gelu', elements: model.dFF, rows: 1, deps: [up.done], data: { inputs: [`${L}.up`], output: `${L}.act` } });
    const down = gemvItems(system, plans['ffn-down']!, { prefix: `${L}.down`, input: `${L}.act`, output: `${L}.down`, deps: [`${L}.gelu`], bias: model.bias ? `${L}.down.bias` : undefined });
    add(...down.items);
    add({ id: `${L}.res2`, op: 'ASIC', kind: 'residual', elements: model.dModel, rows: 1, deps: [down.done], data: { inputs: [`${L}.x1`, `${L}.down`], output: `${L}.out` } });
    prev = [`${L}.res2`];
    x = `${L}.out`;
  }
  add({ id: 'final.ln', op: 'ASIC', kind: 'layernorm', elements: model.dModel, rows: 1, deps: prev, data: { inputs: [x], output: 'final.ln', gamma: 'final.ln.g', beta: 'final.ln.b' } });
  const head = gemvItems(system, layout.plans[model.layers]['lm-head']!, { prefix: 'lm-head', input: 'final.ln', output: 'logits', deps: ['final.ln'] });
  add(...head.items);
  return { items, done: head.done };
}
