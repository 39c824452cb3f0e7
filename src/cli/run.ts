/** `pimsim run <program>`: execute a JSON-lines PIM program on a system. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadSystem } from '../spec/system.js';
import { parseProgram } from '../pim/program.js';
import { runProgram } from '../pim/run.js';
import { withCommandLog } from '../dram/commandLogSink.js';
import { fsError } from '../util/fsError.js';
import { checkOutputFile } from '../util/output.js';
import { printJson, printTable } from './common.js';
import { addSetOption, fidelityOption, type FidelityChoice } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('run <program>')
    .description('execute a PIM program (JSON lines; see traces/programs/README.md) and report its timing')
    .option('--system <preset>', 'system preset name or path', 'pim-gpt')
    .addOption(fidelityOption('fast | command'))
    .option('--json', 'print one JSON object')
    .option('--command-log <file>', 'write every issued command as CSV');
  addSetOption(cmd, 'system preset').action((file: string, o: { system: string; fidelity: FidelityChoice; json?: boolean; commandLog?: string; set: string[] }) => {
    if (o.commandLog) checkOutputFile(o.commandLog, '--command-log');
    const system = loadSystem(o.system, o.set);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw fsError(e, file, 'read the program');
    }
    const prog = parseProgram(text, file, system);
    const s = withCommandLog(o.commandLog, (onCommand) => runProgram(system, prog, { fidelity: o.fidelity, onCommand }));
    if (o.json) return printJson({ program: file, ...s });
    printTable([
      ['program', `${file} (${s.instructions} instructions) on ${system.name}`],
      ['time', `${s.cycles} cycles, ${s.ns.toFixed(1)} ns`],
      ['MAC commands', s.macCommands],
      ['row hit rate', `${(100 * s.rowHitRate).toFixed(2)}%`],
      ['PU utilization', `${(100 * s.puUtilization).toFixed(1)}%`],
      ['ASIC busy', `${s.asicBusyNs.toFixed(1)} ns`],
      ['commands', Object.entries(s.commands).map(([k, v]) => `${k} ${v}`).join(', ')],
    ]);
  });
}
