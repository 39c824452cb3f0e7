/**
 * `pimsim start` (what `npm start` runs): the main job. Until the GPT simulation lands it replays
 * the sample traces on every memory preset and prints their summaries.
 */
import type { Command } from 'commander';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrace } from '../dram/trace/index.js';
import { replay } from '../dram/replay.js';
import { loadMemory } from '../spec/presets.js';
import { listPresets } from '../spec/load.js';
import { writeFileAtomic } from '../util/output.js';
import { printTraceSummary } from './trace.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function register(program: Command): void {
  program
    .command('start')
    .description('the main job (npm start): replay the sample traces on every memory preset and write reports/default/traces.json')
    .option('--out <dir>', 'report directory', join(ROOT, 'reports', 'default'))
    .action((o: { out: string }) => {
      const results = [];
      for (const name of ['stream-read', 'random-read', 'gemv-rowwise', 'mixed-rw']) {
        const file = join(ROOT, 'traces', `${name}.trace`);
        const trace = readTrace(file);
        for (const memory of listPresets('memory')) {
          const stats = replay(loadMemory(memory), trace).stats;
          printTraceSummary(file, trace.format, stats);
          process.stdout.write('\n');
          const { perBank: _perBank, ...summary } = stats;
          results.push({ trace: name, ...summary });
        }
      }
      const out = join(o.out, 'traces.json');
      writeFileAtomic(out, JSON.stringify(results, null, 2) + '\n');
      process.stdout.write(`wrote ${out}\n`);
    });
}
