/**
 * Units in configs: "14 ns", "1 GHz", "32 GB/s", "5.5 pJ". Parsed once at load time, so the hot
 * loop only ever sees integers (cycles, picoseconds) and plain numbers in fixed units.
 *
 * Why not mathjs here: loading it costs ~1.7 s of CPU in every process and worker, for five unit
 * kinds. This parser accepts the subset of mathjs's unit syntax that presets use (SI prefixes on
 * s, Hz, J, W, B/s, b/s) and performs the same floating-point operations in the same order as
 * mathjs (value * prefix * unit, then / target), so every value is bit-identical to what
 * `mathjs.unit(value).toNumber(target)` gives; test/spec/units.test.ts checks that against mathjs
 * itself, which stays the reference (a dev-time cost only).
 */
import { InputError } from '../util/errors.js';
import { quote } from './quote.js';

/** The physical dimension of a quantity; a unit converts only within its dimension. */
type Dimension = 'time' | 'frequency' | 'energy' | 'power' | 'bandwidth';

interface Atom {
  /** Value of the unit without prefix, in its base (mathjs: B is 8 bits). */
  value: number;
  prefixes: Readonly<Record<string, number>>;
}

const SI: Readonly<Record<string, number>> = {
  '': 1, f: 1e-15, p: 1e-12, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
};
const BINARY: Readonly<Record<string, number>> = {
  ...SI, Ki: 1024, Mi: 1048576, Gi: 1073741824, Ti: 1099511627776,
};

const ATOMS: Readonly<Record<string, { atom: Atom; dimension: Dimension }>> = {
  s: { atom: { value: 1, prefixes: SI }, dimension: 'time' },
  Hz: { atom: { value: 1, prefixes: SI }, dimension: 'frequency' },
  J: { atom: { value: 1, prefixes: SI }, dimension: 'energy' },
  W: { atom: { value: 1, prefixes: SI }, dimension: 'power' },
  B: { atom: { value: 8, prefixes: BINARY }, dimension: 'bandwidth' },
  b: { atom: { value: 1, prefixes: BINARY }, dimension: 'bandwidth' },
};

/** The target units conversions return, with their factor (prefix x unit value) in the base. */
const TARGETS: Readonly<Record<Dimension, { name: string; factor: number }>> = {
  time: { name: 'ps', factor: 1 * 1e-12 },
  frequency: { name: 'Hz', factor: 1 * 1 },
  energy: { name: 'pJ', factor: 1 * 1e-12 },
  power: { name: 'mW', factor: 1 * 1e-3 },
  bandwidth: { name: 'B/s', factor: 8 * 1 },
};

const QUANTITY = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]+)(\s*\/\s*s)?\s*$/;

/** Splits "GHz" into its prefix value and unit; null when it is not one of ours. */
function atomOf(symbol: string): { factor: number; dimension: Dimension; perSecondOnly: boolean } | null {
  for (const [name, { atom, dimension }] of Object.entries(ATOMS)) {
    if (!symbol.endsWith(name)) continue;
    const prefix = atom.prefixes[symbol.slice(0, symbol.length - name.length)];
    if (prefix === undefined) continue;
    // mathjs multiplies unit value and prefix value first, then scales the number by it.
    return { factor: atom.value * prefix, dimension, perSecondOnly: dimension === 'bandwidth' };
  }
  return null;
}

function parse(value: string, dimension: Dimension, where: string): number {
  const target = TARGETS[dimension];
  const fail = () =>
    new InputError(`expected a quantity convertible to ${target.name} (e.g. "14 ns"), got ${quote(String(value))}`, where);
  const m = QUANTITY.exec(value);
  if (!m) throw fail();
  const atom = atomOf(m[2]);
  if (!atom || atom.dimension !== dimension || atom.perSecondOnly !== (m[3] !== undefined)) throw fail();
  // A rate "x/s" divides by pow(1, -1) = 1 in mathjs; exact, so it is left out here.
  return (Number(m[1]) * atom.factor) / target.factor;
}

/** A duration: a number is taken as picoseconds; a string needs a time unit. */
export function toPicoseconds(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  // Round away float noise ("0.5 ns" parses as 500.00000000000006 ps); keeps 1e-6 ps resolution.
  return Math.round(parse(value, 'time', where) * 1e6) / 1e6;
}

/** A frequency in Hz: a number is Hz; a string needs a unit ("1 GHz"). */
export function toHertz(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'frequency', where);
}

/** A bandwidth in bytes per second: a number is B/s; a string needs a unit ("32 GB/s"). */
export function toBytesPerSecond(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'bandwidth', where);
}

/** An energy in picojoules: a number is pJ; a string needs a unit ("2.95 nJ"). */
export function toPicojoules(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'energy', where);
}

/** A power in milliwatts: a number is mW; a string needs a unit ("263.75 mW", "70 W"). */
export function toMilliwatts(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'power', where);
}

/**
 * A timing value in clock cycles: an integer is already cycles; a string with a time unit is
 * converted with the clock period and rounded up, as datasheets specify minimum times.
 */
export function toCycles(value: number | string, tCK_ps: number, where: string): number {
  if (typeof value === 'number') return value;
  const ps = parse(value, 'time', where);
  // 1e-6 slack: "14 ns" parses as 14000.000000000002 ps.
  return Math.ceil(ps / tCK_ps - 1e-6);
}
