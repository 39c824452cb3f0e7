/**
 * Writes a large pimsim-format trace, streamed (any size in a few MB of memory), for measuring
 * `pimsim trace` and `pimsim check` on inputs of any size:
 *
 *   npx tsx bench/big-trace.ts /tmp/t50m.trace 50000000 [--gzip]
 *   /usr/bin/time -v npx tsx src/cli.ts trace /tmp/t50m.trace --command-log /tmp/t50m.csv
 *   /usr/bin/time -v npx tsx src/cli.ts check /tmp/t50m.csv
 *
 * The requests are mixedTrace's kind (src/dram/trace/generate.ts), generated on the fly: about 2:1
 * reads to writes from 4 sequential streams of 64 B steps below 1 GiB that jump with p = 1/8.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { mulberry32 } from '../src/util/rng.js';

const [file, countText, flag] = process.argv.slice(2);
const count = Number(countText);
if (!file || !Number.isSafeInteger(count) || count < 1 || (flag !== undefined && flag !== '--gzip')) {
  process.stderr.write('usage: npx tsx bench/big-trace.ts <file> <requests> [--gzip]\n');
  process.exit(2);
}
const rng = mulberry32(1);
const SPAN = 1 << 30;
const streams = Array.from({ length: 4 }, () => Math.floor(rng() * (SPAN / 64)) * 64);
const file$ = createWriteStream(file);
const out = flag === '--gzip' ? createGzip() : undefined;
out?.pipe(file$);
const sink = out ?? file$;
const lines: string[] = [];
for (let i = 0; i < count; i++) {
  const k = Math.floor(rng() * 4);
  streams[k] = rng() < 0.125 ? Math.floor(rng() * (SPAN / 64)) * 64 : (streams[k] + 64) % SPAN;
  lines.push(`${rng() < 1 / 3 ? 'W' : 'R'} 0x${streams[k].toString(16)}`);
  if (lines.length === 100_000 || i === count - 1) {
    if (!sink.write(lines.join('\n') + '\n')) await once(sink, 'drain');
    lines.length = 0;
  }
}
sink.end();
await once(file$, 'finish');
process.stdout.write(`wrote ${count} requests to ${file}\n`);
