/** `pimsim list <kind>`: what presets ship. */
import { Argument, type Command } from 'commander';
import { listPresets, type PresetKind } from '../spec/load.js';

const KINDS: Readonly<Record<string, PresetKind>> = { memories: 'memory', memory: 'memory', 'command-sets': 'command-sets', systems: 'systems', models: 'models', devices: 'devices', asic: 'asic', energy: 'energy' };

export function register(program: Command): void {
  program
    .command('list')
    .description('list shipped presets: memories | command-sets | systems | models | devices | asic | energy')
    .addArgument(new Argument('<kind>', 'kind of preset').choices(Object.keys(KINDS)))
    .action((kind: string) => {
      for (const name of listPresets(KINDS[kind])) process.stdout.write(name + '\n');
    });
}
