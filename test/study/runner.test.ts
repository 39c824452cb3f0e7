/** Study runner: shards partition the points, workers return results in point order, merge rebuilds one report. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Command } from 'commander';
import { parseShard, runPoints, shardPoints } from '../../src/study/runner.js';
import { runPoint, type StudyPoint } from '../../src/study/point.js';
import { writeResults } from '../../src/study/write.js';
import { register as registerMerge } from '../../src/cli/merge.js';
import { InputError } from '../../src/util/errors.js';

describe('shards', () => {
  it('parses i/n and rejects anything else', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '3', '']) expect(() => parseShard(bad)).toThrow(InputError);
  });

  it('n shards are disjoint and together cover every point once', () => {
    const points = Array.from({ length: 23 }, (_, i) => i);
    for (const n of [1, 2, 3, 7, 23, 30]) {
      const seen = Array.from({ length: n }, (_, i) => shardPoints(points, { index: i + 1, count: n }).map((p) => p.index)).flat();
      expect(seen.sort((a, b) => a - b)).toEqual(points);
    }
  });
});

describe('running points', () => {
  const points: StudyPoint[] = [1, 2, 4].map((channels) => ({
    model: 'test-tiny', system: 'pim-gpt', tokens: 2, devices: ['t4'],
    systemSets: [`memoryOverrides.organization.channels=${channels}`], sweep: { parameter: 'channels', value: channels },
  }));

  it('worker threads return the same results as running in-process, in point order', async () => {
    const viaWorkers = await runPoints(points, { workers: 2 });
    const inProcess = points.map((p) => runPoint(p));
    expect(viaWorkers.map((r) => r.summary)).toEqual(inProcess.map((r) => r.summary));
    expect(viaWorkers.map((r) => r.sweep?.value)).toEqual([1, 2, 4]);
  });

  it('an empty study and a failing point are errors', async () => {
    await expect(runPoints([])).rejects.toThrow(/no points/);
    await expect(runPoints([{ model: 'no-such-model', system: 'pim-gpt', tokens: 1 }], { workers: 1 })).rejects.toThrow(/unknown models preset "no-such-model"/);
  });

  it('merge builds one report from shard directories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimsim-merge-'));
    try {
      const results = points.map((p) => runPoint(p));
      for (const [k, shard] of [[0, 'a'], [1, 'b']] as const) {
        const d = join(dir, shard);
        rmSync(d, { recursive: true, force: true });
        mkdirSync(d);
        writeResults(results.filter((_, i) => i % 2 === k), d);
      }
      const program = new Command().exitOverride();
      registerMerge(program);
      await program.parseAsync(['node', 'pimsim', 'merge', join(dir, 'a'), join(dir, 'b'), '--out', join(dir, 'report')]);
      expect(existsSync(join(dir, 'report', 'index.html'))).toBe(true);
      expect(readdirSync(join(dir, 'report', 'results'))).toHaveLength(3);
      await expect(program.parseAsync(['node', 'pimsim', 'merge', join(dir, 'nothing'), '--out', join(dir, 'r2')])).rejects.toThrow(InputError);
      expect(existsSync(join(dir, 'r2'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
