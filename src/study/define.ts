/**
 * Architecture studies as small scripts: a study names its points (simulation configurations with
 * the swept parameter); this module gives every study the same command line:
 *
 *   npx tsx sims/channels.ts [--model gpt2-medium] [--tokens 32] [--out reports/channels]
 *                            [--workers N] [--shard i/n]
 *
 * Without --shard it runs every point in worker threads and writes results plus a report with the
 * sweep chart. With --shard i/n it runs the i-th of n disjoint slices and writes only result files
 * (numbered by point, so shards never collide) with a manifest; `pimsim merge <dirs...> --out <dir>`
 * then builds one report from all shards and checks that none is missing, e.g. after a Slurm or
 * Kubernetes job array. Every point's configuration and every output location is checked before
 * the first simulation starts.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { join, resolve } from 'node:path';
import { PimsimError, InputError } from '../util/errors.js';
import { parseShard, runPoints, shardPoints } from './runner.js';
import { writeStudy } from './write.js';
import { pointConfigHash, type StudyPoint } from './point.js';
import { checkReportTarget } from '../report/index.js';
import { checkShardTarget, pointFileName, SHARD_KIND, shardDirName, studyHashOf, writeShard, type ShardManifest } from './shard.js';
import { PIMSIM_VERSION } from '../resultSchema.js';

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

function positiveInt(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Expected an integer >= 1.');
  return n;
}

function shardArg(value: string): { index: number; count: number } {
  try {
    return parseShard(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export async function runStudy(def: StudyDefinition, argv: readonly string[] = process.argv): Promise<number> {
  const program = new Command(def.name)
    .description(def.title)
    .option('--model <name>', 'model preset', def.defaultModel)
    .addOption(new Option('--tokens <N>', 'generated tokens per point').argParser(positiveInt).default(def.defaultTokens))
    .option('--out <dir>', 'output directory', join('reports', def.name))
    .addOption(new Option('--workers <n>', 'worker threads (default: one per core)').argParser(positiveInt))
    .addOption(new Option('--shard <i/n>', 'run only the i-th of n slices of the points (1 <= i <= n) and write their results').argParser(shardArg))
    .option('--list', 'print the points and exit')
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  try {
    program.parse(argv as string[]);
    const o = program.opts<{ model: string; tokens: number; out: string; workers?: number; shard?: { index: number; count: number }; list?: boolean }>();
    const all = def.points({ model: o.model, tokens: o.tokens });
    if (all.length === 0) throw new InputError(`study ${def.name} has no points`);
    if (o.list) {
      all.forEach((p, i) => process.stdout.write(`${i + 1}\t${p.model}\t${p.system}\t${p.sweep?.parameter}=${p.sweep?.value}\n`));
      return 0;
    }
    const shard = o.shard;
    const mine = shardPoints(all, shard);
    if (mine.length === 0) throw new InputError(`shard ${shard!.index}/${shard!.count} has no points (the study has ${all.length})`);
    const out = resolve(o.out);
    // Before any simulation: every point resolves (presets exist and validate), and the output can be written.
    const hashes = all.map((p) => pointConfigHash(p));
    const shardDir = shard ? join(out, shardDirName(shard)) : undefined;
    if (shardDir) checkShardTarget(shardDir);
    else checkReportTarget(out);
    const results = await runPoints(mine.map((m) => m.point), { progress: true, workers: o.workers });
    if (shard && shardDir) {
      const manifest: ShardManifest = {
        kind: SHARD_KIND, schemaVersion: 1, pimsimVersion: PIMSIM_VERSION, study: def.name, title: def.title,
        studyHash: studyHashOf(hashes), points: all.length, shard,
        files: mine.map((m) => ({ point: m.index + 1, file: pointFileName(m.index + 1), configHash: hashes[m.index] })),
      };
      writeShard(shardDir, manifest, results);
      process.stdout.write(`wrote ${results.length} results to ${shardDir}; when all ${shard.count} shards are done, merge them with: pimsim merge ${out}/shard-*-of-${shard.count} --out ${out}/report\n`);
    } else {
      await writeStudy(results, out, { title: def.title });
      process.stdout.write(`wrote ${out}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed') return 0;
      process.stderr.write(`${def.name}: ${e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    if (e instanceof PimsimError) {
      process.stderr.write(`${def.name}: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
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
