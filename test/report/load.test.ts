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
    expect(e.message).toMatch(/schemaVersion 99 is not supported.*reads version 1/);
  });

  it('refuses a result with a malformed field, naming the field', () => {
    const r = tinyResult();
    const bad = { ...r, summary: { ...r.summary, meanTokenNs: 'fast' } };
    const e = errorOf(() => parseResult(bad, 'bad.json'));
    expect(e.message).toMatch(/^bad\.json: malformed pimsim result at "summary\.meanTokenNs"/);
    const short = { ...r, perToken: { ...r.perToken, phase: r.perToken.phase.slice(1) } };
    expect(errorOf(() => parseResult(short, 'short.json')).message).toMatch(/short\.json.*same length/);
  });

  it('checks the sweep tag', () => {
    const r = tinyResult();
    expect(parseResult({ ...r, sweep: { parameter: 'system.channels', value: 16, unit: 'channels' } }, 'ok.json').sweep?.value).toBe(16);
    expect(errorOf(() => parseResult({ ...r, sweep: { value: 16 } }, 'tag.json')).message).toMatch(/tag\.json.*"sweep\.parameter"/);
  });
});
