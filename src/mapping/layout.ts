/**
 * Whole-model placement: every linear layer's weights and the KV cache of every layer, placed
 * once, before inference, in the same rows of every bank (the row index is the bank-independent
 * address; the bank and channel come from the GEMV plan or the head).
 *
 * KV cache (the paper's scheme): K row-major, V column-major.
 * - K/V head g lives on channel g mod C (heads concatenated on a channel fill its rows); with
 *   grouped-query attention (kvHeads < heads) a K/V head is stored once, and its query heads
 *   h = g x group .. (g + 1) x group - 1 run their QK^T and S.V on its channel, each reading it
 *   (a MAC has one global-buffer operand per column, so query heads cannot share a column read).
 * - K: token t goes to bank t mod 16 of its head's channel; each bank row holds the keys of
 *   several tokens, one per segment of headDim / 16 columns, so QK^T is a MAC block whose readout
 *   after each segment returns 16 scores (one per bank).
 * - V: stored transposed: row (head, d) holds V[t, head, d] over t, so S.V is a GEMV whose input,
 *   the head's probabilities, is broadcast through the global buffer; d goes to bank d mod 16.
 *   Contexts longer than a row are split into chunks of one row each, summed on the ASIC.
 *
 * Precision: each linear layer in the format the precision plan gives its role (mapping/gemv.ts
 * places packed low-bit codes and their scales); the KV cache and attention matmuls stay BF16
 * unless the plan names `attention` explicitly (pimPrecisionPlan).
 */
import { InputError } from '../util/errors.js';
import type { SystemSpec } from '../spec/system.js';
import type { ModelSpec } from '../model/spec.js';
import type { GemvRole } from '../model/ops.js';
import { layerRoles, weightShape } from '../model/block.js';
import { densestChunks, planGemv, type GemvPlan } from './gemv.js';
import { fitAdvice } from './fit.js';
import { BF16_PLAN, precisionFor, type PrecisionPlan } from '../model/precision.js';

export interface KvLayout {
  /** Columns per head vector (headDim / elements per column). */
  readonly headCols: number;
  /** Token segments per K row. */
  readonly kSegments: number;
  /** K rows per head-slot on a channel. */
  readonly kRowsPerHead: number;
  readonly kBase: number;
  /** V^T rows per head per context chunk (headDim / banks). */
  readonly vRowsPerHead: number;
  /** Context chunks (one DRAM row of tokens each, and no more than the global buffer holds). */
  readonly vChunks: number;
  /** Tokens per context chunk. */
  readonly tokensPerChunk: number;
  readonly vBase: number;
  readonly headsPerChannel: number;
  readonly rows: number;
}

export interface ModelLayout {
  readonly model: ModelSpec;
  readonly system: SystemSpec;
  /** The precision plan placed (attention resolved, see pimPrecisionPlan). */
  readonly precision: PrecisionPlan;
  /** plans[layer][role]; the LM head is plans[layers]['lm-head']. */
  readonly plans: readonly Partial<Record<GemvRole, GemvPlan>>[];
  readonly kv: readonly KvLayout[];
  /** Rows used in every bank. */
  readonly rowsUsed: number;
  /** K/V head that query head h reads. */
  kvHeadOf(h: number): number;
  /** Channel of query head h (its K/V head's). */
  channelOf(h: number): number;
  /** K position of token t of K/V head g: bank (flat), row, first column. */
  kPlace(layer: number, g: number, t: number): { channel: number; bank: number; row: number; col: number };
  /** First V^T row of K/V head g for context chunk `chunk` (rows for d = 16k + b follow, k = 0..). */
  vRow(layer: number, g: number, chunk: number): number;
}

export type Packing = 'fast' | 'dense';

/**
 * Place a model. 'fast' packing uses the fewest K chunks per GEMV; 'dense' chunkings that need
 * the fewest rows. The default tries 'fast' and falls back to 'dense' when the model does not fit.
 */
export function layoutModel(model: ModelSpec, system: SystemSpec, packing?: Packing, precision: PrecisionPlan = BF16_PLAN): ModelLayout & { packing: Packing } {
  const plan = pimPrecisionPlan(precision);
  try {
    return layoutOnce(model, system, packing, plan);
  } catch (e) {
    if (!(e instanceof InputError) || !/does not fit|needs \d+ rows/.test(e.message)) throw e;
    const fits = (s: SystemSpec) => {
      try {
        layoutOnce(model, s, undefined, plan);
        return true;
      } catch {
        return false;
      }
    };
    throw new InputError(`${e.message}. ${fitAdvice(model, system, plan, fits)}`);
  }
}

function layoutOnce(model: ModelSpec, system: SystemSpec, packing: Packing | undefined, plan: PrecisionPlan): ModelLayout & { packing: Packing } {
  for (const role of [...layerRoles(model), 'lm-head', 'attention'] as const) {
    const p = precisionFor(plan, role);
    if (!system.pu.formats.includes(p)) {
      throw new InputError(`precision ${p} for ${role}: the ${system.name} PUs support ${system.pu.formats.join(', ')}; use a system with low-bit PUs (e.g. --system pim-gpt-lowbit) or a per-role override such as ${role}=bf16`);
    }
  }
  if (packing === 'fast') return { ...place(model, system, 'fast', plan), packing };
  if (packing !== 'dense') {
    try {
      return { ...place(model, system, 'fast', plan), packing: 'fast' };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  // Dense: the fewest extra chunks that make the model fit (each GEMV within a slack of its
  // densest plan), since every extra chunk costs readouts and ASIC additions; last, the densest.
  let last: unknown;
  for (const slack of [0.5, 0.25, 0.1, 0.05, 0]) {
    try {
      return { ...place(model, system, 'dense', plan, slack), packing: 'dense' };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      last = e;
    }
  }
  throw last;
}

/**
 * The plan as the PIM system runs it: the KV cache and attention matmuls in BF16 unless the plan
 * overrides `attention` (K, V, Q and the probabilities are activations, never ternary or binary
 * weights; an 8-bit KV cache is not mapped yet).
 */
export function pimPrecisionPlan(plan: PrecisionPlan): PrecisionPlan {
  const attention = plan.overrides.attention ?? 'bf16';
  if (attention !== 'bf16') {
    throw new InputError(`attention=${attention}: the PIM mapping keeps the KV cache and the attention matmuls in bf16 (K, V and the probabilities are activations; an ${attention} KV cache is not mapped); drop the override or use attention=bf16`, '--precision');
  }
  return { default: plan.default, overrides: { ...plan.overrides, attention } };
}

function place(model: ModelSpec, system: SystemSpec, packing: Packing, precision: PrecisionPlan, slack = 0): ModelLayout {
  const m = system.memory;
  const C = m.org.channels, banks = m.banksPerChannel;
  const e = m.accessBytes / 2;
  let row = 0;
  const plans: Partial<Record<GemvRole, GemvPlan>>[] = [];
  const kv: KvLayout[] = [];
  const headCols = Math.ceil(model.headDim / e);
  if (headCols > m.burstsPerRow) throw new InputError(`head size ${model.headDim} does not fit a ${m.burstsPerRow}-column row`);
  const headsPerChannel = Math.ceil(model.kvHeads / C);
  const kSegments = Math.floor(Math.min(m.burstsPerRow, system.globalBufferBytes / m.accessBytes) / headCols);
  const kRowsPerHead = Math.ceil(Math.ceil(model.context / banks) / kSegments);
  const rowElems = m.burstsPerRow * e;
  const gbElems = system.globalBufferBytes / 2;
  const tokensPerChunk = Math.min(rowElems, gbElems);
  const vChunks = Math.ceil(model.context / tokensPerChunk);
  const vRowsPerHead = Math.ceil(model.headDim / banks);
  const group = model.heads / model.kvHeads;
  for (let l = 0; l < model.layers; l++) {
    const p: Partial<Record<GemvRole, GemvPlan>> = {};
    for (const role of layerRoles(model)) {
      const { rows, cols } = weightShape(model, role);
      const f = precisionFor(precision, role);
      p[role] = planGemv(system, rows, cols, { rowBase: row, precision: f, chunks: packing === 'dense' ? densestChunks(system, rows, cols, f, slack) : undefined });
      row += p[role]!.dramRowsPerBank;
    }
    plans.push(p);
    const kBase = row;
    row += headsPerChannel * kRowsPerHead;
    const vBase = row;
    row += vChunks * headsPerChannel * vRowsPerHead;
    kv.push({ headCols, kSegments, kRowsPerHead, kBase, vRowsPerHead, vChunks, tokensPerChunk, vBase, headsPerChannel, rows: row - kBase });
  }
  const head = weightShape(model, 'lm-head');
  if (row > m.org.rows) throw new InputError(`${model.name} does not fit ${system.name} (${packing} packing): its layers need ${row} rows in every bank, the banks have ${m.org.rows}`);
  const hf = precisionFor(precision, 'lm-head');
  plans.push({ 'lm-head': planGemv(system, head.rows, head.cols, { rowBase: row, precision: hf, chunks: packing === 'dense' ? densestChunks(system, head.rows, head.cols, hf, slack) : undefined }) });
  row += plans[model.layers]['lm-head']!.dramRowsPerBank;
  if (row > m.org.rows) {
    throw new InputError(`${model.name} does not fit ${system.name} (${packing} packing): it needs ${row} rows in every bank (weights and KV cache for ${model.context} tokens), the banks have ${m.org.rows}`);
  }
  return {
    model, system, precision, plans, kv, rowsUsed: row,
    kvHeadOf: (h) => Math.floor(h / group),
    channelOf: (h) => Math.floor(h / group) % C,
    kPlace(layer, h, t) {
      const k = kv[layer];
      const slot = Math.floor(t / banks);
      return {
        channel: h % C,
        bank: t % banks,
        row: k.kBase + Math.floor(h / C) * k.kRowsPerHead + Math.floor(slot / k.kSegments),
        col: (slot % k.kSegments) * k.headCols,
      };
    },
    vRow(layer, h, chunk) {
      const k = kv[layer];
      return k.vBase + (chunk * k.headsPerChannel + Math.floor(h / C)) * k.vRowsPerHead;
    },
  };
}
