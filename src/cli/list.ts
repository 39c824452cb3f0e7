/** `pimsim list <kind>`: what presets ship. */
import type { Command } from 'commander';
import { listPresets, type PresetKind } from '../spec/load.js';
import { InputError } from '../spec/errors.js';

const KINDS: Record<string, PresetKind> = { memories: 'memory', memory: 'memory', systems: 'systems', models: 'models', devices: 'devices', asic: 'asic', energy: 'energy' };

export function register(program: Command): void {
  program
    .command('list <kind>')
    .description('list shipped presets: memories | systems | models | devices | asic | energy')
    .action((kind: string) => {
      const k = KINDS[kind];
      if (!k) throw new InputError(`unknown kind "${kind}"; expected one of: memories, systems, models, devices, asic, energy`);
      for (const name of listPresets(k)) process.stdout.write(name + '\n');
    });
}
