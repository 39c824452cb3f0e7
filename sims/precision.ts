/** Precision: BF16 against int8, ternary and binary weights (8-bit activations) on the low-bit PUs. */
import { main } from '../src/study/define.js';

main({
  name: 'precision',
  title: 'Weight precision: bf16 / int8 / ternary / binary (pim-gpt-lowbit)',
  defaultModel: 'gpt2-medium',
  defaultTokens: 8,
  points: ({ model, tokens }) =>
    ['bf16', 'int8', 'ternary', 'binary'].map((format) => ({
      model, system: 'pim-gpt-lowbit', tokens,
      precision: format === 'bf16' ? 'bf16' : `${format},attention=bf16`,
      sweep: { parameter: 'precision', value: format },
    })),
});
