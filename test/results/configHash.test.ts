/**
 * The configuration hash covers everything that determines a result (resolved timing, organization,
 * controller, PU, ASIC, energy table, devices, run options) and nothing else: editing a preset value
 * changes it, the order of commuting --set flags and the file a preset was read from do not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configHashOf, PIMSIM_VERSION, type ResolvedConfiguration } from '../../src/results.js';
import { loadSystem } from '../../src/spec/system.js';
import { loadModel } from '../../src/model/spec.js';
import { energyTableFor } from '../../src/energy/index.js';
import { loadDevice } from '../../src/baselines/index.js';
import { BF16_PLAN, parsePrecisionPlan } from '../../src/model/precision.js';
import { PRESET_ROOT } from '../../src/spec/load.js';
import { canonicalJson } from '../../src/util/canonical.js';
import { tinyResult } from '../report/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(over: Partial<ResolvedConfiguration> = {}, systemSets: string[] = []): ResolvedConfiguration {
  const system = loadSystem('pim-gpt', systemSets);
  return {
    model: loadModel('test-tiny'), system, energyTable: energyTableFor(system), devices: [loadDevice('t4')],
    prompt: 1, tokens: 3, precision: BF16_PLAN, ...over,
  };
}

describe('configHashOf', () => {
  const base = configHashOf(config());

  it('is 16 hex digits and what buildResult writes', () => {
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    // tinyResult: test-tiny on pim-gpt, 1 + 3 tokens, against t4, xeon-gold-6154 and a100-80gb.
    const devices = ['t4', 'xeon-gold-6154', 'a100-80gb'].map((d) => loadDevice(d));
    expect(tinyResult().configHash).toBe(configHashOf(config({ devices })));
  });

  it('changes with a resolved timing value, whichever way it was edited', () => {
    const viaSet = configHashOf(config({}, ['memoryOverrides.timing.nRCDMAC=20']));
    expect(viaSet).not.toBe(base);
    // The same edit written in a preset file read from elsewhere gives the same hash (the file path is not hashed).
    const file = join(dir, 'my-pim-gpt.json');
    const raw = JSON.parse(readFileSync(join(PRESET_ROOT, 'systems', 'pim-gpt.json'), 'utf8'));
    raw.memoryOverrides = { ...raw.memoryOverrides, timing: { ...(raw.memoryOverrides?.timing ?? {}), nRCDMAC: 20 } };
    writeFileSync(file, JSON.stringify(raw));
    const system = loadSystem(file);
    expect(configHashOf(config({ system, energyTable: energyTableFor(system) }))).toBe(viaSet);
  });

  it('does not change with the order of commuting --set flags', () => {
    const a = configHashOf(config({}, ['memoryOverrides.organization.channels=4', 'pu.lanes=32']));
    const b = configHashOf(config({}, ['pu.lanes=32', 'memoryOverrides.organization.channels=4']));
    expect(a).toBe(b);
    expect(a).not.toBe(base);
  });

  it('changes with an energy value, a device value, the model, the run and the precision', () => {
    const c = config();
    // One PU operation's energy edited (as in a copy of the preset file): 1.1 pJ -> 1.2 pJ per bf16 multiply.
    const energy = structuredClone(c.energyTable);
    (energy.preset.pim.puOps as Record<string, unknown>).bf16Mult = '1.2 pJ';
    expect(configHashOf({ ...c, energyTable: energy })).not.toBe(base);
    expect(configHashOf({ ...c, devices: [loadDevice('t4', ['memory.bandwidth="300 GB/s"'])] })).not.toBe(base);
    expect(configHashOf({ ...c, model: loadModel('test-tiny', ['layers=3']) })).not.toBe(base);
    expect(configHashOf({ ...c, tokens: 4 })).not.toBe(base);
    expect(configHashOf({ ...c, packing: 'dense' })).not.toBe(base);
    expect(configHashOf({ ...c, precision: parsePrecisionPlan('int8') })).not.toBe(base);
  });

  it('does not hash descriptive fields, and canonical JSON sorts keys', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 }, sources: { x: 'y' }, file: '/x' })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(canonicalJson({ x: Infinity })).toBe('{"x":"<Infinity>"}');
  });
});

describe('result-document constants', () => {
  it('the pimsim version written in results is package.json\'s', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(PIMSIM_VERSION).toBe(pkg.version);
  });
});
