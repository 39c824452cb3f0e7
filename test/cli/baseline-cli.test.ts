/** `pimsim baseline` prints how every tier it reports is modelled, not only tier A. */
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

async function stdout(...argv: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    expect(await main(['node', 'pimsim', ...argv])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('pimsim baseline', () => {
  it('all tiers: a method line for each of A, B and C; tier C says it stores FP32', async () => {
    const raw = await stdout('baseline', '--model', 'gpt2-small', '--device', 'i7-1165g7');
    for (const line of raw.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    const out = raw.replace(/\n {4}/g, ' ');
    for (const t of ['A', 'B', 'C']) expect(out).toMatch(new RegExp(`^- Tier ${t} \\(`, 'm'));
    expect(out).toMatch(/^- Tier C .*FP32: the framework's default dtype/m);
    expect(out).toMatch(/^tier C +[\d.]+ ms\/token.*weights fp32 \(the tier's runtime default\)$/m);
  });

  it('--baseline-format q4_0: every tier stores q4_0 weights (bf16 KV), says so, and is faster than the default', async () => {
    const def = await stdout('baseline', '--model', 'gpt2-small', '--device', 't4', '--json');
    const q4 = await stdout('baseline', '--model', 'gpt2-small', '--device', 't4', '--baseline-format', 'q4_0', '--json');
    const d = JSON.parse(def) as { results: { tier: string; latencyNs: number; weightFormat: string; weightFormatAsked: boolean; storedFormats: string[]; method: string }[] };
    const q = JSON.parse(q4) as typeof d;
    expect(d.results.map((r) => [r.weightFormat, r.weightFormatAsked])).toEqual([['ops', false], ['ops', false], ['fp32', false]]);
    for (const [i, r] of q.results.entries()) {
      expect([r.weightFormat, r.weightFormatAsked, r.storedFormats]).toEqual(['q4_0', true, ['q4_0', 'bf16']]);
      expect(r.method).toMatch(/weights q4_0 as asked, 4\.5 bits per weight/);
      expect(r.latencyNs).toBeLessThan(d.results[i].latencyNs);
    }
    const text = await stdout('baseline', '--model', 'gpt2-small', '--device', 't4', '--tier', 'B', '--baseline-format', 'q4_0');
    expect(text).toMatch(/^tier B .*weights q4_0\/bf16 \(as asked\)$/m);
  });

  it('one tier: its method only', async () => {
    const out = await stdout('baseline', '--model', 'gpt2-small', '--device', 't4', '--tier', 'B');
    expect(out).toMatch(/^- Tier B /m);
    expect(out).not.toMatch(/^- Tier [AC] /m);
  });
});

describe('pimsim simulate --baseline-format', () => {
  type Doc = { configHash: string; baselines: { device: string; tier: string; latencyNsPerToken: number; method: string }[] };
  const run = async (...extra: string[]) => JSON.parse(await stdout('simulate', '--model', 'test-tiny', '--tokens', '2', '--devices', 't4', '--json', ...extra)) as Doc;

  it('int8: every tier costs int8 weights and says so; the PIM side and the default run are unchanged', async () => {
    const def = await run();
    const int8 = await run('--baseline-format', 'int8');
    const runtime = await run('--baseline-format', 'runtime');
    expect(runtime).toEqual(def);
    for (const b of def.baselines) expect(b.method).not.toMatch(/as asked/);
    for (const b of int8.baselines) expect(b.method, b.tier).toMatch(/Weights and KV stored as int8, bf16 \(weights int8 as asked, 8 bits per weight/);
    // Tier C drops from fp32 to int8 weights: faster.
    expect(int8.baselines[2].latencyNsPerToken).toBeLessThan(def.baselines[2].latencyNsPerToken);
    expect(int8.configHash).not.toBe(def.configHash);
  });

  it('the summary names the baseline weight format', async () => {
    const base = ['simulate', '--model', 'test-tiny', '--tokens', '2', '--devices', 't4'];
    expect(await stdout(...base)).toMatch(/baseline weights: each tier's runtime default/);
    expect(await stdout(...base, '--baseline-format', 'q4_K_M')).toMatch(/baseline weights: q4_K_M at every tier \(as asked\)/);
  });
});
