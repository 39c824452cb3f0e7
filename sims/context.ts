/**
 * Sequence length: per-token latency as the KV cache grows. The prompt (processed one token at a
 * time, as PIM-GPT does) sets the context the generated tokens attend to.
 */
import { main } from '../src/study/define.js';

main({
  name: 'context',
  title: 'Context length: per-token latency as the KV cache grows (pim-gpt)',
  defaultModel: 'gpt2-small',
  defaultTokens: 4,
  points: ({ model, tokens }) =>
    [1, 128, 512, 1000].map((prompt) => ({
      model, system: 'pim-gpt', prompt, tokens,
      sweep: { parameter: 'context (tokens)', value: prompt },
    })),
});
