/**
 * (f) A sweep: the swept parameter against per-token latency, per-token energy, and the headline
 * speedup over each baseline device.
 */
import type { ChartConfiguration } from 'chart.js';
import type { Series } from './charts.js';
import { devicesOf, tierTitle } from './charts.js';
import { linearAxis, logAxis, needsLog, type Figure } from './render.js';
import { deviceColour, fmtNum } from './style.js';
import type { Sweep } from './sweep.js';

/** x values of a sweep: numbers on a numeric axis (log when they span more than 16x), else categories. */
function xAxis(sweep: Sweep): { axis: object; xs: (number | string)[] } {
  const xs = sweep.points.map((p) => p.value);
  const title = { display: true, text: sweep.unit ? `${sweep.parameter} (${sweep.unit})` : sweep.parameter };
  if (!sweep.numeric) return { axis: { type: 'category', labels: xs.map(String), title }, xs: xs.map(String) };
  const nums = xs as number[];
  const log = nums.every((v) => v > 0) && Math.max(...nums) / Math.min(...nums) > 16;
  const axis = {
    type: log ? 'logarithmic' : 'linear',
    title: log ? { ...title, text: `${title.text}, log scale` } : title,
    // Ticks exactly at the swept values, so each point is labelled.
    afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
      scale.ticks = [...new Set(nums)].map((value) => ({ value }));
    },
    ticks: { callback: (v: string | number) => (Number.isInteger(Number(v)) ? String(v) : fmtNum(Number(v))) },
    offset: false,
  };
  return { axis, xs: nums };
}

export function sweepFigure(sweep: Sweep, series: readonly Series[]): Figure {
  const pts = sweep.points.map((p) => series[p.index]);
  const { axis, xs } = xAxis(sweep);
  const data = (f: (s: Series) => number | null) => pts.map((s, i) => ({ x: xs[i], y: f(s) }));
  const line = (label: string, colour: string, d: { x: number | string; y: number | null }[]) => ({
    label, data: d, borderColor: colour, backgroundColor: colour, pointRadius: 3, borderWidth: 2, tension: 0,
  });
  const headline = pts[0].result.headlineTier;
  const devices = devicesOf(pts);
  const speedup = (s: Series, d: string) => s.result.baselines.find((b) => b.device === d && b.tier === headline)?.speedup ?? null;
  const latency = pts.map((s) => s.result.summary.meanTokenNs / 1000);
  const energy = pts.map((s) => s.result.energy.perTokenPj / 1e6);
  const speedups = pts.flatMap((s) => devices.map((d) => speedup(s, d) ?? 0));
  const yAxis = (values: number[], title: string) => (needsLog(values, 20) ? logAxis(values, `${title}, log scale`) : linearAxis(title));
  const panel = (datasets: object[], y: object, title: string): ChartConfiguration => ({
    type: 'line',
    data: { datasets } as ChartConfiguration['data'],
    options: {
      plugins: { legend: { display: false }, title: { display: true, text: title, font: { size: 13 } } },
      scales: { x: axis, y },
    } as ChartConfiguration['options'],
  });
  return {
    title: `Sweep of ${sweep.parameter} on ${sweep.model}`,
    legend: [{ label: 'PIM', colour: '#222222', dash: [] }, ...devices.map((d) => ({ label: `speedup over ${d}`, colour: deviceColour(d), dash: [] }))],
    panels: [
      panel([line('latency', '#222222', data((s) => s.result.summary.meanTokenNs / 1000))], yAxis(latency, 'latency per token (µs)'), 'latency per token'),
      panel([line('energy', '#222222', data((s) => s.result.energy.perTokenPj / 1e6))], yAxis(energy, 'energy per token (µJ)'), 'energy per token'),
      panel(devices.map((d) => line(d, deviceColour(d), data((s) => speedup(s, d)))), yAxis(speedups, 'speedup (x)'), `speedup, ${tierTitle(headline, headline)}`),
    ],
    panelWidth: 460,
    panelHeight: 380,
  };
}
