#!/usr/bin/env -S npx tsx
/**
 * The `pimsim` command: a thin layer over the library. Each subcommand lives in src/cli/<name>.ts
 * and registers itself here. Exit codes: 0 ok, 1 failure (bad input, violations), 2 usage.
 */
import { Command, CommanderError } from 'commander';
import { PimsimError } from './spec/errors.js';
import { register as trace } from './cli/trace.js';
import { register as check } from './cli/check.js';
import { register as list } from './cli/list.js';
import { register as start } from './cli/start.js';
import { register as gemv } from './cli/gemv.js';
import { register as run } from './cli/run.js';
import { register as simulateCmd } from './cli/simulate.js';
import { register as baseline } from './cli/baseline.js';
import { register as report } from './cli/report.js';
import { register as merge } from './cli/merge.js';
import { register as precision } from './cli/precision.js';
import { register as config } from './cli/config.js';

const COMMANDS = [trace, check, list, config, run, gemv, simulateCmd, precision, baseline, report, merge, start] as const;

export function buildProgram(): Command {
  const program = new Command('pimsim')
    .description('Event-driven, cycle-accurate DRAM-PIM simulator for GPT inference')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander; they are not failures.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof PimsimError) {
      process.stderr.write(`pimsim: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

// A closed pipe (pimsim ... | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
