/**
 * `pimsim schema`: JSON Schema of the result document and of every kind of preset, generated from
 * the zod schemas pimsim validates with (so they cannot drift), for editors to check user files.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { SimulationResultShape, RESULT_SCHEMA_VERSION } from '../resultSchema.js';
import { CommandSetPresetSchema, MemoryPresetSchema } from '../spec/memory.js';
import { SystemPresetSchema } from '../spec/system.js';
import { ModelPresetSchema } from '../model/spec.js';
import { DevicePresetSchema } from '../baselines/device.js';
import { AsicPresetSchema } from '../spec/asic.js';
import { EnergyPresetSchema } from '../energy/table.js';
import { checkOutputDir, isEmptyDir, writeFileAtomic } from '../util/output.js';
import { readdirSync } from 'node:fs';
import { choiceOption } from './options.js';

const PRESETS: Readonly<Record<string, z.ZodType>> = {
  memory: MemoryPresetSchema, 'command-sets': CommandSetPresetSchema, systems: SystemPresetSchema, models: ModelPresetSchema, devices: DevicePresetSchema, asic: AsicPresetSchema, energy: EnergyPresetSchema,
};

type JsonSchema = Record<string, unknown>;

/** Drops every `required` list: a preset file that `extends` another gives only the fields it changes. */
function withoutRequired(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(withoutRequired);
  if (s === null || typeof s !== 'object') return s;
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'required').map(([k, v]) => [k, withoutRequired(v)]));
}

/** The JSON Schema of one kind of preset file: field names, types and ranges (completeness is checked when pimsim loads it). */
export function presetJsonSchema(kind: string): JsonSchema {
  const base = withoutRequired(z.toJSONSchema(PRESETS[kind], { io: 'input', unrepresentable: 'any' })) as JsonSchema;
  return {
    ...base,
    title: `pimsim ${kind} preset`,
    description: `A pimsim ${kind} preset file. A file may "extends" another preset and give only the fields it changes ("+key" appends to the parent's list), so no field is required here; pimsim checks the merged preset when it loads it.`,
    properties: {
      ...(base.properties as object),
      extends: { type: 'string', description: 'preset name or path this file starts from' },
      ...(kind === 'memory' ? { include: { type: 'array', items: { type: 'string' }, description: 'PIM command sets (src/presets/command-sets/) merged after the parent' } } : {}),
    },
    patternProperties: { '^\\+': { type: 'array', description: "appended to the parent's list of the same name" } },
  };
}

/** The JSON Schema of the result document (`pimsim simulate --out`). Cross-field consistency is checked by pimsim, not expressible here. */
export function resultJsonSchema(): JsonSchema {
  return {
    ...(z.toJSONSchema(SimulationResultShape, { io: 'output', unrepresentable: 'any' }) as JsonSchema),
    title: `pimsim result document, schema version ${RESULT_SCHEMA_VERSION}`,
  };
}

/** File name -> JSON Schema, for every document pimsim reads. */
export function jsonSchemas(): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>([['result.schema.json', resultJsonSchema()]]);
  for (const kind of Object.keys(PRESETS)) out.set(`${kind}.schema.json`, presetJsonSchema(kind));
  return out;
}

export function register(program: Command): void {
  program
    .command('schema')
    .description('write the JSON Schema of result documents and of every kind of preset (for editors), or print one')
    .option('--out <dir>', 'directory to write result.schema.json, memory.schema.json, systems.schema.json, ...')
    .addOption(choiceOption('--print <name>', 'print one schema', ['result', ...Object.keys(PRESETS)]))
    .action((o: { out?: string; print?: string }) => {
      const schemas = jsonSchemas();
      if (o.print !== undefined) return void process.stdout.write(JSON.stringify(schemas.get(`${o.print}.schema.json`), null, 2) + '\n');
      const dir = o.out ?? 'schemas';
      // Only into a new or empty directory, or one holding nothing but earlier schemas.
      checkOutputDir(dir, '--out', (d) => isEmptyDir(d) || readdirSync(d).every((f) => schemas.has(f)), 'holds files other than pimsim schemas');
      for (const [file, s] of schemas) writeFileAtomic(join(dir, file), JSON.stringify(s, null, 2) + '\n');
      process.stdout.write(`wrote ${[...schemas.keys()].join(', ')} to ${dir}\n`);
    });
}
