/** Reading result files: good ones load; each kind of bad input is refused with the file named. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults, parseResult } from '../../src/report/index.js';
import { tempDir, tinyResult, writeResults } from './fixtures.js';
import { errorOf } from '../helpers/errors.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadResults', () => {
  it('loads real results in order and keeps every field', () => {
    const a = tinyResult();
    const [p1, p2] = writeResults(dir, [a, { ...a, sweep: { parameter: 'tokens', value: 3 } }], ['a.json', 'b.json']);
    const loaded = loadResults([p1, p2]);
    expect(loaded.map((l) => l.file)).toEqual([p1, p2]);
    expect(loaded[0].result).toEqual(a);
    expect(loaded[1].result.sweep).toEqual({ parameter: 'tokens', value: 3 });
  });

  it('refuses no inputs', () => {
    expect(errorOf(() => loadResults([])).message).toMatch(/no result files/);
  });

  it('refuses a missing file, naming it', () => {
    const e = errorOf(() => loadResults([join(dir, 'missing.json')]));
    expect(e.message).toContain('missing.json');
    expect(e.message).toMatch(/ENOENT/);
  });

  it('refuses a file that is not JSON, naming it', () => {
    const e = errorOf(() => loadResults([fileWith('notjson.json', 'model,latency\ngpt2,1\n')]));
    expect(e.message).toContain('notjson.json');
    expect(e.message).toMatch(/not JSON/);
  });

  it('refuses JSON that is not a pimsim result (kind)', () => {
    expect(errorOf(() => loadResults([fileWith('array.json', '[1,2]')])).message).toMatch(/array\.json.*not a pimsim result/);
    const e = errorOf(() => loadResults([fileWith('other.json', JSON.stringify({ kind: 'pimsim.program', schemaVersion: 1 }))]));
    expect(e.message).toContain('other.json');
    expect(e.message).toContain('"pimsim.program"');
    expect(e.message).toContain('"pimsim.simulation"');
  });

  it('refuses an incompatible schemaVersion', () => {
    const e = errorOf(() => loadResults([fileWith('v99.json', JSON.stringify({ ...tinyResult(), schemaVersion: 99 }))]));
    expect(e.message).toContain('v99.json');
    expect(e.message).toMatch(/schemaVersion 99 is not supported.*reads version 2/);
  });

  it('refuses a result with a malformed field, naming the field', () => {
    const r = tinyResult();
    const bad = { ...r, summary: { ...r.summary, meanTokenNs: 'fast' } };
    const e = errorOf(() => parseResult(bad, 'bad.json'));
    expect(e.message).toBe('bad.json: malformed pimsim result: field summary.meanTokenNs = "fast": expected a finite number');
    const short = { ...r, perToken: { ...r.perToken, phase: r.perToken.phase.slice(1) } };
    expect(errorOf(() => parseResult(short, 'short.json')).message).toMatch(/short\.json.*same length/);
  });

  it('refuses values out of range: negative latency and energy, shares above 1, an unknown command', () => {
    const r = tinyResult();
    const cases: [string, unknown, RegExp][] = [
      ['negative meanTokenNs', { ...r, summary: { ...r.summary, meanTokenNs: -r.summary.meanTokenNs } }, /field summary\.meanTokenNs = -[\d.]+: expected a number > 0/],
      ['negative energy', { ...r, energy: { ...r.energy, totalPj: -1 } }, /field energy\.totalPj = -1: expected a number > 0/],
      ['negative component', { ...r, energy: { ...r.energy, byComponentPj: { ...r.energy.byComponentPj, pimMac: -5 } } }, /field energy\.byComponentPj\.pimMac = -5: expected a number >= 0/],
      ['row hit rate above 1', { ...r, stats: { ...r.stats, rowHitRate: 1.5 } }, /field stats\.rowHitRate = 1\.5: expected a number <= 1/],
      ['unknown command', { ...r, stats: { ...r.stats, commands: { ...r.stats.commands, FOO: 1 } } }, /field stats\.commands\.FOO/],
      ['unknown field', { ...r, extra: 1 }, /field extra: unknown field/],
      ['bad hash', { ...r, configHash: 'xyz' }, /field configHash = "xyz": expected 16 lower-case hex digits/],
    ];
    for (const [what, doc, re] of cases) expect(errorOf(() => parseResult(doc, 'r.json')).message, what).toMatch(re);
  });

  it('refuses figures that disagree with each other', () => {
    const r = tinyResult();
    const cases: [string, unknown, RegExp][] = [
      ['mean', { ...r, summary: { ...r.summary, meanTokenNs: r.summary.meanTokenNs * 2 } }, /field summary\.meanTokenNs = .*: must equal totalNs \/ 4 tokens/],
      ['total', { ...r, summary: { ...r.summary, totalNs: r.summary.totalNs + 1 } }, /field summary\.totalNs .*must equal the sum of perToken\.latencyNs/],
      ['energy parts', { ...r, energy: { ...r.energy, byComponentPj: { ...r.energy.byComponentPj, pimMac: r.energy.byComponentPj.pimMac + r.energy.totalPj } } }, /components must add up to totalPj/],
      ['speedup', { ...r, baselines: r.baselines.map((b, i) => (i === 0 ? { ...b, speedup: b.speedup * 3 } : b)) }, /field baselines\.0\.speedup = .*must equal latencyNsPerToken \/ summary\.meanTokenNs/],
      ['token count', { ...r, config: { ...r.config, tokens: 7 } }, /expected 1 prompt \+ 7 generated = 8 tokens, got 4/],
      ['channels', { ...r, stats: { ...r.stats, perChannelBusyNs: [1] } }, /one entry per channel \(8\), got 1/],
    ];
    for (const [what, doc, re] of cases) expect(errorOf(() => parseResult(doc, 'r.json')).message, what).toMatch(re);
  });

  it('checks the sweep tag', () => {
    const r = tinyResult();
    expect(parseResult({ ...r, sweep: { parameter: 'system.channels', value: 16, unit: 'channels' } }, 'ok.json').sweep?.value).toBe(16);
    expect(errorOf(() => parseResult({ ...r, sweep: { value: 16 } }, 'tag.json')).message).toMatch(/tag\.json: .*field sweep\.parameter is missing/);
  });
});
