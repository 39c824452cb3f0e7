/**
 * Server-side chart rendering: Chart.js drawing on @napi-rs/canvas, no browser. A figure is a
 * title, an optional shared legend, and a grid of Chart.js panels composed into one PNG.
 */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin, type ScaleOptions } from 'chart.js';
import { pickFontFamily, fmtNum } from './style.js';

/**
 * Pixels per layout unit: figures are laid out at 1x (the size the HTML report shows them, in CSS
 * pixels) and drawn at 1.25x for sharper text on dense screens (1.5x doubles the sample report).
 */
export const SCALE = 1.25;
/** Widest figure, in layout units: the HTML report's column (1200 px less its padding), so no figure is shrunk to fit. */
export const MAX_FIGURE_WIDTH = 1140;
const TITLE_LINE_H = 22;
const LEGEND_ROW_H = 22;

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  /** Line dash, drawn as a line sample instead of a box. */
  readonly dash?: readonly number[];
  /** Drawn as a hatched box (bars that mean "PIM is slower"). */
  readonly hatch?: boolean;
}

/** A drawn figure: the PNG and its layout size (the size to show it at). */
export interface RenderedFigure {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
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

/** Panels per row so that the figure fits MAX_FIGURE_WIDTH (panels wrap onto more rows). */
export function figureLayout(fig: Figure): { columns: number; panelWidth: number; width: number } {
  const panelWidth = Math.min(fig.panelWidth, MAX_FIGURE_WIDTH);
  const wanted = fig.columns ?? fig.panels.length;
  const columns = Math.max(1, Math.min(wanted, Math.floor(MAX_FIGURE_WIDTH / panelWidth)));
  return { columns, panelWidth, width: columns * panelWidth };
}

/** Words of `text` in lines no wider than `width`. */
function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Draws a figure at its layout size (at most MAX_FIGURE_WIDTH wide) and returns the PNG and that size. */
export function renderFigure(fig: Figure): RenderedFigure {
  const font = setupCharts() ?? 'sans-serif';
  const { columns, panelWidth, width } = figureLayout(fig);
  const rows = Math.ceil(fig.panels.length / columns);
  const g0 = createCanvas(1, 1).getContext('2d');
  g0.font = `bold 16px "${font}"`;
  const titleLines = wrapText(fig.title, width - 40, (s) => g0.measureText(s).width);
  const titleH = titleLines.length * TITLE_LINE_H + 12;
  g0.font = `12px "${font}"`;
  const legendRows = fig.legend ? layoutLegend(fig.legend, width, (s) => g0.measureText(s).width) : [];
  const headerH = titleH + legendRows.length * LEGEND_ROW_H + (legendRows.length ? 6 : 0);
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
  titleLines.forEach((t, i) => g.fillText(t, width / 2, 6 + i * TITLE_LINE_H + TITLE_LINE_H / 2 + 2));
  g.font = `12px "${font}"`;
  legendRows.forEach((row, i) => drawLegendRow(g, row, width, titleH + i * LEGEND_ROW_H + LEGEND_ROW_H / 2));
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
  return { png: canvas.toBuffer('image/png'), width, height };
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
    if (e.hatch) {
      drawHatch(g, x + 2, y - 6, 20, 12, e.colour);
    } else if (e.dash) {
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

/** A box of diagonal stripes of `colour` on white, outlined: the look of "below 1x" bars. */
function drawHatch(g: SKRSContext2D, x: number, y: number, w: number, h: number, colour: string): void {
  g.save();
  g.fillStyle = '#ffffff';
  g.fillRect(x, y, w, h);
  g.beginPath();
  g.rect(x, y, w, h);
  g.clip();
  g.strokeStyle = colour;
  g.lineWidth = 2;
  for (let d = -h; d < w; d += 5) {
    g.beginPath();
    g.moveTo(x + d, y + h);
    g.lineTo(x + d + h, y);
    g.stroke();
  }
  g.restore();
  g.strokeStyle = '#222222';
  g.lineWidth = 1;
  g.strokeRect(x, y, w, h);
}

const hatchTiles = new Map<string, Canvas>();

/** A repeating tile of diagonal stripes in `colour`, for bar fills. */
export function hatchTile(colour: string): Canvas {
  let tile = hatchTiles.get(colour);
  if (!tile) {
    tile = createCanvas(8, 8) as Canvas;
    const t = tile.getContext('2d');
    t.fillStyle = '#ffffff';
    t.fillRect(0, 0, 8, 8);
    t.strokeStyle = colour;
    t.lineWidth = 2.5;
    for (const o of [-8, 0, 8]) {
      t.beginPath();
      t.moveTo(o, 8);
      t.lineTo(o + 8, 0);
      t.stroke();
    }
    hatchTiles.set(colour, tile);
  }
  return tile;
}

/** A horizontal reference line across the chart area at y = `value`, labelled at its left end. */
export function referenceLinePlugin(value: number, label: string): Plugin {
  return {
    id: 'pimsimReferenceLine',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales } = chart;
      const y = scales.y.getPixelForValue(value);
      if (!(y >= area.top && y <= area.bottom)) return;
      ctx.save();
      ctx.strokeStyle = '#222222';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 3]);
      ctx.beginPath();
      ctx.moveTo(area.left, y);
      ctx.lineTo(area.right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = `10px "${fontFamily ?? 'sans-serif'}"`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'bottom';
      const w = ctx.measureText(label).width;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(area.left + 3, y - 13, w + 6, 12);
      ctx.fillStyle = '#222222';
      ctx.fillText(label, area.left + 6, y - 2);
      ctx.restore();
    },
  };
}

/** Whether values spanning this range need a log axis (more than `ratio` between extremes). */
export function needsLog(values: readonly number[], ratio = 30): boolean {
  const pos = values.filter((v) => v > 0);
  if (pos.length < 2) return false;
  return Math.max(...pos) / Math.min(...pos) > ratio;
}

/** The largest 1-2-5 step (..., 0.5, 1, 2, 5, 10, ...) at or below x, and the smallest at or above. */
export function oneTwoFiveBelow(x: number): number {
  const decade = 10 ** Math.floor(Math.log10(x) + 1e-12);
  return [5, 2, 1].map((k) => k * decade).find((v) => v <= x * (1 + 1e-12)) ?? decade;
}
export function oneTwoFiveAbove(x: number): number {
  const decade = 10 ** Math.floor(Math.log10(x) - 1e-12);
  return [1, 2, 5, 10].map((k) => k * decade).find((v) => v >= x * (1 - 1e-12)) ?? 10 * decade;
}

/** A log axis fitted to the values: from the 1-2-5 step below the smallest to the one above the largest, ticks at 1-2-5. */
export function logAxis(values: readonly number[], title: string): ScaleOptions<'logarithmic'> {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = pos.length ? oneTwoFiveBelow(Math.min(...pos)) : 0.1;
  const hi = pos.length ? oneTwoFiveAbove(Math.max(...pos)) : 10;
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
