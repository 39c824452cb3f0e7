/**
 * Study shards. `--shard i/n` writes its results into `shard-i-of-n/` together with a manifest
 * (shard.json) naming the study, a hash of the whole study's configuration (every point's
 * configHash and the pimsim version), which points this shard holds and each point's expected
 * configHash. The directory is written atomically, manifest included, so a shard directory with a
 * manifest is complete. `pimsim merge` checks the shards it is given against each other: one
 * study, one configuration, every shard present (or --allow-partial, said in the report), every
 * result the one the manifest expects.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { describeIssue, type Issue } from '../spec/issues.js';
import { canonicalHash } from '../util/canonical.js';
import { checkOutputDir, isEmptyDir, writeDirAtomic } from '../util/output.js';
import { fsError } from '../util/fsError.js';
import { PIMSIM_VERSION } from '../resultSchema.js';
import type { StudyResult } from './point.js';

export const SHARD_MANIFEST = 'shard.json';
export const SHARD_KIND = 'pimsim.shard';

const hex16 = z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex digits');

export const ShardManifestSchema = z.strictObject({
  kind: z.literal(SHARD_KIND),
  schemaVersion: z.literal(1),
  pimsimVersion: z.string().min(1),
  study: z.string().min(1),
  title: z.string(),
  /** Hash of every point's configHash (in point order) and the pimsim version. */
  studyHash: hex16,
  /** Points in the whole study. */
  points: z.number().int().positive(),
  shard: z.strictObject({ index: z.number().int().positive(), count: z.number().int().positive() }),
  /** This shard's points (1-based numbers), their files and expected configHash. */
  files: z.array(z.strictObject({ point: z.number().int().positive(), file: z.string().regex(/^[A-Za-z0-9._=-]+\.json$/), configHash: hex16 })),
});
export type ShardManifest = z.infer<typeof ShardManifestSchema>;

/** The hash that identifies one configuration of a study (all shards of one run share it). */
export function studyHashOf(pointHashes: readonly string[]): string {
  return canonicalHash({ pimsimVersion: PIMSIM_VERSION, points: pointHashes });
}

export function shardDirName(shard: { index: number; count: number }): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

export function pointFileName(point: number): string {
  return `point-${String(point).padStart(4, '0')}.json`;
}

function isShardOrEmpty(dir: string): boolean {
  return isEmptyDir(dir) || existsSync(join(dir, SHARD_MANIFEST));
}

/** Throws unless the shard directory can be written (new, empty, or an earlier shard). */
export function checkShardTarget(dir: string): void {
  checkOutputDir(dir, '--out', isShardOrEmpty, `holds other files and is not a pimsim shard (no ${SHARD_MANIFEST})`);
}

/** Writes a shard's results and manifest as one directory, atomically. */
export function writeShard(dir: string, manifest: ShardManifest, results: readonly StudyResult[]): void {
  const files = new Map<string, string>();
  manifest.files.forEach((f, k) => files.set(f.file, JSON.stringify(results[k], null, 2) + '\n'));
  files.set(SHARD_MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  checkShardTarget(dir);
  writeDirAtomic(dir, files, 'shard');
}

function readManifest(dir: string): ShardManifest {
  const file = join(dir, SHARD_MANIFEST);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new InputError(`not JSON: ${e.message.slice(0, 120)}`, file);
    throw fsError(e, file, 'read the shard manifest');
  }
  const parsed = ShardManifestSchema.safeParse(doc);
  if (!parsed.success) throw new InputError(`not a pimsim shard manifest: ${describeIssue(parsed.error.issues[0] as Issue, doc).text}`, file);
  return parsed.data;
}

/** What `pimsim merge` reads: result files, the configHash each shard file must carry, and notes for the report. */
export interface MergeInputs {
  readonly files: readonly string[];
  readonly expectedHash: ReadonlyMap<string, string>;
  readonly notes: readonly string[];
}

const SHARD_DIR = /^shard-(\d+)-of-(\d+)$/;

/**
 * Collects the result files of `inputs` (shard directories, other directories of result files, or
 * result files) and checks the shards among them: one study, one configuration, one way of
 * splitting it, no shard twice, and every shard present unless `allowPartial`.
 */
export function collectMergeInputs(inputs: readonly string[], opts: { allowPartial?: boolean } = {}): MergeInputs {
  const files: string[] = [];
  const expectedHash = new Map<string, string>();
  const shards: { dir: string; m: ShardManifest }[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch (e) {
      throw fsError(e, input, 'read');
    }
    if (!st.isDirectory()) {
      files.push(input);
      continue;
    }
    if (existsSync(join(input, SHARD_MANIFEST))) {
      const m = readManifest(input);
      shards.push({ dir: input, m });
      for (const f of m.files) {
        const path = join(input, f.file);
        if (!existsSync(path)) throw new InputError(`the manifest lists ${f.file} (point ${f.point}), which is missing: the shard is incomplete; rerun it`, input);
        files.push(path);
        expectedHash.set(path, f.configHash);
      }
      continue;
    }
    if (SHARD_DIR.test(basename(input))) {
      throw new InputError(`no ${SHARD_MANIFEST}: not a complete shard (its run may have failed or been interrupted, or an older pimsim wrote it); rerun this shard`, input);
    }
    let names: string[];
    try {
      names = readdirSync(input);
    } catch (e) {
      throw fsError(e, input, 'list the directory');
    }
    files.push(...names.filter((f) => f.endsWith('.json') && f !== 'report.json').sort().map((f) => join(input, f)));
  }
  const notes: string[] = [];
  if (shards.length) notes.push(...checkShards(shards, opts.allowPartial ?? false));
  if (files.length === 0) throw new InputError(`no result files (*.json) in ${inputs.join(', ')}`);
  return { files, expectedHash, notes };
}

function checkShards(shards: readonly { dir: string; m: ShardManifest }[], allowPartial: boolean): string[] {
  const byHash = new Map<string, { dir: string; m: ShardManifest }[]>();
  for (const s of shards) byHash.set(s.m.studyHash, [...(byHash.get(s.m.studyHash) ?? []), s]);
  if (byHash.size > 1) {
    const groups = [...byHash.values()].map((g) => `study "${g[0].m.study}" (configuration ${g[0].m.studyHash}, pimsim ${g[0].m.pimsimVersion}): ${g.map((s) => s.dir).join(', ')}`);
    throw new InputError(`the shards are not from one run of one study: ${groups.join('; ')}. Merge the shards of one study run with the same presets and options`);
  }
  const all = shards.map((s) => s.m);
  const counts = new Set(all.map((m) => m.shard.count));
  if (counts.size > 1) throw new InputError(`the shards split study "${all[0].study}" differently (${shards.map((s) => `${s.m.shard.index}/${s.m.shard.count} in ${s.dir}`).join(', ')}); merge shards of one --shard i/n run`);
  const count = all[0].shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const other = seen.get(s.m.shard.index);
    if (other !== undefined) throw new InputError(`shard ${s.m.shard.index}/${count} of study "${s.m.study}" is given twice: ${other} and ${s.dir}`);
    seen.set(s.m.shard.index, s.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length === 0) return [];
  const have = all.reduce((a, m) => a + m.files.length, 0);
  const what = `study "${all[0].study}" is incomplete: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing (${have} of ${all[0].points} points present)`;
  if (!allowPartial) throw new InputError(`${what}; pass every shard directory, or --allow-partial to draw the report from the shards present`);
  return [`Partial merge (--allow-partial): ${what}.`];
}
