/**
 * Units in configs: "14 ns", "1 GHz", "32 GB/s", "5.5 pJ". Parsed once at load time with mathjs,
 * so the hot loop only ever sees integers (cycles, picoseconds) and plain numbers in fixed units.
 */
import { unit } from 'mathjs';
import { InputError } from './errors.js';
import { quote } from './quote.js';

function parse(value: string, target: string, where: string): number {
  try {
    return unit(value).toNumber(target);
  } catch (e) {
    throw new InputError(`expected a quantity convertible to ${target} (e.g. "14 ns"), got ${quote(String(value))}`, where);
  }
}

/** A duration: a number is taken as picoseconds; a string needs a time unit. */
export function toPicoseconds(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  // Round away float noise ("0.5 ns" parses as 500.00000000000006 ps); keeps 1e-6 ps resolution.
  return Math.round(parse(value, 'ps', where) * 1e6) / 1e6;
}

/** A frequency in Hz: a number is Hz; a string needs a unit ("1 GHz"). */
export function toHertz(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'Hz', where);
}

/** A bandwidth in bytes per second: a number is B/s; a string needs a unit ("32 GB/s"). */
export function toBytesPerSecond(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'B/s', where);
}

/** An energy in picojoules: a number is pJ; a string needs a unit ("2.95 nJ"). */
export function toPicojoules(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'pJ', where);
}

/** A power in milliwatts: a number is mW; a string needs a unit ("263.75 mW", "70 W"). */
export function toMilliwatts(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  return parse(value, 'mW', where);
}

/**
 * A timing value in clock cycles: an integer is already cycles; a string with a time unit is
 * converted with the clock period and rounded up, as datasheets specify minimum times.
 */
export function toCycles(value: number | string, tCK_ps: number, where: string): number {
  if (typeof value === 'number') return value;
  const ps = parse(value, 'ps', where);
  // 1e-6 slack: "14 ns" parses as 14000.000000000002 ps.
  return Math.ceil(ps / tCK_ps - 1e-6);
}
