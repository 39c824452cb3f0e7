/**
 * Architecture studies as small scripts: a study names its points (simulation configurations with
 * the swept parameter); this module gives every study the same command line:
 *
 *   npx tsx sims/channels.ts [--model gpt2-medium] [--tokens 32] [--out reports/channels]
 *                            [--workers N] [--shard i/n]
 *
 * Without --shard it runs every point in worker threads and writes results plus a report with the
 * sweep chart. With --shard i/n it runs the i-th of n disjoint slices and writes only result files
 * (numbered by point, so shards never collide); `pimsim merge <dirs...> --out <dir>` then builds
 * one report from all shards, e.g. after a Slurm or Kubernetes job array.
 */
import { Command, CommanderError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PimsimError, InputError } from '../spec/errors.js';
import { parseShard, runPoints, shardPoints } from './runner.js';
import { writeStudy } from './write.js';
import type { StudyPoint } from './point.js';

export interface StudyOptions {
  readonly model: string;
  readonly tokens: number;
}

export interface StudyDefinition {
  readonly name: string;
  readonly title: string;
  readonly defaultModel: string;
  readonly defaultTokens: number;
  readonly points: (o: StudyOptions) => StudyPoint[];
}

export async function runStudy(def: StudyDefinition, argv: readonly string[] = process.argv): Promise<number> {
  const program = new Command(def.name)
    .description(def.title)
    .option('--model <name>', 'model preset', def.defaultModel)
    .option('--tokens <N>', 'generated tokens per point', String(def.defaultTokens))
    .option('--out <dir>', 'output directory', join('reports', def.name))
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--shard <i/n>', 'run only the i-th of n slices of the points and write their results')
    .option('--list', 'print the points and exit')
    .exitOverride();
  try {
    program.parse(argv as string[]);
    const o = program.opts<{ model: string; tokens: string; out: string; workers?: string; shard?: string; list?: boolean }>();
    const tokens = Number(o.tokens);
    if (!Number.isInteger(tokens) || tokens < 0) throw new InputError(`--tokens expects an integer >= 0, got "${o.tokens}"`);
    const all = def.points({ model: o.model, tokens });
    if (all.length === 0) throw new InputError(`study ${def.name} has no points`);
    if (o.list) {
      all.forEach((p, i) => process.stdout.write(`${i + 1}\t${p.model}\t${p.system}\t${p.sweep?.parameter}=${p.sweep?.value}\n`));
      return 0;
    }
    const shard = o.shard ? parseShard(o.shard) : undefined;
    const mine = shardPoints(all, shard);
    if (mine.length === 0) throw new InputError(`shard ${o.shard} has no points (the study has ${all.length})`);
    const workers = o.workers ? Number(o.workers) : undefined;
    const results = await runPoints(mine.map((m) => m.point), { progress: true, workers });
    const out = resolve(o.out);
    if (shard) {
      const dir = join(out, `shard-${shard.index}-of-${shard.count}`);
      mkdirSync(dir, { recursive: true });
      results.forEach((r, k) => writeFileSync(join(dir, `point-${String(mine[k].index + 1).padStart(4, '0')}.json`), JSON.stringify(r, null, 2) + '\n'));
      process.stdout.write(`wrote ${results.length} results to ${dir}; merge the shards with: pimsim merge ${out}/shard-* --out ${out}/report\n`);
    } else {
      await writeStudy(results, out, { title: def.title });
      process.stdout.write(`wrote ${out}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof PimsimError) {
      process.stderr.write(`${def.name}: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** Entry point for a study script. */
export function main(def: StudyDefinition): void {
  runStudy(def).then((code) => {
    process.exitCode = code;
  });
}
