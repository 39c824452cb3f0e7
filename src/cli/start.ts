/**
 * `pimsim start` (what `npm start` runs): the default study. The 8 GPT-2/GPT-3 models of PIM-GPT on
 * the pim-gpt system, simulated in parallel worker threads, with energy and baselines, written as
 * result documents and a report (charts, tables, CSV) under reports/default/.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadModel } from '../model/spec.js';
import { loadSystem } from '../spec/system.js';
import { checkReportTarget } from '../report/write.js';
import { runPoints } from '../study/runner.js';
import type { StudyPoint } from '../study/point.js';
import { intOption, listParser } from './options.js';
import { PACKAGE_ROOT } from '../util/paths.js';

export const PAPER_MODELS = ['gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'gpt3-small', 'gpt3-medium', 'gpt3-large', 'gpt3-xl'] as const;

/**
 * Generated tokens in the default study: 1024, the models' full context (GPT-2's caps it at 1023
 * after the prompt token). PIM-GPT does not publish its token counts; the instruction memo made the
 * full length take about two minutes on 2 cores (it was 128 when 1024 took tens of minutes).
 */
export const DEFAULT_TOKENS = 1024;

/** The study's points: each model generates `tokens` after one prompt token, capped at its context. */
export function defaultStudyPoints(models: readonly string[], system: string, tokens: number): { points: StudyPoint[]; notes: string[] } {
  const notes: string[] = [];
  const points = models.map((m): StudyPoint => {
    const model = loadModel(m);
    const fit = Math.min(tokens, model.context - 1);
    if (fit < tokens) notes.push(`${model.name}: ${fit} generated tokens, not ${tokens}: its context is ${model.context} (1 prompt + ${fit})`);
    return { model: m, system, prompt: 1, tokens: fit };
  });
  return { points, notes };
}

export function register(program: Command): void {
  program
    .command('start')
    .description(`the default study (npm start): the 8 PIM-GPT models on pim-gpt, ${DEFAULT_TOKENS} generated tokens, report in reports/default/`)
    .option('--out <dir>', 'report directory', join(PACKAGE_ROOT, 'reports', 'default'))
    .addOption(intOption('--tokens <N>', "generated tokens per model (capped at each model's context)", 1, DEFAULT_TOKENS))
    .option('--models <list>', 'comma-separated models', listParser('models'), [...PAPER_MODELS])
    .option('--system <preset>', 'system preset', 'pim-gpt')
    .addOption(intOption('--workers <n>', 'worker threads (default: one per core)', 1))
    .action(async (o: { out: string; tokens: number; models: string[]; system: string; workers?: number }) => {
      // Everything that can be checked is checked before minutes of simulation.
      checkReportTarget(o.out);
      loadSystem(o.system);
      const { points, notes } = defaultStudyPoints(o.models, o.system, o.tokens);
      for (const n of notes) process.stderr.write(`pimsim: note: ${n}\n`);
      process.stderr.write(`pimsim: simulating ${points.length} models x (1 prompt + ${o.tokens} generated tokens) on ${o.system}\n`);
      const t0 = Date.now();
      const results = await runPoints(points, { progress: true, workers: o.workers });
      const { writeStudy } = await import('../study/write.js');
      const out = await writeStudy(results, o.out, { title: `Default study: PIM-GPT models on ${o.system}`, notes });
      process.stdout.write(`\n${results.length} simulations in ${((Date.now() - t0) / 1000).toFixed(0)} s; report written to ${out}\n`);
      for (const r of results) {
        const t4c = r.baselines.find((b) => b.device === 't4' && b.tier === 'C');
        const t4b = r.baselines.find((b) => b.device === 't4' && b.tier === 'B');
        process.stdout.write(`  ${r.config.model.name.padEnd(12)} ${(r.summary.meanTokenNs / 1000).toFixed(1).padStart(8)} µs/token  ` +
          `vs T4: ${t4b?.speedup.toFixed(1)}x (tier B), ${t4c?.speedup.toFixed(1)}x (tier C, PIM-GPT's setting)\n`);
      }
    });
}
