/** `pimsim check <command-log>`: verify a command log against a memory preset's rules. */
import type { Command } from 'commander';
import { checkCommandLogFile, formatViolation } from '../dram/checker.js';
import { loadMemory } from '../spec/presets.js';
import { loadSystem } from '../spec/system.js';
import { InputError } from '../util/errors.js';
import { addSetOption, intOption } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('check <command-log>')
    .description('check every timing rule and bank-state transition in a command log (CSV, or gzip-compressed CSV); exit 1 on any violation')
    .option('--memory <preset>', 'memory preset the log was produced with', 'gddr6')
    .option('--system <preset>', 'check a PIM run: the system preset (its memory, PIM rules and derived PU/link rules)')
    .addOption(intOption('--max <n>', 'print at most n violations', 0, 50));
  addSetOption(cmd, 'memory (or, with --system, system) preset').action(async (file: string, o: { memory: string; system?: string; max: number; set: string[] }) => {
    const spec = o.system ? loadSystem(o.system, o.set).memory : loadMemory(o.memory, o.set);
    // Only what the user set: a system's own memoryOverrides (e.g. refresh) are part of its definition.
    const unread = o.set.map((x) => x.slice(0, x.indexOf('='))).filter((path) => /^(memoryOverrides\.)?controller\./.test(path));
    if (unread.length > 0) throw new InputError(`--set ${unread.join(', ')} would change nothing: the checker reads the timing rules and the organization, not the controller settings`);
    const r = await checkCommandLogFile(file, spec, o.max);
    for (const v of r.violations) process.stdout.write(formatViolation(v, file) + '\n');
    if (r.total > r.violations.length) process.stdout.write(`... and ${r.total - r.violations.length} more\n`);
    process.stdout.write(`${file}: ${r.commands} commands checked against ${spec.name}: ${r.total} violation(s)\n`);
    if (r.total > 0) process.exitCode = 1;
  });
}
