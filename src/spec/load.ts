/**
 * Preset files: lookup by name or path, `extends` inheritance, `--set` overrides, and zod
 * validation with errors that name the file and the field.
 *
 * A preset may say `"extends": "<name>"` to start from another preset of the same kind; objects
 * merge key by key, arrays are replaced, and a key written `"+rules"` appends to the parent's
 * `rules` instead of replacing it (so a variant adds PIM rules without copying the JEDEC ones).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { InputError } from './errors.js';

export const PRESET_KINDS = ['memory', 'systems', 'models', 'devices', 'asic', 'energy'] as const;
export type PresetKind = (typeof PRESET_KINDS)[number];

export const PRESET_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'presets');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

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
    if (!existsSync(p)) throw new InputError(`no such ${kind} preset file: ${p}`);
    return p;
  }
  const p = join(PRESET_ROOT, kind, `${nameOrPath}.json`);
  if (!existsSync(p)) {
    throw new InputError(`unknown ${kind} preset "${nameOrPath}"; expected one of: ${listPresets(kind).join(', ')}, or a path to a .json file`);
  }
  return p;
}

function readJson(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, file);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, file);
  }
  if (!isObject(v)) throw new InputError('expected a JSON object at the top level', file);
  return v;
}

function merge(base: JsonObject, child: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(child)) {
    if (k.startsWith('+')) {
      const key = k.slice(1);
      const prev = out[key];
      if (!Array.isArray(v)) throw new InputError(`"${k}" must be an array`);
      out[key] = [...(Array.isArray(prev) ? prev : []), ...v];
    } else if (isObject(v) && isObject(out[k])) {
      out[k] = merge(out[k] as JsonObject, v);
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
  if (parent === undefined) return own;
  if (typeof parent !== 'string') throw new InputError('"extends" must be a preset name or path', file);
  const parentFile = parent.endsWith('.json') || parent.includes('/') ? resolve(dirname(file), parent) : presetFile(kind, parent);
  return merge(readWithExtends(kind, parentFile, [...seen, file]), own);
}

/** Parse a `--set` value: JSON when it parses (numbers, booleans, arrays), else a plain string. */
function parseValue(s: string): Json {
  try {
    return JSON.parse(s) as Json;
  } catch {
    return s;
  }
}

/** The field paths of `path=value` overrides ("timing.nCL=24" -> "timing.nCL"). */
export function overridePaths(sets: readonly string[]): string[] {
  return sets.map((s) => s.slice(0, s.indexOf('=')));
}

/** Apply `path.to.field=value` overrides. Unknown fields are caught later by the strict schema. */
export function applyOverrides(obj: JsonObject, sets: readonly string[], file: string): JsonObject {
  const out = structuredClone(obj);
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new InputError(`--set expects path=value (e.g. timing.nCL=24), got "${s}"`);
    const path = s.slice(0, eq).split('.');
    let node: JsonObject = out;
    for (const key of path.slice(0, -1)) {
      // A missing section is created (override maps such as memoryOverrides start empty); a name
      // the schema does not know is still rejected when the result is validated.
      if (node[key] === undefined) node[key] = {};
      const next = node[key];
      if (!isObject(next)) throw new InputError(`--set ${s}: "${key}" is not a section of this preset`, file);
      node = next;
    }
    node[path[path.length - 1]] = parseValue(s.slice(eq + 1));
  }
  return out;
}

/** Format zod issues as "file: field a.b.c: message" lines. */
export function formatZodError(file: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const field = i.path.length ? i.path.join('.') : '(top level)';
      return `field ${field}: ${i.message}`;
    })
    .join('\n  ');
}

export interface LoadedPreset<T> {
  readonly file: string;
  readonly value: T;
}

/** Load, merge `extends`, apply overrides and validate one preset. */
export function loadPreset<S extends z.ZodType>(
  kind: PresetKind,
  nameOrPath: string,
  schema: S,
  sets: readonly string[] = [],
): LoadedPreset<z.infer<S>> {
  const file = presetFile(kind, nameOrPath);
  const raw = applyOverrides(readWithExtends(kind, file, []), sets, file);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const via = sets.length ? ` (after --set ${sets.join(' ')})` : '';
    throw new InputError(`invalid ${kind} preset${via}:\n  ${formatZodError(file, parsed.error)}`, file);
  }
  return { file, value: parsed.data };
}
