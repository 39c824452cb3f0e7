/**
 * The result document of a simulation: everything a report needs, as plain JSON. Reports read
 * only this (so `pimsim report` can redraw any past run); `kind` and `schemaVersion` let readers
 * refuse files that are not pimsim results or come from an incompatible version.
 */
import { configHash, PIMSIM_VERSION, RESULT_SCHEMA_VERSION, type LatencyBreakdown, type Simulation } from './simulate.js';
import { energyOf, energyTableFor, type EnergyReport } from './energy/index.js';
import type { AsicOp } from './asic/latency.js';
import { compareBaselines, type BaselineComparison } from './compare.js';
import { parameterCount } from './model/spec.js';
import type { CommandName } from './dram/commands.js';
import type { Tier } from './baselines/index.js';
import { formatPrecisionPlan, type PrecisionPlan } from './model/precision.js';
import { explainLowBit, type LowBitExplanation } from './pim/lowbitBounds.js';
import { energyField } from './energy/figures.js';

export const RESULT_KIND = 'pimsim.simulation';

export interface SimulationResult {
  readonly kind: typeof RESULT_KIND;
  readonly schemaVersion: number;
  readonly pimsimVersion: string;
  readonly configHash: string;
  readonly config: {
    readonly model: { name: string; layers: number; dModel: number; heads: number; headDim: number; dFF: number; vocab: number; context: number; parameters: number };
    readonly system: {
      name: string; memory: string; channels: number; banksPerChannel: number; tCK_ps: number; rows: number; columnsPerRow: number;
      pu: { banksPerPu: number; lanes: number; clockHz: number; formats: readonly string[] };
      globalBufferBytes: number; linkBandwidthGBs: number; asic: string; asicClockHz: number;
      peakInternalBandwidthGBs: number; peakExternalBandwidthGBs: number;
    };
    readonly prompt: number;
    readonly tokens: number;
    readonly promptMode: string;
    readonly fidelity: string;
    readonly packing: string;
    /** The precision plan in compact form ("ternary,lm-head=bf16,attention=bf16"). */
    readonly precision: string;
    readonly precisionPlan: PrecisionPlan;
  };
  /** Per processed token (prompt tokens first), columnar. */
  readonly perToken: { readonly position: number[]; readonly phase: ('prompt' | 'generate')[]; readonly latencyNs: number[] };
  readonly summary: {
    readonly totalNs: number;
    readonly meanTokenNs: number;
    readonly meanGeneratedTokenNs: number;
    readonly tokensPerSecond: number;
    readonly asicShare: number;
    readonly gemvShare: number;
  };
  readonly breakdownNs: LatencyBreakdown;
  readonly stats: {
    readonly rowHitRate: number;
    readonly puUtilization: number;
    readonly macCommands: number;
    readonly activations: number;
    readonly internalBandwidthGBs: number;
    readonly externalBytes: number;
    readonly asicBusyNs: number;
    readonly rowOpenNs: number;
    readonly commands: Partial<Record<CommandName, number>>;
    readonly perChannelBusyNs: number[];
    readonly instructions: number;
  };
  readonly mapping: { readonly rowsUsedPerBank: number; readonly packing: string };
  readonly energy: {
    readonly totalPj: number;
    readonly perTokenPj: number;
    readonly averagePowerMw: number;
    readonly byComponentPj: Record<string, number>;
    readonly formulas: Record<string, string>;
    readonly table: string;
  };
  readonly baselines: readonly BaselineComparison[];
  /** Which bound limits the run per weight format, and the published accuracy cost of the formats. */
  readonly lowBit: LowBitExplanation;
  /** Where the headline comparison sits: tier B (optimised runtime); PIM-GPT's own setting is tier C. */
  readonly headlineTier: Tier;
  readonly assumptions: readonly string[];
}

export interface ResultOptions {
  readonly asicOps: readonly AsicOp[];
  readonly devices?: readonly string[];
  readonly sets?: { readonly system?: readonly string[]; readonly model?: readonly string[] };
}

export function buildResult(sim: Simulation, opts: ResultOptions): SimulationResult {
  const { model, system, stats } = sim;
  const m = system.memory;
  const lat = sim.tokens.map((t) => t.latencyNs);
  const totalNs = lat.reduce((a, b) => a + b, 0);
  const gen = sim.tokens.filter((t) => t.phase === 'generate');
  const meanGen = gen.length ? gen.reduce((a, t) => a + t.latencyNs, 0) / gen.length : totalNs / sim.tokens.length;
  const table = energyTableFor(system);
  const energy: EnergyReport = energyOf(stats, system, table, {
    asicOps: opts.asicOps, rowOpenNsPerChannel: stats.rowOpenNs, bankColumnsByFormat: sim.formats.bankColumnsByFormat,
  });
  // energyOf charges one column of global-buffer reads per MAC; low-bit MACs read more (lowbitStats.ts).
  const byComponentPj = Object.fromEntries(energy.components.map((c) => [c.name, c.energyPj])) as Record<string, number>;
  const formulas = Object.fromEntries(energy.components.map((c) => [c.name, c.formula])) as Record<string, string>;
  let totalPj = energy.totalPj;
  const extraBits = sim.formats.extraGlobalBufferReadBits;
  if (extraBits > 0) {
    const e = energyField(table, 'pim.globalBuffer.readPerBit', 'low-bit global-buffer reads');
    const copies = table.preset.pim.globalBuffer?.copies ?? 1;
    byComponentPj.globalBufferReadLowBit = extraBits * copies * e.pj;
    formulas.globalBufferReadLowBit = `${extraBits} extra bits read by low-bit MACs (reads per column x ${system.pu.globalBufferReadBits} bits beyond the one column energyOf counts) x ${copies} copies x ${e.formula}/bit`;
    totalPj += byComponentPj.globalBufferReadLowBit;
  }
  const perTokenPj = totalPj / sim.tokens.length;
  const meanTokenNs = totalNs / sim.tokens.length;
  const config = {
    model: {
      name: model.name, layers: model.layers, dModel: model.dModel, heads: model.heads, headDim: model.headDim, dFF: model.dFF,
      vocab: model.vocab, context: model.context, parameters: parameterCount(model),
    },
    system: {
      name: system.name, memory: m.name, channels: m.org.channels, banksPerChannel: m.banksPerChannel, tCK_ps: m.tCK_ps, rows: m.org.rows,
      columnsPerRow: m.burstsPerRow,
      pu: { banksPerPu: system.pu.banksPerPu, lanes: system.pu.lanes, clockHz: system.pu.clockHz, formats: system.pu.formats },
      globalBufferBytes: system.globalBufferBytes, linkBandwidthGBs: system.linkBytesPerSecond / 1e9, asic: system.asic.name,
      asicClockHz: system.asic.clockHz, peakInternalBandwidthGBs: stats.peakInternalBandwidthGBs,
      peakExternalBandwidthGBs: (m.org.channels * system.linkBytesPerSecond) / 1e9,
    },
    prompt: sim.prompt,
    tokens: sim.generated,
    promptMode: 'prompt tokens processed one at a time, like generated ones (as PIM-GPT does); no batched prefill',
    fidelity: sim.fidelity,
    packing: sim.layout.packing,
    precision: formatPrecisionPlan(sim.precision),
    precisionPlan: sim.precision,
    sets: opts.sets ?? {},
  };
  const baselines = compareBaselines({
    model, positions: sim.tokens.map((t) => t.position), pimLatencyNsPerToken: meanTokenNs, pimEnergyPjPerToken: perTokenPj, devices: opts.devices,
    precision: sim.precision,
  });
  const b = sim.breakdownNs;
  return {
    kind: RESULT_KIND,
    schemaVersion: RESULT_SCHEMA_VERSION,
    pimsimVersion: PIMSIM_VERSION,
    configHash: configHash(config),
    config,
    perToken: { position: sim.tokens.map((t) => t.position), phase: sim.tokens.map((t) => t.phase), latencyNs: lat },
    summary: {
      totalNs, meanTokenNs, meanGeneratedTokenNs: meanGen, tokensPerSecond: 1e9 / meanTokenNs,
      asicShare: b.asic / meanTokenNs,
      gemvShare: (b.mac + b.activatePrecharge + b.loadReadout) / meanTokenNs,
    },
    breakdownNs: b,
    stats: {
      rowHitRate: stats.rowHitRate, puUtilization: sim.formats.puUtilization, macCommands: stats.macCommands, activations: stats.activations,
      internalBandwidthGBs: stats.internalBandwidthGBs, externalBytes: stats.externalBytes, asicBusyNs: stats.asicBusyNs, rowOpenNs: stats.rowOpenNs,
      commands: stats.commands, perChannelBusyNs: stats.perChannel.map((c) => c.busyNs), instructions: stats.instructions,
    },
    mapping: { rowsUsedPerBank: sim.layout.rowsUsed, packing: sim.layout.packing },
    energy: {
      totalPj, perTokenPj, averagePowerMw: stats.ns > 0 ? totalPj / stats.ns : 0,
      byComponentPj, formulas,
      table: energy.table,
    },
    baselines,
    lowBit: explainLowBit(system, sim.formats, sim.breakdownNs),
    headlineTier: 'B',
    assumptions: [...new Set([...system.assumptions, ...model.assumptions, ...system.asic.assumptions, ...energy.assumptions])],
  };
}
