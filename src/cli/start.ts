/**
 * `pimsim start` (what `npm start` runs): the default study. The 8 GPT-2/GPT-3 models of PIM-GPT on
 * the pim-gpt system, simulated in parallel worker threads, with energy and baselines, written as
 * result documents and a report (charts, tables, CSV) under reports/default/.
 */
import type { Command } from 'commander';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../spec/errors.js';
import { runPoints } from '../study/runner.js';
import type { StudyPoint } from '../study/point.js';
import { writeStudy } from '../study/write.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PAPER_MODELS = ['gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'gpt3-small', 'gpt3-medium', 'gpt3-large', 'gpt3-xl'] as const;

/**
 * Generated tokens in the default study. PIM-GPT does not publish its token counts; 1024 would take
 * tens of minutes on a 2-core machine, so the default is 128 (README states it; --tokens changes it).
 */
export const DEFAULT_TOKENS = 128;

export function register(program: Command): void {
  program
    .command('start')
    .description(`the default study (npm start): the 8 PIM-GPT models on pim-gpt, ${DEFAULT_TOKENS} generated tokens, report in reports/default/`)
    .option('--out <dir>', 'report directory', join(ROOT, 'reports', 'default'))
    .option('--tokens <N>', 'generated tokens per model', String(DEFAULT_TOKENS))
    .option('--models <list>', 'comma-separated models', PAPER_MODELS.join(','))
    .option('--system <preset>', 'system preset', 'pim-gpt')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .action(async (o: { out: string; tokens: string; models: string; system: string; workers?: string }) => {
      const tokens = Number(o.tokens);
      if (!Number.isInteger(tokens) || tokens < 1) throw new InputError(`--tokens expects an integer >= 1, got "${o.tokens}"`);
      const workers = o.workers === undefined ? undefined : Number(o.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new InputError(`--workers expects an integer >= 1, got "${o.workers}"`);
      const points: StudyPoint[] = o.models.split(',').map((m) => ({ model: m.trim(), system: o.system, prompt: 1, tokens }));
      process.stderr.write(`pimsim: simulating ${points.length} models x (1 prompt + ${tokens} generated tokens) on ${o.system}\n`);
      const t0 = Date.now();
      const results = await runPoints(points, { progress: true, workers });
      const out = await writeStudy(results, o.out, { title: `Default study: PIM-GPT models on ${o.system}` });
      process.stdout.write(`\n${results.length} simulations in ${((Date.now() - t0) / 1000).toFixed(0)} s; report written to ${out}\n`);
      for (const r of results) {
        const t4c = r.baselines.find((b) => b.device === 't4' && b.tier === 'C');
        const t4b = r.baselines.find((b) => b.device === 't4' && b.tier === 'B');
        process.stdout.write(`  ${r.config.model.name.padEnd(12)} ${(r.summary.meanTokenNs / 1000).toFixed(1).padStart(8)} us/token  ` +
          `vs T4: ${t4b?.speedup.toFixed(1)}x (tier B), ${t4c?.speedup.toFixed(1)}x (tier C, PIM-GPT's setting)\n`);
      }
    });
}
