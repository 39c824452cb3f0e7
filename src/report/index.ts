/**
 * `pimsim report`: charts, tables and a Markdown/HTML summary drawn from result files alone.
 * buildReport() renders everything in memory; writeReport() puts it on disk atomically.
 */
import { basename } from 'node:path';
import { PIMSIM_VERSION } from '../resultSchema.js';
import { channelFigure, comparisonFigure, devicesOf, energyBreakdownFigure, latencyBreakdownFigure, perTokenFigure, type Series } from './charts.js';
import { reportBlocks, type FigureRef } from './content.js';
import { baselinesCsv, channelsCsv, perTokenCsv, summaryCsv } from './csv.js';
import { renderHtml, renderMarkdown } from './doc.js';
import { loadResults, type LoadedResult } from './load.js';
import { renderFigure, setupCharts, type Figure, type RenderedFigure } from './render.js';
import { detectSweeps, labelResults } from './sweep.js';
import { sweepFigure } from './sweepCharts.js';
import { checkReportTarget, MANIFEST_FILE, REPORT_KIND, writeReportDir } from './write.js';

export { checkReportTarget, writeReportDir } from './write.js';
export { loadResults, parseResult, type LoadedResult, type ReportResult, type SweepTag, SweepTagSchema } from './load.js';
export { detectSweeps, labelResults, type Sweep } from './sweep.js';
export { parseCsv } from './csv.js';
export { PIM_GPT_RANGES } from './published.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportOptions {
  readonly title?: string;
  /** Notes shown at the top of the report and kept in its manifest (e.g. a partial merge). */
  readonly notes?: readonly string[];
}

export interface Report {
  /** Relative path inside the report directory -> content. */
  readonly files: ReadonlyMap<string, string | Buffer>;
  /** One label per input, in input order (used in every chart and table). */
  readonly labels: readonly string[];
  /** Problems that did not stop the report (e.g. no font for chart text). */
  readonly warnings: readonly string[];
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'result';
}

function uniqueSlugs(labels: readonly string[]): string[] {
  const seen = new Set<string>();
  return labels.map((l) => {
    let s = slug(l);
    for (let n = 2; seen.has(s); n++) s = `${slug(l)}-${n}`;
    seen.add(s);
    return s;
  });
}

/** Renders the whole report in memory from checked results (see loadResults). */
export function buildReport(inputs: readonly LoadedResult[], opts: ReportOptions = {}): Report {
  const labels = labelResults(inputs);
  const series: Series[] = inputs.map((x, i) => ({ label: labels[i], result: x.result }));
  const warnings: string[] = [...(opts.notes ?? [])];
  if (!setupCharts()) {
    warnings.push('no font was found for chart text (@napi-rs/canvas saw no system fonts): charts have no labels; install a TrueType font such as DejaVu Sans');
  }
  const files = new Map<string, string | Buffer>();
  const images = new Map<string, RenderedFigure>();
  const draw = (name: string, fig: Figure, caption: string): FigureRef => {
    const file = `charts/${name}.png`;
    const drawn = renderFigure(fig);
    images.set(file, drawn);
    files.set(file, drawn.png);
    return { file, caption };
  };
  const hasBaselines = devicesOf(series).length > 0;
  if (!hasBaselines) warnings.push('the results hold no baselines (simulated with no devices): no speedup or energy-efficiency charts');
  const figures: FigureRef[] = [
    ...(hasBaselines ? [
      draw('speedup', comparisonFigure(series, 'speedup'), 'Speedup per token over each baseline device, per tier (log scale); the dashed line is 1x, hatched bars are below it (PIM slower than the device); shaded bands on tier C: PIM-GPT\'s published ranges.'),
      draw('energy-efficiency', comparisonFigure(series, 'energyEfficiency'), 'Energy efficiency per token over each baseline device, per tier (log scale); the dashed line is 1x, hatched bars are below it (PIM uses more energy per token than the device); shaded bands on tier C: PIM-GPT\'s published ranges.'),
    ] : []),
    draw('latency-breakdown', latencyBreakdownFigure(series), 'Where each token\'s time goes (mean over all processed tokens): absolute and as a share.'),
    draw('energy-breakdown', energyBreakdownFigure(series), 'Energy per token by component: absolute and as a share; components under 2% of every run are grouped as "other" (each one\'s share is in the energy table).'),
    draw('per-token-latency', perTokenFigure(series), 'Latency of each processed token over the sequence, and its growth over the first token as the KV cache grows; each run has its own colour, dash and marker, and a run whose curve repeats another\'s exactly says so in the legend.'),
    draw('channel-activity', channelFigure(series), 'Share of the run each channel was busy: executing PIM instructions, i.e. issuing commands or waiting on DRAM timing between them, rather than waiting for the ASIC, another channel or the next token. Busy is not PU utilization (in Key numbers), which counts only the cycles the processing units spend on MACs. The colour scale spends most of its range above 80%, where runs differ. Absolute busy time per channel: channels.csv.'),
  ];
  const sweeps = detectSweeps(inputs).map((sweep, i) => ({
    sweep,
    figure: draw(`sweep-${i + 1}-${slug(sweep.model)}-${slug(sweep.parameter)}`, sweepFigure(sweep, series),
      `${sweep.parameter} swept on ${sweep.model}: latency, energy and headline speedup.`),
  }));
  const csv: FigureRef[] = [
    { file: 'summary.csv', caption: 'one row per run: configuration, latency, energy, breakdown, statistics' },
    { file: 'baselines.csv', caption: 'one row per run, device and tier: baseline latency and energy, speedup, energy efficiency' },
    { file: 'per-token.csv', caption: 'one row per run and processed token: latency' },
    { file: 'channels.csv', caption: 'one row per run and channel: busy time' },
  ];
  files.set('summary.csv', summaryCsv(series));
  files.set('baselines.csv', baselinesCsv(series));
  files.set('per-token.csv', perTokenCsv(series));
  files.set('channels.csv', channelsCsv(series));
  const copies = uniqueSlugs(labels).map((s) => `results/${s}.json`);
  inputs.forEach((x, i) => files.set(copies[i], JSON.stringify(x.result, null, 2) + '\n'));
  const title = opts.title ?? 'pimsim report';
  const blocks = reportBlocks({
    title, series, figures, sweeps, csv, warnings,
    files: copies.map((c, i) => `${c} (from ${basename(inputs[i].file)})`),
  });
  files.set('index.md', renderMarkdown(blocks));
  files.set('index.html', renderHtml(title, blocks, images));
  const manifest = {
    kind: REPORT_KIND, schemaVersion: REPORT_SCHEMA_VERSION, pimsimVersion: PIMSIM_VERSION, title,
    inputs: inputs.map((x, i) => ({ label: labels[i], file: basename(x.file), copy: copies[i], configHash: x.result.configHash })),
    files: [...files.keys(), MANIFEST_FILE].sort(),
    warnings,
  };
  files.set(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
  return { files, labels, warnings };
}

/** Reads result files, renders the report and writes it to `outDir` atomically. */
export function writeReport(paths: readonly string[], outDir: string, opts: ReportOptions = {}): Report {
  const inputs = loadResults(paths);
  checkReportTarget(outDir);
  const report = buildReport(inputs, opts);
  writeReportDir(outDir, report.files);
  return report;
}
