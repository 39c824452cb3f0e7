/**
 * Start-up: wall time of `pimsim --version` and `pimsim list models` (bin/pimsim.js, process start to
 * exit, as a user runs it), the median of 5 spawns after one unmeasured spawn that warms the file
 * cache, beside issue 11's target of 0.3 s. For scale it also times node doing nothing (the floor
 * no CLI can beat) and the sources through tsx (`tsx src/cli.ts --version`, how pimsim started
 * before the build). Cases: `startup:version`, `startup:list`, `startup:node`, `startup:tsx`.
 * Wall time includes whatever else the machine is running: compare with the node floor.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildState, ROOT } from '../scripts/build.mjs';
import type { Bench } from './run.js';

const TARGET_S = 0.3;
const RUNS = 5;

interface Case {
  readonly name: string;
  readonly label: string;
  readonly argv: readonly string[];
  readonly target: boolean;
}

const CASES: readonly Case[] = [
  { name: 'version', label: 'pimsim --version', argv: [process.execPath, join(ROOT, 'bin/pimsim.js'), '--version'], target: true },
  { name: 'list', label: 'pimsim list models', argv: [process.execPath, join(ROOT, 'bin/pimsim.js'), 'list', 'models'], target: true },
  { name: 'node', label: 'node -e "" (floor)', argv: [process.execPath, '-e', ''], target: false },
  { name: 'tsx', label: 'tsx src/cli.ts --version (no build)', argv: [join(ROOT, 'node_modules/.bin/tsx'), join(ROOT, 'src/cli.ts'), '--version'], target: false },
];

/** Seconds of wall time of each of `RUNS` spawns (after one warm-up). */
function time(argv: readonly string[]): number[] {
  const once = () => {
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}: ${r.stderr.toString().trim()}`);
    return s;
  };
  once();
  return Array.from({ length: RUNS }, once);
}

export const bench: Bench = {
  name: 'startup',
  description: `CLI start-up wall time (median of ${RUNS} spawns) of --version and list models vs the ${TARGET_S} s target`,
  run(caseFilters) {
    const state = buildState();
    process.stdout.write(state.current
      ? 'bin/pimsim.js runs the build (dist/ is current)\n'
      : `bin/pimsim.js runs the sources through tsx: ${'changed' in state ? `dist/ is older than ${state.changed}` : 'no dist/'} (npm run build)\n`);
    const cases = CASES.filter((c) => caseFilters.length === 0 || caseFilters.some((f) => c.name.includes(f)));
    const width = Math.max(...cases.map((c) => c.label.length));
    for (const c of cases) {
      const runs = time(c.argv).sort((a, b) => a - b);
      const median = runs[Math.floor(runs.length / 2)];
      const verdict = c.target ? `  target ${TARGET_S.toFixed(2)} s: ${median <= TARGET_S ? 'met' : 'MISSED'}` : '';
      process.stdout.write(`  ${c.label.padEnd(width)}  median ${median.toFixed(3)} s  (min ${runs[0].toFixed(3)}, max ${runs[runs.length - 1].toFixed(3)})${verdict}\n`);
    }
  },
};
