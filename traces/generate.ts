/**
 * Regenerates the sample traces in this folder: `npx tsx traces/generate.ts`.
 * Deterministic (seeded), so running it again rewrites identical files. What each sample is lives
 * in src/dram/trace/samples.ts; a test fails if these files drift from it.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_TRACES, sampleTraceText } from '../src/dram/trace/index.js';

const here = dirname(fileURLToPath(import.meta.url));
for (const sample of SAMPLE_TRACES) {
  const text = sampleTraceText(sample);
  writeFileSync(join(here, sample.fileName), text);
  console.log(`${sample.fileName}: ${(text.length / 1024).toFixed(0)} KiB`);
}
