/**
 * Building the result document of a simulation (its schema, type and version constants are in
 * src/resultSchema.ts): everything a report needs, as plain JSON, with a hash of everything that
 * determined it.
 */
import type { Simulation } from './simulate.js';
import { energyOf, energyTableFor, type EnergyReport, type EnergyTable } from './energy/index.js';
import type { AsicOp } from './asic/latency.js';
import { compareBaselines, defaultDevices } from './compare.js';
import { parameterCount, type ModelSpec } from './model/spec.js';
import { loadDevice, type BaselineFormat, type DeviceSpec } from './baselines/index.js';
import { formatPrecisionPlan, type PrecisionPlan } from './model/precision.js';
import type { SystemSpec } from './spec/system.js';
import type { Packing } from './mapping/layout.js';
import { explainLowBit } from './results/lowbitBounds.js';
import { canonicalHash } from './util/canonical.js';
import { PIMSIM_VERSION, RESULT_KIND, RESULT_SCHEMA_VERSION, type SimulationResult } from './resultSchema.js';

export { PIMSIM_VERSION, RESULT_KIND, RESULT_SCHEMA_VERSION, SimulationResultSchema, type SimulationResult } from './resultSchema.js';

/** Everything that determines a result, for configHashOf. */
export interface ResolvedConfiguration {
  readonly model: ModelSpec;
  readonly system: SystemSpec;
  readonly energyTable: EnergyTable;
  readonly devices: readonly DeviceSpec[];
  readonly prompt: number;
  readonly tokens: number;
  /** As requested (undefined: chosen automatically, which the rest determines). */
  readonly packing?: Packing;
  readonly precision: PrecisionPlan;
  /** Baseline weight format as asked (undefined: each tier's runtime default, not hashed). */
  readonly baselineFormat?: BaselineFormat;
}

/**
 * The configuration hash: 16 hex digits of the SHA-256 of the canonical JSON of everything that
 * determines the result: the resolved model, memory (organization, timing values, resolved rules,
 * controller, address mapping), PUs, global buffer, link, ASIC, the energy table, every baseline
 * device, and the run (prompt, tokens, packing, precision). Descriptive fields (file paths,
 * sources, assumptions, descriptions) are left out, and so is the fidelity (both give identical
 * results, which tests prove). Editing any value in a preset changes it; the order of --set
 * flags does not.
 */
/**
 * The model as hashed: the family fields (kvHeads, kvWidth, mlp, position, ropeTheta) are left out
 * when they hold the GPT defaults, so GPT configuration hashes stay as they were before the fields
 * existed; any other value is hashed.
 */
function modelHashView(m: ModelSpec): Record<string, unknown> {
  const { kvHeads, kvWidth, mlp, position, ropeTheta, ...rest } = m;
  return {
    ...rest,
    ...(kvHeads !== m.heads ? { kvHeads, kvWidth } : {}),
    ...(mlp !== 'gelu' ? { mlp } : {}),
    ...(position !== 'learned' ? { position, ropeTheta } : {}),
  };
}

export function configHashOf(c: ResolvedConfiguration): string {
  const { preset: _systemPreset, ...system } = c.system;
  const { preset: _memoryPreset, ...rest } = c.system.memory;
  // The order rules are written in (a preset's own, its command sets', derived) changes nothing.
  const memory = { ...rest, rules: [...rest.rules].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.cycles - b.cycles)) };
  return canonicalHash({
    model: modelHashView(c.model),
    system: { ...system, memory },
    energy: c.energyTable.preset,
    devices: [...c.devices].sort((a, b) => a.name.localeCompare(b.name)),
    run: { prompt: c.prompt, tokens: c.tokens, packing: c.packing ?? 'auto', precision: c.precision, ...(c.baselineFormat ? { baselineFormat: c.baselineFormat } : {}) },
  });
}

export interface ResultOptions {
  readonly asicOps: readonly AsicOp[];
  /** Baseline devices: preset names or resolved specs (default: every shipped device). */
  readonly devices?: readonly (string | DeviceSpec)[];
  readonly sets?: { readonly system?: readonly string[]; readonly model?: readonly string[] };
  /** The packing as requested (undefined: automatic), for the configuration hash. */
  readonly requestedPacking?: Packing;
  /** Baseline weight format (undefined: each tier's runtime default); each baseline's method names it. */
  readonly baselineFormat?: BaselineFormat;
}

export function buildResult(sim: Simulation, opts: ResultOptions): SimulationResult {
  const { model, system, stats } = sim;
  const m = system.memory;
  const lat = sim.tokens.map((t) => t.latencyNs);
  const totalNs = lat.reduce((a, b) => a + b, 0);
  const gen = sim.tokens.filter((t) => t.phase === 'generate');
  const meanGen = gen.length ? gen.reduce((a, t) => a + t.latencyNs, 0) / gen.length : totalNs / sim.tokens.length;
  const table = energyTableFor(system);
  const energy: EnergyReport = energyOf(stats, system, table, { asicOps: opts.asicOps, rowOpenNsPerChannel: stats.rowOpenNs, formats: sim.formats });
  const byComponentPj = Object.fromEntries(energy.components.map((c) => [c.name, c.energyPj])) as Record<string, number>;
  const formulas = Object.fromEntries(energy.components.map((c) => [c.name, c.formula])) as Record<string, string>;
  const totalPj = energy.totalPj;
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
    sets: { ...(opts.sets?.system ? { system: [...opts.sets.system] } : {}), ...(opts.sets?.model ? { model: [...opts.sets.model] } : {}) },
  };
  const devices = (opts.devices ?? defaultDevices()).map((d) => (typeof d === 'string' ? loadDevice(d) : d));
  const baselines = compareBaselines({
    model, positions: sim.tokens.map((t) => t.position), pimLatencyNsPerToken: meanTokenNs, pimEnergyPjPerToken: perTokenPj, devices,
    precision: sim.precision, format: opts.baselineFormat,
  });
  const b = sim.breakdownNs;
  return {
    kind: RESULT_KIND,
    schemaVersion: RESULT_SCHEMA_VERSION,
    pimsimVersion: PIMSIM_VERSION,
    configHash: configHashOf({
      model, system, energyTable: table, devices, prompt: sim.prompt, tokens: sim.generated, packing: opts.requestedPacking ?? sim.requestedPacking, precision: sim.requestedPrecision,
      baselineFormat: opts.baselineFormat,
    }),
    config,
    perToken: { position: sim.tokens.map((t) => t.position), phase: sim.tokens.map((t) => t.phase), latencyNs: lat },
    summary: {
      totalNs, meanTokenNs, meanGeneratedTokenNs: meanGen, tokensPerSecond: 1e9 / meanTokenNs,
      asicShare: b.asic / meanTokenNs,
      gemvShare: (b.mac + b.activatePrecharge + b.loadReadout) / meanTokenNs,
    },
    breakdownNs: b,
    stats: {
      rowHitRate: stats.rowHitRate, puUtilization: stats.puUtilization, macCommands: stats.macCommands, activations: stats.activations,
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
