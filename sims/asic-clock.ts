/** ASIC clock: 1 GHz down to 100 MHz (PIM-GPT reports at most 20% slowdown at 100 MHz). */
import { main } from '../src/study/define.js';

main({
  name: 'asic-clock',
  title: 'ASIC clock: 1 GHz to 100 MHz (pim-gpt)',
  defaultModel: 'gpt3-xl',
  defaultTokens: 8,
  points: ({ model, tokens }) =>
    [1000, 500, 250, 100].map((mhz) => ({
      model, system: 'pim-gpt', tokens, systemSets: [`asicOverrides.clock=${mhz} MHz`],
      sweep: { parameter: 'ASIC clock (MHz)', value: mhz },
    })),
});
