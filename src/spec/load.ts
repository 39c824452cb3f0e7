/**
 * Preset files: lookup by name or path, `extends` inheritance, `--set` overrides, and zod
 * validation with errors that name the file and the field.
 *
 * A preset may say `"extends": "<name>"` to start from another preset of the same kind; objects
 * merge key by key, arrays are replaced, and a key written `"+rules"` appends to the parent's
 * `rules` instead of replacing it (so a variant adds PIM rules without copying the JEDEC ones).
 * A memory preset may also say `"include": ["aim"]`: command sets (src/presets/command-sets/) are
 * merged after the parent and before the preset's own fields, so one file holds a PIM command
 * set's rules and defaults and any standard can take them (see spec/commandSet.ts).
 *
 * Every validation error is one line naming where the bad value came from (the preset file, or
 * the user's `--set`, or the user's system file for its memoryOverrides), the field path, the value
 * given and what is accepted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { InputError } from '../util/errors.js';
import { PRESET_ROOT } from '../util/paths.js';
import { describeIssue, pathText, type Issue } from './issues.js';
import { quote } from './quote.js';

export const PRESET_KINDS = ['memory', 'command-sets', 'systems', 'models', 'devices', 'asic', 'energy'] as const;
export type PresetKind = (typeof PRESET_KINDS)[number];

export { PRESET_ROOT };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys that could reach Object.prototype through a merge or an override: refused everywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An override of a preset field. A plain string ("timing.nCL=24") came from the user's `--set`
 * (or the flag named by loadPreset); an object says where else it came from, e.g. a system file's
 * `memoryOverrides`, so errors blame the right file and field.
 */
export type Override = string | {
  readonly setting: string;
  /** The file the override was written in, and the field of that file holding it ("memoryOverrides"). */
  readonly file: string;
  readonly field: string;
  /** Set when the user gave it on the command line (`--set memoryOverrides.x=1`): the flag. */
  readonly flag?: string;
};

/** Names of the presets that ship for a kind (files starting with "_" are abstract bases). */
export function listPresets(kind: PresetKind): string[] {
  const dir = join(PRESET_ROOT, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A preset name ("gddr6") or a path to a JSON file ("./my-memory.json"). */
export function presetFile(kind: PresetKind, nameOrPath: string, relativeTo?: string): string {
  if (nameOrPath.endsWith('.json') || nameOrPath.includes('/')) {
    const p = resolve(relativeTo ?? process.cwd(), nameOrPath);
    if (!existsSync(p)) throw new InputError(`no such ${kind} preset file: ${quote(p, 200)}`);
    return p;
  }
  const p = join(PRESET_ROOT, kind, `${nameOrPath}.json`);
  if (!/^[A-Za-z0-9._-]+$/.test(nameOrPath) || !existsSync(p)) {
    throw new InputError(`unknown ${kind} preset ${quote(nameOrPath)}; expected one of: ${listPresets(kind).join(', ')}, or a path to a .json file`);
  }
  return p;
}

/** Throws if any key of `v`, at any depth, could reach Object.prototype. */
function checkKeys(v: unknown, file: string, path: string[] = []): void {
  if (Array.isArray(v)) v.forEach((x, i) => checkKeys(x, file, [...path, String(i)]));
  else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const bare = k.startsWith('+') ? k.slice(1) : k;
      if (FORBIDDEN_KEYS.has(bare)) throw new InputError(`field ${[...path, k].join('.')}: the key ${quote(k)} is not allowed (it would reach Object.prototype)`, file);
      checkKeys(v[k], file, [...path, k]);
    }
  }
}

function readJson(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message.split('\n')[0].slice(0, 160)}`, file);
  }
  if (!isObject(v)) throw new InputError('expected a JSON object at the top level', file);
  checkKeys(v, file);
  return v;
}

function merge(base: JsonObject, child: JsonObject, file: string): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(child)) {
    if (k.startsWith('+')) {
      const key = k.slice(1);
      const prev = out[key];
      if (!Array.isArray(v)) throw new InputError(`field ${k}: a "+" key appends to a list, so its value must be an array, got ${typeof v}`, file);
      out[key] = [...(Array.isArray(prev) ? prev : []), ...v];
    } else if (isObject(v) && isObject(out[k])) {
      out[k] = merge(out[k] as JsonObject, v, file);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function readWithExtends(kind: PresetKind, file: string, seen: string[]): JsonObject {
  if (seen.includes(file)) throw new InputError(`"extends" forms a cycle: ${[...seen, file].join(' -> ')}`, file);
  const own = readJson(file);
  const parent = own.extends;
  delete own.extends;
  if (parent === undefined && own.include === undefined) return own;
  if (parent !== undefined && typeof parent !== 'string') throw new InputError('"extends" must be a preset name or path', file);
  let base: JsonObject = {};
  if (typeof parent === 'string') {
    const parentFile = parent.endsWith('.json') || parent.includes('/') ? resolve(dirname(file), parent) : presetFile(kind, parent);
    base = readWithExtends(kind, parentFile, [...seen, file]);
  }
  if (kind === 'memory' && own.commandSets !== undefined) {
    throw new InputError('field commandSets: filled in by pimsim from "include"; write "include": ["aim"] instead', file);
  }
  if (kind === 'memory' && own.include !== undefined) {
    const include = own.include;
    delete own.include;
    base = includeCommandSets(base, include, file);
  }
  return merge(base, own, file);
}

/**
 * Merges the command sets a memory preset includes into what it extends, and records their names
 * and commands (`commandSets`) so the resolved memory can check that its rules use only commands
 * its standard or an included set defines.
 */
function includeCommandSets(base: JsonObject, include: Json, file: string): JsonObject {
  if (!Array.isArray(include) || !include.every((x) => typeof x === 'string')) {
    throw new InputError(`field include: expected a list of command-set names (${listPresets('command-sets').join(', ')}), got ${quote(JSON.stringify(include))}`, file);
  }
  let out = base;
  for (const name of include as string[]) {
    const setFile = presetFile('command-sets', name, dirname(file));
    const set = readJson(setFile);
    const { name: setName, description, commands, ...fragment } = set;
    if (typeof setName !== 'string' || typeof description !== 'string' || !Array.isArray(commands)) {
      throw new InputError('a command set needs "name" (string), "description" (string) and "commands" (the command names it adds)', setFile);
    }
    const bad = Object.keys(fragment).find((k) => !COMMAND_SET_FIELDS.has(k));
    if (bad !== undefined) throw new InputError(`field ${bad}: a command set may hold only ${[...COMMAND_SET_FIELDS].join(', ')}`, setFile);
    out = merge(out, { ...fragment, '+commandSets': [{ name: setName, file: setFile, commands }] }, setFile);
  }
  return out;
}

/** What a command set may contribute to a memory preset besides its name, description and commands. */
const COMMAND_SET_FIELDS: ReadonlySet<string> = new Set(['timing', 'registerMode', 'sources', '+rules', '+assumptions']);

/** Parse a `--set` value: JSON when it parses (numbers, booleans, arrays), else a plain string. */
function parseValue(s: string): Json {
  try {
    return JSON.parse(s) as Json;
  } catch {
    return s;
  }
}

/** The field paths of `path=value` overrides ("timing.nCL=24" -> "timing.nCL"). */
export function overridePaths(sets: readonly Override[]): string[] {
  return sets.map((o) => {
    const s = settingOf(o);
    return s.slice(0, s.indexOf('='));
  });
}

/**
 * Checks the form of one `path=value` setting and splits it. `flag` names the option in messages
 * (--set, --model-set). The path's keys must be names, never keys that reach Object.prototype.
 */
export function parseSetting(s: string, flag = '--set'): { path: string[]; value: Json } {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new InputError(`${flag} expects path=value (e.g. ${flag === '--model-set' ? 'heads=24' : 'timing.nCL=24'}), got ${quote(s)}`);
  const path = s.slice(0, eq).split('.');
  if (path.some((k) => k.trim() === '')) throw new InputError(`${flag} ${quote(s)}: the path has an empty field name`);
  const bad = path.find((k) => FORBIDDEN_KEYS.has(k));
  if (bad !== undefined) throw new InputError(`${flag} ${quote(s)}: the field name ${quote(bad)} is not allowed (it would reach Object.prototype)`);
  const text = s.slice(eq + 1);
  const value = parseValue(text);
  checkKeys(value, `${flag} ${quote(s)}`);
  if (!finiteNumbers(value)) throw new InputError(`${flag} ${quote(s)}: ${quote(text)} holds a number too large for a double (it would be Infinity); expected a finite number`);
  return { path, value };
}

/** Whether every number in `v` is finite (JSON.parse turns 1e400 into Infinity). */
function finiteNumbers(v: Json): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(finiteNumbers);
  if (isObject(v)) return Object.values(v).every(finiteNumbers);
  return true;
}

function settingOf(o: Override): string {
  return typeof o === 'string' ? o : o.setting;
}

/** Where an override came from, for messages: "--set timing.nCL=24" or "<file>: field memoryOverrides.timing.nCL". */
function originOf(o: Override, flag: string): string {
  if (typeof o === 'string') return `${flag} ${quote(o)}`;
  return o.flag ? `${o.flag} ${quote(`${o.field}.${o.setting}`)}` : `${o.field} in ${o.file}`;
}

/** Apply `path.to.field=value` overrides. Unknown fields are caught later by the strict schema. */
export function applyOverrides(obj: JsonObject, sets: readonly Override[], file: string, flag = '--set'): JsonObject {
  const out = structuredClone(obj);
  for (const o of sets) {
    const s = settingOf(o);
    const { path, value } = parseSetting(s, flag);
    let node: JsonObject = out;
    for (const key of path.slice(0, -1)) {
      // A missing section is created (override maps such as memoryOverrides start empty); a name
      // the schema does not know is still rejected when the result is validated.
      if (!Object.hasOwn(node, key)) node[key] = {};
      const next = node[key];
      if (!isObject(next)) throw new InputError(`${originOf(o, flag)}: ${quote(key)} is not a section of this preset (it holds ${JSON.stringify(next)?.slice(0, 40)})`, file);
      node = next;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}

/** The override that set the field at `path` (or a section containing it), the last one winning. */
function overrideFor(path: readonly PropertyKey[], sets: readonly Override[]): Override | undefined {
  const field = path.map(String);
  let found: Override | undefined;
  for (const o of sets) {
    const s = settingOf(o);
    const eq = s.indexOf('=');
    if (eq <= 0) continue;
    const p = s.slice(0, eq).split('.');
    const n = Math.min(p.length, field.length);
    if (p.slice(0, n).every((k, i) => k === field[i])) found = o;
  }
  return found;
}

/**
 * Zod issues as one line: at most three, each `field a.b = <value given>: expected <accepted>`,
 * blaming the override that set the field when there is one.
 */
export function formatZodError(file: string, error: z.ZodError, raw?: unknown, sets: readonly Override[] = [], flag = '--set'): string {
  const parts = error.issues.slice(0, 3).map((i) => {
    const d = describeIssue(i as Issue, raw);
    const o = overrideFor(d.path, sets);
    if (o === undefined) return d.text;
    // Written in the user's file: name the field as it appears there.
    if (typeof o !== 'string' && !o.flag) return `field ${o.field}.${pathText(d.path)}${d.detail}`;
    return `${d.text} (set by ${originOf(o, flag)})`;
  });
  const more = error.issues.length > 3 ? `; and ${error.issues.length - 3} more problem(s)` : '';
  return parts.join('; ') + more;
}

export interface LoadedPreset<T> {
  readonly file: string;
  readonly value: T;
}

/**
 * Load, merge `extends`, apply overrides and validate one preset. `flag` names the option plain
 * string overrides came from (`--set`, `--model-set`), for messages.
 */
export function loadPreset<S extends z.ZodType>(
  kind: PresetKind,
  nameOrPath: string,
  schema: S,
  sets: readonly Override[] = [],
  flag = '--set',
): LoadedPreset<z.infer<S>> {
  const file = presetFile(kind, nameOrPath);
  const raw = applyOverrides(readWithExtends(kind, file, []), sets, file, flag);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // Blame the user's file when the first bad value came from it (a system's memoryOverrides).
    const first = describeIssue(parsed.error.issues[0] as Issue, raw);
    const o = overrideFor(first.path, sets);
    const userFile = o !== undefined && typeof o !== 'string' && !o.flag ? o.file : undefined;
    const text = formatZodError(file, parsed.error, raw, sets, flag);
    if (userFile) throw new InputError(`${text} (applied to ${kind} preset ${basename(file, '.json')})`, userFile);
    throw new InputError(`invalid ${kind} preset: ${text}`, file);
  }
  return { file, value: parsed.data };
}
