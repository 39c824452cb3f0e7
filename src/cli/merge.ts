/** `pimsim merge <inputs...> --out <dir>`: one report from the result files of several study shards. */
import type { Command } from 'commander';
import { checkReportTarget, writeReportDir } from '../report/write.js';
import { loadResults } from '../report/load.js';
import { InputError } from '../util/errors.js';
import { collectMergeInputs } from '../study/shard.js';

export function register(program: Command): void {
  program
    .command('merge <inputs...>')
    .description('merge the result files of study shards (shard directories, other directories or .json files) into one report; every shard of the study must be there')
    .requiredOption('--out <dir>', 'report directory')
    .option('--title <text>', 'report title')
    .option('--allow-partial', 'draw the report even if shards of the study are missing (the report says which)')
    .action(async (inputs: string[], o: { out: string; title?: string; allowPartial?: boolean }) => {
      checkReportTarget(o.out);
      const { files, expectedHash, notes } = collectMergeInputs(inputs, { allowPartial: o.allowPartial });
      // Shards name their files by point number, so sorting by name restores the study's order.
      const sorted = [...files].sort((a, b) => a.split('/').pop()!.localeCompare(b.split('/').pop()!));
      const loaded = loadResults(sorted);
      for (const { file, result } of loaded) {
        const want = expectedHash.get(file);
        if (want !== undefined && want !== result.configHash) {
          throw new InputError(`configHash ${result.configHash} differs from the ${want} its shard manifest expects: the file was replaced or edited`, file);
        }
      }
      const { buildReport } = await import('../report/index.js');
      const report = buildReport(loaded, { title: o.title, notes });
      writeReportDir(o.out, report.files);
      for (const n of notes) process.stderr.write(`pimsim: warning: ${n}\n`);
      process.stdout.write(`merged ${files.length} results into ${o.out}\n`);
    });
}
