import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { measureHostDecode } from '../../src/baselines/host.js';
import { InputError } from '../../src/util/errors.js';
import { resolveModel } from '../../src/model/spec.js';

const SHAPE = { layers: 2, dModel: 64, heads: 4, dFF: 256, vocab: 97 };
const spec = (o: Partial<typeof SHAPE> = {}) => resolveModel({
  name: 'host-tiny', description: '', ...SHAPE, ...o, context: 64, norm: 'layernorm', bias: true, tiedEmbeddings: true, sources: {}, assumptions: [],
});
const TINY = spec();

async function tfjsNodeInstalled(): Promise<boolean> {
  const spec = '@tensorflow/tfjs-node';
  try {
    await import(spec);
    return true;
  } catch {
    return false;
  }
}

describe('measureHostDecode', () => {
  it('runs a tiny model on the wasm backend offline and returns a positive finite time', async () => {
    const before = tf.memory().numTensors;
    const r = await measureHostDecode(TINY, { tokens: 3, context: 8, seed: 1 });
    expect(r.backend).toBe('wasm');
    expect(r.skipped).toEqual([]);
    expect(r.threads).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(r.msPerToken) && r.msPerToken > 0).toBe(true);
    expect(r.totalMs).toBeCloseTo(r.msPerToken * 3, 9);
    expect(r).toMatchObject({ tokens: 3, contextStart: 8 });
    // wte (tied) + wpe (12 positions) + per layer: 4 matrices, biases, 2 layernorms; final layernorm.
    const d = 64;
    const perLayer = 3 * d * d + 3 * d + d * d + d + d * 256 + 256 + 256 * d + d + 4 * d;
    expect(r.parameters).toBe(97 * d + 12 * d + 2 * perLayer + 2 * d);
    expect(r.method).toMatch(/wasm/);
    expect(tf.memory().numTensors).toBe(before); // everything disposed
  });

  it('runs on the cpu backend when forced, including an empty starting cache', async () => {
    const r = await measureHostDecode(TINY, { tokens: 2, context: 0, seed: 7, backend: 'cpu' });
    expect(r.backend).toBe('cpu');
    expect(r.threads).toBe(1);
    expect(r.msPerToken).toBeGreaterThan(0);
  });

  it('reports tfjs-node as unavailable when it is not installed', async () => {
    if (await tfjsNodeInstalled()) return;
    await expect(measureHostDecode(TINY, { tokens: 1, context: 1, seed: 1, backend: 'tensorflow' })).rejects.toThrow(/tensorflow:/);
  });

  it('rejects bad shapes and options', async () => {
    await expect(measureHostDecode(TINY, { tokens: 1, context: 64, seed: 1 })).rejects.toThrow(InputError);
    await expect(measureHostDecode(TINY, { tokens: 0, context: 1, seed: 1 })).rejects.toThrow(/tokens/);
    await expect(measureHostDecode(TINY, { tokens: 1, context: -1, seed: 1 })).rejects.toThrow(/context/);
  });
});
