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
import { bandsPlugin, linearAxis, logAxis, needsLog, type Figure } from './render.js';
import { deviceColour, energyColour, LATENCY_COLOURS, LATENCY_LABELS, seriesColour, seriesPointStyle, sortDevices, withAlpha } from './style.js';

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

/** (a, b) Grouped bars per model, one bar per device, one panel per tier; log scale; published ranges on tier C. */
export function comparisonFigure(series: readonly Series[], metric: 'speedup' | 'energyEfficiency'): Figure {
  const devices = devicesOf(series);
  const tiers = TIER_ORDER.filter((t) => series.some((s) => s.result.baselines.some((b) => b.tier === t)));
  const headline = series[0].result.headlineTier;
  const value = (s: Series, device: string, tier: Tier) => s.result.baselines.find((b) => b.device === device && b.tier === tier)?.[metric] ?? null;
  const all = series.flatMap((s) => s.result.baselines.map((b) => b[metric]));
  const ranges = PIM_GPT_RANGES.filter((r) => r.metric === metric && devices.includes(r.device));
  const word = metric === 'speedup' ? 'speedup' : 'energy efficiency';
  const axis = logAxis([...all, ...ranges.flatMap((r) => [r.min, r.max])], `PIM ${word} over device (x, log scale)`);
  const panels = tiers.map((tier): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: series.map((s) => axisLabel(s.label)),
      datasets: devices.map((d) => ({ label: d, data: series.map((s) => value(s, d, tier)), backgroundColor: deviceColour(d), borderWidth: 0 })),
    },
    options: barOptions(axis, tierTitle(tier, headline)),
    plugins: tier === 'C'
      ? [bandsPlugin(ranges.map((r) => ({ from: r.min, to: r.max, colour: withAlpha(deviceColour(r.device), 0.22), label: `PIM-GPT vs ${r.device}: ${rangeText(r)}` })))]
      : [],
  }));
  const panelWidth = Math.max(380, 110 + series.length * (devices.length * 6 + 30));
  return {
    title: `PIM ${word} per token over GPU/CPU baselines, by device and tier (shaded: PIM-GPT's published range)`,
    legend: devices.map((d) => ({ label: d, colour: deviceColour(d) })),
    panels,
    columns: panelWidth * tiers.length > 2100 ? 1 : tiers.length,
    panelWidth,
    panelHeight: 440,
  };
}

/** (c) Per-token latency by where the time went: absolute (us) and as a share of the token. */
export function latencyBreakdownFigure(series: readonly Series[]): Figure {
  const keys = Object.keys(LATENCY_LABELS) as (keyof ReportResult['breakdownNs'])[];
  const abs = keys.map((k) => ({ label: LATENCY_LABELS[k], data: series.map((s) => s.result.breakdownNs[k] / 1000), backgroundColor: LATENCY_COLOURS[k] }));
  const share = keys.map((k) => ({
    label: LATENCY_LABELS[k], backgroundColor: LATENCY_COLOURS[k],
    data: series.map((s) => (100 * s.result.breakdownNs[k]) / sumValues(s.result.breakdownNs)),
  }));
  return stackedPair('Per-token latency breakdown (mean over all processed tokens)', series, keys.map((k) => ({ label: LATENCY_LABELS[k], colour: LATENCY_COLOURS[k] })),
    abs, 'latency per token (us)', share, 'share of token latency (%)');
}

/** (c) Per-token energy by component: absolute (uJ) and as a share. */
export function energyBreakdownFigure(series: readonly Series[]): Figure {
  const present = new Set(series.flatMap((s) => Object.keys(s.result.energy.byComponentPj)));
  const keys = [...ENERGY_COMPONENTS.filter((c) => present.has(c)), ...[...present].filter((c) => !(ENERGY_COMPONENTS as readonly string[]).includes(c))];
  const perToken = (s: Series, k: string) => (s.result.energy.byComponentPj[k] ?? 0) / s.result.perToken.latencyNs.length;
  const abs = keys.map((k) => ({ label: k, data: series.map((s) => perToken(s, k) / 1e6), backgroundColor: energyColour(k) }));
  const share = keys.map((k) => ({ label: k, data: series.map((s) => (100 * (s.result.energy.byComponentPj[k] ?? 0)) / s.result.energy.totalPj), backgroundColor: energyColour(k) }));
  return stackedPair('Per-token energy breakdown by component', series, keys.map((k) => ({ label: k, colour: energyColour(k) })),
    abs, 'energy per token (uJ)', share, 'share of energy (%)');
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

/** (d) Per-token latency over the sequence, one line per model; and its growth over the first token (KV cache). */
export function perTokenFigure(series: readonly Series[]): Figure {
  const points = (s: Series, f: (lat: number, first: number) => number) =>
    s.result.perToken.position.map((x, i) => ({ x, y: f(s.result.perToken.latencyNs[i], s.result.perToken.latencyNs[0]) }));
  const maxLen = Math.max(...series.map((s) => s.result.perToken.position.length));
  const line = (s: Series, i: number, f: (lat: number, first: number) => number) => ({
    label: s.label, data: points(s, f), borderColor: seriesColour(i), backgroundColor: seriesColour(i),
    pointRadius: maxLen > 40 ? 0 : 3, pointStyle: seriesPointStyle(i), borderWidth: 2, tension: 0,
  });
  const absValues = series.flatMap((s) => s.result.perToken.latencyNs.map((v) => v / 1000));
  const absY = needsLog(absValues, 20) ? logAxis(absValues, 'latency per token (us, log scale)') : linearAxis('latency per token (us)');
  const maxPos = Math.max(...series.flatMap((s) => s.result.perToken.position));
  const x = { type: 'linear', min: 0, max: Math.max(1, maxPos), title: { display: true, text: 'token position (prompt tokens first)' }, ticks: { precision: 0 } };
  const panel = (datasets: object[], y: object, title: string): ChartConfiguration => ({
    type: 'line',
    data: { datasets } as ChartConfiguration['data'],
    options: { plugins: { legend: { display: false }, title: { display: true, text: title, font: { size: 13 } } }, scales: { x, y } } as ChartConfiguration['options'],
  });
  return {
    title: 'Per-token latency over the sequence (the KV cache grows with position)',
    legend: series.map((s, i) => ({ label: s.label, colour: seriesColour(i), dash: [] })),
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
    title: 'Channel activity: share of the run each channel was busy (commands in flight)',
    panels: [heatMapPanel({
      title: 'busy time / run time, per channel',
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
