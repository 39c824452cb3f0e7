/**
 * The build: compiles the CLI once to plain JavaScript in dist/, so `pimsim` starts without tsx
 * compiling the sources on every call. `npm ci` runs it (package.json's `prepare`); so does
 * `npm run build`. `node scripts/build.mjs [outdir]` builds elsewhere (tests build into a folder of
 * their own under the package root, so they never read a stale dist/).
 *
 * esbuild bundles src/cli.ts and the study worker (src/study/worker.ts) with code splitting: each
 * `import()` of src/cli/main.ts stays a separate chunk loaded only when its command runs, and npm
 * packages stay imports of node_modules (not bundled). All files land in one flat folder, so
 * code that names a sibling output (the study runner's study-worker.js) finds it from any chunk.
 * Presets are not copied: the code reads them from src/presets (src/util/paths.ts).
 *
 * The build writes build-info.json last: when it started and every source file it read. buildState()
 * (used by bin/pimsim.js) calls a build current when that file exists and no source it lists has
 * changed since the build started; any edit under src/ that could change the build changes a
 * listed file (a new module only matters once a listed one imports it).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
const INFO = 'build-info.json';

/** Files that shape the build besides the sources esbuild reads. */
const BUILD_INPUTS = ['scripts/build.mjs', 'tsconfig.json', 'package.json'];

/**
 * Whether the build in `outdir` is current: `{ current: true }`, or `{ current: false, missing }`
 * when there is no complete build, or `{ current: false, changed }` naming the first listed source
 * modified (or deleted) since the build started. Costs one stat per source (~150), a few milliseconds.
 */
export function buildState(outdir = DIST, root = ROOT) {
  let info;
  try {
    info = JSON.parse(readFileSync(join(outdir, INFO), 'utf8'));
  } catch {
    return { current: false, missing: true };
  }
  for (const file of info.inputs) {
    let mtime;
    try {
      mtime = statSync(join(root, file)).mtimeMs;
    } catch {
      return { current: false, changed: file };
    }
    if (mtime > info.started) return { current: false, changed: file };
  }
  return { current: true };
}

/** Builds the CLI into `outdir` (default dist/); returns the files written and the time taken. */
export async function build(outdir = DIST) {
  // The build prunes files of earlier builds from outdir: never a folder that holds anything else.
  if (existsSync(join(outdir, 'package.json')) || !relative(outdir, join(ROOT, 'src')).startsWith('..')) {
    throw new Error(`build: refusing to build into ${outdir}; give a folder of its own such as dist/`);
  }
  const { build: esbuild } = await import('esbuild');
  const started = Date.now();
  // Until the new build is complete, the folder holds no build that buildState() accepts.
  rmSync(join(outdir, INFO), { force: true });
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli.ts', 'study-worker': 'src/study/worker.ts' },
    outdir,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Stack traces name src/ files (bin/pimsim.js enables source maps); main.ts reports an internal
    // error's innermost src/ frame.
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(ROOT, f)));
  // Chunks of earlier builds (content-hashed names) would pile up.
  for (const f of readdirSync(outdir)) if (/\.js(\.map)?$/.test(f) && !outputs.has(join(outdir, f))) rmSync(join(outdir, f));
  const inputs = [...Object.keys(result.metafile.inputs), ...BUILD_INPUTS].map((f) => relative(ROOT, resolve(ROOT, f))).sort();
  writeFileSync(join(outdir, INFO), JSON.stringify({ started, inputs }, null, 1) + '\n');
  return { files: outputs.size + 1, ms: Date.now() - started };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const outdir = resolve(process.argv[2] ?? DIST);
  if (!existsSync(join(ROOT, 'src', 'cli.ts'))) throw new Error(`build: no src/cli.ts under ${ROOT}`);
  const { files, ms } = await build(outdir);
  process.stdout.write(`pimsim: built ${relative(process.cwd(), outdir) || '.'} (${files} files) in ${ms} ms\n`);
}
