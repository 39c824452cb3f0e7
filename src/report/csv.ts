/**
 * The report's CSV tables: numbers at full precision (String(n), so they read back exactly),
 * one header row, RFC 4180 quoting where a field needs it.
 */
import { ENERGY_COMPONENTS } from '../energy/index.js';
import type { Series } from './charts.js';

type Cell = string | number | undefined;

function cell(v: Cell): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

const BREAKDOWN_KEYS = ['mac', 'activatePrecharge', 'loadReadout', 'refresh', 'asic', 'waiting'] as const;

/** Union of keys, known order first. */
function keysOf(series: readonly Series[], pick: (s: Series) => object, known: readonly string[] = []): string[] {
  const present = new Set(series.flatMap((s) => Object.keys(pick(s))));
  return [...known.filter((k) => present.has(k)), ...[...present].filter((k) => !known.includes(k)).sort()];
}

/** One row per result: configuration, latency, energy, breakdown and statistics. */
export function summaryCsv(series: readonly Series[]): string {
  const energyKeys = keysOf(series, (s) => s.result.energy.byComponentPj, ENERGY_COMPONENTS);
  const commandKeys = keysOf(series, (s) => s.result.stats.commands);
  const header = [
    'label', 'model', 'parameters', 'system', 'memory', 'channels', 'configHash', 'promptTokens', 'generatedTokens', 'sweepParameter', 'sweepValue',
    'totalNs', 'meanTokenNs', 'meanGeneratedTokenNs', 'tokensPerSecond', 'asicShare', 'gemvShare',
    ...BREAKDOWN_KEYS.map((k) => `breakdown.${k}Ns`),
    'energyTotalPj', 'energyPerTokenPj', 'averagePowerMw', ...energyKeys.map((k) => `energy.${k}Pj`),
    'rowHitRate', 'puUtilization', 'macCommands', 'activations', 'internalBandwidthGBs', 'externalBytes', 'asicBusyNs', 'rowOpenNs', 'instructions',
    ...commandKeys.map((k) => `commands.${k}`),
  ];
  const rows = series.map(({ label, result: r }) => {
    const st = r.stats as typeof r.stats & Record<string, unknown>;
    return [
      label, r.config.model.name, r.config.model.parameters, r.config.system.name, r.config.system.memory, r.config.system.channels, r.configHash,
      r.config.prompt, r.config.tokens, r.sweep?.parameter, r.sweep?.value,
      r.summary.totalNs, r.summary.meanTokenNs, r.summary.meanGeneratedTokenNs, r.summary.tokensPerSecond, r.summary.asicShare, r.summary.gemvShare,
      ...BREAKDOWN_KEYS.map((k) => r.breakdownNs[k]),
      r.energy.totalPj, r.energy.perTokenPj, r.energy.averagePowerMw, ...energyKeys.map((k) => r.energy.byComponentPj[k]),
      st.rowHitRate, st.puUtilization, st.macCommands, st.activations, st.internalBandwidthGBs, st.externalBytes, st.asicBusyNs, st.rowOpenNs, st.instructions,
      ...commandKeys.map((k) => (r.stats.commands as Record<string, number | undefined>)[k]),
    ] as Cell[];
  });
  return toCsv(header, rows);
}

/** One row per result x device x tier. */
export function baselinesCsv(series: readonly Series[]): string {
  const header = ['label', 'model', 'device', 'kind', 'tier', 'headlineTier', 'pimLatencyNsPerToken', 'pimEnergyPjPerToken',
    'latencyNsPerToken', 'energyPjPerToken', 'energyUpperBoundPjPerToken', 'speedup', 'energyEfficiency', 'method'];
  const rows = series.flatMap(({ label, result: r }) => r.baselines.map((b) => [
    label, r.config.model.name, b.device, b.kind, b.tier, r.headlineTier, r.summary.meanTokenNs, r.energy.perTokenPj,
    b.latencyNsPerToken, b.energyPjPerToken, b.energyUpperBoundPjPerToken, b.speedup, b.energyEfficiency, b.method,
  ] as Cell[]));
  return toCsv(header, rows);
}

/** One row per result x processed token. */
export function perTokenCsv(series: readonly Series[]): string {
  const rows = series.flatMap(({ label, result: r }) => r.perToken.position.map((p, i) => [label, r.config.model.name, p, r.perToken.phase[i], r.perToken.latencyNs[i]] as Cell[]));
  return toCsv(['label', 'model', 'position', 'phase', 'latencyNs'], rows);
}

/** One row per result x channel. */
export function channelsCsv(series: readonly Series[]): string {
  const rows = series.flatMap(({ label, result: r }) => r.stats.perChannelBusyNs.map((busy, c) => [label, r.config.model.name, c, busy, busy / r.summary.totalNs] as Cell[]));
  return toCsv(['label', 'model', 'channel', 'busyNs', 'busyShare'], rows);
}

/** Parses a CSV written by toCsv (for tests and tools): rows of strings, header first. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field.length || row.length) { row.push(field); rows.push(row); }
  return rows;
}
