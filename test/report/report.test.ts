/**
 * Whole reports from result files: the PNG charts are real, non-blank images with text; the
 * Markdown and HTML name every run and PIM-GPT's published ranges; the CSV rows hold the input
 * numbers exactly; writing is atomic and bad input leaves nothing behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { createCanvas } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, loadResults, parseCsv, writeReport, type Report, type ReportResult } from '../../src/report/index.js';
import { setupCharts } from '../../src/report/render.js';
import { InputError } from '../../src/util/errors.js';
import { scaledResult, sweepPoint, tempDir, tinyResult, writeResults } from './fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let docs: ReportResult[];
let paths: string[];
let report: Report;
const out = join(dir, 'reports', 'r1');

beforeAll(() => {
  docs = [
    tinyResult() as ReportResult,
    scaledResult('test-small-b', 7.5),
    sweepPoint({ parameter: 'asic clock', value: 100, unit: 'MHz' }, 1.3),
    sweepPoint({ parameter: 'asic clock', value: 1000, unit: 'MHz' }, 1),
  ];
  paths = writeResults(dir, docs, ['tiny.json', 'b.json', 'sweep-100.json', 'sweep-1000.json']);
  report = writeReport(paths, out, { title: 'test report' });
});

/** Pixel statistics of a PNG: distinct colours and the share of non-white pixels, in a region. */
async function pixels(png: Buffer, region?: { y0: number; y1: number }) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const y0 = region?.y0 ?? 0, y1 = region?.y1 ?? img.height;
  const data = g.getImageData(0, y0, img.width, y1 - y0).data;
  const colours = new Set<number>();
  let ink = 0, dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) ink++;
    if (data[i] < 90 && data[i + 1] < 90 && data[i + 2] < 90) dark++;
  }
  const n = data.length / 4;
  return { width: img.width, height: img.height, colours: colours.size, inkShare: ink / n, darkShare: dark / n };
}

describe('report files', () => {
  it('writes charts, CSV, Markdown, HTML, manifest and copies of the inputs', () => {
    const files = readdirSync(out, { recursive: true }).map(String).sort();
    for (const f of ['index.md', 'index.html', 'report.json', 'summary.csv', 'baselines.csv', 'per-token.csv', 'channels.csv',
      'charts/speedup.png', 'charts/energy-efficiency.png', 'charts/latency-breakdown.png', 'charts/energy-breakdown.png',
      'charts/per-token-latency.png', 'charts/channel-activity.png', 'charts/sweep-1-test-tiny-asic-clock.png']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('results/') && f.endsWith('.json'))).toHaveLength(4);
    // The copies are reports' inputs again: they load and equal the originals.
    const copies = loadResults(files.filter((f) => f.startsWith('results/')).sort().map((f) => join(out, f)));
    expect(copies.map((c) => c.result.configHash).sort()).toEqual(docs.map((d) => d.configHash).sort());
    const manifest = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'pimsim.report', schemaVersion: 1, title: 'test report' });
    expect(manifest.inputs.map((i: { file: string }) => i.file)).toEqual(['tiny.json', 'b.json', 'sweep-100.json', 'sweep-1000.json']);
    // Nothing temporary is left beside the report.
    expect(readdirSync(join(dir, 'reports'))).toEqual(['r1']);
  });

  it('draws every chart as a valid, non-blank PNG with text', async () => {
    const font = setupCharts();
    const charts = [...report.files.keys()].filter((f) => f.endsWith('.png'));
    expect(charts).toHaveLength(7);
    for (const f of charts) {
      const png = readFileSync(join(out, f));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), f).toBe(true);
      expect(png.length, f).toBeGreaterThan(15_000);
      expect(png.length, f).toBeLessThan(600_000);
      const all = await pixels(png);
      expect(all.width, f).toBeGreaterThanOrEqual(600);
      expect(all.height, f).toBeGreaterThanOrEqual(250);
      expect(all.colours, f).toBeGreaterThan(20);
      expect(all.inkShare, f).toBeGreaterThan(0.03);
      // The title strip (top 50 px at 1.5x) holds dark text when a font exists.
      const title = await pixels(png, { y0: 0, y1: 50 });
      if (font) expect(title.darkShare, `${f} title text`).toBeGreaterThan(0.002);
    }
    if (!font) expect(report.warnings.join(' ')).toMatch(/no font/);
  });

  it('names every run and the published ranges in index.md and a self-contained index.html', () => {
    const md = readFileSync(join(out, 'index.md'), 'utf8');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(report.labels).toEqual([`test-tiny (${docs[0].configHash.slice(0, 8)})`, 'test-small-b', 'test-tiny (asic clock=100)', 'test-tiny (asic clock=1000)']);
    for (const text of [md, html]) {
      for (const label of report.labels) expect(text).toContain(label);
      for (const range of ['41-137x', '123-383x', '631-1074x', '320-602x']) expect(text).toContain(range);
      expect(text).toContain('Xeon Gold 6154');
      expect(text).toMatch(/tier C/);
      // Every assumption of the inputs, once each.
      for (const a of docs[0].assumptions.slice(0, 3)) expect(text.split(a.slice(0, 40)).length - 1).toBeGreaterThanOrEqual(1);
    }
    expect(md).toContain('](charts/speedup.png)');
    const imgs = html.match(/<img [^>]*src="([^"]*)"/g) ?? [];
    expect(imgs).toHaveLength(7);
    for (const img of imgs) expect(img).toContain('src="data:image/png;base64,iVBORw0KGgo');
    expect(html).not.toMatch(/src="(?!data:)/);
  });

  it('lists each assumption once', () => {
    const md = readFileSync(join(out, 'index.md'), 'utf8');
    const section = md.slice(md.indexOf('## Assumptions'), md.indexOf('### Energy formulas'));
    const items = section.split('\n').filter((l) => l.startsWith('- '));
    expect(items).toHaveLength(new Set(docs.flatMap((d) => d.assumptions)).size);
    expect(new Set(items).size).toBe(items.length);
  });

  it('writes CSV rows that hold the input numbers exactly', () => {
    const summary = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    const [head, ...rows] = summary;
    expect(rows).toHaveLength(docs.length);
    const col = (name: string) => head.indexOf(name);
    docs.forEach((d, i) => {
      expect(rows[i][col('label')]).toBe(report.labels[i]);
      expect(Number(rows[i][col('meanTokenNs')])).toBe(d.summary.meanTokenNs);
      expect(Number(rows[i][col('energyPerTokenPj')])).toBe(d.energy.perTokenPj);
      expect(Number(rows[i][col('breakdown.macNs')])).toBe(d.breakdownNs.mac);
      expect(Number(rows[i][col('energy.pimMacPj')])).toBe(d.energy.byComponentPj.pimMac);
      expect(Number(rows[i][col('rowHitRate')])).toBe(d.stats.rowHitRate);
      expect(Number(rows[i][col('commands.MAC16')])).toBe(d.stats.commands.MAC16);
    });
    expect(rows[2][col('sweepParameter')]).toBe('asic clock');
    expect(rows[2][col('sweepValue')]).toBe('100');

    const [bh, ...brows] = parseCsv(readFileSync(join(out, 'baselines.csv'), 'utf8'));
    expect(brows).toHaveLength(docs.reduce((a, d) => a + d.baselines.length, 0));
    const t4b = brows.find((r) => r[bh.indexOf('label')] === 'test-small-b' && r[bh.indexOf('device')] === 't4' && r[bh.indexOf('tier')] === 'B')!;
    const want = docs[1].baselines.find((b) => b.device === 't4' && b.tier === 'B')!;
    expect(Number(t4b[bh.indexOf('speedup')])).toBe(want.speedup);
    expect(Number(t4b[bh.indexOf('energyEfficiency')])).toBe(want.energyEfficiency);
    expect(t4b[bh.indexOf('method')]).toBe(want.method);

    const [ph, ...prows] = parseCsv(readFileSync(join(out, 'per-token.csv'), 'utf8'));
    expect(ph).toEqual(['label', 'model', 'position', 'phase', 'latencyNs']);
    expect(prows).toHaveLength(docs.reduce((a, d) => a + d.perToken.latencyNs.length, 0));
    const b = prows.filter((r) => r[0] === 'test-small-b');
    expect(b.map((r) => Number(r[4]))).toEqual(docs[1].perToken.latencyNs);
    expect(b.map((r) => r[3])).toEqual(docs[1].perToken.phase);

    const [, ...crows] = parseCsv(readFileSync(join(out, 'channels.csv'), 'utf8'));
    expect(crows.filter((r) => r[0] === report.labels[0]).map((r) => Number(r[3]))).toEqual(docs[0].stats.perChannelBusyNs);
  });
});

describe('atomic writing and bad input', () => {
  it('replaces an earlier report in place', () => {
    const target = join(dir, 'again');
    writeReport([paths[0]], target);
    writeReport([paths[1]], target);
    expect(readFileSync(join(target, 'index.md'), 'utf8')).toContain('test-small-b');
    expect(readdirSync(dir).filter((f) => f.startsWith('.again'))).toEqual([]);
  });

  it('refuses to replace a directory that is not a report, and leaves it alone', () => {
    const target = join(dir, 'precious');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'keep me');
    expect(() => writeReport([paths[0]], target)).toThrow(/not a pimsim report/);
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it.each([
    ['not JSON', 'garbage.json', '{"kind": "pimsim.simulation",', /garbage\.json: not JSON/],
    ['another kind', 'kind.json', JSON.stringify({ kind: 'something-else' }), /kind\.json: not a pimsim result/],
    ['an incompatible schema', 'schema.json', JSON.stringify({ kind: 'pimsim.simulation', schemaVersion: 1 }), /schema\.json: result schemaVersion 1 is not supported/],
  ])('leaves no directory behind for %s', (_what, name, text, error) => {
    const bad = join(dir, name);
    writeFileSync(bad, text);
    const target = join(dir, 'bad', name.replace('.json', ''));
    expect(() => writeReport([paths[0], bad], target)).toThrow(error);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(dir, 'bad')) ? readdirSync(join(dir, 'bad')) : []).toEqual([]);
  });

  it('refuses no inputs without creating anything', () => {
    const target = join(dir, 'none');
    expect(() => writeReport([], target)).toThrow(InputError);
    expect(existsSync(target)).toBe(false);
  });

  it('builds in memory without touching the disk', () => {
    const r = buildReport([{ file: 'x.json', result: scaledResult('only', 2) }]);
    expect(r.labels).toEqual(['only']);
    expect([...r.files.keys()].some((f) => f.startsWith('charts/sweep'))).toBe(false);
  });

  it('still reports a run without baselines, saying why the comparison charts are missing', () => {
    const r = buildReport([{ file: 'x.json', result: { ...scaledResult('bare', 1), baselines: [] } }]);
    expect([...r.files.keys()].filter((f) => f.endsWith('.png')).sort()).toEqual([
      'charts/channel-activity.png', 'charts/energy-breakdown.png', 'charts/latency-breakdown.png', 'charts/per-token-latency.png']);
    expect(r.warnings.join(' ')).toMatch(/no baselines/);
    expect(String(r.files.get('index.md'))).toMatch(/Warning: the results hold no baselines/);
  });
});
