/**
 * The trends PIM-GPT reports, checked on the simulator ([PIMGPT]): GEMV dominates, rows are hit,
 * the ASIC clock matters little, channels scale, and latency grows with the context. Fast
 * fidelity must equal command fidelity on random small models and configurations.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { mulberry32 } from '../../src/util/rng.js';

const mean = (xs: readonly { latencyNs: number }[]) => xs.reduce((a, t) => a + t.latencyNs, 0) / xs.length;

describe('PIM-GPT trends', () => {
  it('gpt3-xl: GEMV dominates (the ASIC is a few percent), row-buffer hit rate >= 95%', () => {
    const s = simulate({ model: 'gpt3-xl', system: 'pim-gpt', prompt: 1, tokens: 1 });
    const b = s.breakdownNs;
    const total = Object.values(b).reduce((a, v) => a + v, 0);
    expect(b.asic / total).toBeLessThan(0.05); // paper: 1.16% non-GEMV
    expect((b.mac + b.activatePrecharge + b.loadReadout) / total).toBeGreaterThan(0.85);
    expect(s.stats.rowHitRate).toBeGreaterThanOrEqual(0.95);
  });

  it('slowing the ASIC from 1 GHz to 100 MHz costs at most 25% (paper: at most 20%)', () => {
    for (const model of ['gpt3-xl', 'gpt2-medium']) {
      const fast = mean(simulate({ model, system: 'pim-gpt', tokens: 1 }).tokens);
      const slow = mean(simulate({ model, system: 'pim-gpt', tokens: 1, systemSets: ['asicOverrides.clock=100 MHz'] }).tokens);
      expect(slow / fast, model).toBeGreaterThan(1);
      expect(slow / fast, model).toBeLessThanOrEqual(1.25);
    }
  });

  it('doubling the channels speeds gpt2-medium up at least 1.8x', () => {
    const t8 = mean(simulate({ model: 'gpt2-medium', system: 'pim-gpt', tokens: 1 }).tokens);
    const t16 = mean(simulate({ model: 'gpt2-medium', system: 'pim-gpt', tokens: 1, systemSets: ['memoryOverrides.organization.channels=16'] }).tokens);
    expect(t8 / t16).toBeGreaterThanOrEqual(1.8);
  });

  it('per-token latency grows with the context as the KV cache grows', () => {
    // Two layers of gpt2-small keep the run short; the attention work per layer is the same.
    const s = simulate({ model: 'gpt2-small', modelSets: ['layers=2'], system: 'pim-gpt', prompt: 999, tokens: 1 });
    const at = (p: number) => s.tokens[p].latencyNs;
    expect(at(300)).toBeGreaterThan(at(0));
    expect(at(999)).toBeGreaterThan(at(300));
    // Token to token, refresh alignment and K-row boundaries add about +-1% of jitter; the mean
    // over each block of 100 tokens rises strictly.
    const blocks = Array.from({ length: 10 }, (_, b) => s.tokens.slice(b * 100, b * 100 + 100).reduce((a, t) => a + t.latencyNs, 0) / 100);
    for (let b = 1; b < 10; b++) expect(blocks[b]).toBeGreaterThan(blocks[b - 1]);
  });
});

describe('fast fidelity equals command fidelity', () => {
  const rng = mulberry32(42);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  const cases = Array.from({ length: 6 }, () => {
    const heads = pick([1, 2, 4]);
    const headDim = pick([16, 32, 64]);
    const dModel = heads * headDim;
    return {
      modelSets: [`layers=${pick([1, 2])}`, `dModel=${dModel}`, `heads=${heads}`, `dFF=${pick([2, 4, 6]) * dModel}`, `vocab=${pick([300, 1000, 5000])}`, 'context=256'],
      systemSets: [`memoryOverrides.organization.channels=${pick([1, 2, 4, 8])}`, ...(rng() < 0.3 ? ['memoryOverrides.controller.refresh=off'] : [])],
      system: pick(['pim-gpt', 'hbm-pim']),
      prompt: pick([1, 3, 20]),
    };
  });
  it.each(cases)('random model %#: identical token latencies and statistics', (c) => {
    const run = (fidelity: 'fast' | 'command') => simulate({ model: 'test-tiny', modelSets: c.modelSets, system: c.system, systemSets: c.systemSets, prompt: c.prompt, tokens: 2, fidelity });
    const a = run('fast'), b = run('command');
    expect(a.tokens).toEqual(b.tokens);
    expect({ ...a.stats, fidelity: '' }).toEqual({ ...b.stats, fidelity: '' });
  });
});
