/**
 * End-to-end tests of `pimsim gemv` and `pimsim run`, as child processes the way a user runs them
 * (`npx tsx src/cli.ts ...`). Start-up costs a few seconds each, so there are few, run
 * concurrently; the numbers themselves are tested through the library (test/pim/).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pimsim, ROOT } from '../helpers/cli.js';
import { checkCommandLog, formatViolation } from '../../src/dram/checker.js';
import { parseCommandLog } from '../../src/dram/commandLog.js';
import { runGemv } from '../../src/mapping/gemvRun.js';
import { parseProgram } from '../../src/pim/program.js';
import { runProgram } from '../../src/pim/run.js';
import { loadSystem } from '../../src/spec/system.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-pim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh subdirectory, so "nothing left behind" can be checked per test. */
const subdir = (name: string) => mkdtempSync(join(dir, `${name}-`));

const GEMV_FIELDS = ['cycles', 'ns', 'macCommands', 'activations', 'rowHitRate', 'puUtilization', 'puUtilizationCap', 'internalBandwidthGBs', 'internalBandwidthFraction'];
const EXAMPLES = readdirSync(join(ROOT, 'traces/programs')).filter((f) => f.endsWith('.jsonl')).sort();

describe.concurrent('pimsim gemv / run', () => {
  it('gemv --rows 256 --cols 256 --json: the documented fields, equal to the library', async () => {
    const r = await pimsim('gemv', '--rows', '256', '--cols', '256', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    for (const f of GEMV_FIELDS) expect(typeof out[f], f).toBe('number');
    expect(out).not.toHaveProperty('maxRelError');
    const lib = runGemv(loadSystem('pim-gpt'), 256, 256);
    expect(out.cycles).toBe(lib.stats.cycles);
    expect(out.macCommands).toBe(lib.stats.macCommands);
    expect(out.puUtilizationCap).toBe(lib.puUtilizationCap);
    expect(out.rowHitRate).toBe(lib.stats.rowHitRate);
  });

  it('gemv --functional --json adds maxRelError < 1e-2 against float32', async () => {
    const r = await pimsim('gemv', '--rows', '256', '--cols', '256', '--functional', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    for (const f of GEMV_FIELDS) expect(typeof out[f], f).toBe('number');
    expect(out.maxRelError).toBeGreaterThan(0);
    expect(out.maxRelError).toBeLessThan(1e-2);
  });

  it('run <example> --json works for every example program, equal to the library; its --command-log checks clean', async () => {
    const d = subdir('examples');
    const log = join(d, 'cmds.csv');
    // The last example also writes a command log (command fidelity: the same run, see test/pim/).
    const runs = await Promise.all(EXAMPLES.map((f, k) => pimsim('run', `traces/programs/${f}`, '--json', ...(k === EXAMPLES.length - 1 ? ['--fidelity', 'command', '--command-log', log] : []))));
    const sys = loadSystem('pim-gpt');
    runs.forEach((r, k) => {
      expect(r.stderr, EXAMPLES[k]).toBe('');
      expect(r.code, EXAMPLES[k]).toBe(0);
      const out = JSON.parse(r.stdout) as { cycles: number; commands: Record<string, number> };
      const lib = runProgram(sys, parseProgram(readFileSync(join(ROOT, 'traces/programs', EXAMPLES[k]), 'utf8'), EXAMPLES[k], sys));
      expect(out.cycles, EXAMPLES[k]).toBe(lib.cycles);
      expect(out.commands, EXAMPLES[k]).toEqual(lib.commands);
    });
    expect(readdirSync(d)).toEqual(['cmds.csv']);
    // Checked against the system's resolved memory (8 channels, PU and link rules included).
    const records = parseCommandLog(readFileSync(log, 'utf8'), log);
    const last = JSON.parse(runs[runs.length - 1].stdout) as { commands: Record<string, number> };
    expect(records.length).toBe(Object.values(last.commands).reduce((a, b) => a + b, 0));
    expect(checkCommandLog(records, sys.memory).map((v) => formatViolation(v, log))).toEqual([]);
  });

  it('gemv with a matrix larger than the memory: exit 1, a message, and no --command-log file', async () => {
    const d = subdir('big');
    const log = join(d, 'cmds.csv');
    const r = await pimsim('gemv', '--rows', '65536', '--cols', '65536', '--command-log', log);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pimsim: .*65536 x 65536 BF16 matrix needs 32768 rows in every bank/);
    expect(r.stdout).toBe('');
    expect(existsSync(log)).toBe(false);
    expect(readdirSync(d)).toEqual([]);
  });

  it('gemv with a zero size: a usage error (exit 2) with a one-line message', async () => {
    const r = await pimsim('gemv', '--rows', '0', '--cols', '16');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("pimsim: option '--rows <M>' argument '0' is invalid. Expected an integer >= 1. (see pimsim gemv --help)\n");
  });

  it('run with a malformed program: exit 1 naming file:line; no --command-log file', async () => {
    const d = subdir('bad');
    const bad = join(d, 'bad.jsonl');
    writeFileSync(bad, '# a comment\n{"op": "WR_GB", "channel": 0, "bytes": 64}\n{"op": "MAC", "channel": 0,\n');
    const log = join(d, 'cmds.csv');
    const r = await pimsim('run', bad, '--command-log', log);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`pimsim: ${bad}:3: not a JSON object`);
    expect(r.stdout).toBe('');
    expect(readdirSync(d)).toEqual(['bad.jsonl']);
  });

  it('run failing after the log was opened (per-bank refresh): exit 1, no --command-log file', async () => {
    const d = subdir('perbank');
    const log = join(d, 'cmds.csv');
    const r = await pimsim('run', 'traces/programs/single-row-mac.jsonl', '--set', 'memoryOverrides.controller.refresh="per-bank"', '--command-log', log);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PIM programs need controller.refresh "all-bank" or "off"/);
    expect(readdirSync(d)).toEqual([]);
  });
});
