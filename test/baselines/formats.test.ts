/**
 * Baseline weight formats ([LLAMA]): bytes per weight, compute class, and per-token time, against
 * hand-computed figures. The op lists come from the test's own builder (gptOps.ts), not src/model.
 */
import { describe, expect, it } from 'vitest';
import { type DeviceSpec, loadDevice } from '../../src/baselines/device.js';
import { BASELINE_WEIGHT_FORMATS, STORED_BYTES } from '../../src/baselines/opcost.js';
import { baselineDecode } from '../../src/baselines/tiers.js';
import type { GemvOp } from '../../src/model/ops.js';
import { gptOps, weightElements } from './gptOps.js';

const gemv = (rows: number, cols: number): GemvOp => ({
  kind: 'gemv', name: `g${rows}x${cols}`, layer: -1, inputs: [], role: 'qkv', rows, cols, precision: 'bf16', gelu: false, bias: false,
});

/** Bytes per weight written out by hand from [LLAMA] and [QUANT]. */
const HAND_BYTES: Record<(typeof BASELINE_WEIGHT_FORMATS)[number], number> = {
  fp32: 4, fp16: 2, bf16: 2, int8: 1,
  q4_0: 18 / 32, // 32 weights: 16 B of nibbles + 2 B fp16 scale
  q4_K_M: 0.6, // about 4.8 bits per weight
  ternary: 32 / 128, // 128 codes per 32 B burst
  binary: 1 / 8,
};

describe('baseline weight formats', () => {
  it('bytes per weight: q4_0 is 4.5 bits, q4_K_M 4.8, ternary 2, binary 1', () => {
    for (const f of BASELINE_WEIGHT_FORMATS) expect(STORED_BYTES[f], f).toBe(HAND_BYTES[f]);
    expect(STORED_BYTES.q4_0 * 8).toBe(4.5);
  });

  it('one 1024 x 1024 GEMV on T4, tier A, q4_0: 589824 weight bytes, int8 compute', () => {
    const r = baselineDecode([gemv(1024, 1024)], 't4', 'A', { format: 'q4_0', perOp: true });
    const weightBytes = 1024 * 1024 * 18 / 32; // 589824
    const bytes = weightBytes + 2048 * 2; // + input and output vectors in fp16
    expect(r.breakdown.weightBytes).toBe(589824);
    expect(r.latencyNs).toBeCloseTo(bytes / 320, 9);
    expect(r.perOp?.[0].computeClass).toBe('int8');
    // T4: idle 8.75 W, 7.5 + 0.46 pJ/bit, int8 0.067 pJ per op.
    expect(r.energyPj).toBeCloseTo(8.75 * (bytes / 320) * 1e3 + bytes * 8 * 7.96 + 2 * 1024 * 1024 * 0.067, 3);
    expect(r.storedFormats).toEqual(['q4_0']);
  });

  it('compute class: fp16/bf16 at the 16-bit peak; integer formats at int8, or dequantized to fp16 where there is no int8 peak (V100)', () => {
    const cls = (device: string, format: (typeof BASELINE_WEIGHT_FORMATS)[number]) => baselineDecode([gemv(64, 64)], device, 'A', { format, perOp: true }).perOp?.[0].computeClass;
    expect(cls('t4', 'fp16')).toBe('fp16');
    expect(cls('t4', 'bf16')).toBe('fp16');
    expect(cls('t4', 'fp32')).toBe('fp32');
    for (const f of ['int8', 'q4_0', 'q4_K_M', 'ternary', 'binary'] as const) {
      expect(cls('t4', f), f).toBe('int8');
      expect(cls('v100', f), f).toBe('fp16');
    }
  });

  describe('a small model: per-token time of a memory-bound tier follows bytes per weight', () => {
    const m = { layers: 2, dModel: 256, heads: 4, dFF: 1024, vocab: 1000 };
    const w = weightElements(m);
    const ops = gptOps(m, 10);
    const bf16A = baselineDecode(ops, 't4', 'A', { format: 'bf16' });
    const bf16B = baselineDecode(ops, 't4', 'B', { format: 'bf16' });

    for (const f of BASELINE_WEIGHT_FORMATS.filter((x) => x !== 'fp32')) {
      it(f, () => {
        const a = baselineDecode(ops, 't4', 'A', { format: f });
        expect(a.breakdown.weightBytes).toBeCloseTo(w * HAND_BYTES[f], 6);
        // KV cache and activations as the model's formats (bf16): unchanged by the weight format.
        expect(a.breakdown.kvBytes).toBe(bf16A.breakdown.kvBytes);
        expect(a.breakdown.activationBytes).toBe(bf16A.breakdown.activationBytes);
        // Tier A on T4: every op is memory-bound, so time differs by the weight bytes / 320 GB/s.
        expect(a.latencyNs - bf16A.latencyNs).toBeCloseTo((w * (HAND_BYTES[f] - 2)) / 320, 6);
        // Tier B: the same at eta_mem 0.8, the fixed costs unchanged.
        const b = baselineDecode(ops, 't4', 'B', { format: f });
        expect(b.latencyNs - bf16B.latencyNs).toBeCloseTo((w * (HAND_BYTES[f] - 2)) / (0.8 * 320), 6);
        expect(b.breakdown.kernelFixedNs).toBe(bf16B.breakdown.kernelFixedNs);
        expect(b.format).toBe(f);
        expect(b.formatAsked).toBe(true);
      });
    }

    it('fp32: weights, KV and activations all FP32 (the eager default, now selectable at any tier)', () => {
      const a = baselineDecode(ops, 't4', 'A', { format: 'fp32' });
      expect(a.breakdown.weightBytes).toBe(4 * w);
      expect(a.breakdown.kvBytes).toBe(2 * bf16A.breakdown.kvBytes);
      expect(a.breakdown.activationBytes).toBe(2 * bf16A.breakdown.activationBytes);
    });

    it('explicit ternary/binary are packed codes even where the device has no native support (the ops default stores them as int8)', () => {
      const lowbitOps = gptOps(m, 10, 'ternary');
      expect(baselineDecode(lowbitOps, 'h100-sxm', 'B').breakdown.weightBytes).toBe(w);
      expect(baselineDecode(lowbitOps, 'h100-sxm', 'B', { format: 'ternary' }).breakdown.weightBytes).toBe(w / 4);
      expect(baselineDecode(ops, 'h100-sxm', 'B', { format: 'binary' }).breakdown.weightBytes).toBe(w / 8);
    });

    it("no format: the tier's runtime default, unchanged and not marked as asked", () => {
      const c = baselineDecode(ops, 't4', 'C');
      expect([c.format, c.formatAsked, c.storedFormats]).toEqual(['fp32', false, ['fp32']]);
      const b = baselineDecode(ops, 't4', 'B');
      expect([b.format, b.formatAsked]).toEqual(['ops', false]);
      expect(b.latencyNs).toBe(bf16B.latencyNs);
      expect(b.method).not.toMatch(/as asked/);
      expect(baselineDecode(ops, 't4', 'B', { format: 'q4_K_M' }).method).toMatch(/Weights and KV stored as q4_K_M, bf16 \(weights q4_K_M as asked, 4\.8 bits per weight; KV cache as the model's formats\)/);
    });

    it('a device preset with its own low-bit support changes nothing for an explicit format', () => {
      const native: DeviceSpec = { ...loadDevice('t4'), nativeLowBit: ['ternary', 'binary'] };
      expect(baselineDecode(ops, native, 'A', { format: 'q4_0' }).breakdown.weightBytes).toBeCloseTo(w * 18 / 32, 6);
    });
  });
});
