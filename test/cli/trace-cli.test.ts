/**
 * End-to-end tests of `pimsim trace` and `pimsim check`, run as child processes the way a user runs
 * them (`npx tsx src/cli.ts ...`). Each start-up costs a few seconds (tsx plus mathjs), so there are
 * only a few, run concurrently. The statistics themselves are tested through the library.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pimsim, ROOT } from '../helpers/cli.js';
import { replay } from '../../src/dram/replay.js';
import { readTrace } from '../../src/dram/trace/index.js';
import { loadMemory } from '../../src/spec/presets.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh subdirectory of the temp dir, so "nothing left behind" can be checked per test. */
const subdir = (name: string) => mkdtempSync(join(dir, `${name}-`));

describe.concurrent('pimsim trace / check', () => {
  it('trace --json prints the run statistics; its --command-log passes check', async () => {
    const log = join(subdir('ok'), 'commands.csv');
    const r = await pimsim('trace', 'traces/stream-read.trace', '--json', '--command-log', log);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const field of ['cycles', 'ns', 'requests', 'reads', 'writes', 'bandwidthGBs', 'peakBandwidthGBs', 'rowHitRate', 'avgReadLatencyNs', 'commands']) {
      expect(out, field).toHaveProperty(field);
    }
    // The same figures as the library gives for the same trace and preset.
    const stats = replay(loadMemory('gddr6'), readTrace(join(ROOT, 'traces/stream-read.trace'))).stats;
    expect(out).toMatchObject({
      memory: 'gddr6', cycles: stats.cycles, ns: stats.ns, requests: stats.requests, reads: stats.reads, writes: 0,
      bandwidthGBs: stats.bandwidthGBs, peakBandwidthGBs: stats.peakBandwidthGBs, rowHitRate: stats.rowHitRate,
      avgReadLatencyNs: stats.avgReadLatencyNs, commands: stats.commands,
    });
    // One log line per command, after the header.
    const commands = Object.values(out.commands as Record<string, number>).reduce((a, b) => a + b, 0);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('cycle,channel,rank,bankgroup,bank,row,column,command');
    expect(lines.length - 1).toBe(commands);

    const c = await pimsim('check', log);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(`${log}: ${commands} commands checked against gddr6: 0 violation(s)\n`);
  });

  it('check exits 1 on a log with a violation and says where', async () => {
    // gddr6: RD 10 cycles after its ACT, nRCDRD is 27.
    const log = join(subdir('bad-log'), 'bad.csv');
    writeFileSync(log, 'cycle,channel,rank,bankgroup,bank,row,column,command\n0,0,0,1,2,5,-,ACT\n10,0,0,1,2,5,3,RD\n');
    const r = await pimsim('check', log, '--memory', 'gddr6');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${log}:3: RD at cycle 10 violates "ACT" -> "RD" >= nRCDRD (bank): 10 < 27 cycles after ACT at line 2`);
    expect(r.stdout).toContain('2 commands checked against gddr6: 1 violation(s)');
  });

  it('a malformed trace line exits 1 naming file:line', async () => {
    const trace = join(subdir('malformed'), 'bad.trace');
    writeFileSync(trace, 'R 0x0\nR 0x40\nQ 0x80\n');
    const r = await pimsim('trace', trace, '--format', 'pimsim');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${trace}:3`);
    expect(r.stderr).toContain('"Q" is not R or W');
  });

  it('an unknown memory preset exits 1 and lists the presets', async () => {
    const r = await pimsim('trace', 'traces/stream-read.trace', '--memory', 'gddr7');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown memory preset "gddr7"; expected one of: .*gddr6/);
  });

  it('an address past the end of the memory exits 1 and leaves no command log behind', async () => {
    const d = subdir('range');
    const trace = join(d, 'far.trace');
    // gddr6 holds 1 GiB = 0x40000000 bytes.
    writeFileSync(trace, 'R 0x0\nR 0x40000000\n');
    const log = join(d, 'commands.csv');
    const r = await pimsim('trace', trace, '--command-log', log);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${trace}:2: address 0x40000000 is outside the memory`);
    expect(existsSync(log)).toBe(false);
    expect(readdirSync(d)).toEqual(['far.trace']);
  });
});
