/**
 * The `pimsim` program: every subcommand registers itself here, and main() runs one command line
 * and turns whatever goes wrong into one line on stderr and an exit code: 0 ok, 1 failure (bad
 * input, violations, filesystem errors), 2 usage (unknown option, malformed option value).
 * src/cli.ts is the process entry point; tests call main() in process.
 */
import { Command, CommanderError } from 'commander';
import { PimsimError } from '../util/errors.js';
import { quote } from '../spec/quote.js';
import { fsReason, isFsError } from '../util/fsError.js';
import { register as trace } from './trace.js';
import { register as check } from './check.js';
import { register as list } from './list.js';
import { register as start } from './start.js';
import { register as gemv } from './gemv.js';
import { register as run } from './run.js';
import { register as simulateCmd } from './simulate.js';
import { register as baseline } from './baseline.js';
import { register as report } from './report.js';
import { register as merge } from './merge.js';
import { register as precision } from './precision.js';
import { register as schema } from './schema.js';
import { register as config } from './config.js';


export const PROGRAM_VERSION = '0.1.0';

const COMMANDS = [trace, check, list, config, run, gemv, simulateCmd, precision, baseline, report, merge, schema, start] as const;

export function buildProgram(): Command {
  const program = new Command('pimsim')
    .description('Event-driven, cycle-accurate DRAM-PIM simulator for GPT inference')
    .version(PROGRAM_VERSION)
    .exitOverride()
    // main() prints usage errors itself, on one line.
    .configureOutput({ outputError: () => undefined });
  for (const register of COMMANDS) register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Commander's message on one line, any long quoted value shortened. */
function usageLine(e: CommanderError, argv: readonly string[]): string {
  const text = e.message.replace(/^error: /, '').replace(/'([^']{81,})'/g, (_m, v: string) => quote(v)).replace(/\s*\n\s*/g, ' ').trim();
  const cmd = argv.slice(2).find((a) => !a.startsWith('-'));
  const help = cmd && /^[a-z]+$/.test(cmd) ? `pimsim ${cmd} --help` : 'pimsim --help';
  return `${text.length > 400 ? `${text.slice(0, 399)}…` : text} (see ${help})`;
}

/** The innermost frame of our own code in a stack, for the one-line report of an internal error. */
function where(e: Error): string {
  const frame = (e.stack ?? '').split('\n').find((l) => /\/src\//.test(l));
  const m = frame && /(src\/[^:)]+:\d+)/.exec(frame);
  return m ? ` (at ${m[1]})` : '';
}

/** Runs one command line (argv as process.argv: node, script, args...) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv as string[]);
    const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander; they are not failures.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      process.stderr.write(`pimsim: ${usageLine(e, argv)}\n`);
      return 2;
    }
    if (e instanceof PimsimError) {
      process.stderr.write(`pimsim: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return e.exitCode;
    }
    if (isFsError(e)) {
      process.stderr.write(`pimsim: ${e.path ?? ''}${e.path ? ': ' : ''}${fsReason(e)}\n`);
      return 1;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`pimsim: internal error: ${err.message.split('\n')[0].slice(0, 300)}${where(err)}; this is a bug, please report it with the command line\n`);
    return 1;
  } finally {
    process.exitCode = undefined;
  }
}
