/** `pimsim report` through commander, in process: options, default output, errors for bad input. */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/report.js';
import { InputError } from '../../src/util/errors.js';
import { scaledResult, tempDir, writeResults } from './fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(...args: string[]): Promise<string> {
  const program = new Command('pimsim').exitOverride();
  register(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => undefined });
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  await program.parseAsync(['node', 'pimsim', 'report', ...args]);
  return out;
}

describe('pimsim report', () => {
  it('writes the report where --out says and tells what it wrote', async () => {
    const paths = writeResults(dir, [scaledResult('model-a', 1), scaledResult('model-b', 3)], ['a.json', 'b.json']);
    const out = join(dir, 'rep');
    const said = await run(...paths, '--out', out, '--title', 'CLI test');
    expect(said).toContain(`wrote ${out}/index.html`);
    expect(said).toContain('model-a, model-b');
    expect(readFileSync(join(out, 'index.md'), 'utf8')).toMatch(/^# CLI test/);
    expect(readdirSync(join(out, 'charts')).filter((f) => f.endsWith('.png'))).toHaveLength(6);
  });

  it('defaults to reports/report under the working directory', () => {
    const program = new Command('pimsim');
    register(program);
    const cmd = program.commands.find((c) => c.name() === 'report')!;
    expect(cmd.opts()).toEqual({ out: 'reports/report', title: 'pimsim report' });
  });

  it('fails with an InputError naming a bad file, and writes nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, 'not json');
    const out = join(dir, 'never');
    await expect(run(bad, '--out', out)).rejects.toThrow(InputError);
    await expect(run(bad, '--out', out)).rejects.toThrow(/bad\.json: not JSON/);
    expect(existsSync(out)).toBe(false);
  });

  it('is a usage error without result files', async () => {
    await expect(run()).rejects.toMatchObject({ code: 'commander.missingArgument' });
  });
});
