/** Processing units: multipliers per PU (4 to 32) at 1 GHz, and PU clock (250 MHz to 2 GHz) at 16 multipliers. */
import { main } from '../src/study/define.js';

main({
  name: 'pu',
  title: 'PU multipliers and clock (pim-gpt)',
  defaultModel: 'gpt2-small',
  defaultTokens: 16,
  points: ({ model, tokens }) => [
    ...[4, 8, 16, 32].map((lanes) => ({
      model, system: 'pim-gpt', tokens, systemSets: [`pu.lanes=${lanes}`],
      sweep: { parameter: 'PU multipliers', value: lanes },
    })),
    ...[250, 500, 1000, 2000].map((mhz) => ({
      model, system: 'pim-gpt', tokens, systemSets: [`pu.clock=${mhz} MHz`],
      sweep: { parameter: 'PU clock (MHz)', value: mhz },
    })),
  ],
});
