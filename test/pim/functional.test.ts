/**
 * Functional GEMV: the simulated datapath's numbers against
 * 1. a plain model written here, bit for bit: output row i, chunk j is bf16Gemv (src/quant/bf16.ts,
 *    the PU arithmetic: BF16 products, FP32 adder tree and accumulator) over the chunk's BF16
 *    weights and input; RDMAC16 returns it rounded to BF16; the ASIC sums the chunks' partials in
 *    order in float32. (One chunk: the rounded partial is the output.)
 * 2. the float32 TensorFlow.js GEMV on the unrounded weights and input, within a bound derived
 *    below for every output.
 *
 * Error bound (u = 2^-8, the BF16 unit roundoff: 8 significant bits, round to nearest; u32 = 2^-24):
 *   - rounding w and x to BF16: |w~ x~ - w x| <= (2u + u^2) |w x| per product (the BF16 x BF16
 *     product itself is exact in float32: 8 x 8 = 16 significant bits);
 *   - RDMAC16 rounds each chunk's FP32 accumulator a_ij to BF16: <= u |a_ij|;
 *   - float32 sums (the PU's tree and accumulator, the ASIC's chunk sum, TF.js's own sum) each of at
 *     most K + chunks terms: <= (K + chunks) u32 times the sum of the magnitudes, twice over.
 *   bound_i = (2u + u^2) S_i + u sum_j |a_ij| + 2 (K + chunks) u32 (1 + 2u + u^2) (S_i + sum_j |a_ij|),
 *   with S_i = sum_k |w_ik x_k|.
 * (The issue text suggested 2^-8 per product and 2^-9 per output rounding, i.e. u = 2^-9; BF16's
 * unit roundoff is 2^-8: the spacing of BF16 values in [1, 2) is 2^-7, half of it 2^-8.)
 */
import { describe, expect, it } from 'vitest';
import { gemvProgram, loadGemvWeights, planGemv, densestChunks } from '../../src/mapping/gemv.js';
import { Datapath } from '../../src/pim/datapath.js';
import { runGemv } from '../../src/mapping/gemvRun.js';
import { maxRelError, tfjsGemv } from '../../src/functional/gemvReference.js';
import { runProgram } from '../../src/pim/run.js';
import { bf16Gemv, roundToBf16, toBf16Array } from '../../src/quant/bf16.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';
import { gaussianArray, mulberry32 } from '../../src/util/rng.js';

const U = 2 ** -8;
const U32 = 2 ** -24;

interface Model {
  readonly y: Float32Array;
  /** Per row: sum_k |w x| and sum_j |a_ij|. */
  readonly absProducts: Float64Array;
  readonly absPartials: Float64Array;
}

/** The plain model: per row and chunk, bf16Gemv; partials rounded to BF16; summed in float32. */
function model(w: Float32Array, x: Float32Array, M: number, K: number, chunkStarts: readonly number[]): Model {
  const y = new Float32Array(M);
  const absProducts = new Float64Array(M), absPartials = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let sum = 0;
    for (let j = 0; j < chunkStarts.length; j++) {
      const a = chunkStarts[j], b = j + 1 < chunkStarts.length ? chunkStarts[j + 1] : K;
      const acc = bf16Gemv(toBf16Array(w.subarray(i * K + a, i * K + b)), toBf16Array(x.subarray(a, b)), 1, b - a)[0];
      const partial = roundToBf16(acc);
      sum = j === 0 ? partial : Math.fround(sum + partial);
      absPartials[i] += Math.abs(acc);
    }
    y[i] = sum;
    for (let k = 0; k < K; k++) absProducts[i] += Math.abs(w[i * K + k] * x[k]);
  }
  return { y, absProducts, absPartials };
}

function chunkStarts(plan: { chunks: number; chunkStart(j: number): number }): number[] {
  return Array.from({ length: plan.chunks }, (_, j) => plan.chunkStart(j));
}

/** First index where a and b differ bit for bit, or -1. */
function firstMismatch(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

const SHAPES: [number, number][] = [[1, 1], [17, 33], [300, 1000], [1000, 300], [2048, 4100], [129, 2049]];

for (const system of [loadSystem('pim-gpt'), loadSystem('hbm-pim')]) {
  describe(`${system.name}: functional GEMV`, () => {
    const shapes = system.name === 'pim-gpt' ? SHAPES : SHAPES.filter(([m, k]) => m * k < 1e6);
    for (const [M, K] of shapes) {
      it(`${M} x ${K}: bit-exact against the plain model, within the BF16 bound of float32`, async () => {
        const r = runGemv(system, M, K, { functional: true, seed: M * 31 + K });
        const w = r.weights!, x = r.input!;
        const y = r.output!;
        expect(y.length).toBe(M);
        const ref = model(w, x, M, K, chunkStarts(r.plan));
        const bad = firstMismatch(y, ref.y);
        expect(bad, bad >= 0 ? `row ${bad}: simulated ${y[bad]}, model ${ref.y[bad]}` : '').toBe(-1);

        const { y: f32 } = await tfjsGemv(w, x, M, K);
        const chunks = r.plan.chunks;
        let worst = 0;
        for (let i = 0; i < M; i++) {
          const S = ref.absProducts[i], A = ref.absPartials[i];
          const bound = (2 * U + U * U) * S + U * A + 2 * (K + chunks) * U32 * (1 + 2 * U + U * U) * (S + A);
          const err = Math.abs(y[i] - f32[i]);
          if (err > bound) throw new Error(`row ${i}: |${y[i]} - ${f32[i]}| = ${err} > bound ${bound}`);
          worst = Math.max(worst, err / bound);
        }
        // The bound is a bound, not a wild overestimate: some row uses a fair part of it.
        if (M * K >= 1000) expect(worst).toBeGreaterThan(0.02);
        expect(maxRelError(y, f32)).toBeLessThan(1e-2);
      });
    }
  });
}

describe('the output vector', () => {
  it('has exactly M elements when M >= channels', () => {
    expect(runGemv(loadSystem('pim-gpt'), 17, 33, { functional: true }).output!.length).toBe(17);
  });

  // Was a bug (fixed in 0415f0b): channels c >= M grew y to c elements (pim-gpt, 1 x 1: 7).
  it('has exactly M elements when M < channels (1 x 1)', () => {
    expect(runGemv(loadSystem('pim-gpt'), 1, 1, { functional: true }).output!.length).toBe(1);
  });
});

describe('functional GEMV with more chunks than needed (dense plans, as layoutModel uses)', () => {
  const system = loadSystem('pim-gpt');

  /** runGemv with a chosen chunk count (runGemv itself always takes the fewest chunks). */
  function runChunked(M: number, K: number, chunks: number, seed: number) {
    const plan = planGemv(system, M, K, { chunks });
    const rng = mulberry32(seed);
    const w = gaussianArray(rng, M * K, 1 / Math.sqrt(K));
    const x = gaussianArray(rng, K);
    const dp = new Datapath(system);
    loadGemvWeights(dp, system, plan, w);
    dp.setVector('x', x);
    runProgram(system, gemvProgram(system, plan), { datapath: dp });
    return { plan, w, x, y: dp.vectors.get('y')! };
  }

  it('chunks of equal length sharing rows: bit-exact', () => {
    // K = 1280: 80 columns; 2 chunks of 40, each alone in a row (floor(64 / 40) = 1 segment).
    // K = 640 with 2 chunks: 20 columns each, 3 segments per row, both chunks 20 columns long.
    for (const [M, K, chunks] of [[300, 1280, 2], [300, 640, 2]] as const) {
      const r = runChunked(M, K, chunks, 5);
      const ref = model(r.w, r.x, M, K, chunkStarts(r.plan));
      expect(firstMismatch(r.y, ref.y)).toBe(-1);
    }
  });

  // Was a bug (fixed in 0415f0b): the MAC block stepped between segments by the chunk's own
  // column count, not the plan's chunkCols: here rows in segments 1 and 2 came out wrong.
  it('a shorter last chunk with several segments per row: bit-exact', () => {
    const r = runChunked(300, 624, 2, 6);
    expect(r.plan).toMatchObject({ chunks: 2, chunkCols: 20, segmentsPerRow: 3 });
    expect(r.plan.chunkLength(1)).toBe(624 - 320);
    const ref = model(r.w, r.x, 300, 624, chunkStarts(r.plan));
    expect(firstMismatch(r.y, ref.y)).toBe(-1);
  });

  it('densestChunks plans of odd shapes: bit-exact', () => {
    let ran = 0;
    for (const [M, K] of [[500, 1000], [700, 200], [1000, 1920], [260, 3072]] as const) {
      const chunks = densestChunks(system, M, K);
      const plan = planGemv(system, M, K, { chunks });
      const r = runChunked(M, K, chunks, 7);
      const ref = model(r.w, r.x, M, K, chunkStarts(r.plan));
      expect(firstMismatch(r.y, ref.y)).toBe(-1);
      ran++;
    }
    expect(ran).toBeGreaterThan(1);
  });
});

describe('the model itself', () => {
  it('agrees with a direct computation on a tiny case (2 x 20, one chunk)', () => {
    const system: SystemSpec = loadSystem('pim-gpt');
    const w = new Float32Array(40).map((_, k) => (k % 7) - 3 + 0.5);
    const x = new Float32Array(20).map((_, k) => 1 + k / 8);
    // Small integers and eighths: every product and sum is exact, so y is the exact dot product.
    const m = model(w, x, 2, 20, [0]);
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let k = 0; k < 20; k++) s += w[i * 20 + k] * x[k];
      expect(m.y[i]).toBe(roundToBf16(s));
    }
    expect(system.memory.accessBytes / 2).toBe(16);
  });
});
