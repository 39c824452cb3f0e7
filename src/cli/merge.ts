/** `pimsim merge <dirs...> --out <dir>`: one report from the result files of several study shards. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkReportTarget, writeReport } from '../report/index.js';
import { InputError } from '../spec/errors.js';

export function register(program: Command): void {
  program
    .command('merge <inputs...>')
    .description('merge the result files of study shards (directories or .json files) into one report')
    .requiredOption('--out <dir>', 'report directory')
    .option('--title <text>', 'report title')
    .action((inputs: string[], o: { out: string; title?: string }) => {
      checkReportTarget(o.out);
      const files: string[] = [];
      for (const input of inputs) {
        let st;
        try {
          st = statSync(input);
        } catch {
          throw new InputError(`no such file or directory: ${input}`);
        }
        if (st.isDirectory()) files.push(...readdirSync(input).filter((f) => f.endsWith('.json')).sort().map((f) => join(input, f)));
        else files.push(input);
      }
      if (files.length === 0) throw new InputError(`no result files (*.json) in ${inputs.join(', ')}`);
      // Shards name their files by point number, so sorting by name restores the study's order.
      files.sort((a, b) => a.split('/').pop()!.localeCompare(b.split('/').pop()!));
      writeReport(files, o.out, { title: o.title });
      process.stdout.write(`merged ${files.length} results into ${o.out}\n`);
    });
}
