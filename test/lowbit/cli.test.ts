/**
 * The low-bit options of the CLI: `pimsim gemv --precision`, `pimsim simulate --precision` (as
 * child processes, as a user runs them) and `pimsim precision` (in process, through its register
 * function, with stdout captured).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { register as registerPrecision } from '../../src/cli/precision.js';

const ROOT = join(import.meta.dirname, '../..');

function pimsim(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['src/cli.ts', ...args], { cwd: ROOT });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pimsim gemv and simulate --precision', () => {
  it('gemv --precision ternary --functional: bit-exact on the low-bit system (chosen by default)', async () => {
    const [ok, bad, sim] = await Promise.all([
      pimsim('gemv', '--rows', '100', '--cols', '1300', '--precision', 'ternary', '--functional', '--json'),
      pimsim('gemv', '--rows', '100', '--cols', '1300', '--precision', 'ternary', '--system', 'pim-gpt'),
      pimsim('simulate', '--model', 'test-tiny', '--tokens', '1', '--precision', 'binary,lm-head=bf16', '--devices', 't4', '--json'),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const g = JSON.parse(ok.stdout);
    expect(g).toMatchObject({ system: 'pim-gpt-lowbit', precision: 'ternary', bitExact: true, mismatches: 0, pu: { pack: 'ternary-2bit', weightsPerColumn: 128, macSpacingCycles: 8 } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--precision ternary: the pim-gpt PUs support bf16; use a system with low-bit PUs/);
    expect(sim.code, sim.stderr).toBe(0);
    const r = JSON.parse(sim.stdout);
    expect(r.config.system.name).toBe('pim-gpt-lowbit');
    expect(r.config.precision).toBe('binary,lm-head=bf16,attention=bf16');
    expect(r.lowBit.formats.map((f: { precision: string }) => f.precision).sort()).toEqual(['bf16', 'binary']);
  }, 60_000);
});

describe('pimsim precision', () => {
  it('prints the table, the bound explanations and the accuracy notes, all within 120 columns with every shipped device', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      const program = new Command('pimsim').exitOverride();
      registerPrecision(program);
      await program.parseAsync(['node', 'pimsim', 'precision', '--model', 'test-tiny', '--tokens', '1', '--precision', 'bf16', '--precision', 'ternary,lm-head=bf16']);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    expect(text).toMatch(/test-tiny on pim-gpt-lowbit/);
    expect(text).toMatch(/^bf16 .* 1\.00x\/1\.00x/m);
    expect(text).toMatch(/^ternary,lm-head=bf16,attention=bf16 /m);
    expect(text.replace(/\s+/g, " ")).toMatch(/range over 9 baseline device\(s\) \(a100-80gb, /);
    // The table and every line fit a 120-column terminal.
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(text).toMatch(/accuracy: ternary W2A8/);
  });
});
