/**
 * Readout grouping on AiM: accumulators per PU (1: PIM-GPT's order, a readout and two register-mode
 * switches per output row; 2: the pim-gpt default; 32: CENT's assumption), each GEMV, QK^T and S.V
 * reading its outputs in groups of that many.
 */
import { main } from '../src/study/define.js';

main({
  name: 'readout',
  title: 'Accumulators per PU: readout groups and register-mode switches (pim-gpt)',
  defaultModel: 'gpt2-medium',
  defaultTokens: 8,
  points: ({ model, tokens }) =>
    [1, 2, 4, 8, 32].map((acc) => ({
      model, system: 'pim-gpt', tokens, systemSets: [`pu.accumulators=${acc}`],
      sweep: { parameter: 'accumulators per PU', value: acc },
    })),
});
