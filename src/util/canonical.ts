/**
 * Canonical JSON and the configuration hash. Two configurations that determine the same result
 * have the same canonical form whatever the key order, the file they came from, or the order in
 * which overrides were given.
 */
import { createHash } from 'node:crypto';

/** Fields that describe or locate a value but never change a result: left out of the hash. */
const DESCRIPTIVE = new Set(['file', 'where', 'sources', 'assumptions', 'description', '$schema']);

function canonical(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    // JSON has no Infinity or NaN; spell them so they hash distinctly from null.
    return Number.isFinite(value) ? value : `<${String(value)}>`;
  }
  if (value === undefined) return undefined;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v, i) => canonical(v, `${path}[${i}]`) ?? null);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      if (DESCRIPTIVE.has(k)) continue;
      const v = canonical((value as Record<string, unknown>)[k], `${path}.${k}`);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  throw new Error(`canonical JSON: ${path || 'value'} is a ${typeof value}, not data`);
}

/** JSON with object keys sorted at every level and descriptive fields (file, sources, ...) dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value, ''));
}

/** The first 16 hex digits of the SHA-256 of the canonical JSON. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
