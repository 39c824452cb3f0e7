/** `pimsim start`: --tokens is capped at each model's context, and the note says so. */
import { describe, expect, it } from 'vitest';
import { defaultStudyPoints, PAPER_MODELS } from '../../src/cli/start.js';

describe('pimsim start --tokens', () => {
  it('1024 tokens: GPT-2 models (context 1024) generate 1023 after their prompt token, GPT-3 models 1024', () => {
    const { points, notes } = defaultStudyPoints(PAPER_MODELS, 'pim-gpt', 1024);
    expect(points.map((p) => [p.model, p.prompt, p.tokens])).toEqual(PAPER_MODELS.map((m) => [m, 1, m.startsWith('gpt2') ? 1023 : 1024]));
    expect(notes).toHaveLength(4);
    expect(notes[0]).toBe('gpt2-small: 1023 generated tokens, not 1024: its context is 1024 (1 prompt + 1023)');
  });

  it('the default leaves every model as asked', () => {
    expect(defaultStudyPoints(PAPER_MODELS, 'pim-gpt', 128)).toEqual({ points: PAPER_MODELS.map((m) => ({ model: m, system: 'pim-gpt', prompt: 1, tokens: 128 })), notes: [] });
  });
});
