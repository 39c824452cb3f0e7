/** Mapping options: the fewest K chunks (fast packing) against the densest row fill (dense packing). */
import { main } from '../src/study/define.js';

main({
  name: 'mapping',
  title: 'GEMV packing: fast (fewest chunks) vs dense (fullest rows)',
  defaultModel: 'gpt2-medium',
  defaultTokens: 8,
  points: ({ model, tokens }) =>
    (['fast', 'dense'] as const).map((packing) => ({
      model, system: 'pim-gpt', tokens, packing,
      sweep: { parameter: 'packing', value: packing },
    })),
});
