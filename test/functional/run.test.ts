/**
 * Whole-model functional simulation on pim-gpt: the PIM datapath's logits against the float32
 * TensorFlow.js reference on the same weights, greedy tokens, and timing.
 *
 * Tolerance: max |sim - ref| / max |ref| < 5u per step, u = 2^-8 (BF16 unit roundoff), 5u ~ 1.95e-2.
 * The weights are BF16 values, so placing them is exact; what differs from float32 is
 *   - each GEMV input rounded to BF16 in the global buffer (<= u relative per element), K and V
 *     stored in BF16, the probabilities rounded to BF16 for S.V;
 *   - each GEMV output (each K chunk's partial sum) rounded to BF16 by RDMAC16 (<= u of the
 *     accumulator), before the ASIC adds the bias;
 *   - the ASIC's exp / reciprocal / rsqrt approximations (~1e-6 relative) and float32 summation
 *     order (~K x 2^-24): negligible.
 * At the logits: the LM head's readout <= u max|z|; its input rounding sums with random signs, about
 * u/sqrt(3) x rms(z) per logit, under u max|z| at the largest of the vocabulary (max|z| ~ 3 rms(z));
 * the final hidden state's relative error (each of the 2L residual branches adds its readout and
 * input rounding, about u each, at most the stream's size; random signs give ~ sqrt(2L) u) passes
 * through the final layernorm and the head as about that much of max|z|. Together about
 * (2 + sqrt(2L)) u: 4u for 2 layers, 4.5u for 3; 5u leaves room. Measured: 0.9u-1.9u.
 * Sensitivity: a missing attention scale or two heads' keys swapped gives 15u-25u (tested below).
 *
 * Greedy tokens: the picks agree when the reference's top-1 margin exceeds the error at the top
 * two logits. With random weights generation settles on one repeated token with wide margins; a
 * planted next-token cycle (plantCycle) makes every pick a different token, margins > 50x the
 * error. Both are checked for 33 picks (the last prompt token's and 32 generated tokens').
 */
import { describe, expect, it } from 'vitest';
import { runFunctional, type FunctionalResult } from '../../src/functional/run.js';
import { foldAttentionScale, plantCycle, randomWeights, type GptWeights } from '../../src/functional/weights.js';
import { ReferenceModel } from '../../src/functional/reference.js';
import { loadModel, type ModelSpec } from '../../src/model/spec.js';
import { loadSystem } from '../../src/spec/system.js';
import { simulate, type Simulation } from '../../src/simulate.js';
import { layoutModel } from '../../src/mapping/layout.js';
import { forward64 } from './forward64.js';

const U = 2 ** -8;
const TOLERANCE = 5 * U;
const GENERATED = 32;

const tiny = loadModel('test-tiny');
/** 3 layers, d 128, 4 heads of 32, dFF 1280: FFN-down's K = 1280 splits into 2 chunks (rows and the global buffer hold 1024). */
const wider = loadModel('test-tiny', ['layers=3', 'dModel=128', 'heads=4', 'dFF=1280', 'vocab=700', 'context=160']);
const system = loadSystem('pim-gpt');

/** Runs shared by several tests (each is a few hundred ms to 2 s). */
const memo = new Map<string, Promise<FunctionalResult>>();
function run(key: string, make: () => Promise<FunctionalResult>): Promise<FunctionalResult> {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key)!;
}

function planted(model: ModelSpec, seed: number) {
  return plantCycle(randomWeights(model, { seed, embeddingStd: 0.05 }), { tokens: 64, seed: seed + 100 });
}

/** Steps that produce a greedy pick: from the last prompt token on. */
function picking(r: FunctionalResult) {
  return r.steps.filter((s) => s.position >= r.prompt.length - 1);
}

function expectAgreement(r: FunctionalResult): void {
  for (const s of r.steps) expect(s.maxRelError, `position ${s.position}`).toBeLessThan(TOLERANCE);
  expect(r.firstDivergence, r.firstDivergence >= 0 ? `margin at divergence ${r.steps[r.firstDivergence].referenceMargin}` : '').toBe(-1);
  expect(r.tokens.simulated).toEqual(r.tokens.reference);
  expect(r.tokens.simulated).toHaveLength(r.prompt.length + GENERATED + 1);
  expect(picking(r)).toHaveLength(GENERATED + 1);
}

const CASES = [
  { name: 'test-tiny', model: tiny, seed: 1, prompt: 3, plantedPrompt: 1, skipsSegments: false },
  { name: '3 layers, d 128, dFF 1280', model: wider, seed: 4, prompt: 4, plantedPrompt: 2, skipsSegments: true },
] as const;

for (const c of CASES) {
  describe(`${c.name} on pim-gpt`, () => {
    const plain = () => run(`${c.name} plain`, () => runFunctional({ model: c.model, system, prompt: c.prompt, tokens: GENERATED, seed: c.seed }));
    const cycle = planted(c.model, c.seed);
    const withCycle = () => run(`${c.name} planted`, () => runFunctional({ model: c.model, system, prompt: cycle.cycle.slice(7, 7 + c.plantedPrompt), tokens: GENERATED, weights: cycle.weights }));

    it('random weights: logits within 5u of float32 at every step, same greedy tokens', async () => {
      const r = await plain();
      expectAgreement(r);
      // The picks agree because the margins are wide, not by luck: > 5x the error at every pick.
      for (const s of picking(r)) expect(s.referenceMargin / s.maxAbsError, `position ${s.position}`).toBeGreaterThan(5);
      expect(r.maxRelError).toBeGreaterThan(U / 4); // BF16 is there: not float32 by accident
    });

    it('a planted next-token cycle: 33 different tokens, each pick the same in both', async () => {
      const r = await withCycle();
      expectAgreement(r);
      // The last prompt token, then the 33 picks, each the cycle's successor of the one before.
      const chain = r.tokens.simulated.slice(r.prompt.length - 1);
      const at = cycle.cycle.indexOf(chain[0]);
      expect(chain).toEqual(chain.map((_, i) => cycle.cycle[(at + i) % cycle.cycle.length]));
      expect(new Set(chain.slice(1)).size).toBe(GENERATED + 1);
      for (const s of picking(r)) expect(s.referenceMargin / s.maxAbsError, `position ${s.position}`).toBeGreaterThan(50);
    });

    let timing: Simulation | undefined;
    const timingOnly = () => (timing ??= simulate({ model: c.model, system, prompt: c.prompt, tokens: GENERATED }));

    it('functional data does not change timing: same latencies, commands and breakdown as a timing-only run', async () => {
      const r = await plain();
      const t = timingOnly();
      expect(r.simulation.tokens).toEqual(t.tokens);
      expect({ ...r.simulation.stats, rowOpenNs: 0 }).toEqual({ ...t.stats, rowOpenNs: 0 });
      expect(r.simulation.breakdownNs).toEqual(t.breakdownNs);
    });

    // Segment skips keep the row open (regression: they once dropped row-open time).
    it('functional data does not change timing: same row-open time (background energy)', async () => {
      expect((await plain()).simulation.stats.rowOpenNs).toBe(timingOnly().stats.rowOpenNs);
    });
  });
}

describe('split everything: a 64-byte global buffer (32 BF16 values)', () => {
  it('test-tiny: context past one S.V chunk, QKV and FFN GEMVs in K chunks; logits within 5u', async () => {
    const r = await runFunctional({ model: tiny, system: 'pim-gpt', systemSets: ['globalBuffer.bytes=64'], prompt: 3, tokens: GENERATED + 8, seed: 1 });
    const kv = r.simulation.layout.kv[0];
    expect(kv.tokensPerChunk).toBe(32);
    expect(r.steps.length).toBeGreaterThan(kv.tokensPerChunk + 8); // S.V over 2 chunks summed on the ASIC
    expect(r.simulation.layout.plans[0].qkv!.chunks).toBe(2);
    expect(r.simulation.layout.plans[0]['ffn-down']!.chunks).toBe(8);
    for (const s of r.steps) expect(s.maxRelError, `position ${s.position}`).toBeLessThan(TOLERANCE);
    expect(r.tokens.simulated).toEqual(r.tokens.reference);
  });
});

describe('another PIM organization', () => {
  it('test-tiny on hbm-pim: logits within 5u, same greedy tokens', async () => {
    const r = await runFunctional({ model: tiny, system: 'hbm-pim', prompt: 2, tokens: 8, seed: 2 });
    for (const s of r.steps) expect(s.maxRelError, `position ${s.position}`).toBeLessThan(TOLERANCE);
    expect(r.tokens.simulated).toEqual(r.tokens.reference);
  });
});

describe('the shapes exercise what they should', () => {
  it('the wider model splits FFN-down into K chunks reduced on the ASIC', () => {
    const layout = layoutModel(wider, system);
    expect(layout.packing).toBe('fast');
    expect(layout.plans[0]['ffn-down']!.chunks).toBe(2);
    expect(layout.plans[0]['qkv']!.chunks).toBe(1);
  });
});

describe('the reference forward pass', () => {
  it('matches a plain float64 implementation (unfolded and folded weights)', async () => {
    const w = randomWeights(tiny, { seed: 9 });
    const tokens = [5, 300, 17, 511, 5];
    const expected = forward64(w, tokens);
    for (const weights of [w, foldAttentionScale(w)]) {
      const ref = await ReferenceModel.create(weights);
      try {
        tokens.forEach((t, p) => {
          const got = ref.step(t);
          const scale = Math.max(...expected[p].map(Math.abs));
          for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[p][i]) / scale).toBeLessThan(1e-4);
        });
      } finally {
        ref.dispose();
      }
    }
  });
});

describe('the tolerance detects a wrong model', () => {
  const w = randomWeights(tiny, { seed: 3 });
  const folded = foldAttentionScale(w);
  /** The folded weights with two heads' rows of W_k (and b_k) swapped in layer 0. */
  function swapKeys(f: GptWeights): GptWeights {
    const { dModel: d, attnWidth: W, headDim: hd } = tiny;
    const qkv = Float32Array.from(f.layers[0].w.qkv!), b = Float32Array.from(f.layers[0].b.qkv!);
    for (let r = 0; r < hd; r++) {
      const a = W + r, c = W + hd + r;
      for (let k = 0; k < d; k++) [qkv[a * d + k], qkv[c * d + k]] = [qkv[c * d + k], qkv[a * d + k]];
      [b[a], b[c]] = [b[c], b[a]];
    }
    return { ...f, layers: f.layers.map((l, i) => (i === 0 ? { ...l, w: { ...l.w, qkv }, b: { ...l.b, qkv: b } } : l)) };
  }
  const cases: [string, GptWeights][] = [
    ['attention scale missing', { ...w, attentionScaleFolded: true }],
    ["two heads' keys swapped", swapKeys(folded)],
  ];
  for (const [name, wrong] of cases) {
    it(name, async () => {
      const r = await runFunctional({ model: tiny, system, prompt: 2, tokens: 8, weights: wrong, referenceWeights: w });
      expect(r.maxRelError).toBeGreaterThan(2 * TOLERANCE);
    });
  }
});
