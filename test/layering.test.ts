/**
 * The folder map of src/ is the data flow (README, "Reading the code"): a module may import only
 * from its own folder's level or below. Levels, lowest first; a top-level file (src/simulate.ts)
 * counts as a folder of its own name. Parsed from the sources, so an import against the order
 * fails here and the map cannot drift.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

export const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['spec'],
  ['quant', 'model', 'sim'],
  ['dram', 'asic'],
  ['pim'],
  ['mapping'],
  ['simulate'],
  ['functional'],
  ['energy', 'baselines'],
  ['compare'],
  ['resultSchema'],
  ['results'],
  ['report'],
  ['study'],
  ['cli'],
];
const levelOf = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

const SRC = resolve('src');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'presets' ? [] : sources(p);
    return /\.(ts|mjs)$/.test(f) ? [p] : [];
  });
}
/** "src/pim/run.ts" -> "pim"; "src/simulate.ts" -> "simulate". */
const folderOf = (file: string) => relative(SRC, file).split(/[\\/]/)[0].replace(/\.(ts|mjs|js)$/, '');

function imports(file: string, text = readFileSync(file, 'utf8')): string[] {
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  const out: string[] = [];
  for (let m; (m = re.exec(text)); ) out.push(resolve(dirname(file), m[1] ?? m[2]));
  return out;
}

/** The imports of `file` (its text, or as on disk) that reach a higher level than its own. */
function againstOrder(file: string, text?: string): string[] {
  const from = folderOf(file);
  return imports(file, text).flatMap((target) => {
    const to = folderOf(target);
    if (to === from || !levelOf.has(to) || levelOf.get(to)! <= levelOf.get(from)!) return [];
    return [`${relative(SRC, file)} imports ${relative(SRC, target)} (${from} -> ${to})`];
  });
}

describe('folder layering', () => {
  const files = sources(SRC);

  it('gives every folder of src/ a level', () => {
    const folders = [...new Set(files.map(folderOf))].sort();
    expect(folders.filter((f) => !levelOf.has(f))).toEqual([]);
  });

  it('has no import against the data-flow order', () => {
    expect(files.flatMap((f) => againstOrder(f))).toEqual([]);
  });

  it('flags an import against the order, static or dynamic, over several lines', () => {
    const probe = join(SRC, 'spec', 'probe.ts');
    expect(againstOrder(probe, "import {\n  ChannelTiming,\n} from '../dram/timing.js';\nconst x = await import('../report/index.js');\n")).toEqual([
      'spec/probe.ts imports dram/timing.js (spec -> dram)',
      'spec/probe.ts imports report/index.js (spec -> report)',
    ]);
    expect(againstOrder(probe, "import { quote } from './quote.js';\nimport { InputError } from '../util/errors.js';\n")).toEqual([]);
  });
});
