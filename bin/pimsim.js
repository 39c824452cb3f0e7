#!/usr/bin/env node
// The `pimsim` command. Runs the compiled CLI (dist/, which `npm ci` builds through package.json's
// `prepare`; `npm run build` rebuilds it) in this process when it is current: built after the last
// change to every source it was compiled from. Otherwise runs src/cli.ts through tsx, also in this
// process, so an edit under src/ takes effect at once, only start-up is slower (~0.3 s more).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { buildState, DIST, ROOT } from '../scripts/build.mjs';

const state = buildState();
if (state.current) {
  // Frames of errors then name src/ files, as main.ts's report of an internal error expects.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(join(DIST, 'cli.js')).href);
} else {
  // A build that went out of date is worth a word (no build at all is a choice: npm ci --ignore-scripts).
  if (state.changed) process.stderr.write(`pimsim: note: dist/ is older than ${state.changed}; running the sources through tsx (slower start-up); npm run build refreshes it\n`);
  const { register } = await import('tsx/esm/api');
  try {
    register();
  } catch {
    // Node before 20.6 has no module.register(): tsx as a child process, as pimsim ran before the build.
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  await import(pathToFileURL(join(ROOT, 'src', 'cli.ts')).href);
}
