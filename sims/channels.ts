/** Channels: how latency, energy and speedup scale with the number of PIM channels (1 to 32). */
import { main } from '../src/study/define.js';

main({
  name: 'channels',
  title: 'PIM channels: 1 to 32 (pim-gpt)',
  defaultModel: 'gpt2-small',
  defaultTokens: 16,
  points: ({ model, tokens }) =>
    [1, 2, 4, 8, 16, 32].map((channels) => ({
      model, system: 'pim-gpt', tokens,
      systemSets: [`memoryOverrides.organization.channels=${channels}`],
      sweep: { parameter: 'channels', value: channels },
    })),
});
