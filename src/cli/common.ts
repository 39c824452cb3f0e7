/** Helpers shared by the CLI commands. */
import type { Command } from 'commander';
import { InputError } from '../spec/errors.js';

/** Repeatable `--set path=value` option. */
export function addSetOption(cmd: Command, what = 'preset'): Command {
  return cmd.option('--set <path=value>', `override a ${what} field, e.g. timing.nCL=24 (repeatable)`, (v: string, prev: string[]) => [...prev, v], [] as string[]);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** A two-column table for human-readable summaries. */
export function printTable(rows: readonly (readonly [string, string | number])[]): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${typeof v === 'number' ? fmt(v) : v}\n`);
}

export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(4);
}

/** An integer option value; `name` is the option, for the message. */
export function int(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InputError(`${name} expects an integer, got "${v}"`);
  return n;
}
