#!/usr/bin/env -S npx tsx
/**
 * The `pimsim` command's entry point. The program and its error handling are in src/cli/main.ts;
 * each subcommand lives in src/cli/<name>.ts. Exit codes: 0 ok, 1 failure, 2 usage.
 */
import { main } from './cli/main.js';

// A closed pipe (pimsim ... | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
