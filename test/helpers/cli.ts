/** Runs the `pimsim` CLI as a child process, the way a user runs it (`tsx src/cli.ts ...`). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args...` in `cwd` (default: the package root) and collects its output. */
export function run(command: string, args: readonly string[], cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function pimsim(...args: string[]): Promise<Run> {
  return run(join(ROOT, 'node_modules/.bin/tsx'), ['src/cli.ts', ...args]);
}
