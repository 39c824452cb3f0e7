/**
 * Colours, fonts and number formats shared by every chart and table, so a device, tier, model or
 * component looks the same wherever it appears. Palettes are Paul Tol's colour-blind-safe sets.
 */
import { GlobalFonts } from '@napi-rs/canvas';
import type { Tier } from '../baselines/index.js';

/**
 * One colour per shipped device, GPUs cool and CPUs warm, from Paul Tol's palettes, chosen so that
 * every pair differs by at least 30 in CIELAB (a test checks it): the CPUs are red, orange, wine
 * and sand, not three shades of rose.
 */
const DEVICE_COLOURS: Readonly<Record<string, string>> = {
  't4': '#88CCEE',
  'v100': '#44AA99',
  'a100-80gb': '#117733',
  'h100-sxm': '#332288',
  'rtx-4090': '#777711',
  'xeon-gold-6154': '#CC3311',
  'xeon-gold-6230': '#EE8833',
  'epyc-9654': '#882255',
  'i7-1165g7': '#EEDD88',
};

/** Tol "bright" + extras: for models, sweeps and devices without a fixed colour. */
const SERIES = ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB', '#000000', '#EE7733', '#0077BB', '#009988', '#CC3311'];

export const LATENCY_COLOURS: Readonly<Record<string, string>> = {
  mac: '#4477AA',
  activatePrecharge: '#EE6677',
  loadReadout: '#228833',
  refresh: '#CCBB44',
  asic: '#66CCEE',
  waiting: '#BBBBBB',
};

export const LATENCY_LABELS: Readonly<Record<string, string>> = {
  mac: 'PIM MAC',
  activatePrecharge: 'row activate/precharge',
  loadReadout: 'vector load/readout',
  refresh: 'DRAM refresh',
  asic: 'ASIC',
  waiting: 'waiting (dependencies)',
};

/** Energy components as a reader names them. */
export const ENERGY_LABELS: Readonly<Record<string, string>> = {
  dramActiveStandby: 'DRAM active standby',
  dramPrechargeStandby: 'DRAM precharge standby',
  activation: 'DRAM row activation',
  columnRead: 'DRAM column read',
  columnWrite: 'DRAM column write',
  pimMac: 'PIM MAC',
  globalBufferWrite: 'global buffer write',
  globalBufferRead: 'global buffer read',
  globalBufferReadLowBit: 'global buffer read (low-bit extra)',
  link: 'PIM-ASIC link',
  refresh: 'DRAM refresh',
  asicDynamic: 'ASIC dynamic',
  asicStatic: 'ASIC static',
};

export function energyLabel(component: string): string {
  return ENERGY_LABELS[component] ?? component;
}

/** Colour of the components grouped as "other". */
export const OTHER_COLOUR = '#DDDDDD';

/** Energy components: DRAM background greys, DRAM actions blues/greens, PIM and buffer warm, ASIC cyan. */
const ENERGY_COLOURS: Readonly<Record<string, string>> = {
  dramActiveStandby: '#777777',
  dramPrechargeStandby: '#BBBBBB',
  activation: '#EE6677',
  columnRead: '#228833',
  columnWrite: '#88CCAA',
  pimMac: '#4477AA',
  globalBufferWrite: '#CCBB44',
  globalBufferRead: '#EE7733',
  link: '#AA3377',
  refresh: '#DDCC77',
  asicDynamic: '#66CCEE',
  asicStatic: '#0077BB',
};

/** Tier shading and line style: A lightest and dotted, B (the headline) solid, C dashed. */
export const TIER_STYLE: Readonly<Record<Tier, { alpha: number; dash: number[] }>> = {
  A: { alpha: 0.45, dash: [2, 3] },
  B: { alpha: 1, dash: [] },
  C: { alpha: 0.75, dash: [8, 4] },
};

function hashIndex(name: string, n: number): number {
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h % n;
}

/** Shipped devices in display order: GPUs by age, then CPUs; PIM-GPT's two baselines lead each group. */
const DEVICE_ORDER = Object.keys(DEVICE_COLOURS);

/** Devices sorted into display order; unknown ones after, alphabetically. */
export function sortDevices(devices: Iterable<string>): string[] {
  const rank = (d: string) => (DEVICE_ORDER.includes(d) ? DEVICE_ORDER.indexOf(d) : DEVICE_ORDER.length);
  return [...new Set(devices)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function deviceColour(device: string): string {
  return DEVICE_COLOURS[device] ?? SERIES[hashIndex(device, SERIES.length)];
}

export function energyColour(component: string): string {
  return ENERGY_COLOURS[component] ?? SERIES[hashIndex(component, SERIES.length)];
}

/** Line dashes, so series that coincide stay distinguishable (solid first). */
const DASHES: readonly (readonly number[])[] = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [16, 4]];

export function seriesDash(i: number): readonly number[] {
  return DASHES[i % DASHES.length];
}

/** Point markers, so series that coincide stay distinguishable. */
const POINT_STYLES = ['circle', 'triangle', 'rect', 'rectRot', 'crossRot', 'star', 'cross', 'rectRounded'] as const;

export function seriesPointStyle(i: number): (typeof POINT_STYLES)[number] {
  return POINT_STYLES[i % POINT_STYLES.length];
}

/** The i-th series colour (models in the order of the report's inputs). */
export function seriesColour(i: number): string {
  return SERIES[i % SERIES.length];
}

/** `#RRGGBB` with an alpha, as rgba(). */
export function withAlpha(hex: string, alpha: number): string {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
}

/** Sans-serif families tried in order; DejaVu Sans ships with Debian's fontconfig. */
const FONT_PREFERENCE = ['DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'Arial', 'Helvetica', 'FreeSans', 'Roboto', 'Open Sans'];

/**
 * A font family that @napi-rs/canvas can draw with, from the system fonts it found, or undefined
 * when there is none (charts then render without text; the report says so).
 */
export function pickFontFamily(): string | undefined {
  const families = new Set(GlobalFonts.families.map((f) => f.family));
  return FONT_PREFERENCE.find((f) => families.has(f)) ?? [...families].find((f) => !/mono|math|symbol|emoji/i.test(f)) ?? [...families][0];
}

/** A number for tables and labels: 3 significant digits, thousands separated, no exponent below 1e9. */
export function fmtNum(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9 || a < 1e-4) return v.toExponential(digits - 1);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Percent with one decimal. */
export function fmtPct(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}
