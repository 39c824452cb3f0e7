/**
 * `pimsim schema`: JSON Schemas generated from the zod schemas pimsim validates with. Every shipped
 * preset passes its kind's schema and typos fail; a real result document passes the result schema
 * and an out-of-range one fails (checked with ajv, an independent JSON Schema validator).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 as Ajv } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { jsonSchemas } from '../../src/cli/schema.js';
import { main } from '../../src/cli/main.js';
import { PRESET_KINDS, PRESET_ROOT } from '../../src/spec/load.js';
import { tinyResult } from '../report/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ajv = new Ajv({ strict: false, allErrors: true });
const schemas = jsonSchemas();
const validator = (name: string) => ajv.compile(schemas.get(`${name}.schema.json`)!);

describe('preset schemas', () => {
  it.each(PRESET_KINDS)('every shipped %s preset (bases included) is valid; a misspelt field is not', (kind) => {
    const validate = validator(kind);
    const files = readdirSync(join(PRESET_ROOT, kind)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(join(PRESET_ROOT, kind, f), 'utf8'));
      expect(validate(doc), `${kind}/${f}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(validate({ ...doc, descripton: 'typo' }), `${kind}/${f} with a typo`).toBe(false);
    }
  });

  it('catches a wrong type and an unknown enum value in a memory preset', () => {
    const validate = validator('memory');
    expect(validate({ extends: 'gddr6', organization: { channels: 'eight' } })).toBe(false);
    expect(validate({ extends: 'gddr6', controller: { scheduler: 'lifo' } })).toBe(false);
    expect(validate({ extends: 'gddr6', controller: { scheduler: 'fcfs' }, '+rules': [] })).toBe(true);
  });
});

describe('result schema', () => {
  it('a real result document is valid; out-of-range values are not', () => {
    const validate = validator('result');
    const r = tinyResult();
    expect(validate(r), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate({ ...r, summary: { ...r.summary, meanTokenNs: -1 } })).toBe(false);
    expect(validate({ ...r, energy: { ...r.energy, totalPj: -1 } })).toBe(false);
    expect(validate({ ...r, stats: { ...r.stats, rowHitRate: 2 } })).toBe(false);
    expect(validate({ ...r, schemaVersion: 1 })).toBe(false);
  });
});

describe('pimsim schema', () => {
  it('--out writes one file per document kind; --print prints one', async () => {
    const out = join(dir, 'schemas');
    const said: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (said.push(String(s)), true));
    try {
      expect(await main(['node', 'pimsim', 'schema', '--out', out])).toBe(0);
      expect(await main(['node', 'pimsim', 'schema', '--print', 'models'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(out).sort()).toEqual([...schemas.keys()].sort());
    expect(readdirSync(out)).toHaveLength(PRESET_KINDS.length + 1);
    expect(JSON.parse(readFileSync(join(out, 'result.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(schemas.get('result.schema.json'))));
    expect(JSON.parse(said.slice(1).join(''))).toMatchObject({ title: 'pimsim models preset' });
  });
});
