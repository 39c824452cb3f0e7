/**
 * Trace-replay benchmark: how fast the DRAM model replays in-memory traces of 10^6 requests.
 *
 * Per case: wall time of replay() alone (trace generation is timed separately), requests and
 * simulated DRAM cycles per wall second, engine events, and the process's peak RSS so far
 * (resourceUsage().maxRSS: a high-water mark, so a case can only show a new peak if it needs more
 * than every case before it). Each memory preset gets a short warm-up replay first so the JIT
 * has compiled the hot loop before anything is timed.
 */
import { resourceUsage } from 'node:process';
import { replay } from '../src/dram/replay.js';
import { gemvTrace, mixedTrace, randomTrace, streamTrace, type Trace } from '../src/dram/trace/index.js';
import type { MemorySpec } from '../src/spec/memory.js';
import { loadMemory } from '../src/spec/presets.js';
import type { Bench } from './run.js';

const N = 1_000_000;

interface Case {
  readonly name: string;
  readonly memory: string;
  readonly make: (spec: MemorySpec) => Trace;
}

/** GEMV weights: a 2048-column bf16 block (4 KiB per matrix row) of a 4096-column matrix, enough rows for ~10^6 reads. */
function gemv(spec: MemorySpec): Trace {
  const perRow = (2048 * 2) / spec.accessBytes;
  return gemvTrace(Math.ceil(N / perRow), 2048, 2, { accessBytes: spec.accessBytes, rowPitchBytes: 4096 * 2 });
}

const CASES: readonly Case[] = [
  { name: 'streaming', memory: 'gddr6', make: (s) => streamTrace(N, s.accessBytes) },
  { name: 'random', memory: 'gddr6', make: (s) => randomTrace(N, s.totalBytes, 1, { alignBytes: s.accessBytes }) },
  { name: 'gemv-rowwise', memory: 'gddr6', make: gemv },
  { name: 'mixed', memory: 'gddr6', make: (s) => mixedTrace(N, 2, { spanBytes: s.totalBytes, accessBytes: s.accessBytes }) },
  { name: 'streaming', memory: 'hbm2', make: (s) => streamTrace(N, s.accessBytes) },
  { name: 'streaming', memory: 'ddr4-3200', make: (s) => streamTrace(N, s.accessBytes) },
];

interface Row {
  readonly trace: string;
  readonly memory: string;
  readonly requests: number;
  readonly generateMs: number;
  readonly wallMs: number;
  readonly requestsPerS: number;
  readonly cycles: number;
  readonly cyclesPerS: number;
  readonly events: number;
  readonly bandwidthFraction: number;
  readonly peakRssMB: number;
}

function runCase(c: Case, spec: MemorySpec): Row {
  const g0 = performance.now();
  const trace = c.make(spec);
  const generateMs = performance.now() - g0;
  const t0 = performance.now();
  const { stats, events } = replay(spec, trace);
  const wallMs = performance.now() - t0;
  return {
    trace: c.name, memory: c.memory, requests: trace.count, generateMs, wallMs,
    requestsPerS: trace.count / (wallMs / 1000), cycles: stats.cycles, cyclesPerS: stats.cycles / (wallMs / 1000),
    events, bandwidthFraction: stats.bandwidthFraction,
    // maxRSS is in kilobytes (KiB on Linux).
    peakRssMB: resourceUsage().maxRSS / 1024,
  };
}

const si = (v: number) => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0));

function printTable(rows: readonly Row[]): void {
  const header = ['trace', 'memory', 'requests', 'gen ms', 'wall ms', 'requests/s', 'DRAM cycles', 'cycles/s', 'events', 'of peak BW', 'peak RSS MB'];
  const body = rows.map((r) => [
    r.trace, r.memory, si(r.requests), r.generateMs.toFixed(0), r.wallMs.toFixed(0), si(r.requestsPerS), si(r.cycles),
    si(r.cyclesPerS), si(r.events), `${(100 * r.bandwidthFraction).toFixed(1)}%`, r.peakRssMB.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const b of body) process.stdout.write(line(b) + '\n');
}

export const bench: Bench = {
  name: 'trace',
  description: `replay in-memory traces of ${N} requests (streaming, random, gemv-rowwise, mixed) through the DRAM model`,
  run(caseFilters) {
    const chosen = CASES.filter((c) => caseFilters.length === 0 || caseFilters.some((f) => `${c.name} ${c.memory}`.includes(f)));
    if (chosen.length === 0) {
      process.stdout.write(`no case matches ${caseFilters.join(', ')}; cases: ${CASES.map((c) => `${c.name} ${c.memory}`).join(', ')}\n`);
      return;
    }
    const specs = new Map<string, MemorySpec>();
    for (const c of chosen) {
      if (specs.has(c.memory)) continue;
      const spec = loadMemory(c.memory);
      specs.set(c.memory, spec);
      replay(spec, mixedTrace(20_000, 99, { spanBytes: spec.totalBytes, accessBytes: spec.accessBytes })); // warm-up
    }
    const rows: Row[] = [];
    for (const c of chosen) {
      rows.push(runCase(c, specs.get(c.memory)!));
      process.stdout.write(`  ${c.name} on ${c.memory}: ${rows[rows.length - 1].wallMs.toFixed(0)} ms\n`);
    }
    process.stdout.write('\n');
    printTable(rows);
  },
};
