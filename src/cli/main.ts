/**
 * The `pimsim` program: every subcommand registers itself here, and main() runs one command line
 * and turns whatever goes wrong into one line on stderr and an exit code: 0 ok, 1 failure (bad
 * input, violations, filesystem errors), 2 usage (unknown option, malformed option value).
 * src/cli.ts is the process entry point; tests call main() in process.
 */
import { Command, CommanderError } from 'commander';
import { PimsimError } from '../util/errors.js';
import { PIMSIM_VERSION } from '../util/version.js';
import { quote } from '../spec/quote.js';
import { fsReason, isFsError } from '../util/fsError.js';


type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when needed: a command line loads the module of the command
 * it runs (and what that imports), `--version` none, and help or an unknown command all of them
 * (to list them). Order is the order of `pimsim --help`.
 */
const COMMANDS: Readonly<Record<string, () => Promise<{ register: Register }>>> = {
  trace: () => import('./trace.js'),
  check: () => import('./check.js'),
  list: () => import('./list.js'),
  config: () => import('./config.js'),
  run: () => import('./run.js'),
  gemv: () => import('./gemv.js'),
  simulate: () => import('./simulate.js'),
  precision: () => import('./precision.js'),
  baseline: () => import('./baseline.js'),
  report: () => import('./report.js'),
  merge: () => import('./merge.js'),
  schema: () => import('./schema.js'),
  start: () => import('./start.js'),
};

/** The commands a command line needs defined (argv as process.argv: node, script, args...). */
function commandsFor(argv: readonly string[]): string[] {
  const args = argv.slice(2);
  const named = args.find((a) => !a.startsWith('-'));
  if (named !== undefined && named in COMMANDS) return [named];
  if (named === undefined && args.some((a) => a === '--version' || a === '-V')) return [];
  return Object.keys(COMMANDS);
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('pimsim')
    .description('Event-driven, cycle-accurate DRAM-PIM simulator for GPT inference')
    .version(PIMSIM_VERSION)
    .exitOverride()
    // main() prints usage errors itself, on one line.
    .configureOutput({ outputError: () => undefined });
  const names = commandsFor(argv);
  const modules = await Promise.all(names.map((n) => COMMANDS[n]()));
  for (const m of modules) m.register(program);
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
    await (await buildProgram(argv)).parseAsync(argv as string[]);
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
