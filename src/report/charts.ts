/**
 * The report's figures, each built from result documents alone: speedup and energy efficiency
 * against every baseline device and tier, latency and energy breakdowns, per-token latency over
 * the sequence, and channel activity. Each returns a Figure for renderFigure().
 */
import type { ChartConfiguration } from 'chart.js';
import { TIER_NAMES, type Tier } from '../baselines/index.js';
import { ENERGY_COMPONENTS } from '../energy/index.js';
import type { ReportResult } from './load.js';
import { PIM_GPT_RANGES, rangeText } from './published.js';
import { heatMapHeight, heatMapPanel } from './heatmap.js';
import { bandsPlugin, hatchTile, linearAxis, logAxis, MAX_FIGURE_WIDTH, needsLog, referenceLinePlugin, type Figure } from './render.js';
import { deviceColour, energyColour, energyLabel, LATENCY_COLOURS, LATENCY_LABELS, OTHER_COLOUR, seriesColour, seriesDash, seriesPointStyle, sortDevices, withAlpha } from './style.js';

/** One result as a chart sees it: its label and document. */
export interface Series {
  readonly label: string;
  readonly result: ReportResult;
}

const TIER_ORDER: readonly Tier[] = ['A', 'B', 'C'];

export function tierTitle(tier: Tier, headline: Tier): string {
  const note = tier === headline ? ' (headline)' : tier === 'C' ? " (PIM-GPT's setting)" : '';
  return `Tier ${tier}: ${TIER_NAMES[tier]}${note}`;
}

/** Every baseline device in the results, in display order. */
export function devicesOf(series: readonly Series[]): string[] {
  return sortDevices(series.flatMap((s) => s.result.baselines.map((b) => b.device)));
}

/** Chart.js draws an array label on several lines: break "model (qualifier)" before the qualifier. */
export function axisLabel(label: string): string | string[] {
  const i = label.indexOf(' (');
  return i > 0 ? [label.slice(0, i), label.slice(i + 1)] : label;
}

function barOptions(y: unknown, title: string, stacked = false): ChartConfiguration['options'] {
  return {
    plugins: { legend: { display: false }, title: { display: true, text: title, font: { size: 13 } } },
    scales: { x: { stacked, ticks: { autoSkip: false, maxRotation: 0 } }, y: { ...(y as object), stacked } },
  } as ChartConfiguration['options'];
}

/** Bars below 1x (PIM slower than the device) are hatched and outlined, so they read as losses at a glance. */
function belowOneFill(colour: string) {
  return (ctx: { raw?: unknown; chart: { ctx: CanvasRenderingContext2D } }) => {
    const v = ctx.raw as number | null | undefined;
    return v !== null && v !== undefined && v < 1 ? (ctx.chart.ctx.createPattern(hatchTile(colour) as unknown as HTMLCanvasElement, 'repeat') ?? colour) : colour;
  };
}

/** (a, b) Grouped bars per model, one bar per device, one panel per tier; log scale fitted to the data, a 1x line; published ranges on tier C. */
export function comparisonFigure(series: readonly Series[], metric: 'speedup' | 'energyEfficiency'): Figure {
  const devices = devicesOf(series);
  const tiers = TIER_ORDER.filter((t) => series.some((s) => s.result.baselines.some((b) => b.tier === t)));
  const headline = series[0].result.headlineTier;
  const value = (s: Series, device: string, tier: Tier) => s.result.baselines.find((b) => b.device === device && b.tier === tier)?.[metric] ?? null;
  const all = series.flatMap((s) => s.result.baselines.map((b) => b[metric]));
  const ranges = PIM_GPT_RANGES.filter((r) => r.metric === metric && devices.includes(r.device));
  const word = metric === 'speedup' ? 'speedup' : 'energy efficiency';
  // 1 is always on the axis, so the 1x line (PIM as fast as the device) is always drawn.
  const axis = logAxis([...all, ...ranges.flatMap((r) => [r.min, r.max]), 1], `PIM ${word} over device (x, log scale)`);
  const anyBelow = all.some((v) => v < 1);
  const panels = tiers.map((tier): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: series.map((s) => axisLabel(s.label)),
      datasets: devices.map((d) => {
        const data = series.map((s) => value(s, d, tier));
        return {
          label: d, data, backgroundColor: belowOneFill(deviceColour(d)) as unknown as string,
          borderColor: data.map((v) => (v !== null && v < 1 ? '#222222' : deviceColour(d))), borderWidth: data.map((v) => (v !== null && v < 1 ? 1.5 : 0)),
        };
      }),
    },
    options: barOptions(axis, tierTitle(tier, headline)),
    plugins: [
      referenceLinePlugin(1, metric === 'speedup' ? '1x: as fast as the device' : '1x: as efficient as the device'),
      ...(tier === 'C'
        ? [bandsPlugin(ranges.map((r) => ({ from: r.min, to: r.max, colour: withAlpha(deviceColour(r.device), 0.22), label: `PIM-GPT vs ${r.device}: ${rangeText(r)}` })))]
        : []),
    ],
  }));
  // Side by side when the tiers fit the report's width at no less than 80% of their natural width; else stacked.
  const natural = Math.max(340, 110 + series.length * (devices.length * 6 + 30));
  const squeezed = Math.floor(MAX_FIGURE_WIDTH / tiers.length);
  const panelWidth = natural * tiers.length <= MAX_FIGURE_WIDTH ? natural : squeezed >= 0.8 * natural ? squeezed : natural;
  return {
    title: `PIM ${word} per token over GPU/CPU baselines, by device and tier (shaded: PIM-GPT's published range)`,
    legend: [
      ...devices.map((d) => ({ label: d, colour: deviceColour(d) })),
      ...(anyBelow ? [{ label: `hatched: below 1x (PIM ${metric === 'speedup' ? 'slower' : 'less efficient'})`, colour: '#555555', hatch: true }] : []),
    ],
    panels,
    columns: tiers.length,
    panelWidth,
    panelHeight: 440,
  };
}

/** (c) Per-token latency by where the time went: absolute (µs) and as a share of the token. */
export function latencyBreakdownFigure(series: readonly Series[]): Figure {
  const keys = Object.keys(LATENCY_LABELS) as (keyof ReportResult['breakdownNs'])[];
  const abs = keys.map((k) => ({ label: LATENCY_LABELS[k], data: series.map((s) => s.result.breakdownNs[k] / 1000), backgroundColor: LATENCY_COLOURS[k] }));
  const share = keys.map((k) => ({
    label: LATENCY_LABELS[k], backgroundColor: LATENCY_COLOURS[k],
    data: series.map((s) => (100 * s.result.breakdownNs[k]) / sumValues(s.result.breakdownNs)),
  }));
  return stackedPair('Per-token latency breakdown (mean over all processed tokens)', series, keys.map((k) => ({ label: LATENCY_LABELS[k], colour: LATENCY_COLOURS[k] })),
    abs, 'latency per token (µs)', share, 'share of token latency (%)');
}

/** Components below this share of every run's energy are drawn together as "other" (their shares are in the report's table). */
export const OTHER_SHARE = 0.02;

/** The energy components present, in display order, split into those drawn and those grouped as "other". */
export function energyGroups(series: readonly Series[]): { shown: string[]; other: string[] } {
  const present = new Set(series.flatMap((s) => Object.keys(s.result.energy.byComponentPj)));
  const keys = [...ENERGY_COMPONENTS.filter((c) => present.has(c)), ...[...present].filter((c) => !(ENERGY_COMPONENTS as readonly string[]).includes(c)).sort()];
  const share = (s: Series, k: string) => (s.result.energy.byComponentPj[k] ?? 0) / s.result.energy.totalPj;
  const small = keys.filter((k) => series.every((s) => share(s, k) < OTHER_SHARE));
  // Grouping a single component gains nothing: keep it under its own name.
  const other = small.length >= 2 ? small : [];
  return { shown: keys.filter((k) => !other.includes(k)), other };
}

/** (c) Per-token energy by component, in words ("DRAM active standby"), small ones grouped as "other": absolute (µJ) and as a share. */
export function energyBreakdownFigure(series: readonly Series[]): Figure {
  const { shown, other } = energyGroups(series);
  const pj = (s: Series, k: string) => s.result.energy.byComponentPj[k] ?? 0;
  const groups = [
    ...shown.map((k) => ({ label: energyLabel(k), colour: energyColour(k), pj: (s: Series) => pj(s, k) })),
    ...(other.length ? [{ label: `other (${other.length} components, each < ${100 * OTHER_SHARE}%)`, colour: OTHER_COLOUR, pj: (s: Series) => other.reduce((a, k) => a + pj(s, k), 0) }] : []),
  ];
  const perToken = (s: Series, g: (typeof groups)[number]) => g.pj(s) / s.result.perToken.latencyNs.length;
  const abs = groups.map((g) => ({ label: g.label, data: series.map((s) => perToken(s, g) / 1e6), backgroundColor: g.colour }));
  const share = groups.map((g) => ({ label: g.label, data: series.map((s) => (100 * g.pj(s)) / s.result.energy.totalPj), backgroundColor: g.colour }));
  return stackedPair('Per-token energy breakdown by component', series, groups.map((g) => ({ label: g.label, colour: g.colour })),
    abs, 'energy per token (µJ)', share, 'share of energy (%)');
}

function stackedPair(title: string, series: readonly Series[], legend: Figure['legend'], abs: object[], absTitle: string, share: object[], shareTitle: string): Figure {
  const labels = series.map((s) => axisLabel(s.label));
  const panel = (datasets: object[], yTitle: string, max?: number): ChartConfiguration => ({
    type: 'bar',
    data: { labels, datasets } as ChartConfiguration['data'],
    options: barOptions(linearAxis(yTitle, max ? { max } : {}), yTitle, true),
  });
  return {
    title, legend, panels: [panel(abs, absTitle), panel(share, shareTitle, 100)],
    panelWidth: Math.max(420, 140 + series.length * 80), panelHeight: 420,
  };
}

function sumValues(o: object): number {
  return Object.values(o).reduce((a: number, v) => a + (typeof v === 'number' ? v : 0), 0);
}

/** For each series, the earlier series whose per-token curve it repeats exactly (drawn on top of it), or -1. */
export function identicalCurves(series: readonly Series[]): number[] {
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-9 * Math.abs(b[i]));
  return series.map((s, i) => series.slice(0, i).findIndex((t) => same(s.result.perToken.latencyNs, t.result.perToken.latencyNs)));
}

/** (d) Per-token latency over the sequence, one line per model; and its growth over the first token (KV cache). */
export function perTokenFigure(series: readonly Series[]): Figure {
  const points = (s: Series, f: (lat: number, first: number) => number) =>
    s.result.perToken.position.map((x, i) => ({ x, y: f(s.result.perToken.latencyNs[i], s.result.perToken.latencyNs[0]) }));
  const maxLen = Math.max(...series.map((s) => s.result.perToken.position.length));
  // Every series has its own dash and marker as well as colour, so a curve drawn over an identical one still shows.
  const line = (s: Series, i: number, f: (lat: number, first: number) => number) => ({
    label: s.label, data: points(s, f), borderColor: seriesColour(i), backgroundColor: seriesColour(i), borderDash: [...seriesDash(i)],
    pointRadius: maxLen > 40 ? 0 : 3, pointStyle: seriesPointStyle(i), borderWidth: 2, tension: 0,
  });
  const twins = identicalCurves(series);
  const absValues = series.flatMap((s) => s.result.perToken.latencyNs.map((v) => v / 1000));
  const absY = needsLog(absValues, 20) ? logAxis(absValues, 'latency per token (µs, log scale)') : linearAxis('latency per token (µs)');
  const maxPos = Math.max(...series.flatMap((s) => s.result.perToken.position));
  const x = { type: 'linear', min: 0, max: Math.max(1, maxPos), title: { display: true, text: 'token position (prompt tokens first)' }, ticks: { precision: 0 } };
  const panel = (datasets: object[], y: object, title: string): ChartConfiguration => ({
    type: 'line',
    data: { datasets } as ChartConfiguration['data'],
    options: { plugins: { legend: { display: false }, title: { display: true, text: title, font: { size: 13 } } }, scales: { x, y } } as ChartConfiguration['options'],
  });
  return {
    title: 'Per-token latency over the sequence (the KV cache grows with position)',
    legend: series.map((s, i) => ({ label: twins[i] >= 0 ? `${s.label} (same curve as ${series[twins[i]].label})` : s.label, colour: seriesColour(i), dash: seriesDash(i) })),
    panels: [
      panel(series.map((s, i) => line(s, i, (v) => v / 1000)), absY, 'latency per token'),
      panel(series.map((s, i) => line(s, i, (v, first) => 100 * (v / first - 1))), { type: 'linear', title: { display: true, text: 'change over the first token (%)' } }, 'growth over the first token'),
    ],
    panelWidth: 560,
    panelHeight: 400,
  };
}

/** (e) Busy time per channel as a share of the run, runs x channels as a heat map. */
export function channelFigure(series: readonly Series[]): Figure {
  const channels = Math.max(...series.map((s) => s.result.stats.perChannelBusyNs.length));
  const values = series.map((s) => Array.from({ length: channels }, (_, c) => {
    const busy = s.result.stats.perChannelBusyNs[c];
    return busy === undefined ? null : busy / s.result.summary.totalNs;
  }));
  return {
    title: 'Channel activity: share of the run each channel was busy executing PIM instructions',
    panels: [heatMapPanel({
      title: 'busy time / run time, per channel (busy: issuing commands or waiting on DRAM timing; not PU utilization)',
      rowLabels: series.map((s) => s.label),
      columnLabels: Array.from({ length: channels }, (_, c) => String(c)),
      xTitle: 'channel',
      values,
      scaleTitle: 'busy share',
    })],
    panelWidth: Math.max(640, 200 + channels * 50 + 90),
    panelHeight: heatMapHeight(series.length),
  };
}
