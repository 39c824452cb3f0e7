/** A model that does not fit says what it needs, why, and which shipped system (or setting) fits it. */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { errorOf } from '../helpers/errors.js';

describe('fit advice', () => {
  it('names the bytes needed and the shipped system that holds a 7B model', () => {
    const m = errorOf(() => simulate({ model: 'llama-2-7b', system: 'pim-gpt', tokens: 1 })).message;
    expect(m).toMatch(/llama-2-7b needs about 15\.36 GB \(weights 13\.21 GB, KV cache 2\.15 GB for 4096 tokens\); pim-gpt holds 4\.29 GB; shipped systems that fit it: pim-gpt-64ch/);
  });

  it('says when capacity suffices but rows per bank do not, and suggests fewer cached tokens', () => {
    const m = errorOf(() => simulate({ model: 'llama-3.2-1b', system: 'pim-gpt-64ch', tokens: 1 })).message;
    expect(m).toMatch(/need 17312 rows in every bank, the banks have 16384\. /);
    expect(m).toMatch(/holds 34\.36 GB in all, but the placement needs more rows per bank than it has/);
    expect(m).toMatch(/--model-set context=4096/);
  });
});
