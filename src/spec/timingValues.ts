/**
 * Timing values of a memory preset, resolved to whole clock cycles.
 *
 * A value is an integer (cycles), a duration ("14 ns", rounded up to cycles), or an expression of
 * other timing names ("nCL + nBL + 2 - nCWL"): a *derived* value, which follows its inputs when
 * they are overridden and is replaced outright when it is overridden itself. Rules use the same
 * expression syntax. `timingReads` says which names an expression reads, so the loader can tell
 * whether an override is read by anything at all.
 */
import { InputError } from '../util/errors.js';
import { toCycles } from './units.js';
import { quote } from './quote.js';

/** Every timing parameter a preset may define. Values are cycles, durations or expressions. */
export const TIMING_KEYS = [
  'nBL', 'nCL', 'nCWL', 'nRCDRD', 'nRCDWR', 'nRP', 'nRAS', 'nRC', 'nCCDS', 'nCCDL',
  'nRRDS', 'nRRDL', 'nFAW', 'nWR', 'nWTRS', 'nWTRL', 'nRTP', 'nRTW',
  'nRFC', 'nRFCpb', 'nREFI', 'nREFIpb', 'nRREFD',
  // Rank-to-rank switching: idle data-bus clocks between bursts of two ranks
  'nRTRS',
  // LPDDR5: all-bank precharge time, precharge-to-precharge, per-bank refresh to per-bank refresh
  'nRPab', 'nPPD', 'nPBR2PBR',
  // PIM (AiM): activate-to-MAC, MAC-to-result-read latency, register-read (RDMAC16) data latency,
  // register-read-to-write turnaround, register/global-buffer write latency, register-mode switch
  // time (see registerMode)
  'nRCDMAC', 'nRDMAC', 'nCLREG', 'nRTWREG', 'nCWLREG', 'nMODCH',
  // PIM: all-bank MAC to all-bank MAC under a DRAM power budget (AttAcc's nCCDAB)
  'nCCDAB',
] as const;
export type TimingKey = (typeof TIMING_KEYS)[number];

const isTimingKey = (s: string): s is TimingKey => (TIMING_KEYS as readonly string[]).includes(s);

/** Names and integers joined by + and -. */
export const EXPRESSION = /^\s*[A-Za-z0-9_]+(\s*[-+]\s*[A-Za-z0-9_]+)*\s*$/;

function terms(expr: string): { sign: number; term: string }[] {
  return expr
    .replace(/\s+/g, '')
    .split(/(?=[-+])/)
    .map((tok) => ({ sign: tok.startsWith('-') ? -1 : 1, term: tok.replace(/^[-+]/, '') }));
}

/** Whether a timing value string is an expression of timing names (else it is a duration). */
export function isTimingExpression(value: string): boolean {
  if (!EXPRESSION.test(value)) return false;
  const ts = terms(value);
  return ts.some((t) => isTimingKey(t.term)) && ts.every((t) => isTimingKey(t.term) || /^\d+$/.test(t.term));
}

/** The timing names an expression (or a plain number) reads. */
export function timingReads(expr: number | string): TimingKey[] {
  if (typeof expr === 'number') return [];
  return terms(expr).map((t) => t.term).filter(isTimingKey);
}

/**
 * Evaluates "nCL + nBL + 2 - nCWL" with resolved values; `where` names the field in errors. A
 * negative result is an error, unless `negativeIsZero` (a difference of two data latencies, such as
 * a rank switch's, that comes out negative constrains nothing).
 */
export function evalExpr(expr: number | string, timing: Partial<Record<TimingKey, number>>, where: string, what = 'rule', negativeIsZero = false): number {
  if (typeof expr === 'number') return expr;
  let sum = 0;
  for (const { sign, term } of terms(expr)) {
    let v: number;
    if (/^\d+$/.test(term)) v = Number(term);
    else if (isTimingKey(term)) {
      const t = timing[term];
      if (t === undefined) throw new InputError(`${what} uses timing ${quote(term)}, which this preset does not define`, where);
      v = t;
    } else throw new InputError(`unknown timing name ${quote(term)} (known: ${TIMING_KEYS.join(', ')})`, where);
    sum += sign * v;
  }
  if (sum < 0 && negativeIsZero) return 0;
  if (sum < 0) throw new InputError(`${quote(String(expr))} evaluates to ${sum} cycles; a constraint cannot be negative`, where);
  return sum;
}

export interface ResolvedTiming {
  readonly cycles: Partial<Record<TimingKey, number>>;
  /** For each derived value, the names its expression reads. */
  readonly derivedReads: Partial<Record<TimingKey, readonly TimingKey[]>>;
}

/** Resolves every defined timing value to cycles; derived values after their inputs. */
export function resolveTiming(values: Partial<Record<TimingKey, number | string>>, tCK_ps: number, file: string): ResolvedTiming {
  const cycles: Partial<Record<TimingKey, number>> = {};
  const derived = new Map<TimingKey, string>();
  const derivedReads: Partial<Record<TimingKey, readonly TimingKey[]>> = {};
  for (const k of TIMING_KEYS) {
    const v = values[k];
    if (v === undefined) continue;
    if (typeof v === 'string' && isTimingExpression(v)) {
      derived.set(k, v);
      derivedReads[k] = timingReads(v);
    } else cycles[k] = toCycles(v, tCK_ps, `${file}: timing.${k}`);
  }
  const visiting = new Set<TimingKey>();
  const visit = (k: TimingKey, path: readonly TimingKey[]): void => {
    if (cycles[k] !== undefined || !derived.has(k)) return;
    if (visiting.has(k)) throw new InputError(`timing values form a cycle: ${[...path, k].join(' -> ')}`, file);
    visiting.add(k);
    for (const dep of derivedReads[k]!) visit(dep, [...path, k]);
    cycles[k] = evalExpr(derived.get(k)!, cycles, `${file}: timing.${k}`, `derived value "${derived.get(k)}"`);
  };
  for (const k of derived.keys()) visit(k, []);
  return { cycles, derivedReads };
}
