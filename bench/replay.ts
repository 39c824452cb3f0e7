/**
 * Trace replay speed against Ramulator 2.1 (issue 11's targets) on the GDDR6 peer traces it was
 * timed on: stream (2,097,152 reads) and random (262,144), matched configuration, shared front end.
 *
 * - replay alone: replayPeer() in this process on the parsed trace, after one unmeasured replay
 *   that lets the JIT compile the hot loop; the median of 3. Target: 3x Ramulator 2.1's rate.
 * - end to end: `node bin/pimsim.js trace <file.gz> --memory gddr6-peer.json --frontend shared`,
 *   process start to exit (start-up, reading and gunzipping, checking, replay, printing), the median
 *   of 3 spawns after one unmeasured spawn that warms the file cache. Target: 2x Ramulator 2.1's
 *   whole-process rate. A one-request trace run the same way shows what start-up alone costs.
 *
 * Ramulator 2.1's rates on this kind of machine (2 cores, one thread) are the peer reference's
 * (traces/peer/README.md, "Speed"): about 480k requests/s on stream (480-600k) and 180k on random,
 * whole process. Cases: `replay:stream`, `replay:random`, `replay:alone`, `replay:process`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { peerMemory, peerResults, peerSet, peerTraceFile, readPeerTrace, replayPeer } from '../src/dram/peers.js';
import { buildState, ROOT } from '../scripts/build.mjs';
import type { Bench } from './run.js';

/** Ramulator 2.1, requests per second of the whole process (traces/peer/README.md). */
const RAMULATOR: Readonly<Record<string, number>> = { stream: 480_000, random: 180_000 };
const ALONE_TARGET = 3, PROCESS_TARGET = 2;
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const k = (v: number) => `${(v / 1000).toFixed(0)}k`;

function verdict(rate: number, ref: number, target: number): string {
  const x = rate / ref;
  return `${x.toFixed(2)}x Ramulator 2.1 (target ${target}x: ${x >= target ? 'met' : 'MISSED'})`;
}

/** Wall seconds of one `pimsim trace` process. */
function spawnTrace(file: string, preset: string): number {
  const argv = [join(ROOT, 'bin/pimsim.js'), 'trace', file, '--memory', preset, '--frontend', 'shared'];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`pimsim trace ${file} exited with ${r.status}: ${r.stderr.toString().trim()}`);
  return s;
}

export const bench: Bench = {
  name: 'replay',
  description: 'GDDR6 peer stream and random traces: replay alone and `pimsim trace` end to end, requests/s vs Ramulator 2.1 (issue 11 targets)',
  run(caseFilters) {
    const has = (f: string) => caseFilters.length === 0 || caseFilters.some((c) => c === f);
    const traces = ['stream', 'random'].filter((t) => has(t) || !caseFilters.some((c) => c === 'stream' || c === 'random'));
    const alone = has('alone') || !caseFilters.some((c) => c === 'alone' || c === 'process');
    const proc = has('process') || !caseFilters.some((c) => c === 'alone' || c === 'process');
    const set = peerSet('gddr6'), c = set.comparisons[0];
    const preset = join(set.dir, c.preset);
    if (alone) {
      process.stdout.write('replay alone (in process, parsed trace, JIT warmed; median of 3):\n');
      for (const name of traces) {
        const trace = readPeerTrace(set, name);
        const spec = peerMemory(c, set);
        replayPeer(trace, spec, c);
        const ms = median(Array.from({ length: RUNS }, () => replayPeer(trace, spec, c).replayMs));
        const rate = trace.count / (ms / 1000);
        process.stdout.write(`  ${name.padEnd(6)} ${trace.count} requests  ${ms.toFixed(0)} ms  ${k(rate)} requests/s  ${verdict(rate, RAMULATOR[name], ALONE_TARGET)}\n`);
      }
    }
    if (proc) {
      const state = buildState();
      process.stdout.write(`pimsim trace end to end (bin/pimsim.js, process start to exit; median of 3 spawns; ${state.current ? 'runs dist/' : 'dist/ not current: runs the sources through tsx, npm run build'}):\n`);
      const dir = mkdtempSync(join(tmpdir(), 'pimsim-bench-'));
      try {
        const one = join(dir, 'one.trace');
        writeFileSync(one, 'LD 0x0\n');
        spawnTrace(one, preset);
        const startup = median(Array.from({ length: RUNS }, () => spawnTrace(one, preset)));
        for (const name of traces) {
          const file = peerTraceFile(set, name);
          const cmds = peerResults(set)[name][c.ramulator].commands; // every request is one RD or WR
          const count = (cmds.RD ?? 0) + (cmds.WR ?? 0);
          spawnTrace(file, preset);
          const s = median(Array.from({ length: RUNS }, () => spawnTrace(file, preset)));
          const rate = count / s;
          process.stdout.write(`  ${name.padEnd(6)} ${count} requests  ${s.toFixed(2)} s  ${k(rate)} requests/s  ${verdict(rate, RAMULATOR[name], PROCESS_TARGET)}\n`);
        }
        process.stdout.write(`  a 1-request trace takes ${startup.toFixed(2)} s: start-up (issue 11's start-up target is separate)\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    process.stdout.write(`Ramulator 2.1 on this kind of machine: stream ~${k(RAMULATOR.stream)}, random ~${k(RAMULATOR.random)} requests/s, whole process (traces/peer/README.md).\n`);
  },
};
