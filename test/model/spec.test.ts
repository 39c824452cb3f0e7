import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listModels, loadModel, parameterBreakdown, parameterCount } from '../../src/model/spec.js';
import { InputError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-model-'));
function writePreset(name: string, patch: Record<string, unknown>): string {
  const base = { name, description: 'test', layers: 2, dModel: 64, heads: 4, dFF: 256, vocab: 512, context: 128, activation: 'gelu', norm: 'layernorm', bias: true, tiedEmbeddings: true, sources: { layers: 'assumed', dModel: 'assumed', heads: 'assumed', dFF: 'assumed', vocab: 'assumed', context: 'assumed' }, assumptions: [] };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...base, ...patch }));
  return file;
}

describe('model presets', () => {
  it('ships the eight GPT models, the six LLaMA-family models and the two test models', () => {
    expect(listModels()).toEqual([
      'gpt2-large', 'gpt2-medium', 'gpt2-small', 'gpt2-xl', 'gpt3-large', 'gpt3-medium', 'gpt3-small', 'gpt3-xl',
      'llama-2-7b', 'llama-3.1-8b', 'llama-3.2-1b', 'llama-3.2-3b', 'mistral-7b', 'test-tiny', 'test-tiny-llama', 'tinyllama-1.1b',
    ]);
  });

  it('loads the LLaMA shapes from [LLAMA] with their parameter counts', () => {
    // Hugging Face parameter counts: TinyLlama 1.10B, Llama-3.2-1B 1.24B, Llama-2-7B 6.74B, Llama-3.1-8B 8.03B, Mistral-7B 7.24B.
    const billions = (n: string) => Math.round(parameterCount(loadModel(n)) / 1e7) / 100;
    expect(billions('tinyllama-1.1b')).toBe(1.1);
    expect(billions('llama-3.2-1b')).toBe(1.24);
    expect(billions('llama-3.2-3b')).toBe(3.21);
    expect(billions('llama-2-7b')).toBe(6.74);
    expect(billions('llama-3.1-8b')).toBe(8.03);
    expect(billions('mistral-7b')).toBe(7.24);
    expect(loadModel('llama-3.2-3b')).toMatchObject({ headDim: 128, attnWidth: 3072, kvWidth: 1024, kvHeads: 8, ropeTheta: 500000, tiedEmbeddings: true });
  });

  it('loads shapes from [MODELS]', () => {
    const m = loadModel('gpt2-medium');
    expect(m).toMatchObject({ layers: 24, dModel: 1024, heads: 16, headDim: 64, attnWidth: 1024, dFF: 4096, vocab: 50257, context: 1024 });
    expect(loadModel('gpt3-large')).toMatchObject({ layers: 24, dModel: 1536, heads: 16, headDim: 96, dFF: 6144, context: 2048 });
  });

  // Totals of the Hugging Face GPT-2 checkpoints (embeddings included, LM head tied).
  it.each([
    ['gpt2-small', 124_439_808],
    ['gpt2-medium', 354_823_168],
    ['gpt2-large', 774_030_080],
    ['gpt2-xl', 1_557_611_200],
  ])('%s has exactly the checkpoint parameter count', (name, total) => {
    expect(parameterCount(loadModel(name))).toBe(total);
  });

  // GPT-3 paper Table 2.1 rounds to these.
  it.each([
    ['gpt3-small', 125e6],
    ['gpt3-medium', 350e6],
    ['gpt3-large', 760e6],
    ['gpt3-xl', 1.3e9],
  ])('%s is within 2%% of the GPT-3 paper total', (name, total) => {
    expect(Math.abs(parameterCount(loadModel(name)) / total - 1)).toBeLessThan(0.02);
  });

  it('counts test-tiny by hand', () => {
    // per layer: 12 d^2 + 13 d = 49152 + 832; embeddings 512*64 + 128*64; final norm 2*64
    expect(parameterBreakdown(loadModel('test-tiny'))).toEqual({
      tokenEmbedding: 32768, positionEmbedding: 8192, perLayer: 49984, layers: 99968, finalNorm: 128, lmHead: 0, total: 141056,
    });
  });

  it('counts an untied LM head and drops biases when asked', () => {
    const tied = parameterCount(loadModel('test-tiny'));
    expect(parameterCount(loadModel('test-tiny', ['tiedEmbeddings=false']))).toBe(tied + 512 * 64);
    // biases: per layer 3d + d + 4d + d = 9d
    expect(parameterCount(loadModel('test-tiny', ['bias=false']))).toBe(tied - 2 * 9 * 64);
  });

  it('gpt3-xl with the paper table\'s 24 heads of 128 widens attention to 3072', () => {
    const m = loadModel('gpt3-xl', ['heads=24']);
    expect(m.attnWidth).toBe(3072);
    expect(parameterCount(m)).toBeCloseTo(1.517e9, -7);
  });

  it('applies --set overrides', () => {
    expect(loadModel('test-tiny', ['layers=5', 'context=64'])).toMatchObject({ layers: 5, context: 64 });
  });

  it('rejects heads that do not divide dModel, naming the file and field', () => {
    const file = writePreset('bad-heads', { heads: 5 });
    expect(() => loadModel(file)).toThrow(InputError);
    expect(() => loadModel(file)).toThrow(/bad-heads\.json: invalid models preset: field heads = 5: dModel \(64\) must be divisible by heads \(5\)/);
  });

  it('rejects a number without a source', () => {
    const file = writePreset('no-source', { sources: { layers: 'assumed' } });
    expect(() => loadModel(file)).toThrow(/field sources\.dModel is missing: every numeric field needs a source/);
  });

  it('rejects non-integers, unknown fields and other activations', () => {
    expect(() => loadModel(writePreset('frac', { layers: 2.5 }))).toThrow(/field layers/);
    expect(() => loadModel(writePreset('extra', { dropout: 0.1 }))).toThrow(/dropout/);
    expect(() => loadModel(writePreset('relu', { activation: 'relu' }))).toThrow(/field activation/);
    expect(() => loadModel('gpt2-tiny')).toThrow(/unknown models preset "gpt2-tiny"; expected one of: .*gpt2-small/);
  });
});
