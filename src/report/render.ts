/**
 * Server-side chart rendering: Chart.js drawing on @napi-rs/canvas, no browser. A figure is a
 * title, an optional shared legend, and a grid of Chart.js panels composed into one PNG.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin, type ScaleOptions } from 'chart.js';
import { pickFontFamily, fmtNum } from './style.js';

/** Pixels per layout unit: figures are laid out at 1x and drawn at 1.25x for sharper text (1.5x doubles the sample report). */
const SCALE = 1.25;
const TITLE_H = 34;
const LEGEND_ROW_H = 22;

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  /** Line dash, drawn as a line sample instead of a box. */
  readonly dash?: readonly number[];
}

/** A panel drawn directly (for what Chart.js has no chart type for, such as a heat map), in layout units. */
export interface DrawnPanel {
  readonly draw: (g: SKRSContext2D, size: { width: number; height: number; font: string }) => void;
}

export type Panel = ChartConfiguration | DrawnPanel;

export interface Figure {
  readonly title: string;
  readonly legend?: readonly LegendEntry[];
  readonly panels: readonly Panel[];
  /** Panels per row (default: all in one row). */
  readonly columns?: number;
  readonly panelWidth: number;
  readonly panelHeight: number;
}

let fontFamily: string | undefined | null = null;

/**
 * Registers Chart.js components and picks a font, once per process (Chart.js keeps both in its
 * global registry). Returns the font family used, or undefined when the system has none.
 */
export function setupCharts(): string | undefined {
  if (fontFamily === null) {
    Chart.register(...registerables);
    fontFamily = pickFontFamily();
    if (fontFamily) Chart.defaults.font.family = fontFamily;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = '#333333';
  }
  return fontFamily;
}

/** Draws a figure and returns the PNG bytes. */
export function renderFigure(fig: Figure): Buffer {
  const font = setupCharts() ?? 'sans-serif';
  const columns = fig.columns ?? fig.panels.length;
  const rows = Math.ceil(fig.panels.length / columns);
  const g0 = createCanvas(1, 1).getContext('2d');
  g0.font = `bold 16px "${font}"`;
  // Panels spread to fit the title when it is wider than they are.
  const panelWidth = Math.max(fig.panelWidth, Math.ceil((g0.measureText(fig.title).width + 40) / columns));
  const width = columns * panelWidth;
  g0.font = `12px "${font}"`;
  const legendRows = fig.legend ? layoutLegend(fig.legend, width, (s) => g0.measureText(s).width) : [];
  const headerH = TITLE_H + legendRows.length * LEGEND_ROW_H + (legendRows.length ? 6 : 0);
  const height = headerH + rows * fig.panelHeight;
  const canvas = createCanvas(Math.round(width * SCALE), Math.round(height * SCALE));
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.scale(SCALE, SCALE);
  g.fillStyle = '#222222';
  g.font = `bold 16px "${font}"`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(fig.title, width / 2, TITLE_H / 2 + 2);
  g.font = `12px "${font}"`;
  legendRows.forEach((row, i) => drawLegendRow(g, row, width, TITLE_H + i * LEGEND_ROW_H + LEGEND_ROW_H / 2));
  g.setTransform(1, 0, 0, 1, 0, 0);
  fig.panels.forEach((config, i) => {
    const x = Math.round((i % columns) * panelWidth * SCALE);
    const y = Math.round((headerH + Math.floor(i / columns) * fig.panelHeight) * SCALE);
    if ('draw' in config) {
      g.save();
      g.setTransform(SCALE, 0, 0, SCALE, x, y);
      config.draw(g, { width: panelWidth, height: fig.panelHeight, font });
      g.restore();
      return;
    }
    const panel = createCanvas(panelWidth, fig.panelHeight);
    const chart = new Chart(panel.getContext('2d') as unknown as CanvasRenderingContext2D, withDefaults(config));
    // Compose before destroy(): destroying a chart clears its canvas.
    g.drawImage(panel, x, y);
    chart.destroy();
  });
  return canvas.toBuffer('image/png');
}

function withDefaults(config: ChartConfiguration): ChartConfiguration {
  const options = config.options ?? {};
  return {
    ...config,
    options: {
      ...options,
      animation: false,
      responsive: false,
      devicePixelRatio: SCALE,
      layout: { padding: { left: 6, right: 18, top: 4, bottom: 4 }, ...options.layout },
    },
  } as ChartConfiguration;
}

interface PlacedEntry extends LegendEntry {
  readonly width: number;
}

function layoutLegend(entries: readonly LegendEntry[], width: number, measure: (s: string) => number): PlacedEntry[][] {
  const rows: PlacedEntry[][] = [[]];
  let used = 0;
  for (const e of entries) {
    const w = 30 + measure(e.label) + 16;
    if (used + w > width - 40 && rows[rows.length - 1].length) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1].push({ ...e, width: w });
    used += w;
  }
  return rows;
}

function drawLegendRow(g: SKRSContext2D, row: readonly PlacedEntry[], width: number, y: number): void {
  let x = (width - row.reduce((a, e) => a + e.width, 0)) / 2;
  g.textAlign = 'left';
  for (const e of row) {
    if (e.dash) {
      g.strokeStyle = e.colour;
      g.lineWidth = 3;
      g.setLineDash([...e.dash]);
      g.beginPath();
      g.moveTo(x, y);
      g.lineTo(x + 24, y);
      g.stroke();
      g.setLineDash([]);
    } else {
      g.fillStyle = e.colour;
      g.fillRect(x + 2, y - 6, 20, 12);
    }
    g.fillStyle = '#333333';
    g.fillText(e.label, x + 30, y + 1);
    x += e.width;
  }
}

/** Whether values spanning this range need a log axis (more than `ratio` between extremes). */
export function needsLog(values: readonly number[], ratio = 30): boolean {
  const pos = values.filter((v) => v > 0);
  if (pos.length < 2) return false;
  return Math.max(...pos) / Math.min(...pos) > ratio;
}

/** A log axis from the decade below the smallest value to the decade above the largest, ticks at 1-2-5. */
export function logAxis(values: readonly number[], title: string): ScaleOptions<'logarithmic'> {
  const pos = values.filter((v) => v > 0);
  const lo = pos.length ? 10 ** Math.floor(Math.log10(Math.min(...pos))) : 0.1;
  const hi = pos.length ? 10 ** Math.ceil(Math.log10(Math.max(...pos)) + 1e-9) : 10;
  return {
    type: 'logarithmic',
    min: lo,
    max: hi,
    title: { display: true, text: title },
    // Label and draw strong grid lines at 1-2-5 of each decade only; the other minor lines faintly.
    ticks: { callback: (v: string | number) => (isOneTwoFive(Number(v)) ? fmtNum(Number(v), 1) : ''), autoSkip: false },
    grid: { color: (c: { tick?: { value: number } }) => (c.tick && isOneTwoFive(c.tick.value) ? 'rgba(0,0,0,0.12)' : 'rgba(0,0,0,0.035)') },
  } as ScaleOptions<'logarithmic'>;
}

function isOneTwoFive(x: number): boolean {
  if (!(x > 0)) return false;
  const m = x / 10 ** Math.floor(Math.log10(x) + 1e-9);
  return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6);
}

/** A linear axis from zero with a title. */
export function linearAxis(title: string, extra: Record<string, unknown> = {}): ScaleOptions<'linear'> {
  return { type: 'linear', beginAtZero: true, title: { display: true, text: title }, ...extra } as ScaleOptions<'linear'>;
}

export interface Band {
  readonly from: number;
  readonly to: number;
  readonly colour: string;
  readonly label: string;
}

/** Shaded horizontal bands on the y axis (published ranges) behind the bars, labels in front. */
export function bandsPlugin(bands: readonly Band[]): Plugin {
  const extent = (chart: Chart, b: Band) => {
    const area = chart.chartArea;
    const top = Math.max(area.top, chart.scales.y.getPixelForValue(b.to));
    const bottom = Math.min(area.bottom, chart.scales.y.getPixelForValue(b.from));
    return { area, top, bottom };
  };
  return {
    id: 'pimsimBands',
    beforeDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      for (const b of bands) {
        const { area, top, bottom } = extent(chart, b);
        if (bottom <= top) continue;
        ctx.fillStyle = b.colour;
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
      }
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      for (const b of bands) {
        const { area, top, bottom } = extent(chart, b);
        if (bottom <= top) continue;
        ctx.font = `10px "${fontFamily ?? 'sans-serif'}"`;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'top';
        const w = ctx.measureText(b.label).width;
        ctx.fillStyle = 'rgba(255,255,255,0.8)';
        ctx.fillRect(area.right - 8 - w, top + 1, w + 6, 13);
        ctx.fillStyle = '#333333';
        ctx.fillText(b.label, area.right - 5, top + 2);
      }
      ctx.restore();
    },
  };
}
