/**
 * A heat map panel (rows x columns of shares in [0, 1]), drawn directly on the canvas: Chart.js
 * has no matrix chart without a plugin. Used for channel activity, where runs x channels would
 * otherwise be dozens of bars.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { DrawnPanel } from './render.js';

export interface HeatMap {
  readonly title: string;
  readonly rowLabels: readonly string[];
  readonly columnLabels: readonly string[];
  readonly xTitle: string;
  /** values[row][column] in [0, 1]; null where the row has no such column. */
  readonly values: readonly (readonly (number | null)[])[];
  readonly scaleTitle: string;
}

/**
 * White through blues to dark purple and red: readable as "more is busier", and most of the scale
 * spent above 80%, where PIM channels sit (a linear white-to-blue scale made 90% and 100% look
 * the same). Each step from 80% to 100% changes hue, so 90, 95 and 100% are told apart.
 */
const STOPS: readonly [number, readonly [number, number, number]][] = [
  [0, [255, 255, 255]],
  [0.5, [198, 219, 239]],
  [0.8, [107, 174, 214]],
  [0.9, [33, 113, 181]],
  [0.95, [106, 81, 163]],
  [1, [153, 0, 13]],
];

/** Scale values labelled beside the colour bar. */
const SCALE_TICKS = [0, 0.5, 0.8, 0.9, 0.95, 1];

export function heatColour(v: number): string {
  const x = Math.min(1, Math.max(0, v));
  let i = 0;
  while (i < STOPS.length - 2 && x > STOPS[i + 1][0]) i++;
  const [a, ca] = STOPS[i], [b, cb] = STOPS[i + 1];
  const t = (x - a) / (b - a);
  const c = ca.map((ch, k) => Math.round(ch + t * (cb[k] - ch)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * Where value v sits on the colour bar (0 bottom, 1 top): each segment between two stops gets the
 * same height, so the bar shows the 80-100% range as large as it is coloured.
 */
export function scalePosition(v: number): number {
  const x = Math.min(1, Math.max(0, v));
  let i = 0;
  while (i < STOPS.length - 2 && x > STOPS[i + 1][0]) i++;
  return (i + (x - STOPS[i][0]) / (STOPS[i + 1][0] - STOPS[i][0])) / (STOPS.length - 1);
}

/** The inverse of scalePosition. */
function scaleValue(p: number): number {
  const segs = STOPS.length - 1;
  const i = Math.min(segs - 1, Math.floor(p * segs));
  return STOPS[i][0] + (p * segs - i) * (STOPS[i + 1][0] - STOPS[i][0]);
}

export const HEAT_ROW_H = 30;
/** Height a heat map of `rows` rows needs (title, cells, axis labels, and room for the colour bar). */
export function heatMapHeight(rows: number): number {
  return Math.max(40 + 130 + 20, 40 + rows * HEAT_ROW_H + 56);
}

export function heatMapPanel(map: HeatMap): DrawnPanel {
  return {
    draw(g: SKRSContext2D, { width, height, font }) {
      g.font = `12px "${font}"`;
      const labelW = Math.max(...map.rowLabels.map((l) => g.measureText(l).width));
      const left = labelW + 16, right = 90, top = 40;
      const cols = map.columnLabels.length;
      const cellW = (width - left - right) / cols;
      const cellH = HEAT_ROW_H;
      g.fillStyle = '#333333';
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.font = `bold 13px "${font}"`;
      g.fillText(map.title, width / 2, 18);
      g.font = `11px "${font}"`;
      map.values.forEach((row, r) => {
        const y = top + r * cellH;
        g.textAlign = 'right';
        g.fillStyle = '#333333';
        g.font = `12px "${font}"`;
        g.fillText(map.rowLabels[r], left - 8, y + cellH / 2);
        g.font = `11px "${font}"`;
        g.textAlign = 'center';
        row.forEach((v, c) => {
          const x = left + c * cellW;
          if (v === null) {
            g.fillStyle = '#f4f4f4';
            g.fillRect(x + 1, y + 1, cellW - 2, cellH - 2);
            return;
          }
          g.fillStyle = heatColour(v);
          g.fillRect(x + 1, y + 1, cellW - 2, cellH - 2);
          g.fillStyle = v > 0.85 ? '#ffffff' : '#222222';
          if (cellW >= 30) g.fillText(`${Math.round(100 * v)}%`, x + cellW / 2, y + cellH / 2 + 1);
        });
      });
      const bottom = top + map.values.length * cellH;
      g.fillStyle = '#333333';
      map.columnLabels.forEach((l, c) => g.fillText(l, left + (c + 0.5) * cellW, bottom + 12));
      g.font = `12px "${font}"`;
      g.fillText(map.xTitle, left + (cols * cellW) / 2, bottom + 34);
      // Colour scale: 0% at the bottom, 100% at the top, one equal step per colour stop.
      const sx = width - right + 20, sh = Math.max(130, Math.min(height - top - 20, bottom - top));
      for (let i = 0; i < sh; i++) {
        g.fillStyle = heatColour(scaleValue(1 - i / sh));
        g.fillRect(sx, top + i, 14, 1.5);
      }
      g.strokeStyle = '#999999';
      g.lineWidth = 1;
      g.strokeRect(sx, top, 14, sh);
      g.textAlign = 'left';
      g.fillStyle = '#333333';
      g.font = `10px "${font}"`;
      for (const t of SCALE_TICKS) {
        const ty = top + (1 - scalePosition(t)) * sh;
        g.fillRect(sx + 14, ty - 0.5, 3, 1);
        g.fillText(`${Math.round(100 * t)}%`, sx + 19, Math.min(top + sh - 4, Math.max(top + 4, ty)));
      }
      g.save();
      g.translate(sx + 62, top + sh / 2);
      g.rotate(-Math.PI / 2);
      g.textAlign = 'center';
      g.fillText(map.scaleTitle, 0, 0);
      g.restore();
    },
  };
}
