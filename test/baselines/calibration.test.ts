import { describe, expect, it } from 'vitest';
import { CALIBRATION_POINTS, CALIBRATION_TOLERANCE, type CalibrationModel, type CalibrationPoint } from '../../src/baselines/calibration.js';
import { loadDevice } from '../../src/baselines/device.js';
import { baselineDecode } from '../../src/baselines/tiers.js';
import { gptOps, weightElements } from './gptOps.js';

function modelMs(p: CalibrationPoint, m: CalibrationModel): number {
  return baselineDecode(gptOps(m, m.context, p.precision, p.precision), p.device, p.tier, { format: p.format }).latencyNs / 1e6;
}

/** The published figure: measured, or the fitted law (weight bytes at the point's format). */
function expectedMs(p: CalibrationPoint, m: CalibrationModel): number {
  if (p.kind === 'ms-per-token') return p.msPerToken;
  const bytesPerWeight = p.format === 'fp32' ? 4 : p.precision === 'bf16' ? 2 : 1;
  return (m.layers * p.perLayerUs) / 1000 + (weightElements(m) * bytesPerWeight) / (p.weightBandwidthGBs * 1e6);
}

const cases = CALIBRATION_POINTS.flatMap((p) => p.models.map((m) => [`${p.id} / ${m.name}`, p, m] as const));

describe('tier calibration against [BASELINE-TIERS]', () => {
  it.each(cases)('%s within 30%', (_id, p, m) => {
    const got = modelMs(p, m);
    const want = expectedMs(p, m);
    expect(Math.abs(got - want) / want).toBeLessThanOrEqual(CALIBRATION_TOLERANCE);
  });

  it('every point names a shipped device and a [BASELINE-TIERS] source', () => {
    for (const p of CALIBRATION_POINTS) {
      expect(() => loadDevice(p.device)).not.toThrow();
      expect(p.source).toMatch(/^\[BASELINE-TIERS\]/);
    }
  });

  it('V100 eager GPT-2 small is overhead-bound: fixed costs are most of the 12.2 ms', () => {
    const p = CALIBRATION_POINTS.find((x) => x.id === 'v100-hf-eager-gpt2-small')!;
    const r = baselineDecode(gptOps(p.models[0], 128, 'bf16'), 'v100', 'C', { format: 'fp32' });
    expect((r.breakdown.kernelFixedNs + r.breakdown.stepNs) / r.latencyNs).toBeGreaterThan(0.8);
    // FP32 GPT-2 small weights (incl. the tied LM head) are about 0.5 GB.
    expect(r.breakdown.weightBytes / 1e9).toBeCloseTo(0.494, 2);
  });

  it('the A100 FasterTransformer fit is dominated by weight bytes for a 6.7B-shaped model', () => {
    const p = CALIBRATION_POINTS.find((x) => x.id === 'a100-fastertransformer-fit')!;
    const big = p.models.find((m) => m.name === 'gpt3-6.7b-shape')!;
    const r = baselineDecode(gptOps(big, 128, 'bf16'), 'a100-80gb', 'B');
    expect(r.breakdown.workNs / r.latencyNs).toBeGreaterThan(0.7);
  });

  it('the 4090 floor: a 68M model is mostly fixed cost', () => {
    const p = CALIBRATION_POINTS.find((x) => x.id === 'rtx4090-llamacpp-floor')!;
    const r = baselineDecode(gptOps(p.models[0], 128, 'bf16'), 'rtx-4090', 'B');
    expect((r.breakdown.kernelFixedNs + r.breakdown.stepNs) / r.latencyNs).toBeGreaterThan(0.5);
  });
});
