/**
 * GEMV benchmark: how fast the PIM layer simulates one BF16 GEMV.
 *
 * Cases: 8192 x 8192 timing only in 'fast' and 'command' fidelity, and 1024 x 1024 functional
 * (real BF16 arithmetic in every bank). Per case: the time to plan and build the program, the wall
 * time of the run, simulated commands (the sum of stats.commands) per wall second, engine events,
 * the simulated time, and the process's peak RSS so far (a high-water mark). A small GEMV runs first
 * so the JIT has compiled the hot loops before anything is timed.
 *
 * `npm run bench -- gemv` once bench/run.ts lists it, or `npx tsx bench/gemv.ts [case ...]`.
 */
import { resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { gemvProgram, loadGemvWeights, planGemv } from '../src/mapping/gemv.js';
import { Datapath } from '../src/pim/datapath.js';
import { PimMachine } from '../src/pim/run.js';
import type { Fidelity } from '../src/pim/sequencer.js';
import { loadSystem } from '../src/spec/system.js';
import { gaussianArray, mulberry32 } from '../src/util/rng.js';
import type { Bench } from './run.js';

interface Case {
  readonly name: string;
  readonly system: string;
  readonly rows: number;
  readonly cols: number;
  readonly fidelity: Fidelity;
  readonly functional: boolean;
}

const CASES: readonly Case[] = [
  { name: 'gemv-8192 timing', system: 'pim-gpt', rows: 8192, cols: 8192, fidelity: 'fast', functional: false },
  { name: 'gemv-8192 timing', system: 'pim-gpt', rows: 8192, cols: 8192, fidelity: 'command', functional: false },
  { name: 'gemv-8192 timing', system: 'hbm-pim', rows: 8192, cols: 8192, fidelity: 'fast', functional: false },
  { name: 'gemv-1024 functional', system: 'pim-gpt', rows: 1024, cols: 1024, fidelity: 'fast', functional: true },
];

interface Row {
  readonly name: string;
  readonly system: string;
  readonly fidelity: Fidelity;
  readonly buildMs: number;
  readonly wallMs: number;
  readonly commands: number;
  readonly commandsPerS: number;
  readonly events: number;
  readonly simUs: number;
  readonly peakRssMB: number;
}

function runCase(c: Case): Row {
  const system = loadSystem(c.system);
  const b0 = performance.now();
  const plan = planGemv(system, c.rows, c.cols);
  const program = gemvProgram(system, plan);
  let datapath: Datapath | undefined;
  if (c.functional) {
    // As runGemv does: seeded weights and input, BF16 weights placed in the banks.
    const rng = mulberry32(1);
    const w = gaussianArray(rng, c.rows * c.cols, 1 / Math.sqrt(c.cols));
    datapath = new Datapath(system);
    loadGemvWeights(datapath, system, plan, w);
    datapath.setVector('x', gaussianArray(rng, c.cols));
  }
  const buildMs = performance.now() - b0;
  const machine = new PimMachine(system, { fidelity: c.fidelity, datapath });
  const t0 = performance.now();
  machine.run(program);
  const wallMs = performance.now() - t0;
  const stats = machine.stats();
  const commands = Object.values(stats.commands).reduce((a, b) => a + b, 0);
  return {
    name: c.name, system: c.system, fidelity: c.fidelity, buildMs, wallMs, commands,
    commandsPerS: commands / (wallMs / 1000), events: machine.engine.events, simUs: stats.ns / 1000,
    // maxRSS is in kilobytes (KiB on Linux).
    peakRssMB: resourceUsage().maxRSS / 1024,
  };
}

const si = (v: number) => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0));

function printTable(rows: readonly Row[]): void {
  const header = ['case', 'system', 'fidelity', 'build ms', 'wall ms', 'commands', 'commands/s', 'events', 'simulated us', 'peak RSS MB'];
  const body = rows.map((r) => [
    r.name, r.system, r.fidelity, r.buildMs.toFixed(0), r.wallMs.toFixed(0), si(r.commands), si(r.commandsPerS), si(r.events),
    r.simUs.toFixed(1), r.peakRssMB.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const b of body) process.stdout.write(line(b) + '\n');
}

/** Run the cases whose "name system fidelity" contains one of the filters (none: all) and print the table. */
export function run(caseFilters: readonly string[] = []): void {
  const chosen = CASES.filter((c) => caseFilters.length === 0 || caseFilters.some((f) => `${c.name} ${c.system} ${c.fidelity}`.includes(f)));
  if (chosen.length === 0) {
    process.stdout.write(`no case matches ${caseFilters.join(', ')}; cases: ${CASES.map((c) => `${c.name} ${c.system} ${c.fidelity}`).join('; ')}\n`);
    return;
  }
  // Warm-up: every fidelity, functional too, on a small GEMV.
  for (const fidelity of ['fast', 'command'] as const) runCase({ name: 'warm-up', system: 'pim-gpt', rows: 512, cols: 1024, fidelity, functional: true });
  const rows: Row[] = [];
  for (const c of chosen) {
    rows.push(runCase(c));
    process.stdout.write(`  ${c.name} on ${c.system} (${c.fidelity}): ${rows[rows.length - 1].wallMs.toFixed(0)} ms\n`);
  }
  process.stdout.write('\n');
  printTable(rows);
}

export const bench: Bench = {
  name: 'gemv',
  description: 'simulate one BF16 GEMV on the PIM layer: 8192 x 8192 timing only (fast and command fidelity), 1024 x 1024 functional',
  run,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) run(process.argv.slice(2));
