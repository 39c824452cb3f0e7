/**
 * Runs study points in parallel worker threads (one per core by default) with a progress bar,
 * and can take a slice of the points (`--shard i/n`) so a cluster job array can split a sweep.
 * Results come back in point order, so shards merge deterministically.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { MultiBar, Presets } from 'cli-progress';
import { InputError, PimsimError } from '../util/errors.js';
import type { StudyPoint, StudyResult } from './point.js';

/**
 * The worker script. From the sources (tsx, vitest) a bootstrap registers tsx in the thread first
 * (worker threads do not inherit the loader); in the build (dist/, scripts/build.mjs) this module is
 * bundled into a chunk beside the worker's own entry, study-worker.js, plain JavaScript.
 */
const DEFAULT_WORKER = import.meta.url.endsWith('.ts')
  ? new URL('./worker-entry.mjs', import.meta.url)
  : new URL('./study-worker.js', import.meta.url);

export interface RunOptions {
  readonly workers?: number;
  /** The worker script (default: DEFAULT_WORKER); tests pass a misbehaving one. */
  readonly workerUrl?: URL;
  readonly progress?: boolean;
  /** Label each progress bar (default: model@system). */
  readonly label?: (p: StudyPoint) => string;
}

/** "i/n" -> the i-th of n disjoint slices (1-based). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(`--shard expects i/n with 1 <= i <= n (e.g. 2/8), got "${text}"`);
  return { index, count };
}

/** The points of shard i of n: every n-th point starting at i - 1 (keeps slices balanced). */
export function shardPoints<T>(points: readonly T[], shard?: { index: number; count: number }): { point: T; index: number }[] {
  const all = points.map((point, index) => ({ point, index }));
  return shard ? all.filter((p) => p.index % shard.count === shard.index - 1) : all;
}

export async function runPoints(points: readonly StudyPoint[], opts: RunOptions = {}): Promise<StudyResult[]> {
  if (points.length === 0) throw new InputError('the study has no points to run');
  const nWorkers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), points.length));
  // Bars need a terminal; elsewhere (CI logs, pipes) one line per finished point.
  const tty = opts.progress && process.stderr.isTTY;
  const bars = tty ? new MultiBar({ format: '{label} {bar} {value}/{total} tokens | {eta_formatted}', stream: process.stderr, hideCursor: true }, Presets.shades_classic) : undefined;
  let finished = 0;
  const label = opts.label ?? ((p: StudyPoint) => `${p.model}@${p.system}${p.sweep ? ` ${p.sweep.parameter}=${p.sweep.value}` : ''}`);
  const width = Math.max(...points.map((p) => label(p).length));
  const results: StudyResult[] = new Array(points.length);
  let next = 0;
  let failure: Error | undefined;
  const workers: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: nWorkers }, async () => {
      const w = new Worker(opts.workerUrl ?? DEFAULT_WORKER);
      workers.push(w);
      while (!failure && next < points.length) {
        const id = next++;
        const bar = bars?.create(points[id].tokens + (points[id].prompt ?? 1), 0, { label: label(points[id]).padEnd(width) });
        results[id] = await new Promise<StudyResult>((resolve, reject) => {
          const done = () => {
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
          };
          const onMessage = (m: { id: number; result?: StudyResult; error?: { name: string; message: string }; progress?: { done: number } }) => {
            if (m.id !== id) return;
            if (m.progress) return void bar?.update(m.progress.done);
            done();
            if (m.error) reject(new PimsimError(m.error.message));
            else resolve(m.result!);
          };
          const onError = (e: Error) => {
            done();
            reject(new PimsimError(`study worker failed while simulating ${label(points[id])}: ${e.message.split('\n')[0]}`));
          };
          // A worker can die without an error event (process.exit, out of memory): fail, never hang.
          const onExit = (code: number) => {
            done();
            reject(new PimsimError(`study worker exited with code ${code} while simulating ${label(points[id])}, before returning a result`));
          };
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          w.postMessage({ id, point: points[id] });
        }).catch((e: Error) => {
          failure = e;
          throw e;
        });
        bar?.stop();
        finished++;
        if (opts.progress && !tty) process.stderr.write(`[${finished}/${points.length}] ${label(points[id])} done\n`);
      }
    }));
  } finally {
    bars?.stop();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
