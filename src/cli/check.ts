/** `pimsim check <command-log>`: verify a command log against a memory preset's rules. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseCommandLog } from '../dram/commandLog.js';
import { checkCommandLog, formatViolation } from '../dram/checker.js';
import { loadMemory } from '../spec/presets.js';
import { loadSystem } from '../spec/system.js';
import { fsError } from '../util/fsError.js';
import { addSetOption, intOption } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('check <command-log>')
    .description('check every timing rule and bank-state transition in a command log; exit 1 on any violation')
    .option('--memory <preset>', 'memory preset the log was produced with', 'gddr6')
    .option('--system <preset>', 'check a PIM run: the system preset (its memory, PIM rules and derived PU/link rules)')
    .addOption(intOption('--max <n>', 'print at most n violations', 0, 50));
  addSetOption(cmd, 'memory (or, with --system, system) preset').action((file: string, o: { memory: string; system?: string; max: number; set: string[] }) => {
    const spec = o.system ? loadSystem(o.system, o.set).memory : loadMemory(o.memory, o.set);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw fsError(e, file, 'read the command log');
    }
    const records = parseCommandLog(text, file);
    const violations = checkCommandLog(records, spec);
    const max = o.max;
    for (const v of violations.slice(0, max)) process.stdout.write(formatViolation(v, file) + '\n');
    if (violations.length > max) process.stdout.write(`... and ${violations.length - max} more\n`);
    process.stdout.write(`${file}: ${records.length} commands checked against ${spec.name}: ${violations.length} violation(s)\n`);
    if (violations.length > 0) process.exitCode = 1;
  });
}
