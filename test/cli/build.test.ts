/**
 * The compiled CLI (scripts/build.mjs, what bin/pimsim.js runs when dist/ is current) behaves
 * exactly like the sources run through tsx, and bin/pimsim.js runs it only when it is current.
 * The build under test is made here, into a folder of its own, so a stale dist/ cannot pass.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pimsim, ROOT, run, type Run } from '../helpers/cli.js';
import { build, buildState } from '../../scripts/build.mjs';
import { PIMSIM_VERSION } from '../../src/util/version.js';

// Under the package root: the build's npm imports resolve from node_modules and its code finds the
// package (presets) by walking up to package.json, as from dist/.
const out = mkdtempSync(join(ROOT, '.tmp-build-'));
const scratch = mkdtempSync(join(tmpdir(), 'pimsim-build-'));
beforeAll(async () => {
  await build(out);
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const built = (...args: string[]): Promise<Run> => run(process.execPath, [join(out, 'cli.js'), ...args]);

/** Every file under dir, by relative path, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) files.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name)));
  }
  return files;
}

describe.concurrent('the built CLI against the sources through tsx', () => {
  const lines: [string[], number][] = [
    [['--version'], 0],
    [['list', 'models'], 0],
    [['simulate', '--model', 'test-tiny', '--tokens', '2'], 0],
    [['simulate', '--model', 'test-tiny', '--tokens', '2', '--json'], 0],
    [['--help'], 0],
    [['list', 'nonsense'], 2],
    [['simulate', '--model', 'nope'], 1],
  ];
  for (const [args, code] of lines) {
    it(`pimsim ${args.join(' ')}: same stdout, stderr and exit code (${code})`, async () => {
      const [b, s] = await Promise.all([built(...args), pimsim(...args)]);
      expect(s.code).toBe(code);
      expect(s.stdout + s.stderr).not.toBe('');
      expect(b).toEqual(s);
    });
  }

  it('pimsim start: the build\'s worker threads (study-worker.js) write the same report, byte for byte', async () => {
    const args = (dir: string) => ['start', '--models', 'test-tiny,test-tiny', '--tokens', '2', '--workers', '2', '--out', join(scratch, dir)];
    const [b, s] = await Promise.all([built(...args('built')), pimsim(...args('sources'))]);
    expect(s.code).toBe(0);
    // Wall time and the output folder differ.
    const same = (r: Run, dir: string) => ({ ...r, stdout: r.stdout.replace(/ in \d+ s;/, ' in N s;').replaceAll(join(scratch, dir), 'OUT') });
    expect(same(b, 'built')).toEqual(same(s, 'sources'));
    const [tb, ts] = [tree(join(scratch, 'built')), tree(join(scratch, 'sources'))];
    expect(ts.size).toBeGreaterThan(5);
    expect([...tb.keys()].sort()).toEqual([...ts.keys()].sort());
    for (const [f, bytes] of ts) expect(tb.get(f)?.equals(bytes), f).toBe(true);
  });
});

describe('the build', () => {
  it('is current right after it is made, and lists the sources it read', () => {
    expect(buildState(out)).toEqual({ current: true });
    const info = JSON.parse(readFileSync(join(out, 'build-info.json'), 'utf8')) as { inputs: string[] };
    expect(info.inputs).toContain('src/cli/main.ts');
    expect(info.inputs).toContain('src/study/worker.ts');
    expect(info.inputs).toContain('scripts/build.mjs');
  });

  it('locates shipped files only through util/paths.ts (module-relative paths differ between src/ and the flat build)', () => {
    const info = JSON.parse(readFileSync(join(out, 'build-info.json'), 'utf8')) as { inputs: string[] };
    const relativeToModule = info.inputs.filter((f) => f.startsWith('src/') && /import\.meta\.(url|dirname|filename)|__dirname|__filename/.test(readFileSync(join(ROOT, f), 'utf8')));
    // paths.ts walks up to package.json; runner.ts names the worker of each layout; tfBackend.ts only
    // resolves an npm package, which node_modules serves alike from src/ and dist/.
    expect(relativeToModule.sort()).toEqual(['src/study/runner.ts', 'src/util/paths.ts', 'src/util/tfBackend.ts']);
  });

  it('refuses to build into a folder holding a package or the sources', async () => {
    await expect(build(ROOT)).rejects.toThrow(/refusing to build into/);
    await expect(build(join(ROOT, '..'))).rejects.toThrow(/refusing to build into/);
  });
});

describe.concurrent('bin/pimsim.js', () => {
  /**
   * A package root of its own: the real bin/ and scripts/, the real sources and node_modules by
   * symlink, and a stand-in build whose cli.js says it ran, listing one input whose time we set.
   */
  function fakeRoot(name: string, input: 'older' | 'newer' | 'deleted' | 'no build'): string {
    const root = join(scratch, name);
    for (const d of ['bin', 'scripts', 'dist']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(join(ROOT, 'bin/pimsim.js'), join(root, 'bin/pimsim.js'));
    copyFileSync(join(ROOT, 'scripts/build.mjs'), join(root, 'scripts/build.mjs'));
    copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
    symlinkSync(join(ROOT, 'src'), join(root, 'src'));
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    writeFileSync(join(root, 'dist/cli.js'), "process.stdout.write(`compiled ${process.argv.slice(2).join(' ')}\\n`);\n");
    const started = Date.now();
    if (input !== 'no build') writeFileSync(join(root, 'dist/build-info.json'), JSON.stringify({ started, inputs: ['input.ts'] }));
    if (input !== 'deleted') {
      writeFileSync(join(root, 'input.ts'), '');
      const t = (started + (input === 'newer' ? 10_000 : -10_000)) / 1000;
      utimesSync(join(root, 'input.ts'), t, t);
    }
    return root;
  }
  const launch = (root: string) => run(process.execPath, [join(root, 'bin/pimsim.js'), '--version', '-V'], root);

  it('runs the build in process when no input changed since it was made', async () => {
    expect(await launch(fakeRoot('current', 'older'))).toEqual({ code: 0, stdout: 'compiled --version -V\n', stderr: '' });
  });

  it('runs the sources through tsx, with one note, when an input is newer than the build or gone', async () => {
    for (const state of ['newer', 'deleted'] as const) {
      const r = await launch(fakeRoot(state, state));
      expect(r).toEqual({
        code: 0,
        stdout: `${PIMSIM_VERSION}\n`,
        stderr: 'pimsim: note: dist/ is older than input.ts; running the sources through tsx (slower start-up); npm run build refreshes it\n',
      });
    }
  });

  it('runs the sources through tsx silently when there is no build', async () => {
    expect(await launch(fakeRoot('unbuilt', 'no build'))).toEqual({ code: 0, stdout: `${PIMSIM_VERSION}\n`, stderr: '' });
  });
});
