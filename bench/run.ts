/**
 * `npm run bench [-- <filter> ...]`: runs the benchmark areas and prints their tables.
 *
 * Each area is a module exporting a `Bench`; add one by importing it into BENCHES below. A filter
 * argument selects areas by name ("trace") or cases within an area ("trace:random" runs the cases
 * of `trace` whose name contains "random"). No filter runs everything. Benchmarks measure and
 * print; they assert nothing.
 */
import { cpus } from 'node:os';
import { bench as trace } from './trace.js';
import { bench as gemv } from './gemv.js';
import { bench as models } from './models.js';
import { bench as peer } from './peer.js';
import { bench as replay } from './replay.js';
import { bench as suite } from './suite.js';
import { bench as startup } from './startup.js';

/** One benchmark area. `run` receives the case filters given for it (empty: all cases). */
export interface Bench {
  readonly name: string;
  readonly description: string;
  run(caseFilters: readonly string[]): void | Promise<void>;
}

const BENCHES: readonly Bench[] = [startup, replay, trace, peer, gemv, models, suite];

function usage(): string {
  return [
    'usage: npm run bench [-- <area>[:<case>] ...]',
    'areas:',
    ...BENCHES.map((b) => `  ${b.name.padEnd(10)} ${b.description}`),
  ].join('\n');
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  const selected = new Map<Bench, string[]>();
  for (const arg of args) {
    const [area, ...rest] = arg.split(':');
    const b = BENCHES.find((x) => x.name === area);
    if (!b) {
      process.stderr.write(`bench: unknown area "${area}"\n${usage()}\n`);
      return 2;
    }
    const filters = selected.get(b) ?? [];
    if (rest.length) filters.push(rest.join(':'));
    selected.set(b, filters);
  }
  const toRun = selected.size ? [...selected] : BENCHES.map((b): [Bench, string[]] => [b, []]);
  process.stdout.write(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}\n`);
  for (const [b, filters] of toRun) {
    process.stdout.write(`\n== ${b.name}: ${b.description}\n`);
    await b.run(filters);
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
