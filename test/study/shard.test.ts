/**
 * Study shards and merging them: a shard is written with a manifest; merge refuses an incomplete
 * study (unless --allow-partial, which the report then says), shards of different configurations,
 * a shard given twice, a shard directory without a manifest, and a result file that is not the one
 * its manifest expects. A worker that dies without an error event fails the study instead of hanging.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runStudy, type StudyDefinition } from '../../src/study/define.js';
import { runPoints } from '../../src/study/runner.js';
import { runPoint, pointConfigHash } from '../../src/study/point.js';
import { SHARD_KIND, SHARD_MANIFEST, studyHashOf, writeShard, pointFileName, type ShardManifest } from '../../src/study/shard.js';
import { main } from '../../src/cli/main.js';
import { PIMSIM_VERSION } from '../../src/results.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const study = (tokens = 1): StudyDefinition => ({
  name: 'tiny-channels', title: 'test-tiny channels', defaultModel: 'test-tiny', defaultTokens: tokens,
  points: ({ model, tokens: t }) => [1, 2, 4].map((channels) => ({
    model, system: 'pim-gpt', tokens: t, devices: ['t4'],
    systemSets: [`memoryOverrides.organization.channels=${channels}`], sweep: { parameter: 'channels', value: channels },
  })),
});

/** Runs argv through a function returning an exit code, capturing stdout and stderr. */
async function capture(f: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    return { code: await f(), stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** Writes shard `index` of `count` of the tiny study in-process (no workers), as --shard would. */
function fakeShard(out: string, index: number, count: number, tokens = 1): string {
  const all = study(tokens).points({ model: 'test-tiny', tokens });
  const hashes = all.map((p) => pointConfigHash(p));
  const mine = all.map((point, i) => ({ point, i })).filter((x) => x.i % count === index - 1);
  const manifest: ShardManifest = {
    kind: SHARD_KIND, schemaVersion: 1, pimsimVersion: PIMSIM_VERSION, study: 'tiny-channels', title: 't', studyHash: studyHashOf(hashes),
    points: all.length, shard: { index, count }, files: mine.map((x) => ({ point: x.i + 1, file: pointFileName(x.i + 1), configHash: hashes[x.i] })),
  };
  const shardDir = join(out, `shard-${index}-of-${count}`);
  writeShard(shardDir, manifest, mine.map((x) => runPoint(x.point)));
  return shardDir;
}

describe('study shards', () => {
  it('--shard writes the results and a manifest; merge of every shard draws one report', async () => {
    const out = join(dir, 'run');
    const r1 = await capture(() => runStudy(study(), ['node', 'study', '--shard', '1/2', '--workers', '1', '--out', out]));
    expect(r1.code, r1.stderr).toBe(0);
    const shard1 = join(out, 'shard-1-of-2');
    expect(readdirSync(shard1).sort()).toEqual(['point-0001.json', 'point-0003.json', SHARD_MANIFEST]);
    const m = JSON.parse(readFileSync(join(shard1, SHARD_MANIFEST), 'utf8')) as ShardManifest;
    expect(m).toMatchObject({ kind: SHARD_KIND, study: 'tiny-channels', points: 3, shard: { index: 1, count: 2 } });
    // Each result carries the configHash the manifest expects (computed before simulating).
    for (const f of m.files) expect(JSON.parse(readFileSync(join(shard1, f.file), 'utf8')).configHash).toBe(f.configHash);

    // The other shard, in process (same configuration, so the same study hash).
    const shard2 = fakeShard(out, 2, 2);
    expect(JSON.parse(readFileSync(join(shard2, SHARD_MANIFEST), 'utf8')).studyHash).toBe(m.studyHash);
    const merged = await capture(() => main(['node', 'pimsim', 'merge', shard1, shard2, '--out', join(out, 'report')]));
    expect(merged.code, merged.stderr).toBe(0);
    expect(readdirSync(join(out, 'report', 'results'))).toHaveLength(3);

    // Shard 1 alone: an incomplete study is refused, and nothing is written.
    const alone = await capture(() => main(['node', 'pimsim', 'merge', shard1, '--out', join(out, 'partial')]));
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/^pimsim: study "tiny-channels" is incomplete: shard 2 of 2 missing \(2 of 3 points present\); pass every shard directory, or --allow-partial/);
    expect(alone.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(out, 'partial'))).toBe(false);

    // --allow-partial: drawn, and the report says it is partial.
    const partial = await capture(() => main(['node', 'pimsim', 'merge', shard1, '--allow-partial', '--out', join(out, 'partial')]));
    expect(partial.code, partial.stderr).toBe(0);
    expect(readFileSync(join(out, 'partial', 'index.md'), 'utf8')).toMatch(/Partial merge \(--allow-partial\): study "tiny-channels" is incomplete: shard 2 of 2 missing/);
    expect(JSON.parse(readFileSync(join(out, 'partial', 'report.json'), 'utf8')).warnings.join(' ')).toMatch(/Partial merge/);
  }, 60_000);

  it('refuses shards of different configurations, a shard twice, a shard without manifest, and a replaced result', async () => {
    const out = join(dir, 'mixed');
    const a = fakeShard(out, 1, 2, 1);
    const other = join(dir, 'other');
    const b = fakeShard(other, 2, 2, 2); // --tokens 2: another configuration
    const run = (...args: string[]) => capture(() => main(['node', 'pimsim', 'merge', ...args, '--out', join(dir, 'never')]));
    expect((await run(a, b)).stderr).toMatch(/the shards are not from one run of one study: study "tiny-channels" \(configuration [0-9a-f]{16}, pimsim [^)]*\): \S*shard-1-of-2; study "tiny-channels"/);
    expect((await run(a, a)).stderr).toMatch(/shard 1\/2 of study "tiny-channels" is given twice/);
    const broken = join(out, 'shard-2-of-2');
    mkdirSync(broken);
    writeFileSync(join(broken, 'point-0002.json'), '{}');
    expect((await run(a, broken)).stderr).toMatch(/shard-2-of-2: no shard\.json: not a complete shard/);
    // A result swapped for another configuration's.
    writeFileSync(join(a, 'point-0001.json'), readFileSync(join(other, 'shard-2-of-2', 'point-0002.json')));
    const swapped = await run(a, '--allow-partial');
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toMatch(/point-0001\.json: configHash [0-9a-f]{16} differs from the [0-9a-f]{16} its shard manifest expects/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  }, 30_000);

  it('checks the output and every point before simulating', async () => {
    const out = join(dir, 'checked');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = await capture(() => runStudy(study(), ['node', 'study', '--out', out]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tiny-channels: --out .*checked: holds other files and is not a pimsim report/);
    const bad = await capture(() => runStudy({ ...study(), defaultModel: 'no-such-model' }, ['node', 'study', '--out', join(dir, 'x')]));
    expect(bad.stderr).toMatch(/unknown models preset "no-such-model"/);
    const usage = await capture(() => runStudy(study(), ['node', 'study', '--shard', '3/2']));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--shard expects i\/n with 1 <= i <= n/);
    expect((await capture(() => runStudy(study(), ['node', 'study', '--tokens', '0']))).code).toBe(2);
  });
});

describe('study workers', () => {
  it('a worker that exits without an error event fails the study with its exit code', async () => {
    const exitWorker = new URL('../fixtures/study/exit-worker.mjs', import.meta.url);
    await expect(runPoints([{ model: 'test-tiny', system: 'pim-gpt', tokens: 1 }], { workers: 1, workerUrl: exitWorker }))
      .rejects.toThrow(/study worker exited with code 3 while simulating test-tiny@pim-gpt, before returning a result/);
  });
});
