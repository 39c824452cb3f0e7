import { describe, expect, it } from 'vitest';
import { opsPerToken, summarizeOps } from '../../src/model/decode.js';
import type { GemvOp, Op } from '../../src/model/ops.js';
import { parsePrecisionPlan } from '../../src/model/precision.js';
import { loadModel, parameterBreakdown } from '../../src/model/spec.js';
import { InputError } from '../../src/util/errors.js';

const tiny = loadModel('test-tiny'); // 2 layers, d 64, 4 heads of 16, dFF 256, vocab 512, context 128
const gemvs = (ops: Op[]) => ops.filter((o): o is GemvOp => o.kind === 'gemv');

describe('opsPerToken', () => {
  it('lists one pre-LN block per layer, then the final layernorm and LM head', () => {
    const ops = opsPerToken(tiny, { position: 0 });
    expect(ops).toHaveLength(2 * 13 + 2);
    expect(ops.slice(0, 13).map((o) => o.name)).toEqual([
      'L0.ln1', 'L0.qkv', 'L0.kv-write', 'L0.attn-score', 'L0.softmax', 'L0.attn-context', 'L0.attn-out', 'L0.residual1',
      'L0.ln2', 'L0.ffn-up', 'L0.gelu', 'L0.ffn-down', 'L0.residual2',
    ]);
    expect(ops.slice(-2).map((o) => [o.name, o.kind, o.layer])).toEqual([['final.ln', 'layernorm', -1], ['final.lm-head', 'gemv', -1]]);
    expect(ops.filter((o) => o.layer === 1)).toHaveLength(13);
  });

  it('gives each op its shape', () => {
    const ops = opsPerToken(tiny, { position: 9 });
    const byName = Object.fromEntries(ops.map((o) => [o.name, o]));
    expect(byName['L1.qkv']).toEqual({ kind: 'gemv', name: 'L1.qkv', layer: 1, inputs: ['L1.ln1'], role: 'qkv', rows: 192, cols: 64, precision: 'bf16', gelu: false, bias: true });
    expect(byName['L1.attn-out']).toMatchObject({ rows: 64, cols: 64 });
    expect(byName['L1.ffn-up']).toMatchObject({ rows: 256, cols: 64, gelu: false });
    expect(byName['L1.ffn-down']).toMatchObject({ rows: 64, cols: 256 });
    expect(byName['final.lm-head']).toMatchObject({ role: 'lm-head', rows: 512, cols: 64, bias: false });
    expect(byName['L1.kv-write']).toEqual({ kind: 'kv-write', name: 'L1.kv-write', layer: 1, inputs: ['L1.qkv'], heads: 4, kvHeads: 4, headDim: 16, position: 9, precision: 'bf16' });
    expect(byName['L1.attn-score']).toMatchObject({ heads: 4, headDim: 16, context: 10 });
    expect(byName['L1.softmax']).toEqual({ kind: 'softmax', name: 'L1.softmax', layer: 1, inputs: ['L1.attn-score'], rows: 4, elements: 40 });
    expect(byName['L1.attn-context']).toMatchObject({ heads: 4, headDim: 16, context: 10 });
    expect(byName['L1.gelu']).toMatchObject({ kind: 'gelu', elements: 256, rows: 1 });
    expect(byName['L1.residual2']).toMatchObject({ kind: 'residual', elements: 64, rows: 1 });
  });

  it('applies a precision plan per role; the KV cache follows attention', () => {
    const plan = parsePrecisionPlan('ternary,lm-head=bf16,attention=int8');
    const ops = opsPerToken(tiny, { position: 3, precision: plan });
    expect(gemvs(ops).map((g) => `${g.role}:${g.precision}`).slice(0, 4)).toEqual(['qkv:ternary', 'attn-out:ternary', 'ffn-up:ternary', 'ffn-down:ternary']);
    expect(gemvs(ops).at(-1)!.precision).toBe('bf16');
    for (const o of ops) if (o.kind === 'kv-write' || o.kind === 'attn-score' || o.kind === 'attn-context') expect(o.precision).toBe('int8');
  });

  it('uses heads x headDim for Q, K, V when they differ from dModel', () => {
    const m = loadModel('gpt3-xl', ['heads=24']);
    const ops = opsPerToken(m, { position: 0 });
    expect(ops.find((o) => o.name === 'L0.qkv')).toMatchObject({ rows: 9216, cols: 2048 });
    expect(ops.find((o) => o.name === 'L0.attn-out')).toMatchObject({ rows: 2048, cols: 3072 });
    expect(ops.find((o) => o.name === 'L0.attn-score')).toMatchObject({ heads: 24, headDim: 128 });
  });

  it('rejects positions outside the context', () => {
    expect(() => opsPerToken(tiny, { position: 128 })).toThrow(InputError);
    expect(() => opsPerToken(tiny, { position: 128 })).toThrow(/beyond model test-tiny's context of 128/);
    expect(() => opsPerToken(tiny, { position: -1 })).toThrow(/non-negative integer/);
    expect(() => opsPerToken(tiny, { position: 1.5 })).toThrow(/non-negative integer/);
    expect(opsPerToken(tiny, { position: 127 }).find((o) => o.kind === 'attn-score')).toMatchObject({ context: 128 });
  });
});

describe('summarizeOps', () => {
  it('totals test-tiny at position 5 by hand (bf16)', () => {
    const s = summarizeOps(opsPerToken(tiny, { position: 5 }));
    // per layer 192*64 + 64*64 + 256*64 + 64*256 = 49152; LM head 512*64 = 32768
    expect(s.weightElements).toBe(2 * 49152 + 32768);
    expect(s.weightBytes).toBe(2 * (2 * 49152 + 32768));
    expect(s.weightBytesByRole).toEqual({ qkv: 2 * 12288 * 2, 'attn-out': 2 * 4096 * 2, 'ffn-gate': 0, 'ffn-up': 2 * 16384 * 2, 'ffn-down': 2 * 16384 * 2, 'lm-head': 32768 * 2 });
    // K and V: 4 heads x 16 x 6 tokens each, 2 layers, 2 bytes
    expect(s.kvReadBytes).toBe(2 * 2 * 384 * 2);
    expect(s.kvWriteBytes).toBe(2 * 2 * 64 * 2);
    expect(s.biasBytes).toBe(2 * (192 + 64 + 256 + 64) * 2);
    expect(s.normBytes).toBe(5 * 2 * 64 * 2);
    expect(s.bytesRead).toBe(s.weightBytes + s.biasBytes + s.normBytes + s.kvReadBytes);
    expect(s.gemvMacs).toBe(131072);
    expect(s.attentionMacs).toBe(2 * 2 * 384);
    expect(s.flops).toBe(2 * (131072 + 1536) + 2 * 576);
    expect(s.asicElements).toEqual({ layernorm: 320, rmsnorm: 0, softmax: 48, gelu: 512, swiglu: 0, residual: 256, rope: 0 });
    expect(s.asicElementsTotal).toBe(320 + 48 + 512 + 256);
    expect(s.gemvs).toBe(9);
    expect(s.ops).toBe(28);
  });

  it('weights read per token are the parameters minus position embeddings, biases and norms (GPT-2 small)', () => {
    const m = loadModel('gpt2-small');
    const s = summarizeOps(opsPerToken(m, { position: 0 }));
    const p = parameterBreakdown(m);
    const biasesAndNorms = 12 * (9 * 768 + 4 * 768) + 2 * 768;
    expect(s.weightElements).toBe(p.total - p.positionEmbedding - biasesAndNorms);
    expect(s.weightElements).toBe(12 * 12 * 768 * 768 + 50257 * 768);
    // the "2 flops per parameter" rule of thumb, within 1%
    expect(s.flops / (2 * p.total)).toBeGreaterThan(0.99);
    expect(s.flops / (2 * p.total)).toBeLessThan(1.0);
  });

  it('scales weight bytes with precision and KV reads with position', () => {
    const bf16 = summarizeOps(opsPerToken(tiny, { position: 0 }));
    const tern = summarizeOps(opsPerToken(tiny, { position: 0, precision: parsePrecisionPlan('ternary') }));
    expect(tern.weightBytes).toBe(bf16.weightBytes / 8);
    expect(tern.kvReadBytes).toBe(bf16.kvReadBytes / 8);
    const later = summarizeOps(opsPerToken(tiny, { position: 99 }));
    expect(later.kvReadBytes).toBe(100 * bf16.kvReadBytes);
    expect(later.weightBytes).toBe(bf16.weightBytes);
  });
});
