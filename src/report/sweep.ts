/**
 * Labels and sweeps. A report may hold several results of the same model: they need distinct
 * labels, and when they differ in exactly one parameter (or carry a `sweep` tag) they form a sweep,
 * drawn as the parameter against latency, energy and speedup.
 */
import type { LoadedResult, ReportResult } from './load.js';

export interface SweepPoint {
  readonly value: number | string;
  readonly index: number;
}

export interface Sweep {
  readonly model: string;
  readonly parameter: string;
  readonly unit?: string;
  /** All values numeric: drawn on a numeric axis, in increasing order. */
  readonly numeric: boolean;
  /** Indices into the report's inputs, ordered by value. */
  readonly points: readonly SweepPoint[];
}

/** Config fields computed from others: they change with their source and are not parameters. */
const DERIVED = new Set(['model.parameters', 'system.peakInternalBandwidthGBs', 'system.peakExternalBandwidthGBs', 'promptMode']);

/** Leaves of the resolved config (without `sets`), as path -> value. */
function configLeaves(r: ReportResult): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (v: unknown, path: string): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    } else if (!DERIVED.has(path)) {
      out.set(path, v);
    }
  };
  const { sets: _sets, ...config } = r.config as ReportResult['config'] & { sets?: unknown };
  walk(config, '');
  return out;
}

/** `--set path=value` overrides as "system:path" -> value. */
function setLeaves(r: ReportResult): Map<string, string> {
  const out = new Map<string, string>();
  const sets = (r.config as { sets?: Record<string, readonly string[] | undefined> }).sets ?? {};
  for (const [target, list] of Object.entries(sets)) {
    for (const s of list ?? []) {
      const eq = s.indexOf('=');
      if (eq > 0) out.set(`${target}:${s.slice(0, eq)}`, s.slice(eq + 1));
    }
  }
  return out;
}

function differing<T>(maps: readonly Map<string, T>[]): string[] {
  const keys = new Set(maps.flatMap((m) => [...m.keys()]));
  return [...keys].filter((k) => {
    const first = JSON.stringify(maps[0].get(k));
    return maps.some((m) => JSON.stringify(m.get(k)) !== first);
  });
}

/** A value from a --set string: a number when it is one ("16", "1e9"), else the text. */
function setValue(s: string | undefined): number | string {
  if (s === undefined) return '(preset)';
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

interface Varying {
  readonly parameter: string;
  readonly values: (number | string)[];
}

/** The one parameter in which these results differ, or undefined when it is not exactly one. */
function varyingParameter(results: readonly ReportResult[]): Varying | undefined {
  const leaves = results.map(configLeaves);
  const resolved = differing(leaves);
  if (resolved.length === 1) {
    const p = resolved[0];
    return { parameter: p, values: leaves.map((m) => { const v = m.get(p); return typeof v === 'number' ? v : String(v); }) };
  }
  if (resolved.length > 1) return undefined;
  const sets = results.map(setLeaves);
  const changed = differing(sets);
  if (changed.length !== 1) return undefined;
  return { parameter: changed[0], values: sets.map((m) => setValue(m.get(changed[0]))) };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

function makeSweep(model: string, parameter: string, unit: string | undefined, points: SweepPoint[]): Sweep | undefined {
  if (new Set(points.map((p) => String(p.value))).size < 2) return undefined;
  const numeric = points.every((p) => typeof p.value === 'number');
  const sorted = numeric ? [...points].sort((a, b) => (a.value as number) - (b.value as number)) : points;
  return { model, parameter, unit, numeric, points: sorted };
}

/** Sweeps among the inputs: tagged results by (model, parameter), untagged by model when exactly one parameter varies. */
export function detectSweeps(inputs: readonly LoadedResult[]): Sweep[] {
  const indexed = inputs.map((input, index) => ({ r: input.result, index }));
  const sweeps: Sweep[] = [];
  const tagged = indexed.filter((x) => x.r.sweep);
  for (const group of groupBy(tagged, (x) => `${x.r.config.model.name}\u0000${x.r.sweep!.parameter}`).values()) {
    const s = group[0].r.sweep!;
    const sweep = makeSweep(group[0].r.config.model.name, s.parameter, group.find((x) => x.r.sweep!.unit)?.r.sweep!.unit,
      group.map((x) => ({ value: x.r.sweep!.value, index: x.index })));
    if (sweep) sweeps.push(sweep);
  }
  const untagged = indexed.filter((x) => !x.r.sweep);
  for (const group of groupBy(untagged, (x) => x.r.config.model.name).values()) {
    if (group.length < 2) continue;
    const v = varyingParameter(group.map((x) => x.r));
    if (!v) continue;
    const sweep = makeSweep(group[0].r.config.model.name, v.parameter, undefined, group.map((x, i) => ({ value: v.values[i], index: x.index })));
    if (sweep) sweeps.push(sweep);
  }
  return sweeps;
}

/** Last path segment, for short labels ("system.channels" -> "channels"). */
export function shortName(parameter: string): string {
  const tail = parameter.split(/[.:]/).pop();
  return tail && tail.length ? tail : parameter;
}

/**
 * One distinct label per input: the model name, qualified when a model appears more than once
 * (by its sweep tag or the parameters that differ, else its config hash).
 */
export function labelResults(inputs: readonly LoadedResult[]): string[] {
  const byModel = groupBy(inputs.map((x, i) => ({ r: x.result, i })), (x) => x.r.config.model.name);
  const labels: string[] = new Array(inputs.length);
  for (const [model, group] of byModel) {
    if (group.length === 1) {
      labels[group[0].i] = model;
      continue;
    }
    const leaves = group.map((x) => configLeaves(x.r));
    const sets = group.map((x) => setLeaves(x.r));
    const diff = differing(leaves);
    const diffSets = differing(sets);
    group.forEach((x, j) => {
      let q: string;
      if (x.r.sweep) q = `${shortName(x.r.sweep.parameter)}=${x.r.sweep.value}`;
      else if (diff.length) q = diff.slice(0, 2).map((p) => `${shortName(p)}=${String(leaves[j].get(p))}`).join(', ');
      else if (diffSets.length) q = diffSets.slice(0, 2).map((p) => `${shortName(p)}=${sets[j].get(p) ?? '(preset)'}`).join(', ');
      else q = x.r.configHash.slice(0, 8);
      labels[x.i] = `${model} (${q})`;
    });
  }
  // Identical configurations still need distinct labels.
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} [${n}]`;
  });
}
