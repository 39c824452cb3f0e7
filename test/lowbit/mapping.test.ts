/**
 * Low-bit GEMV placement and programs (mapping/gemv.ts, layout.ts), hand-computed for
 * pim-gpt-lowbit: 8 channels x 16 banks = 128 banks, rows of 64 columns of 32 B, a 2 KB global
 * buffer holding 2048 int8 activations, 16384 rows per bank. A low-bit chunk is at most
 * min(63, 2048 / weights per column) columns (one row column kept for scales); segments s fit
 * s x chunk + ceil(4 s / 32) <= 64 columns.
 */
import { errorOf } from '../helpers/errors.js';
import { describe, expect, it } from 'vitest';
import { gemvItems, planGemv, type GemvPlan } from '../../src/mapping/gemv.js';
import { layoutModel } from '../../src/mapping/layout.js';
import { loadModel } from '../../src/model/spec.js';
import { parsePrecisionPlan } from '../../src/model/precision.js';
import { buildProgram, formatProgram, parseProgram } from '../../src/pim/program.js';
import { runProgram } from '../../src/pim/run.js';
import { loadSystem } from '../../src/spec/system.js';

const sys = loadSystem('pim-gpt-lowbit');
const pick = (p: GemvPlan) => ({ chunks: p.chunks, chunkCols: p.chunkCols, segmentsPerRow: p.segmentsPerRow, dramRowsPerBank: p.dramRowsPerBank, scaleCol: p.scaleCol, scaleCols: p.scaleCols, gbBytes: p.gbBytes });

describe('low-bit plans (hand-computed)', () => {
  it('ternary 4096 x 4096: chunks of 16 columns (2048 activations), 3 segments + 1 scale column per row', () => {
    // 4096 / 128 = 32 columns -> 2 chunks of 16; 4 x 16 + 1 = 65 > 64, so 3 segments (49 columns).
    // 32 slots per bank / 3 = 11 rows per chunk, 22 in all (BF16: 128). The buffer holds 16 x 128 B once.
    expect(pick(planGemv(sys, 4096, 4096, { precision: 'ternary' }))).toEqual({ chunks: 2, chunkCols: 16, segmentsPerRow: 3, dramRowsPerBank: 22, scaleCol: 48, scaleCols: 1, gbBytes: 2048 });
    expect(planGemv(sys, 4096, 4096).dramRowsPerBank).toBe(128);
  });

  it('ternary and binary 1024 x 768 share rows between many output rows', () => {
    // Ternary: 6 columns; 10 segments = 60 columns + ceil(40 / 32) = 2 scale columns. 8 slots -> 1 row.
    expect(pick(planGemv(sys, 1024, 768, { precision: 'ternary' }))).toEqual({ chunks: 1, chunkCols: 6, segmentsPerRow: 10, dramRowsPerBank: 1, scaleCol: 60, scaleCols: 2, gbBytes: 768 });
    // Binary: 3 columns; 21 segments would need 63 + 3 = 66, 20 need 60 + 3 = 63.
    expect(pick(planGemv(sys, 1024, 768, { precision: 'binary' }))).toEqual({ chunks: 1, chunkCols: 3, segmentsPerRow: 20, dramRowsPerBank: 1, scaleCol: 60, scaleCols: 3, gbBytes: 768 });
  });

  it('int8 4096 x 4096: 128 columns in chunks of at most 63 -> 3 chunks of 43, one segment per row', () => {
    expect(pick(planGemv(sys, 4096, 4096, { precision: 'int8' }))).toEqual({ chunks: 3, chunkCols: 43, segmentsPerRow: 1, dramRowsPerBank: 96, scaleCol: 43, scaleCols: 1, gbBytes: 1376 });
  });

  it('every (row, chunk) piece has its own columns, clear of the scale columns', () => {
    for (const [M, K, p] of [[1000, 777, 'ternary'], [333, 5000, 'binary'], [2049, 2100, 'int8']] as const) {
      const plan = planGemv(sys, M, K, { precision: p });
      const seen = new Set<string>();
      const problems: string[] = [];
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < plan.chunks; j++) {
          const q = plan.place(i, j);
          const cols = Math.ceil(plan.chunkLength(j) / plan.elementsPerColumn);
          if (q.col + cols > plan.scaleCol) problems.push(`row ${i} chunk ${j} runs into the scale columns`);
          for (let c = 0; c < cols; c++) {
            const key = `${q.channel}:${q.bank}:${q.row}:${q.col + c}`;
            if (seen.has(key)) problems.push(`row ${i} chunk ${j} overlaps at ${key}`);
            seen.add(key);
          }
        }
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(plan.scaleCol + plan.scaleCols).toBeLessThanOrEqual(64);
    }
  });
});

describe('low-bit GEMV programs', () => {
  const plan = planGemv(sys, 4096, 4096, { precision: 'ternary' });
  const { items, done } = gemvItems(sys, plan, { input: 'x', output: 'y', bias: 'b' });

  it('the ASIC quantizes the input first; WR_GB writes the chunk codes once; MACs carry the format', () => {
    expect(items[0]).toMatchObject({ op: 'ASIC', kind: 'reduce', elements: 2 * 4096 });
    const gbs = items.filter((i) => i.op === 'WR_GB');
    expect(gbs).toHaveLength(8 * 2);
    for (const g of gbs) expect(g).toMatchObject({ bytes: 2048, data: { quant: { method: 'symmetric', bits: 8 } } });
    const macs = items.filter((i) => i.op === 'MAC');
    expect(macs.every((m) => m.op === 'MAC' && m.precision === 'ternary')).toBe(true);
    // int32 sums: 2 words; the last chunk also reads the 16 float32 scales: 2 more.
    expect(macs.filter((m) => m.op === 'MAC' && m.readoutWords === 2)).toHaveLength(8);
    expect(macs.filter((m) => m.op === 'MAC' && m.readoutWords === 4 && m.data?.scales?.col === 48)).toHaveLength(8);
  });

  it('the epilogue adds the partials and applies two scales and the bias per output', () => {
    const last = items[items.length - 1];
    expect(last).toMatchObject({ id: done, op: 'ASIC', kind: 'reduce', elements: 4096 * (1 + 2 + 1), data: { inputs: ['y.part0', 'y.part1'], output: 'y', bias: 'b', dequant: { input: 'x', scales: 'y.scales' } } });
    // The program validates against the system (precisions, rows, buffer size).
    expect(buildProgram(items, sys, 'g').instructions.length).toBeGreaterThan(0);
  });

  it('low-bit programs round-trip through the JSON-lines format and run the same', () => {
    const small = planGemv(sys, 700, 3000, { precision: 'binary' });
    const p = buildProgram(gemvItems(sys, small).items, sys, 'g');
    const text = formatProgram(p);
    expect(text).toMatch(/"precision":"binary"/);
    expect(text).toMatch(/"readoutWords":4/);
    expect(runProgram(sys, parseProgram(text, 'g.jsonl', sys))).toEqual(runProgram(sys, p));
  });

  it('a 2-bit activation unit uses the signed elastic quantizer and a quarter of the buffer bytes', () => {
    const s2 = loadSystem('pim-gpt-lowbit', ['pu.formatUnits.ternary.activationBits=2']);
    const p2 = planGemv(s2, 4096, 4096, { precision: 'ternary' });
    // 2048 B x 8 / 2 = 8192 activations: 64 columns -> capped at 63; 32 columns of K in one chunk.
    expect(pick(p2)).toMatchObject({ chunks: 1, chunkCols: 32, segmentsPerRow: 1, gbBytes: 1024 });
    expect(gemvItems(s2, p2).items.find((i) => i.op === 'WR_GB')).toMatchObject({ data: { quant: { method: 'elastic-signed', bits: 2 } } });
  });
});

describe('model layout by precision plan', () => {
  const model = loadModel('gpt2-small');
  const weightRows = (plan: string) => {
    const l = layoutModel(model, sys, 'dense', parsePrecisionPlan(plan));
    return l.plans.reduce((a, p) => a + Object.values(p).reduce((b, g) => b + g!.dramRowsPerBank, 0), 0);
  };

  it('ternary weights take about 1/8 of the BF16 rows (between 1/8 and 1/5 with scales and segment packing)', () => {
    const bf = weightRows('bf16'), te = weightRows('ternary'), bi = weightRows('binary');
    expect(te / bf).toBeGreaterThanOrEqual(1 / 8);
    expect(te / bf).toBeLessThan(1 / 5);
    expect(bi).toBeLessThan(te);
  });

  it('per-role overrides: ternary layers with a bf16 LM head; attention stays bf16', () => {
    const l = layoutModel(model, sys, undefined, parsePrecisionPlan('ternary,lm-head=bf16'));
    expect(l.plans[0].qkv!.precision).toBe('ternary');
    expect(l.plans[0]['ffn-down']!.precision).toBe('ternary');
    expect(l.plans[model.layers]['lm-head']!.precision).toBe('bf16');
    expect(l.precision).toEqual({ default: 'ternary', overrides: { 'lm-head': 'bf16', attention: 'bf16' } });
  });
});

describe('bad input', () => {
  const msg = (f: () => unknown) => errorOf(f).message;

  it('a precision the system PUs lack', () => {
    const pimGpt = loadSystem('pim-gpt');
    expect(msg(() => planGemv(pimGpt, 64, 64, { precision: 'ternary' }))).toMatch(/pim-gpt PUs cannot multiply ternary .*support bf16.*pim-gpt-lowbit/);
    expect(msg(() => layoutModel(loadModel('gpt2-small'), pimGpt, undefined, parsePrecisionPlan('binary')))).toMatch(/precision binary for qkv: the pim-gpt PUs support bf16/);
    expect(msg(() => buildProgram([{ op: 'MAC', channel: 0, banks: 'all', row: 0, col: 0, cols: 1, precision: 'int8' }], pimGpt, 'p'))).toMatch(/cannot multiply int8/);
  });

  it('a ternary or binary KV cache', () => {
    expect(msg(() => layoutModel(loadModel('gpt2-small'), sys, undefined, parsePrecisionPlan('ternary,attention=ternary')))).toMatch(/attention=ternary: .*KV cache/);
  });

  it('a packed matrix that does not fit, naming the format', () => {
    expect(msg(() => planGemv(sys, 262144, 65536, { precision: 'ternary' }))).toMatch(/ternary \(ternary-2bit\) matrix needs \d+ rows in every bank/);
  });

  it('a global buffer too small for one column of activations', () => {
    const tiny = loadSystem('pim-gpt-lowbit', ['globalBuffer.bytes=64']);
    expect(msg(() => planGemv(tiny, 16, 256, { precision: 'ternary' }))).toMatch(/one ternary-2bit column needs 128 activations of 8 bits, more than the 64 B global buffer/);
  });

  it('readoutWords without readout', () => {
    expect(msg(() => buildProgram([{ op: 'MAC', channel: 0, banks: 'all', row: 0, col: 0, cols: 1, readoutWords: 2 }], sys, 'p'))).toMatch(/readoutWords needs "readout": true/);
  });
});
