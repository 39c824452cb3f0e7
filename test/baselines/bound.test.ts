import { describe, expect, it } from 'vitest';
import { gemvBandwidthBound, idealGpuWithBandwidth } from '../../src/baselines/bound.js';
import { baselineDecode } from '../../src/baselines/tiers.js';
import type { GemvOp } from '../../src/model/ops.js';
import { InputError } from '../../src/util/errors.js';

const gemv = (rows: number, cols: number, precision: GemvOp['precision']): GemvOp => ({
  kind: 'gemv', name: 'g', layer: 0, inputs: [], role: 'ffn-up', rows, cols, precision, gelu: false, bias: false,
});

describe('physical bound helpers', () => {
  it('GDDR6-AiM: 16 banks x 32 GB/s internal over 32 GB/s external = 16x ([AIM])', () => {
    expect(gemvBandwidthBound(512, 32)).toBe(16);
  });

  it('rejects zero or negative bandwidths', () => {
    expect(() => gemvBandwidthBound(0, 32)).toThrow(InputError);
    expect(() => gemvBandwidthBound(512, -1)).toThrow(/pimExternalGBs/);
    expect(() => idealGpuWithBandwidth(0)).toThrow(/bandwidthGBs/);
  });

  it('the ideal GPU is purely bandwidth-bound at tier A and has no tier B/C', () => {
    const dev = idealGpuWithBandwidth(256);
    const r = baselineDecode([gemv(4096, 1024, 'bf16')], dev, 'A');
    expect(r.latencyNs).toBe((4096 * 1024 * 2 + (4096 + 1024) * 2) / 256);
    expect(() => baselineDecode([gemv(8, 8, 'bf16')], dev, 'B')).toThrow(/tiers\.B/);
  });

  it('it reads low-bit weights packed, so the comparison is on the same bytes', () => {
    const r = baselineDecode([gemv(4096, 1024, 'ternary')], idealGpuWithBandwidth(32), 'A');
    expect(r.breakdown.weightBytes).toBe((4096 * 1024) / 4);
  });

  it('a PIM GEMV streaming the weights at the internal bandwidth cannot beat the bound', () => {
    const op = gemv(8192, 2048, 'bf16');
    const gpuNs = baselineDecode([op], idealGpuWithBandwidth(32), 'A').latencyNs;
    const pimBestNs = (op.rows * op.cols * 2) / 512; // weights only, every bank busy every cycle
    expect(gpuNs / pimBestNs).toBeLessThanOrEqual(gemvBandwidthBound(512, 32) * 1.001);
    expect(gpuNs / pimBestNs).toBeGreaterThan(15.9);
  });
});
