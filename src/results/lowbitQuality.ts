/**
 * The expected accuracy cost of a weight format, as published ([QUALITY] in the shared reference),
 * to show beside speed and energy. pimsim does not measure accuracy: these are other people's
 * figures for models trained with quantization-aware training and distillation; naive
 * post-training ternarization collapses (TWN at W2A2: ROUGE-1 12.9 on CNN/DailyMail).
 */
import type { Precision } from '../model/ops.js';

export interface QualityFigure {
  readonly benchmark: string;
  /** Metric and direction, e.g. "ROUGE-1 (higher is better)". */
  readonly metric: string;
  readonly fullPrecision: number;
  readonly lowBit: number;
  /** Weight/activation bits of the low-bit figure, e.g. "W2A8". */
  readonly setting: string;
  readonly source: string;
}

export interface QualityNote {
  readonly precision: Precision;
  readonly activationBits: number;
  readonly figures: readonly QualityFigure[];
  readonly summary: string;
}

const LIU = '[QUALITY] Liu et al., "Binary and Ternary Natural Language Generation", ACL 2023';
const BITNET = '[QUALITY] Ma et al., BitNet b1.58, arXiv 2402.17764';
const ROUGE = 'ROUGE-1 (higher is better)';

function rouge(task: string, fp: number, lowBit: number, setting: string): QualityFigure {
  return { benchmark: `BART-base ${task}`, metric: ROUGE, fullPrecision: fp, lowBit, setting, source: LIU };
}

const TERNARY_A8: readonly QualityFigure[] = [
  rouge('CNN/DailyMail', 44.9, 43.46, 'W2A8'),
  rouge('XSUM', 43.84, 42.4, 'W2A8'),
  { benchmark: 'mBART WMT16 En-Ro', metric: 'BLEU (higher is better)', fullPrecision: 26.8, lowBit: 21.7, setting: 'ternary', source: LIU },
  { benchmark: 'BitNet b1.58 700M', metric: 'perplexity (lower is better)', fullPrecision: 12.33, lowBit: 12.87, setting: 'W1.58A8', source: BITNET },
  { benchmark: 'BitNet b1.58 1.3B', metric: 'perplexity (lower is better)', fullPrecision: 11.25, lowBit: 11.29, setting: 'W1.58A8', source: BITNET },
  { benchmark: 'BitNet b1.58 3B', metric: 'perplexity (lower is better)', fullPrecision: 10.04, lowBit: 9.91, setting: 'W1.58A8', source: BITNET },
];
const TERNARY_A2: readonly QualityFigure[] = [rouge('CNN/DailyMail', 44.9, 41.03, 'W2A2'), rouge('XSUM', 43.84, 36.21, 'W2A2')];
const BINARY_A8: readonly QualityFigure[] = [
  rouge('CNN/DailyMail', 44.9, 42.66, 'W1A8'),
  rouge('XSUM', 43.84, 40.96, 'W1A8'),
  { benchmark: 'mBART WMT16 En-Ro', metric: 'BLEU (higher is better)', fullPrecision: 26.8, lowBit: 17.6, setting: 'binary', source: LIU },
];
const BINARY_A1: readonly QualityFigure[] = [rouge('CNN/DailyMail', 44.9, 35.56, 'W1A1'), rouge('XSUM', 43.84, 31.68, 'W1A1')];

/** The published cost of running the linear layers in `precision` with `activationBits`-bit activations. */
export function qualityNote(precision: Precision, activationBits: number): QualityNote {
  const say = (figs: readonly QualityFigure[], extra = '') =>
    figs.map((f) => `${f.benchmark} ${f.setting}: ${f.lowBit} vs ${f.fullPrecision}`).join('; ') + extra;
  switch (precision) {
    case 'bf16':
      return { precision, activationBits, figures: [], summary: 'bf16: the full-precision reference (no quantization cost)' };
    case 'int8':
      return {
        precision, activationBits, figures: [],
        summary: 'int8: no figure in [QUALITY]; pimsim cites none (8-bit weights and activations are widely reported as close to full precision, but that is not a cited number here)',
      };
    case 'ternary': {
      const figs = activationBits <= 2 ? TERNARY_A2 : TERNARY_A8;
      const setting = activationBits <= 2 ? 'W2A2' : activationBits === 8 ? 'W2A8' : `W2A${activationBits} (figures for W2A8)`;
      return { precision, activationBits, figures: figs, summary: `ternary ${setting}, with quantization-aware training and distillation: ${say(figs)}` };
    }
    case 'binary': {
      const figs = activationBits <= 1 ? BINARY_A1 : BINARY_A8;
      const setting = activationBits <= 1 ? 'W1A1' : activationBits === 8 ? 'W1A8' : `W1A${activationBits} (figures for W1A8)`;
      return { precision, activationBits, figures: figs, summary: `binary ${setting}, with quantization-aware training and distillation: ${say(figs)}` };
    }
  }
}

/** A caveat every low-bit result carries. */
export const QUALITY_CAVEAT = 'Accuracy figures are published results for models trained for the format ([QUALITY]); pimsim runs no accuracy evaluation. Naive post-training ternarization collapses (TWN at W2A2: ROUGE-1 12.9).';
