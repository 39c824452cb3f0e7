/**
 * GPT results are unchanged by the workload-graph redesign: per-token cycles, commands, energy,
 * baselines and the configuration hash of three runs, pinned from `pimsim simulate ... --json` on
 * main before the redesign (test/fixtures/graph-golden.json). The hashes were re-pinned once, when
 * the configuration hash began sorting rules (issue 15: command sets reorder rules, changing nothing);
 * every other figure is as pinned before the redesign.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { buildResult } from '../../src/results.js';

const golden = JSON.parse(readFileSync(new URL('../fixtures/graph-golden.json', import.meta.url), 'utf8')) as Record<string, {
  configHash: string; latencyNs: number[]; totalPj: number; commands: Record<string, number>; baselines: [string, string, number, number][];
}>;

const RUNS: Record<string, { model: string; prompt: number; tokens: number; precision?: string; system: string }> = {
  'gpt2-small': { model: 'gpt2-small', prompt: 4, tokens: 8, system: 'pim-gpt' },
  'gpt3-xl': { model: 'gpt3-xl', prompt: 4, tokens: 8, system: 'pim-gpt' },
  'gpt2-medium-tern': { model: 'gpt2-medium', prompt: 2, tokens: 4, precision: 'ternary,lm-head=bf16', system: 'pim-gpt-lowbit' },
};

describe('GPT results before and after the workload graph', () => {
  for (const [name, run] of Object.entries(RUNS)) {
    it(`${name}: same cycles, commands, energy, baselines and configuration hash`, () => {
      const sim = simulate(run);
      const r = buildResult(sim, { asicOps: sim.asicOps });
      const g = golden[name];
      expect(r.perToken.latencyNs).toEqual(g.latencyNs);
      expect(r.stats.commands).toEqual(g.commands);
      expect(r.energy.totalPj).toBe(g.totalPj);
      expect(r.baselines.map((b) => [b.device, b.tier, b.latencyNsPerToken, b.energyPjPerToken])).toEqual(g.baselines);
      expect(r.configHash).toBe(g.configHash);
    }, 120_000);
  }
});
