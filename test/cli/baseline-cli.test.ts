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
    expect(out).toMatch(/^tier C +[\d.]+ ms\/token.*weights fp32$/m);
  });

  it('one tier: its method only', async () => {
    const out = await stdout('baseline', '--model', 'gpt2-small', '--device', 't4', '--tier', 'B');
    expect(out).toMatch(/^- Tier B /m);
    expect(out).not.toMatch(/^- Tier [AC] /m);
  });
});
