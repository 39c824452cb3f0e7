/** Banks per channel: 4 to 32 (bank groups of 4 banks), each bank with its own PU. */
import { main } from '../src/study/define.js';

main({
  name: 'banks',
  title: 'Banks per channel: 4 to 32 (pim-gpt, 4 banks per bank group)',
  defaultModel: 'gpt2-small',
  defaultTokens: 16,
  points: ({ model, tokens }) =>
    [1, 2, 4, 8].map((groups) => ({
      model, system: 'pim-gpt', tokens,
      systemSets: [`memoryOverrides.organization.bankGroups=${groups}`],
      sweep: { parameter: 'banks per channel', value: groups * 4 },
    })),
});
