/** Memory type: GDDR6-AiM (pim-gpt) against an HBM-PIM-like system, same model and ASIC. */
import { main } from '../src/study/define.js';

main({
  name: 'memory',
  title: 'Memory type: GDDR6-AiM vs HBM-PIM',
  defaultModel: 'gpt2-small',
  defaultTokens: 8,
  points: ({ model, tokens }) =>
    ['pim-gpt', 'hbm-pim'].map((system) => ({
      model, system, tokens,
      sweep: { parameter: 'system', value: system },
    })),
});
