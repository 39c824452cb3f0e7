/**
 * The charts a reader must trust at a glance, checked on the figures (Chart.js configurations and
 * layout) and on drawn pixels: a 1x line and hatched bars below it, an axis fitted to the data,
 * device colours that differ, energy components in words with small ones grouped, identical
 * per-token curves told apart, a heat-map scale that separates 90, 95 and 100%, figures no wider
 * than the HTML column and shown at their drawn size, µs rather than "us".
 */
import { describe, expect, it } from 'vitest';
import type { ChartConfiguration } from 'chart.js';
import { channelFigure, comparisonFigure, energyBreakdownFigure, identicalCurves, latencyBreakdownFigure, perTokenFigure, type Series } from '../../src/report/charts.js';
import { figureLayout, logAxis, MAX_FIGURE_WIDTH, renderFigure, SCALE, type Figure } from '../../src/report/render.js';
import { heatColour, scalePosition } from '../../src/report/heatmap.js';
import { deviceColour, ENERGY_LABELS } from '../../src/report/style.js';
import { listPresets } from '../../src/spec/load.js';
import { buildReport } from '../../src/report/index.js';
import { scaledResult, tinyResult } from './fixtures.js';
import type { ReportResult } from '../../src/report/index.js';

/** CIE76 distance between two #RRGGBB or rgb(r, g, b) colours. */
function deltaE(a: string, b: string): number {
  const rgb = (c: string) => (c.startsWith('#') ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) : c.match(/\d+/g)!.slice(0, 3).map(Number));
  const lab = (c: string) => {
    const [r, g, bl] = rgb(c).map((v) => v / 255).map((v) => (v > 0.04045 ? ((v + 0.055) / 1.055) ** 2.4 : v / 12.92));
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const x = f((r * 0.4124 + g * 0.3576 + bl * 0.1805) / 0.95047), y = f(r * 0.2126 + g * 0.7152 + bl * 0.0722), z = f((r * 0.0193 + g * 0.1192 + bl * 0.9505) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

let single: ReturnType<typeof buildReport> | undefined;
/** The report of the tiny result, built once. */
const tinyReport = () => (single ??= buildReport([{ file: 't.json', result: tinyResult() as ReportResult }]));

const series = (docs: ReportResult[]): Series[] => docs.map((r, i) => ({ label: `${r.config.model.name}${i}`, result: r }));
const panels = (f: Figure) => f.panels as ChartConfiguration[];

describe('speedup and efficiency charts', () => {
  const docs = [tinyResult() as ReportResult, scaledResult('slow', 400)];
  const fig = comparisonFigure(series(docs), 'speedup');

  it('draw a 1x line on every panel and keep 1 on the axis', () => {
    for (const p of panels(fig)) {
      expect(p.plugins?.map((x) => x.id)).toContain('pimsimReferenceLine');
      const y = p.options!.scales!.y as { min: number; max: number };
      expect(y.min).toBeLessThanOrEqual(1);
      expect(y.max).toBeGreaterThanOrEqual(1);
    }
  });

  it('outline bars below 1x and say so in the legend', () => {
    const below = docs[1].baselines.filter((b) => b.speedup < 1);
    expect(below.length).toBeGreaterThan(0);
    expect(fig.legend?.some((e) => e.hatch && /below 1x \(PIM slower\)/.test(e.label))).toBe(true);
    const dataset = panels(fig)[0].data.datasets[0] as unknown as { data: (number | null)[]; borderWidth: number[] };
    dataset.data.forEach((v, i) => expect(dataset.borderWidth[i] > 0).toBe(v !== null && v < 1));
  });

  it('fit the axis to the data at 1-2-5 steps, not whole decades', () => {
    const a = logAxis([0.3, 1, 41, 137, 180], 't') as { min: number; max: number };
    expect([a.min, a.max]).toEqual([0.2, 200]);
    const b = logAxis([1, 12, 45], 't') as { min: number; max: number };
    expect([b.min, b.max]).toEqual([1, 50]);
  });

  it('give every shipped device a colour at least 30 CIELAB units from every other', () => {
    const devices = listPresets('devices');
    let min = Infinity;
    for (const a of devices) for (const b of devices) if (a < b) min = Math.min(min, deltaE(deviceColour(a), deviceColour(b)));
    expect(min).toBeGreaterThanOrEqual(30);
    // The two Xeons and the EPYC in particular.
    expect(deltaE(deviceColour('xeon-gold-6154'), deviceColour('epyc-9654'))).toBeGreaterThan(30);
    expect(deltaE(deviceColour('xeon-gold-6230'), deviceColour('epyc-9654'))).toBeGreaterThan(30);
  });
});

describe('energy breakdown', () => {
  it('names components in words and groups the small ones as "other"', () => {
    const fig = energyBreakdownFigure(series([tinyResult() as ReportResult]));
    const labels = fig.legend!.map((e) => e.label);
    expect(labels).toContain('PIM MAC');
    expect(labels.some((l) => /^DRAM (active|precharge) standby$/.test(l))).toBe(true);
    expect(labels.every((l) => !/^[a-z]+[A-Z]/.test(l))).toBe(true); // no camelCase keys
    const r = tinyResult();
    const small = Object.entries(r.energy.byComponentPj).filter(([, v]) => v / r.energy.totalPj < 0.02);
    expect(small.length).toBeGreaterThanOrEqual(2);
    expect(labels).toContain(`other (${small.length} components, each < 2%)`);
    for (const [k] of small) expect(labels).not.toContain(ENERGY_LABELS[k]);
  });

  it('the report lists every component\'s share, the grouped ones included', () => {
    const md = String(tinyReport().files.get('index.md'));
    expect(md).toMatch(/## Energy by component/);
    expect(md).toMatch(/\(in "other" on the chart\)/);
  });
});

describe('per-token latency', () => {
  it('tells identical curves apart: own dash per series, and the legend says which repeats which', () => {
    const a = tinyResult() as ReportResult;
    const twin = { ...structuredClone(a), config: { ...a.config, model: { ...a.config.model, name: 'twin' } } } as ReportResult;
    const s = series([a, twin, scaledResult('other', 2)]);
    expect(identicalCurves(s)).toEqual([-1, 0, -1]);
    const fig = perTokenFigure(s);
    expect(fig.legend![1].label).toBe(`${s[1].label} (same curve as ${s[0].label})`);
    const dashes = (panels(fig)[0].data.datasets as unknown as { borderDash: number[] }[]).map((d) => JSON.stringify(d.borderDash));
    expect(new Set(dashes).size).toBe(3);
  });
});

describe('channel heat map', () => {
  it('separates 90%, 95% and 100% as clearly as 0% and 50%', () => {
    expect(deltaE(heatColour(0.9), heatColour(0.95))).toBeGreaterThan(25);
    expect(deltaE(heatColour(0.95), heatColour(1))).toBeGreaterThan(25);
    expect(deltaE(heatColour(0.9), heatColour(1))).toBeGreaterThan(40);
    // The colour bar gives 80-100% as much height as 0-80%.
    expect(scalePosition(0.8)).toBeCloseTo(0.4, 6);
  });

  it('defines "busy" beside PU utilization', () => {
    const fig = channelFigure(series([tinyResult() as ReportResult]));
    expect(fig.title).toMatch(/busy executing PIM instructions/);
    expect(String(tinyReport().files.get('index.md'))).toMatch(/Busy is not PU utilization/);
  });
});

describe('sizes and units', () => {
  it('no figure is wider than the HTML column; the HTML shows each at its drawn size', () => {
    const docs = Array.from({ length: 8 }, (_, i) => scaledResult(`model-${i}`, 1 + i));
    const report = buildReport(docs.map((r, i) => ({ file: `${i}.json`, result: r })));
    const html = String(report.files.get('index.html'));
    const imgs = [...html.matchAll(/<img width="(\d+)" height="(\d+)"/g)];
    expect(imgs.length).toBeGreaterThanOrEqual(6);
    for (const m of imgs) expect(Number(m[1])).toBeLessThanOrEqual(MAX_FIGURE_WIDTH);
    // The PNG is the layout size times SCALE.
    const png = report.files.get('charts/speedup.png') as Buffer;
    const width = png.readUInt32BE(16);
    const shown = Number(/<img width="(\d+)"[^>]*alt="Speedup/.exec(html)![1]);
    expect(Math.abs(width - Math.round(shown * SCALE))).toBeLessThanOrEqual(1);
    for (const f of [comparisonFigure(series(docs), 'speedup'), latencyBreakdownFigure(series(docs)), energyBreakdownFigure(series(docs))]) {
      expect(figureLayout(f).width).toBeLessThanOrEqual(MAX_FIGURE_WIDTH);
    }
    expect(renderFigure(perTokenFigure(series(docs))).width).toBeLessThanOrEqual(MAX_FIGURE_WIDTH);
  });

  it('writes µs and µJ, never "us" or "uJ"', () => {
    const md = String(tinyReport().files.get('index.md'));
    expect(md).toMatch(/µs/);
    expect(md).not.toMatch(/\((us|uJ)\b|\bus\/token|\buJ\b/);
    const axes = JSON.stringify([latencyBreakdownFigure(series([tinyResult() as ReportResult])), energyBreakdownFigure(series([tinyResult() as ReportResult]))].map((f) => panels(f).map((p) => p.options?.scales)));
    expect(axes).toMatch(/µs/);
    expect(axes).not.toMatch(/\((us|uJ)\)/);
  });
});
