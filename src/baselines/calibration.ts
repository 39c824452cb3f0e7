/**
 * Calibration points for the tier models: published measurements ([BASELINE-TIERS], or the page
 * named in `source`). Each names a device preset, a tier, a model shape and the published figure;
 * test/baselines/calibration.test.ts reproduces each within TOLERANCE. Tier B/C parameters in the
 * presets were chosen (within the published ranges where there are any) so these hold; the tests
 * guard that choice, they are not an independent validation.
 */
import type { BaselineFormat } from './opcost.js';
import type { Tier } from './tiers.js';

/** Relative error allowed between the tier model and a calibration figure. */
export const CALIBRATION_TOLERANCE = 0.3;

export interface CalibrationModel {
  readonly name: string;
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFF: number;
  readonly vocab: number;
  /** Positions already in the KV cache when the measured token is generated (assumed where unpublished). */
  readonly context: number;
}

interface PointBase {
  readonly id: string;
  readonly device: string;
  /**
   * Overrides of the device preset when the measured device is not shipped but shares a shipped
   * one's generation (e.g. an RTX 5090 as the rtx-4090 preset with the 5090's bandwidth and peak).
   */
  readonly deviceSets?: readonly string[];
  readonly tier: Tier;
  readonly format: BaselineFormat;
  /** Weight precision of the ops when format is 'ops'. */
  readonly precision: 'bf16' | 'int8';
  readonly models: readonly CalibrationModel[];
  readonly source: string;
  readonly note: string;
}

/** A measured time per token. */
export interface FixedPoint extends PointBase {
  readonly kind: 'ms-per-token';
  readonly msPerToken: number;
}

/** A fitted law: perLayerUs x layers + weight bytes / bandwidth. */
export interface FitPoint extends PointBase {
  readonly kind: 'per-layer-fit';
  readonly perLayerUs: number;
  readonly weightBandwidthGBs: number;
}

export type CalibrationPoint = FixedPoint | FitPoint;

const GPT2_SMALL: CalibrationModel = { name: 'gpt2-small', layers: 12, dModel: 768, heads: 12, dFF: 3072, vocab: 50257, context: 128 };

export const CALIBRATION_POINTS: readonly CalibrationPoint[] = [
  {
    id: 'v100-hf-eager-gpt2-small',
    kind: 'ms-per-token',
    device: 'v100',
    tier: 'C',
    format: 'fp32',
    precision: 'bf16',
    models: [GPT2_SMALL],
    msPerToken: 12.2,
    source: '[BASELINE-TIERS] GPT-2 small FP32 on V100 (HuggingFace eager) measured 12.2 ms/token',
    note: 'context 128 assumed (not published); KV reads are a few percent of the bytes',
  },
  {
    id: 'a100-fastertransformer-fit',
    kind: 'per-layer-fit',
    device: 'a100-80gb',
    tier: 'B',
    format: 'ops',
    precision: 'bf16',
    models: [
      { name: 'gpt2-medium', layers: 24, dModel: 1024, heads: 16, dFF: 4096, vocab: 50257, context: 128 },
      { name: 'gpt2-xl', layers: 48, dModel: 1600, heads: 25, dFF: 6400, vocab: 50257, context: 128 },
      { name: 'gpt3-xl', layers: 24, dModel: 2048, heads: 24, dFF: 8192, vocab: 50257, context: 128 },
      { name: 'gpt3-6.7b-shape', layers: 32, dModel: 4096, heads: 32, dFF: 16384, vocab: 50257, context: 128 },
    ],
    perLayerUs: 90,
    weightBandwidthGBs: 1450,
    source: '[BASELINE-TIERS] FasterTransformer on A100 fits about 90 us per layer + weight bytes / 1.45 TB/s',
    note: 'FP16 weights; "weight bytes" taken to include the LM head',
  },
  {
    id: 'rtx4090-llamacpp-floor',
    kind: 'ms-per-token',
    device: 'rtx-4090',
    tier: 'B',
    format: 'ops',
    precision: 'bf16',
    // llama-68m shape: 2 layers, d 768, 12 heads, vocab 32000, SwiGLU d_ff 3072 (3 matrices); as a
    // GPT-shaped op list dFF = 4608 gives the same FFN weight bytes (2 x 768 x 4608 = 3 x 768 x 3072).
    models: [{ name: 'llama-68m-shape', layers: 2, dModel: 768, heads: 12, dFF: 4608, vocab: 32000, context: 128 }],
    msPerToken: 0.25,
    source: '[BASELINE-TIERS] per-token floor about 0.25 ms even for a 68M model (llama.cpp, RTX 4090)',
    note: 'model format not published; F16 assumed (the heavier choice)',
  },
  {
    id: 'rtx5090-hf-eager-gpt2-small',
    kind: 'ms-per-token',
    device: 'rtx-4090',
    // Assumed: NVIDIA's published RTX 5090 figures (not in REFERENCE.md): 1792 GB/s GDDR7, 104.8 TFLOPS FP32.
    deviceSets: ['memory.bandwidth="1792 GB/s"', 'peakTflops.fp32=104.8'],
    tier: 'C',
    format: 'fp32',
    precision: 'bf16',
    models: [{ ...GPT2_SMALL, context: 32 }],
    msPerToken: 3.8,
    source: 'HuggingFace transformers (PyTorch) GPT-2 124M FP32, greedy, 3.8 ms between tokens on an RTX 5090: xserv phase-8 baseline, https://gitea.gahow.org/gahow/xserv/src/branch/main/docs/benchmarks/phase8-gpt2-baseline.md',
    note: 'an RTX 5090 modelled as the rtx-4090 preset (same Ampere-and-later generation of eager costs) with the 5090 bandwidth and FP32 peak; prompt lengths not published, context 32 assumed (20 generated tokens per prompt); the one point the later generation is fitted to',
  },
  {
    id: 'i7-1165g7-pytorch-eager-gpt2-small',
    kind: 'ms-per-token',
    device: 'i7-1165g7',
    tier: 'C',
    format: 'fp32',
    precision: 'bf16',
    models: [GPT2_SMALL],
    msPerToken: 33,
    source: '[BASELINE-TIERS] PyTorch eager GPT-2 small about 33 ms/token on a laptop i7-1165G7',
    note: 'FP32 (PyTorch CPU default); context 128 assumed',
  },
];
