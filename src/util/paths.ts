/**
 * Where the package's own files are at run time. Modules run from two layouts: the sources
 * (src/<folder>/x.ts, through tsx or vitest) and the build (dist/*.js, scripts/build.mjs bundles
 * them into one flat folder), so a path relative to a module's own file differs between them.
 * Paths to shipped files (presets, traces) are therefore made from the package root, found by
 * walking up from this module to the folder holding package.json (2 levels from src/util/, 1 from
 * dist/).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`pimsim: no package.json above ${from}; the package is incomplete`);
  }
}

/** The package's root folder (holding package.json, src/, traces/). */
export const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

/** Shipped presets, read at run time from the sources in both layouts (the build does not copy them). */
export const PRESET_ROOT = join(PACKAGE_ROOT, 'src', 'presets');
