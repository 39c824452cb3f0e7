/**
 * Published PIM-GPT figures the report sets beside ours. They are ranges over the paper's eight
 * GPT-2/GPT-3 models, measured against HuggingFace-style eager runs: our tier C. Our headline is
 * tier B (an optimised runtime), where much smaller factors are expected ([BASELINE-TIERS]).
 */
import type { Tier } from '../baselines/index.js';

export interface PublishedRange {
  readonly device: string;
  readonly metric: 'speedup' | 'energyEfficiency';
  readonly min: number;
  readonly max: number;
  /** The tier that matches the paper's setting. */
  readonly tier: Tier;
  readonly source: string;
}

export const PIM_GPT_SOURCE = '[PIMGPT] Wu, Wang, Lu, "PIM-GPT", arXiv 2310.09385 v2 / npj Unconventional Computing 2024';

export const PIM_GPT_RANGES: readonly PublishedRange[] = [
  { device: 't4', metric: 'speedup', min: 41, max: 137, tier: 'C', source: PIM_GPT_SOURCE },
  { device: 't4', metric: 'energyEfficiency', min: 123, max: 383, tier: 'C', source: PIM_GPT_SOURCE },
  { device: 'xeon-gold-6154', metric: 'speedup', min: 631, max: 1074, tier: 'C', source: PIM_GPT_SOURCE },
  { device: 'xeon-gold-6154', metric: 'energyEfficiency', min: 320, max: 602, tier: 'C', source: PIM_GPT_SOURCE },
];

export const DEVICE_TITLES: Readonly<Record<string, string>> = {
  't4': 'NVIDIA T4',
  'xeon-gold-6154': 'Intel Xeon Gold 6154',
};

/** "41-137x" */
export function rangeText(r: PublishedRange): string {
  return `${r.min}-${r.max}x`;
}
