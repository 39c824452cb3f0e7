/**
 * Preset loading: lookup by name or path, `extends` inheritance (objects merge key by key, arrays
 * are replaced, "+key" appends), and `--set path=value` overrides. Expectations come from reading
 * the JSON files directly, not through the loader.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/errors.js';
import { listPresets, PRESET_ROOT } from '../../src/spec/load.js';
import { loadMemory } from '../../src/spec/presets.js';

type Json = Record<string, unknown> & { rules?: unknown[]; '+rules'?: unknown[] };
const raw = (name: string): Json => JSON.parse(readFileSync(join(PRESET_ROOT, 'memory', `${name}.json`), 'utf8')) as Json;

const dir = mkdtempSync(join(tmpdir(), 'pimsim-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
};

describe('lookup', () => {
  it('lists the shipped memory presets, not the abstract bases', () => {
    const names = listPresets('memory');
    for (const n of ['ddr4-3200', 'gddr6', 'gddr6-aim', 'hbm2']) expect(names).toContain(n);
    expect(names.some((n) => n.startsWith('_'))).toBe(false);
    expect([...names].sort()).toEqual(names);
  });

  it('an unknown name is an InputError listing the presets', () => {
    expect(() => loadMemory('gddr7')).toThrow(InputError);
    expect(() => loadMemory('gddr7')).toThrow(/unknown memory preset "gddr7"; expected one of: .*gddr6.*hbm2/);
  });

  it('a path that does not exist is an InputError naming it', () => {
    expect(() => loadMemory(join(dir, 'missing.json'))).toThrow(/no such memory preset file: .*missing\.json/);
  });

  it('an abstract base is not a usable preset', () => {
    expect(() => loadMemory('_jedec')).toThrow(/_jedec\.json: invalid memory preset/);
  });

  it('a file that is not JSON names the file', () => {
    const file = write('broken.json', '{ "extends": "gddr6", ');
    expect(() => loadMemory(file)).toThrow(/broken\.json: not valid JSON/);
  });
});

describe('extends', () => {
  it('gddr6 = _jedec rules + _jedec-pb "+rules", its own organization and timing, merged sources', () => {
    const spec = loadMemory('gddr6');
    const jedec = raw('_jedec');
    const pb = raw('_jedec-pb');
    const own = raw('gddr6');
    expect(spec.preset.rules).toEqual([...jedec.rules!, ...pb['+rules']!]);
    expect(spec.preset.organization).toEqual({ pseudoChannels: 1, ...(own.organization as object) });
    // Objects merge key by key: the derived nRTW comes from _jedec, the values from gddr6.
    expect(spec.preset.timing).toEqual({ ...(jedec.timing as object), ...(own.timing as object) });
    // Objects merge key by key: the controller comes from _jedec with refresh from _jedec-pb.
    expect(spec.controller).toEqual({ ...(jedec.controller as object), refresh: 'per-bank' });
    expect(spec.sources).toMatchObject({
      ...(jedec.sources as object), ...(pb.sources as object), ...(own.sources as object),
    });
    // "+assumptions" appends to the parent's list.
    expect(spec.assumptions).toEqual([...(jedec.assumptions as string[]), ...(pb['+assumptions'] as string[])]);
  });

  it('gddr6-aim overrides timing key by key on top of gddr6 and keeps its organization', () => {
    const aim = loadMemory('gddr6-aim');
    const gddr6 = loadMemory('gddr6');
    expect(aim.org).toEqual(gddr6.org);
    expect(aim.timing.nCL).toBe((raw('gddr6-aim').timing as Record<string, number>).nCL);
    expect(aim.tCK_ps).toBeCloseTo(500, 6);
    expect(aim.preset.rules.slice(0, gddr6.preset.rules.length)).toEqual(gddr6.preset.rules);
  });

  it('a user file can extend a shipped preset by name and another file by relative path', () => {
    const child = write('child.json', {
      extends: 'gddr6',
      name: 'child',
      timing: { nCL: 30 },
      '+rules': [{ from: 'RD', to: 'RD', scope: 'bank', cycles: 'nCCDL + 1', source: 'test' }],
    });
    const grandchild = write('grandchild.json', { extends: './child.json', name: 'grandchild', organization: { rows: 8192 } });
    const gddr6 = loadMemory('gddr6');
    const c = loadMemory(child);
    expect(c.name).toBe('child');
    expect(c.timing.nCL).toBe(30);
    expect(c.timing.nRCDRD).toBe(27);
    expect(c.rules.length).toBe(gddr6.rules.length + 1);
    // nCCDL 4 + 1
    expect(c.rules[c.rules.length - 1]).toMatchObject({ kind: 'pair', from: ['RD'], to: ['RD'], scope: 'bank', cycles: 5 });
    const g = loadMemory(grandchild);
    expect(g.name).toBe('grandchild');
    expect(g.org).toEqual({ ...gddr6.org, rows: 8192 });
    expect(g.timing.nCL).toBe(30);
    expect(g.rules.length).toBe(gddr6.rules.length + 1);
  });

  it('"rules" without "+" replaces the parent\'s list', () => {
    const file = write('replace.json', { extends: 'gddr6', rules: [{ from: '*', to: '*', scope: 'channel', cycles: 1 }] });
    expect(loadMemory(file).rules).toHaveLength(1);
  });

  it('an extends cycle is an error naming the chain', () => {
    write('a.json', { extends: './b.json' });
    const b = write('b.json', { extends: './a.json' });
    expect(() => loadMemory(b)).toThrow(/"extends" forms a cycle: .*b\.json -> .*a\.json -> .*b\.json/);
  });
});

describe('--set overrides', () => {
  it('a number: timing.nCL=30 also changes the rules built from nCL', () => {
    const spec = loadMemory('gddr6', ['timing.nCL=30']);
    expect(spec.timing.nCL).toBe(30);
    // RD -> WR = nCL + nBL + 2 - nCWL = 30 + 2 + 2 - 6 = 28
    expect(spec.rules.find((r) => r.text.startsWith('"RD" -> "WR"'))!.cycles).toBe(28);
  });

  it('a duration string is converted with tCK and rounded up: "20 ns" / 0.57 ns = 35.09 -> 36', () => {
    expect(loadMemory('gddr6', ['timing.nCL=20 ns']).timing.nCL).toBe(36);
    expect(loadMemory('gddr6', ['timing.tCK=1 ns', 'timing.nCL=20 ns']).timing.nCL).toBe(20);
  });

  it('strings, fractions and JSON arrays', () => {
    const spec = loadMemory('gddr6', [
      'controller.scheduler=fcfs', 'controller.writeHighWatermark=0.5',
      'controller.addressMapping=["row","bank","bankgroup","rank","column","channel"]',
    ]);
    expect(spec.controller.scheduler).toBe('fcfs');
    expect(spec.controller.writeHighWatermark).toBe(0.5);
    expect(spec.addressMapping).toEqual(['row', 'bank', 'bankgroup', 'rank', 'column', 'channel']);
  });

  it('later overrides win', () => {
    expect(loadMemory('gddr6', ['timing.nCL=30', 'timing.nCL=31']).timing.nCL).toBe(31);
  });

  it('an unknown field is an error naming the file, the section and the field', () => {
    expect(() => loadMemory('gddr6', ['timing.nCLL=30'])).toThrow(/gddr6\.json: invalid memory preset: field timing\.nCLL: unknown field .*\(set by --set "timing\.nCLL=30"\)$/);
    expect(() => loadMemory('gddr6', ['controller.scheduler=lifo'])).toThrow(/field controller\.scheduler = "lifo": .*frfcfs-oldest, frfcfs, frfcfs-cap, fcfs.*\(set by --set "controller\.scheduler=lifo"\)/);
  });

  it('a path through something that is not a section, or no "=", is an error', () => {
    // A missing section is created, then the schema rejects the unknown name.
    expect(() => loadMemory('gddr6', ['nope.x=3'])).toThrow(/field nope: unknown field .*\(set by --set "nope\.x=3"\)/);
    expect(() => loadMemory('gddr6', ['timing.nCL.x=3'])).toThrow(/"nCL" is not a section/);
    expect(() => loadMemory('gddr6', ['timing.nCL'])).toThrow(/--set expects path=value/);
    expect(() => loadMemory('gddr6', ['=3'])).toThrow(/--set expects path=value/);
  });

  it('overrides do not leak into later loads', () => {
    loadMemory('gddr6', ['timing.nCL=99']);
    expect(loadMemory('gddr6').timing.nCL).toBe(24);
  });
});
