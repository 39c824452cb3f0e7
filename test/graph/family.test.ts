/**
 * The model family as data: validation of the family fields (file + field in each message), and
 * grouped-query attention's K/V cache (a K/V head stored once, read by its query-head group).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, parameterCount } from '../../src/model/spec.js';
import { opsPerToken, summarizeOps } from '../../src/model/decode.js';
import { layoutModel } from '../../src/mapping/layout.js';
import { tokenItems } from '../../src/mapping/token.js';
import { loadSystem } from '../../src/spec/system.js';
import { simulate } from '../../src/simulate.js';
import { InputError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-family-'));
const base = JSON.parse(JSON.stringify(loadModelJson()));
function loadModelJson(): Record<string, unknown> {
  return {
    name: 'user-llama', description: 'a user model', layers: 2, dModel: 64, heads: 4, kvHeads: 2, dFF: 192, vocab: 512, context: 128,
    norm: 'rmsnorm', mlp: 'swiglu', position: 'rope', ropeTheta: 10000, bias: false, tiedEmbeddings: false,
    sources: { layers: 'x', dModel: 'x', heads: 'x', kvHeads: 'x', dFF: 'x', vocab: 'x', context: 'x', ropeTheta: 'x' }, assumptions: [],
  };
}
function write(name: string, patch: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  const m: Record<string, unknown> = { ...base, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete m[k];
  writeFileSync(file, JSON.stringify(m));
  return file;
}

describe('model family fields', () => {
  it('a user model JSON with the LLaMA fields loads like the preset', () => {
    const m = loadModel(write('ok', {}));
    expect(m).toMatchObject({ norm: 'rmsnorm', mlp: 'swiglu', position: 'rope', ropeTheta: 10000, kvHeads: 2, kvWidth: 32, headDim: 16, activation: 'silu' });
    const preset = loadModel('test-tiny-llama');
    expect(parameterCount(m)).toBe(parameterCount(preset));
    // By hand: embedding 512 x 64, LM head 512 x 64, per layer 2 RMSNorm gains (64 each), QKV (64 + 2 x 32) x 64,
    // out 64 x 64, gate and up 192 x 64 each, down 64 x 192; final gain 64; no position table.
    const perLayer = 2 * 64 + 128 * 64 + 64 * 64 + 3 * 192 * 64;
    expect(parameterCount(m)).toBe(2 * 512 * 64 + 2 * perLayer + 64);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['kv-divides', { kvHeads: 3 }, /kvHeads.*heads \(4\) must be divisible by kvHeads \(3\)/],
    ['head-dim', { dModel: 66, heads: 4 }, /heads.*dModel \(66\) must be divisible by heads \(4\)/],
    ['norm', { norm: 'batchnorm' }, /norm/],
    ['mlp', { mlp: 'relu' }, /mlp/],
    ['position', { position: 'alibi' }, /position/],
    ['theta-missing', { ropeTheta: undefined }, /ropeTheta.*needs ropeTheta/],
    ['negative', { dFF: -5 }, /dFF/],
    ['activation', { activation: 'gelu' }, /activation gelu does not match mlp swiglu/],
  ];
  for (const [name, patch, msg] of bad) {
    it(`rejects ${name} with the file and field named`, () => {
      const file = write(name, patch);
      let err: unknown;
      try {
        loadModel(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toContain(file);
    });
  }

  it('an explicit headDim may differ from dModel / heads', () => {
    const m = loadModel(write('hd', { headDim: 32, sources: { ...(base.sources as object), headDim: 'x' } }));
    expect(m).toMatchObject({ headDim: 32, attnWidth: 128, kvWidth: 64 });
    expect(opsPerToken(m, { position: 0 }).find((o) => o.name === 'L0.qkv')).toMatchObject({ rows: 128 + 2 * 64, cols: 64 });
  });
});

describe('grouped-query attention', () => {
  // 32 query heads on 8 channels: MHA keeps 4 K/V heads per channel, kvHeads = 8 one.
  const shape = (kv: number) => loadModel('test-tiny-llama', ['dModel=512', 'heads=32', `kvHeads=${kv}`, 'dFF=512']);
  const mha = shape(32), gqa = shape(8);
  const system = loadSystem('pim-gpt');
  const position = 19;

  it('the graph reads and writes 4x fewer K/V bytes with kvHeads = heads / 4; the MACs stay', () => {
    const a = summarizeOps(opsPerToken(mha, { position })), b = summarizeOps(opsPerToken(gqa, { position }));
    expect(a.kvWriteBytes).toBe(4 * b.kvWriteBytes);
    expect(a.kvWriteBytes).toBe(2 * 2 * 32 * 16 * 2); // K and V, 2 layers, 32 heads x 16, bf16
    expect(a.kvReadBytes).toBe(4 * b.kvReadBytes);
    expect(a.attentionMacs).toBe(b.attentionMacs);
  });

  it('the PIM layout stores each K/V head once: 4x fewer KV rows and KV-write commands', () => {
    const la = layoutModel(mha, system), lb = layoutModel(gqa, system);
    expect(la.kv[0].rows).toBe(4 * lb.kv[0].rows);
    const writes = (l: typeof la) => tokenItems(l, position).items.filter((i) => i.op === 'WR');
    expect(writes(la).length).toBe(4 * writes(lb).length);
    expect(writes(lb).length).toBe(2 * 2 * 8); // K and V per K/V head per layer
    // Query heads run on their K/V head's channel and read its rows.
    for (let h = 0; h < 32; h++) expect(lb.channelOf(h)).toBe(Math.floor(h / 4) % 8);
    const qk = tokenItems(lb, position).items.filter((i) => String(i.id).startsWith('L0.h') && String(i.id).endsWith('.qk')) as { row: number; channel: number }[];
    expect(new Set(qk.slice(0, 4).map((i) => `${i.channel}:${i.row}`)).size).toBe(1);
  });

  it('simulated KV-write commands drop 4x; QK^T/S.V MAC column reads per query head do not (one global-buffer operand per column)', () => {
    const run = (m: typeof mha) => simulate({ model: m, system, prompt: position, tokens: 1 });
    const a = run(mha), b = run(gqa);
    expect(a.stats.commands.WR).toBe(4 * b.stats.commands.WR!);
    const attnCols = (l: ReturnType<typeof layoutModel>) => tokenItems(l, position).items
      .filter((i) => i.op === 'MAC' && /\.(qk|sv\d+)$/.test(String(i.id ?? '')))
      .reduce((s, i) => s + (i as { cols: number; rows?: number }).cols * ((i as { rows?: number }).rows ?? 1), 0);
    expect(attnCols(a.layout)).toBe(attnCols(b.layout));
  }, 60_000);
});
