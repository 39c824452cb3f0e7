/**
 * Validation errors say where the bad value came from (the preset file, the user's --set or
 * --model-set, or the user's own system file), the field, the value given and what is accepted,
 * on one line; keys that could reach Object.prototype are refused in one line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/errors.js';
import { loadMemory } from '../../src/spec/presets.js';
import { loadSystem } from '../../src/spec/system.js';
import { loadModel } from '../../src/model/spec.js';
import { applyOverrides, parseSetting } from '../../src/spec/load.js';
import { quote, quoteValue, QUOTE_MAX } from '../../src/spec/quote.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oneLine = (s: string) => expect(s).not.toMatch(/\n/);

describe('the value given and what is accepted', () => {
  it('a non-integer timing value says so, with the value and the --set that gave it', () => {
    const m = errorOf(() => loadMemory('gddr6', ['timing.nCL=24.5'])).message;
    expect(m).toMatch(/gddr6\.json: invalid memory preset: field timing\.nCL = 24\.5: expected an integer or a duration such as "14 ns" \(set by --set "timing\.nCL=24\.5"\)$/);
    oneLine(m);
  });

  it('an overflowing number (1e400 parses as Infinity) is not "Invalid input", wherever it is set', () => {
    const m = errorOf(() => loadMemory('gddr6', ['timing.nCL=1e400'])).message;
    expect(m).toBe('--set "timing.nCL=1e400": "1e400" holds a number too large for a double (it would be Infinity); expected a finite number');
    expect(errorOf(() => loadSystem('pim-gpt', ['memoryOverrides.timing.nCL=1e400'])).message).toMatch(/"1e400" holds a number too large/);
    // A value in a file that is not finite cannot come from JSON; a quantity string is checked by the units parser.
    expect(m).not.toMatch(/Invalid input/);
  });

  it('a rule with an unknown command names the command and lists the known ones', () => {
    const file = join(dir, 'bad-rule.json');
    writeFileSync(file, JSON.stringify({ extends: 'gddr6', '+rules': [{ from: 'FOO', to: 'RD', scope: 'bank', cycles: 1 }] }));
    const m = errorOf(() => loadMemory(file)).message;
    expect(m).toMatch(/bad-rule\.json: invalid memory preset: field rules\.\d+\.from = "FOO": expected one of: "ACT", "PRE",.* or an array$/);
    oneLine(m);
  });

  it("a bad value in the user's system file blames that file and its memoryOverrides field, not the shipped memory preset or a --set", () => {
    const file = join(dir, 'my-system.json');
    writeFileSync(file, JSON.stringify({ extends: 'pim-gpt', memoryOverrides: { organization: { channels: 0 } } }));
    const e = errorOf(() => loadSystem(file));
    expect(e.message).toBe(`${file}: field memoryOverrides.organization.channels = 0: expected a number > 0 (applied to memory preset gddr6-aim)`);
    expect(e.message).not.toMatch(/--set/);
  });

  it('the same value typed as --set on the command line blames the --set', () => {
    const m = errorOf(() => loadSystem('pim-gpt', ['memoryOverrides.organization.channels=0'])).message;
    expect(m).toMatch(/field organization\.channels = 0: expected a number > 0 \(set by --set "memoryOverrides\.organization\.channels=0"\)$/);
  });

  it('--model-set errors are named --model-set', () => {
    expect(errorOf(() => loadModel('gpt2-small', ['heads=0'])).message).toMatch(/field heads = 0: .*\(set by --model-set "heads=0"\)/);
    expect(errorOf(() => loadModel('gpt2-small', ['heads'])).message).toBe('--model-set expects path=value (e.g. heads=24), got "heads"');
    expect(errorOf(() => loadModel('gpt2-small', ['nope=1'])).message).toMatch(/field nope: unknown field .*\(set by --model-set "nope=1"\)/);
  });
});

describe('prototype keys', () => {
  it.each(['__proto__.x=1', 'constructor.x=1', 'timing.prototype=1', 'timing.__proto__.polluted=1'])('--set %s is refused in one line', (s) => {
    const m = errorOf(() => loadMemory('gddr6', [s])).message;
    expect(m).toMatch(/^--set ".*": the field name "(__proto__|constructor|prototype)" is not allowed \(it would reach Object\.prototype\)$/);
  });

  it('a JSON value holding such a key is refused too, and nothing reaches Object.prototype', () => {
    expect(errorOf(() => loadMemory('gddr6', ['timing={"__proto__":{"polluted":1}}'])).message).toMatch(/"__proto__" is not allowed/);
    expect(() => applyOverrides({}, ['a.__proto__.polluted=1'], 'x')).toThrow(/not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a preset file with such a key is refused naming the file and field', () => {
    const file = join(dir, 'proto.json');
    writeFileSync(file, '{"extends": "gddr6", "timing": {"__proto__": {"nCL": 1}}}');
    expect(errorOf(() => loadMemory(file)).message).toBe(`${file}: field timing.__proto__: the key "__proto__" is not allowed (it would reach Object.prototype)`);
  });

  it('parseSetting checks the form alone', () => {
    expect(parseSetting('timing.nCL=24')).toEqual({ path: ['timing', 'nCL'], value: 24 });
    expect(() => parseSetting('a..b=1')).toThrow(/empty field name/);
  });
});

describe('quoting input', () => {
  it(`never quotes more than ${QUOTE_MAX} characters of a value, on one line`, () => {
    const huge = 'x'.repeat(1_000_000);
    expect(quote(huge).length).toBeLessThan(QUOTE_MAX + 30);
    expect(quote(huge)).toMatch(/… \(1000000 characters\)"$/);
    expect(quote('a\nb')).toBe('"a\\nb"');
    expect(quoteValue({ a: huge }).length).toBeLessThan(QUOTE_MAX + 30);
    expect(quoteValue(Infinity)).toBe('Infinity');
  });

  it('a huge --set value is quoted short in the error', () => {
    const m = errorOf(() => loadMemory('gddr6', [`controller.scheduler=${'y'.repeat(100_000)}`])).message;
    expect(m.length).toBeLessThan(600);
  });
});
