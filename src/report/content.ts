/**
 * The report's text: configuration, key numbers, our factors beside PIM-GPT's published ranges,
 * every baseline, sweeps, and every assumption the results carry, as document blocks.
 */
import { TIER_NAMES, type Tier } from '../baselines/index.js';
import { energyGroups, OTHER_SHARE, type Series } from './charts.js';
import type { Block } from './doc.js';
import { DEVICE_TITLES, PIM_GPT_RANGES, PIM_GPT_SOURCE, rangeText } from './published.js';
import { energyLabel, fmtNum, fmtPct, sortDevices } from './style.js';
import type { Sweep } from './sweep.js';

export interface FigureRef {
  readonly file: string;
  readonly caption: string;
}

export interface ContentInput {
  readonly title: string;
  readonly series: readonly Series[];
  readonly files: readonly string[];
  readonly figures: readonly FigureRef[];
  readonly sweeps: readonly { readonly sweep: Sweep; readonly figure: FigureRef }[];
  readonly csv: readonly FigureRef[];
  readonly warnings: readonly string[];
}

const us = (ns: number) => fmtNum(ns / 1000);
const x = (v: number | undefined) => (v === undefined ? 'n/a' : `${fmtNum(v)}x`);

function baseline(s: Series, device: string, tier: Tier) {
  return s.result.baselines.find((b) => b.device === device && b.tier === tier);
}

function configBlocks(series: readonly Series[], files: readonly string[]): Block[] {
  const rows = series.map(({ label, result: r }, i) => {
    const c = r.config, sys = c.system;
    const sets = Object.entries((c as { sets?: Record<string, readonly string[] | undefined> }).sets ?? {})
      .flatMap(([k, list]) => (list ?? []).map((v) => `${k}: ${v}`));
    return [
      label,
      `${c.model.name} (${fmtNum(c.model.parameters / 1e6)}M params, ${c.model.layers} layers, d=${c.model.dModel})`,
      `${sys.name}: ${sys.memory}, ${sys.channels} ch x ${sys.banksPerChannel} banks, PU ${sys.pu.lanes} lanes @ ${fmtNum(sys.pu.clockHz / 1e9)} GHz, ASIC ${sys.asic} @ ${fmtNum(sys.asicClockHz / 1e9)} GHz, link ${fmtNum(sys.linkBandwidthGBs)} GB/s/ch`,
      `${c.prompt} + ${c.tokens}`,
      `${c.fidelity}, ${c.packing}, ${c.precision}`,
      sets.length ? sets.join('; ') : 'none',
      `${r.configHash} (${r.energy.table}; pimsim ${r.pimsimVersion})`,
      files[i],
    ];
  });
  const modes = [...new Set(series.map((s) => s.result.config.promptMode))];
  return [
    { kind: 'heading', level: 2, text: 'Configuration' },
    { kind: 'table', header: ['run', 'model', 'system', 'prompt + generated tokens', 'fidelity, packing, precision', 'overrides', 'config hash (energy table)', 'result file'], rows },
    { kind: 'paragraph', text: `Prompt handling: ${modes.join('; ')}.` },
  ];
}

function keyNumberBlocks(series: readonly Series[]): Block[] {
  const rows = series.map(({ label, result: r }) => [
    label, us(r.summary.meanTokenNs), us(r.summary.meanGeneratedTokenNs), fmtNum(r.summary.tokensPerSecond), fmtNum(r.energy.perTokenPj / 1e6),
    fmtNum(r.energy.averagePowerMw / 1000), fmtPct(r.stats.rowHitRate), fmtPct(r.stats.puUtilization), fmtPct(r.summary.gemvShare), fmtPct(r.summary.asicShare),
  ]);
  return [
    { kind: 'heading', level: 2, text: 'Key numbers' },
    {
      kind: 'table',
      header: ['run', 'latency/token (µs, all tokens)', 'latency/token (µs, generated)', 'tokens/s', 'energy/token (µJ)', 'average power (W)', 'row hit rate', 'PU utilization', 'GEMV share', 'ASIC share'],
      rows, numeric: [false, true, true, true, true, true, true, true, true, true],
    },
  ];
}

function energyBlocks(series: readonly Series[]): Block[] {
  const { shown, other } = energyGroups(series);
  const rows = [...shown, ...other].map((k) => [
    other.includes(k) ? `${energyLabel(k)} (in "other" on the chart)` : energyLabel(k),
    ...series.map((s) => {
      const pj = s.result.energy.byComponentPj[k] ?? 0;
      return `${fmtNum(pj / s.result.perToken.latencyNs.length / 1e6)} (${fmtPct(pj / s.result.energy.totalPj)})`;
    }),
  ]);
  return [
    { kind: 'heading', level: 2, text: 'Energy by component' },
    {
      kind: 'paragraph',
      text: `Energy per token in µJ and its share of each run's energy. Components below ${100 * OTHER_SHARE}% in every run are drawn together as "other" in the energy chart; their shares are here. Each component's formula is under Assumptions.`,
    },
    { kind: 'table', header: ['component', ...series.map((s) => s.label)], rows, numeric: [false, ...series.map(() => true)] },
  ];
}

function publishedBlocks(series: readonly Series[]): Block[] {
  const headline = series[0].result.headlineTier;
  const rows: string[][] = [];
  for (const s of series) {
    for (const p of PIM_GPT_RANGES) {
      const b = baseline(s, p.device, headline)?.[p.metric];
      const c = baseline(s, p.device, p.tier)?.[p.metric];
      const inRange = c === undefined ? 'n/a' : c < p.min ? 'below' : c > p.max ? 'above' : 'within';
      rows.push([s.label, p.metric === 'speedup' ? 'speedup' : 'energy efficiency', DEVICE_TITLES[p.device] ?? p.device, x(b), x(c), rangeText(p), inRange]);
    }
  }
  return [
    { kind: 'heading', level: 2, text: "Against PIM-GPT's published figures" },
    {
      kind: 'paragraph',
      text: `PIM-GPT reports 41-137x speedup and 123-383x energy efficiency over an NVIDIA T4, and 631-1074x and 320-602x over an Intel Xeon Gold 6154, across eight GPT-2/GPT-3 models (${PIM_GPT_SOURCE}; per-model values are not public). Its baselines ran an eager framework: that is our tier C (${TIER_NAMES.C}). Our headline is tier ${headline} (${TIER_NAMES[headline]}), against which far smaller factors are expected.`,
    },
    {
      kind: 'table',
      header: ['run', 'metric', 'device', `ours, tier ${headline} (headline)`, "ours, tier C (paper's setting)", 'PIM-GPT published (tier C)', 'tier C vs published range'],
      rows, numeric: [false, false, false, true, true, true, false],
    },
  ];
}

function baselineBlocks(series: readonly Series[]): Block[] {
  const tiers: Tier[] = ['A', 'B', 'C'];
  const rows = series.flatMap((s) => sortDevices(s.result.baselines.map((b) => b.device)).map((d) => [
    s.label, d, s.result.baselines.find((b) => b.device === d)!.kind,
    ...tiers.map((t) => x(baseline(s, d, t)?.speedup)),
    ...tiers.map((t) => x(baseline(s, d, t)?.energyEfficiency)),
    us(baseline(s, d, s.result.headlineTier)?.latencyNsPerToken ?? NaN),
  ]));
  const methods = [...new Set(series.flatMap((s) => s.result.baselines.map((b) => b.method)))];
  return [
    { kind: 'heading', level: 2, text: 'Speedup and energy efficiency over every baseline' },
    {
      kind: 'paragraph',
      text: `Tiers: A = ${TIER_NAMES.A} (a lower bound on device time), B = ${TIER_NAMES.B}, C = ${TIER_NAMES.C}. Factors are per token, the device's time or energy divided by ours.`,
    },
    {
      kind: 'table',
      header: ['run', 'device', 'kind', 'speedup A', 'speedup B', 'speedup C', 'efficiency A', 'efficiency B', 'efficiency C', `device latency/token, tier ${series[0].result.headlineTier} (µs)`],
      rows, numeric: [false, false, false, true, true, true, true, true, true, true],
    },
    { kind: 'heading', level: 3, text: 'How the baselines were modelled' },
    { kind: 'list', items: methods },
  ];
}

function sweepBlocks(sweeps: ContentInput['sweeps'], series: readonly Series[]): Block[] {
  if (!sweeps.length) return [];
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Sweeps' }];
  for (const { sweep, figure } of sweeps) {
    const pts = sweep.points.map((p) => ({ value: p.value, s: series[p.index] }));
    const headline = pts[0].s.result.headlineTier;
    const devices = PIM_GPT_RANGES.map((r) => r.device).filter((d, i, a) => a.indexOf(d) === i && pts.some((p) => baseline(p.s, d, headline)));
    blocks.push(
      { kind: 'heading', level: 3, text: `${sweep.model}: ${sweep.parameter}` },
      {
        kind: 'table',
        header: [sweep.unit ? `${sweep.parameter} (${sweep.unit})` : sweep.parameter, 'run', 'latency/token (µs)', 'energy/token (µJ)', ...devices.map((d) => `speedup over ${d}, tier ${headline}`)],
        rows: pts.map((p) => [String(p.value), p.s.label, us(p.s.result.summary.meanTokenNs), fmtNum(p.s.result.energy.perTokenPj / 1e6), ...devices.map((d) => x(baseline(p.s, d, headline)?.speedup))]),
        numeric: [sweep.numeric, false, true, true, ...devices.map(() => true)],
      },
      { kind: 'figure', ...figure },
    );
  }
  return blocks;
}

function assumptionBlocks(series: readonly Series[]): Block[] {
  const owners = new Map<string, string[]>();
  for (const s of series) for (const a of s.result.assumptions) owners.set(a, [...(owners.get(a) ?? []), s.label]);
  const items = [...owners].map(([a, who]) => (who.length === series.length ? a : `${a} (only: ${[...new Set(who)].join(', ')})`));
  const formulas = series.flatMap((s) => [
    { kind: 'heading', level: 3, text: `Energy formulas: ${s.label} (${s.result.energy.table})` } as Block,
    { kind: 'list', items: Object.entries((s.result.energy as { formulas?: Record<string, string> }).formulas ?? {}).map(([k, f]) => `${k}: ${f}`) } as Block,
  ]);
  return [
    { kind: 'heading', level: 2, text: 'Assumptions' },
    { kind: 'paragraph', text: 'Every assumption recorded in the results, each listed once.' },
    { kind: 'list', items },
    ...formulas,
  ];
}

export function reportBlocks(input: ContentInput): Block[] {
  const { series } = input;
  const versions = [...new Set(series.map((s) => s.result.pimsimVersion))].join(', ');
  return [
    { kind: 'heading', level: 1, text: input.title },
    {
      kind: 'paragraph',
      text: `Drawn from ${series.length} result file${series.length === 1 ? '' : 's'} (pimsim ${versions}) and nothing else: running pimsim report on the same files (copied under results/) redraws it. Runs: ${series.map((s) => s.label).join(', ')}.`,
    },
    ...(input.warnings.length ? [{ kind: 'list', items: input.warnings.map((w) => `Warning: ${w}`) } as Block] : []),
    ...configBlocks(series, input.files),
    ...keyNumberBlocks(series),
    ...energyBlocks(series),
    ...publishedBlocks(series),
    { kind: 'heading', level: 2, text: 'Charts' },
    ...input.figures.map((f): Block => ({ kind: 'figure', ...f })),
    ...baselineBlocks(series),
    ...sweepBlocks(input.sweeps, series),
    ...assumptionBlocks(series),
    { kind: 'heading', level: 2, text: 'Data files' },
    { kind: 'links', items: input.csv.map((c) => ({ text: `${c.file}: ${c.caption}`, href: c.file })) },
  ];
}
