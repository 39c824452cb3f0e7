import { describe, expect, it } from 'vitest';
import { type DeviceSpec, loadDevice } from '../../src/baselines/device.js';
import { baselineDecode, TIERS } from '../../src/baselines/tiers.js';
import type { GemvOp, Op } from '../../src/model/ops.js';
import { InputError } from '../../src/util/errors.js';
import { GPT2_SMALL, gptOps, weightElements } from './gptOps.js';

const gemv = (layer: number, rows: number, cols: number, precision: GemvOp['precision'] = 'bf16'): GemvOp => ({
  kind: 'gemv', name: `L${layer}.g${rows}x${cols}`, layer, inputs: [], role: 'qkv', rows, cols, precision, gelu: false, bias: false,
});

describe('baselineDecode: hand-computed cases', () => {
  it('tier A, one bf16 GEMV on T4: bytes / 320 GB/s, energy = idle x t + bytes x pJ/bit + flops x pJ/flop', () => {
    const r = baselineDecode([gemv(-1, 768, 768)], 't4', 'A');
    const bytes = 768 * 768 * 2 + (768 + 768) * 2; // weights + input and output vectors (fp16)
    expect(r.breakdown.bytes).toBe(bytes);
    expect(r.breakdown.flops).toBe(2 * 768 * 768);
    expect(r.latencyNs).toBeCloseTo(bytes / 320, 9); // memory-bound: compute would take 18 ns
    const energy = 8.75 * 3696 * 1e3 + bytes * 8 * (7.5 + 0.46) + 2 * 768 * 768 * 0.45;
    expect(r.energyPj).toBeCloseTo(energy, 3);
    expect(r.energyUpperBoundPj).toBeCloseTo(70 * 3696 * 1e3, 3);
    expect(r.breakdown.kernels).toBe(0);
  });

  it('tier B on T4: eta 0.8, 10 kernels per layer + 2 final at 8 us, 0.15 ms per token', () => {
    const ops = [gemv(0, 1024, 1024), gemv(1, 1024, 1024), gemv(-1, 1000, 1024)];
    const r = baselineDecode(ops, 't4', 'B');
    const layerNs = (1024 * 1024 * 2 + 2048 * 2) / (0.8 * 320); // 8208 ns
    const finalNs = (1000 * 1024 * 2 + 2024 * 2) / (0.8 * 320);
    expect(r.latencyNs).toBeCloseTo(2 * layerNs + finalNs + 22 * 8000 + 150_000, 6);
    expect(r.breakdown.kernels).toBe(22);
    expect(r.perLayer.map((l) => [l.layer, l.kernels])).toEqual([[0, 10], [1, 10], [-1, 2]]);
    expect(r.method).toMatch(/Tier B \(optimised runtime\) on t4.*0\.8 x 320 GB\/s.*10 kernels per layer.*8 µs.*0\.15 ms per token/);
  });

  it('a compute-bound op uses flops / (eta_comp x peak)', () => {
    const slow: DeviceSpec = { ...loadDevice('t4'), peakTflops: { fp32: 1e-6, fp16: 1e-6 } }; // 1 MFLOPS
    const r = baselineDecode([gemv(-1, 100, 100)], slow, 'A', { perOp: true });
    expect(r.perOp?.[0].bound).toBe('compute');
    expect(r.latencyNs).toBeCloseTo((2 * 100 * 100) / (1e-6 * 1e3), 3);
  });

  it('kernel count comes from the tier, not the op count', () => {
    const full = gptOps(GPT2_SMALL, 63);
    const gemvsOnly = full.filter((o) => o.kind === 'gemv');
    const a = baselineDecode(full, 'v100', 'C');
    const b = baselineDecode(gemvsOnly, 'v100', 'C');
    expect(a.breakdown.kernels).toBe(12 * 27 + 4);
    expect(b.breakdown.kernels).toBe(a.breakdown.kernels);
  });

  it('perOp only when asked', () => {
    const ops = gptOps(GPT2_SMALL, 0);
    expect(baselineDecode(ops, 't4', 'B').perOp).toBeUndefined();
    expect(baselineDecode(ops, 't4', 'B', { perOp: true }).perOp).toHaveLength(ops.length);
  });
});

describe('baselineDecode: bytes and formats', () => {
  const m = { layers: 2, dModel: 256, heads: 4, dFF: 1024, vocab: 1000 };
  const w = weightElements(m);

  it('weight bytes follow the stored format', () => {
    expect(baselineDecode(gptOps(m, 10, 'bf16'), 'a100-80gb', 'A').breakdown.weightBytes).toBe(2 * w);
    expect(baselineDecode(gptOps(m, 10, 'int8'), 'a100-80gb', 'A').breakdown.weightBytes).toBe(w);
    expect(baselineDecode(gptOps(m, 10, 'bf16'), 'a100-80gb', 'A', { format: 'fp32' }).breakdown.weightBytes).toBe(4 * w);
  });

  it('ternary weights on a device without native low-bit: int8 by default, or bf16 / packed on request', () => {
    const ops = gptOps(m, 10, 'ternary');
    const def = baselineDecode(ops, 'h100-sxm', 'B');
    expect(def.breakdown.weightBytes).toBe(w);
    expect(def.storedFormats).toEqual(['int8', 'bf16']);
    expect(baselineDecode(ops, 'h100-sxm', 'B', { lowBitStorage: 'bf16' }).breakdown.weightBytes).toBe(2 * w);
    expect(baselineDecode(ops, 'h100-sxm', 'B', { lowBitStorage: 'packed' }).breakdown.weightBytes).toBe(w / 4);
    expect(baselineDecode(gptOps(m, 10, 'binary'), 'h100-sxm', 'B', { lowBitStorage: 'packed' }).breakdown.weightBytes).toBe(w / 8);
  });

  it('KV bytes: K and V read over position + 1 tokens, plus this token written', () => {
    const r = baselineDecode(gptOps(m, 99, 'bf16', 'int8'), 't4', 'A');
    const perLayer = 2 * 256 * 100 + 2 * 256; // K and V reads (100 tokens) + the kv-write, 1 byte each
    expect(r.breakdown.kvBytes).toBe(2 * perLayer);
  });

  it('compute class falls back where a peak is missing', () => {
    const cls = (dev: string, p: GemvOp['precision']) => baselineDecode([gemv(-1, 64, 64, p)], dev, 'A', { perOp: true }).perOp?.[0].computeClass;
    expect(cls('t4', 'int8')).toBe('int8');
    expect(cls('v100', 'int8')).toBe('fp16'); // no int8 tensor peak: dequantize
    expect(cls('xeon-gold-6154', 'bf16')).toBe('fp32'); // no AVX512_BF16
    expect(cls('epyc-9654', 'bf16')).toBe('fp16');
  });
});

describe('baselineDecode: tiers and energy', () => {
  const ops = gptOps(GPT2_SMALL, 127);

  it.each(['t4', 'v100', 'a100-80gb', 'h100-sxm', 'rtx-4090', 'xeon-gold-6154', 'xeon-gold-6230', 'epyc-9654', 'i7-1165g7'])(
    '%s: tier A < B < C in latency and energy',
    (dev) => {
      const [a, b, c] = TIERS.map((t) => baselineDecode(ops, dev, t));
      expect(a.latencyNs).toBeLessThan(b.latencyNs);
      expect(b.latencyNs).toBeLessThan(c.latencyNs);
      expect(a.energyPj).toBeLessThan(b.energyPj);
      expect(b.energyPj).toBeLessThan(c.energyPj);
    },
  );

  it('tier A is the bandwidth roofline: GPT-2 small bf16 on A100 = bytes / 2039 GB/s', () => {
    const r = baselineDecode(ops, 'a100-80gb', 'A');
    expect(r.latencyNs).toBeCloseTo(r.breakdown.bytes / 2039, 3);
    expect(r.breakdown.weightBytes).toBe(2 * weightElements(GPT2_SMALL) + 0);
  });

  it('energy is idle + dynamic, not TDP x t', () => {
    const r = baselineDecode(ops, 'v100', 'B');
    const { idleEnergyPj, dramEnergyPj, onChipEnergyPj, computeEnergyPj } = r.breakdown;
    expect(r.energyPj).toBeCloseTo(idleEnergyPj + dramEnergyPj + onChipEnergyPj + computeEnergyPj, 3);
    expect(idleEnergyPj).toBeCloseTo(37.5 * r.latencyNs * 1e3, 3);
    expect(dramEnergyPj).toBeCloseTo(r.breakdown.bytes * 8 * 6.0, 3);
    expect(r.energyPj).toBeLessThan(r.energyUpperBoundPj);
    // Raising the TDP moves only the upper bound; raising idle power moves the energy by delta x t.
    const hot = baselineDecode(ops, loadDevice('v100', ['power.tdp=600 W']), 'B');
    expect(hot.energyPj).toBeCloseTo(r.energyPj, 3);
    expect(hot.energyUpperBoundPj).toBeCloseTo(2 * r.energyUpperBoundPj, 3);
    const idler = baselineDecode(ops, loadDevice('v100', ['power.idle=47.5 W']), 'B');
    expect(idler.energyPj - r.energyPj).toBeCloseTo(10 * r.latencyNs * 1e3, 0);
  });
});

describe('baselineDecode: errors', () => {
  const ops: Op[] = [gemv(0, 8, 8)];
  it('unknown device', () => {
    expect(() => baselineDecode(ops, 'nope', 'A')).toThrow(/unknown devices preset "nope"/);
  });
  it('a preset without the tier parameters names the preset and field', () => {
    const dev: DeviceSpec = { ...loadDevice('t4'), tiers: {} };
    expect(() => baselineDecode(ops, dev, 'B')).toThrow(InputError);
    expect(() => baselineDecode(ops, dev, 'C')).toThrow(/t4\.json: field tiers\.C: device preset "t4" has no tier-C parameters/);
    expect(baselineDecode(ops, dev, 'A').latencyNs).toBeGreaterThan(0);
  });
  it('zero or negative bandwidth in a spec built in code', () => {
    expect(() => baselineDecode(ops, { ...loadDevice('t4'), bandwidthGBs: 0 }, 'A')).toThrow(/field memory\.bandwidth/);
    expect(() => baselineDecode(ops, { ...loadDevice('t4'), bandwidthGBs: -1 }, 'A')).toThrow(InputError);
  });
  it('missing energy per flop for the class used', () => {
    expect(() => baselineDecode(ops, { ...loadDevice('t4'), pjPerFlop: { fp32: 1 } }, 'A')).toThrow(/field energy\.perFlop\.fp16/);
  });
  it('unknown tier and empty op list', () => {
    expect(() => baselineDecode(ops, 't4', 'D' as never)).toThrow(/unknown baseline tier "D"/);
    expect(() => baselineDecode([], 't4', 'A')).toThrow(InputError);
  });
});
