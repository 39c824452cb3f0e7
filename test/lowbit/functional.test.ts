/**
 * Functional low-bit GEMVs: packed codes in the banks, integer codes in the global buffer, int32
 * accumulation, the ASIC's exact integer reduction and scaling. Outputs must be bit-exact against
 * the plain integer reference GEMV (src/quant/intGemv.ts) over the same quantized weights and
 * activations, for every format, odd shapes, several chunks, both fidelities and the preset's
 * options (base-3 packing, 2-bit and 1-bit activations).
 */
import { describe, expect, it } from 'vitest';
import { runGemv } from '../../src/mapping/gemvRun.js';
import { gemvProgram, planGemv, SCALE_BYTES } from '../../src/mapping/gemv.js';
import { Datapath } from '../../src/pim/datapath.js';
import { loadLowBitGemvWeights } from '../../src/mapping/lowbitWeights.js';
import { runProgram } from '../../src/pim/run.js';
import { quantizeTernary } from '../../src/quant/weights.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';

const sys = loadSystem('pim-gpt-lowbit');

function exact(system: SystemSpec, M: number, K: number, precision: 'int8' | 'ternary' | 'binary', seed: number, fidelity: 'fast' | 'command' = 'fast') {
  const r = runGemv(system, M, K, { precision, functional: true, seed, fidelity });
  expect(r.lowBit!.output).toHaveLength(M);
  expect(r.lowBit!.mismatches).toBe(0);
  expect(Array.from(r.lowBit!.output)).toEqual(Array.from(r.lowBit!.reference));
  // The float32 host vector is the exact output rounded once.
  expect(Array.from(r.output!.subarray(0, M))).toEqual(Array.from(r.lowBit!.reference, (v) => Math.fround(v)));
  return r;
}

describe('bit-exact against the integer reference', () => {
  const shapes: [number, number][] = [[1, 1], [7, 129], [129, 257], [300, 1000], [130, 5000]];
  for (const p of ['int8', 'ternary', 'binary'] as const) {
    for (const [M, K] of shapes) {
      it(`${p} ${M} x ${K}`, () => {
        const r = exact(sys, M, K, p, M + K);
        if (K === 5000) expect(r.plan.chunks).toBeGreaterThan(1);
      });
    }
  }

  it('command fidelity gives the same bits', () => {
    exact(sys, 200, 3000, 'ternary', 5, 'command');
    exact(sys, 65, 700, 'binary', 6, 'command');
  });

  it('ternary in base-3 packing (160 per column)', () => {
    const b3 = loadSystem('pim-gpt-lowbit', ['pu.formatUnits.ternary.packing="ternary-base3"']);
    const r = exact(b3, 150, 1700, 'ternary', 7);
    expect(r.plan.elementsPerColumn).toBe(160);
  });

  it('W2A2 (elastic 2-bit activations) and W1A1 (1-bit activations, the XNOR case)', () => {
    const a2 = loadSystem('pim-gpt-lowbit', ['pu.formatUnits.ternary.activationBits=2']);
    const r2 = exact(a2, 100, 2000, 'ternary', 8);
    expect(r2.lowBit!.activations.kind).toBe('elastic-signed');
    expect(new Set(r2.lowBit!.activations.codes)).toEqual(new Set([-1, 0, 1]));
    const a1 = loadSystem('pim-gpt-lowbit', ['pu.formatUnits.binary.activationBits=1']);
    const r1 = exact(a1, 100, 3000, 'binary', 9);
    expect(new Set(r1.lowBit!.activations.codes)).toEqual(new Set([-1, 1]));
  });
});

describe('a hand-computed ternary GEMV, weights placed explicitly', () => {
  // W = [[1, -0.1, -1], [0.5, 0.5, -0.5]]: row scales (4/3) mean|W| = 0.9333 and 0.6667;
  // codes [1, 0, -1] and [1, 1, -1]. x = [1, 2, -1]: 8-bit symmetric, scale 2 / 127, codes
  // round(63.5) = 64, 127, -64 (ties to even). Integer sums 64 + 64 = 128 and 64 + 127 + 64 = 255.
  const w = Float32Array.from([1, -0.1, -1, 0.5, 0.5, -0.5]);
  const q = quantizeTernary(w, 2, 3);
  const plan = planGemv(sys, 2, 3, { precision: 'ternary' });
  const runWith = (tamper?: (d: Datapath) => void) => {
    const d = new Datapath(sys);
    loadLowBitGemvWeights(d, plan, q);
    tamper?.(d);
    d.setVector('x', Float32Array.from([1, 2, -1]));
    runProgram(sys, gemvProgram(sys, plan), { datapath: d });
    return d;
  };

  it('integer sums 128 and 255, scaled once', () => {
    expect(Array.from(q.codes)).toEqual([1, 0, -1, 1, 1, -1]);
    const d = runWith();
    expect(Array.from(d.lowBit.wide.get('y.part0')!.subarray(0, 2))).toEqual([128, 255]);
    const s = Math.fround(2 / 127);
    expect(Array.from(d.lowBit.wide.get('y')!)).toEqual([q.scales[0] * (s * 128 + 0), q.scales[1] * (s * 255 + 0)]);
  });

  it('the scales come from the DRAM rows: doubling one stored scale doubles that output only', () => {
    const base = runWith().lowBit.wide.get('y')!;
    const d = runWith((dp) => {
      const at = plan.place(1, 0);
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setFloat32(0, 2 * q.scales[1], true);
      dp.setRowBytes(at.channel, at.bank, at.row, bytes, plan.scaleCol * 32 + (at.col / plan.chunkCols) * SCALE_BYTES);
    });
    const y = d.lowBit.wide.get('y')!;
    expect(y[0]).toBe(base[0]);
    expect(y[1]).toBe(2 * base[1]);
  });
});

describe('bad quantizer parameters', () => {
  it('activation quantizers out of range, in programs and in the library', async () => {
    const { quantizeForGb } = await import('../../src/pim/lowbitDatapath.js');
    const { buildProgram } = await import('../../src/pim/program.js');
    const x = [0.5, -1, 2];
    expect(() => quantizeForGb(x, { method: 'symmetric', bits: 1 })).toThrow(/symmetric activation quantization needs 2..8 bits, got 1/);
    expect(() => quantizeForGb(x, { method: 'elastic-signed', bits: 3 })).toThrow(/elastic activation quantizer has 1 or 2 bits, got 3/);
    expect(() => buildProgram([{ op: 'WR_GB', channel: 0, bytes: 32, data: { vector: 'x', offset: 0, elements: 32, quant: { method: 'symmetric', bits: 9 } } }], sys, 'p')).toThrow(/field data.quant.bits/);
  });

  it('weights that do not match the plan', () => {
    const plan = planGemv(sys, 4, 8, { precision: 'ternary' });
    const d = new Datapath(sys);
    expect(() => loadLowBitGemvWeights(d, plan, quantizeTernary(new Float32Array(4 * 9).fill(1), 4, 9))).toThrow(/weights are 4 x 9, the plan 4 x 8/);
    expect(() => loadLowBitGemvWeights(d, planGemv(sys, 4, 8, { precision: 'binary' }), quantizeTernary(new Float32Array(32).fill(1), 4, 8))).toThrow(/the plan is binary but the weights are ternary/);
  });
});
