/** `pimsim config`: print the resolved configuration of a memory, system and/or model preset as JSON. */
import type { Command } from 'commander';
import { loadModel } from '../model/spec.js';
import { InputError } from '../util/errors.js';
import { loadMemory } from '../spec/presets.js';
import { memoryConfig, systemConfig } from '../spec/resolved.js';
import { loadSystem } from '../spec/system.js';
import { printJson } from './common.js';
import { addSetOption } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('config')
    .description('print the resolved configuration (after "extends" and --set) of a memory, system or model preset as JSON')
    .option('--memory <preset>', 'memory preset name or path')
    .option('--system <preset>', 'system preset name or path')
    .option('--model <preset>', 'model preset name or path');
  addSetOption(cmd, 'model preset', '--model-set');
  addSetOption(cmd, 'memory (or, with --system, system) preset').action((o: { memory?: string; system?: string; model?: string; set: string[]; modelSet: string[] }) => {
    if (!o.memory && !o.system && !o.model) throw new InputError('pimsim config needs --memory <preset>, --system <preset> or --model <preset>');
    if (o.memory && o.system && o.set.length > 0) {
      throw new InputError('--set applies to the memory or the system preset; give one of --memory and --system (a system\'s memory is overridden with --set memoryOverrides.<field>=<value>)');
    }
    if (o.model === undefined && o.modelSet.length > 0) throw new InputError('--model-set needs --model <preset>');
    const out: Record<string, unknown> = {};
    if (o.memory) out.memory = memoryConfig(loadMemory(o.memory, o.set));
    if (o.system) out.system = systemConfig(loadSystem(o.system, o.set));
    if (o.model) out.model = { kind: 'model', ...loadModel(o.model, o.modelSet) };
    const values = Object.values(out);
    printJson(values.length === 1 ? values[0] : out);
  });
}
