/** Weights, their placement and the greedy host loop, piece by piece. */
import { describe, expect, it } from 'vitest';
import { argmax, embed, GreedyHost, loadModelWeights, parameterVectors } from '../../src/functional/load.js';
import { foldAttentionScale, LAYER_ROLES, plantCycle, randomWeights } from '../../src/functional/weights.js';
import { layoutModel } from '../../src/mapping/layout.js';
import { weightShape } from '../../src/model/block.js';
import { loadModel } from '../../src/model/spec.js';
import { Datapath } from '../../src/pim/datapath.js';
import { roundToBf16 } from '../../src/quant/bf16.js';
import { InputError } from '../../src/util/errors.js';
import { loadSystem } from '../../src/spec/system.js';

const tiny = loadModel('test-tiny'); // 2 layers, d 64, 4 heads of 16, dFF 256, vocab 512, context 128
const system = loadSystem('pim-gpt');

describe('randomWeights', () => {
  const w = randomWeights(tiny, { seed: 1 });

  it('has every tensor in its shape', () => {
    expect(w.wte).toHaveLength(512 * 64);
    expect(w.wpe).toHaveLength(128 * 64);
    expect(w.lmHead).toBe(w.wte); // tied
    for (const l of w.layers) {
      for (const role of LAYER_ROLES) {
        const { rows, cols } = weightShape(tiny, role);
        expect(l.w[role]).toHaveLength(rows * cols);
        expect(l.b[role]).toHaveLength(rows);
      }
      for (const v of [l.ln1Gain, l.ln1Bias, l.ln2Gain, l.ln2Bias]) expect(v).toHaveLength(64);
    }
    expect(w.layers).toHaveLength(2);
  });

  it('is reproducible from its seed, BF16-exact, and near the GPT-2 init scale', () => {
    expect(randomWeights(tiny, { seed: 1 }).layers[1].w['ffn-down']!).toEqual(w.layers[1].w['ffn-down']!);
    expect(randomWeights(tiny, { seed: 2 }).wte).not.toEqual(w.wte);
    for (const x of w.layers[0].w['ffn-up']!) expect(roundToBf16(x)).toBe(x);
    const std = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    expect(std(w.wte)).toBeCloseTo(0.02, 3);
    expect(std(w.layers[0].w['ffn-up']!)).toBeCloseTo(0.02, 3);
    expect(std(w.layers[0].w['ffn-down']!)).toBeCloseTo(0.01, 3); // 0.02 / sqrt(2 x 2 layers)
    expect(std(w.layers[0].w.qkv!.subarray(0, 2 * 64 * 64))).toBeCloseTo(0.2, 2); // W_q, W_k
    expect(std(w.layers[0].w.qkv!.subarray(2 * 64 * 64))).toBeCloseTo(0.02, 3); // W_v
  });

  it('gives a bias-free model zero biases and no bias vectors', () => {
    const nb = randomWeights(loadModel('test-tiny', ['bias=false']), { seed: 1 });
    expect(nb.layers[0].b.qkv!.every((v) => v === 0)).toBe(true);
    expect([...parameterVectors(nb).keys()].filter((k) => k.includes('bias'))).toEqual([]);
    expect(parameterVectors(w).size).toBe(2 * (4 + 4) + 2);
  });
});

describe('foldAttentionScale', () => {
  it('scales W_q and b_q by 1/sqrt(headDim) and nothing else', () => {
    const w = randomWeights(tiny, { seed: 4 });
    const f = foldAttentionScale(w);
    const qkv = w.layers[1].w.qkv!, fq = f.layers[1].w.qkv!;
    expect(f.attentionScaleFolded).toBe(true);
    expect(fq[5]).toBe(Math.fround(qkv[5] / 4)); // headDim 16
    expect(fq[64 * 64 - 1]).toBe(Math.fround(qkv[64 * 64 - 1] / 4)); // last W_q element
    expect(fq.subarray(64 * 64)).toEqual(qkv.subarray(64 * 64)); // W_k, W_v
    expect(f.layers[1].b.qkv![63]).toBe(Math.fround(w.layers[1].b.qkv![63] / 4));
    expect(f.layers[1].b.qkv!.subarray(64)).toEqual(w.layers[1].b.qkv!.subarray(64));
    expect(w.attentionScaleFolded).toBe(false); // the input is untouched
    expect(foldAttentionScale(f)).toBe(f);
  });
});

describe('loadModelWeights', () => {
  // (Where the matrices land is checked end to end: run.test.ts compares the logits.)
  it('sets the parameter host vectors, the QKV bias with the attention scale folded in', () => {
    const w = randomWeights(tiny, { seed: 2 });
    const layout = layoutModel(tiny, system);
    const dp = new Datapath(system);
    loadModelWeights(dp, layout, w);
    expect(dp.vectors.get('L1.ffn-up.bias')).toBe(w.layers[1].b['ffn-up']!);
    expect(dp.vectors.get('final.ln.g')).toBe(w.lnFGain);
    expect(dp.vectors.has('L0.qkv.bias')).toBe(true);
    expect(dp.vectors.get('L0.qkv.bias')![0]).toBe(Math.fround(w.layers[0].b.qkv![0] / 4));
  });

  it('rejects weights of another model', () => {
    const layout = layoutModel(tiny, system);
    const other = randomWeights(loadModel('test-tiny', ['layers=3']), { seed: 1 });
    expect(() => loadModelWeights(new Datapath(system), layout, other)).toThrow(InputError);
  });
});

describe('host side', () => {
  const w = randomWeights(tiny, { seed: 3 });

  it('embed adds the token and position rows in float32', () => {
    const x = embed(w, 7, 5);
    for (let k = 0; k < 64; k++) expect(x[k]).toBe(Math.fround(w.wte[7 * 64 + k] + w.wpe[5 * 64 + k]));
    expect(() => embed(w, 512, 0)).toThrow(InputError);
    expect(() => embed(w, 0, 128)).toThrow(InputError);
  });

  it('argmax takes the first of equal values', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(argmax([-5])).toBe(0);
  });

  it('GreedyHost feeds the prompt, then its picks, and clears activations between tokens', () => {
    const dp = new Datapath(system);
    for (const [k, v] of parameterVectors(w)) dp.setVector(k, v);
    const host = new GreedyHost(dp, w, [10, 20]);
    const fakeLogits = (best: number) => new Float32Array(512).map((_, i) => (i === best ? 1 : 0));
    host.beforeToken(0);
    expect(dp.vectors.get('embed')).toEqual(embed(w, 10, 0));
    dp.setVector('logits', fakeLogits(99));
    dp.setVector('L0.qkv', new Float32Array(3));
    host.afterToken(0);
    expect(host.tokens).toEqual([10, 20]); // still in the prompt
    host.beforeToken(1);
    expect(dp.vectors.has('L0.qkv')).toBe(false);
    expect(dp.vectors.has('logits')).toBe(false);
    expect(dp.vectors.has('L0.ln1.g')).toBe(true);
    expect(dp.vectors.get('embed')).toEqual(embed(w, 20, 1));
    dp.setVector('logits', fakeLogits(42));
    host.afterToken(1);
    expect(host.tokens).toEqual([10, 20, 42]);
    expect(host.picks).toEqual([99, 42]);
    host.beforeToken(2);
    expect(() => host.afterToken(2)).toThrow(/no logits/);
  });
});

describe('plantCycle', () => {
  it('picks distinct tokens and checks its arguments', () => {
    const w = randomWeights(tiny, { seed: 5, embeddingStd: 0.05 });
    const { cycle, weights } = plantCycle(w, { tokens: 64, seed: 6 });
    expect(new Set(cycle).size).toBe(64);
    expect(weights.layers[1]).toBe(w.layers[1]); // only layer 0 changes
    expect(weights.layers[0].w['ffn-up']!.subarray(64 * 64)).toEqual(w.layers[0].w['ffn-up']!.subarray(64 * 64));
    expect(() => plantCycle(w, { tokens: 257, seed: 1 })).toThrow(InputError); // more than dFF
    expect(() => plantCycle(w, { tokens: 8, seed: 1, layer: 2 })).toThrow(InputError);
  });
});
