/**
 * Run one GEMV end to end: plan, program, (functional) weights and input, simulate, and compare
 * the output with a float32 reference. Used by `pimsim gemv` and the GEMV benchmarks.
 */
import { mulberry32, gaussianArray } from '../util/rng.js';
import type { SystemSpec } from '../spec/system.js';
import { planGemv, gemvProgram, loadGemvWeights, type GemvPlan } from '../mapping/gemv.js';
import { Datapath } from './datapath.js';
import { runProgram, type PimStats } from './run.js';
import type { Fidelity } from './sequencer.js';
import type { CommandSink } from '../dram/controller.js';

export interface GemvRunOptions {
  readonly functional?: boolean;
  readonly seed?: number;
  readonly fidelity?: Fidelity;
  readonly onCommand?: CommandSink;
}

export interface GemvResult {
  readonly plan: GemvPlan;
  readonly stats: PimStats;
  /** MAC-busy share of a row cycle: the ceiling on PU utilization with this timing. */
  readonly puUtilizationCap: number;
  /** The same cap less the time all-bank refresh blocks the banks (nRFC / nREFI). */
  readonly puUtilizationCapWithRefresh: number;
  readonly weights?: Float32Array;
  readonly input?: Float32Array;
  readonly output?: Float32Array;
}

/**
 * The utilization cap the row cycle sets: a row of `cols` MAC columns occupies the PUs for
 * cols x spacing cycles out of ACT -> first MAC -> last MAC -> PREA -> next ACT.
 */
export function rowCycleCap(system: SystemSpec, cols: number): number {
  const t = system.memory.timing;
  const s = system.pu.macSpacingCycles;
  const busy = cols * s;
  const lastMac = t.nRCDMAC! + (cols - 1) * s;
  const pre = Math.max(lastMac + t.nRTP!, t.nRAS!);
  const cycle = Math.max(t.nRC!, pre + t.nRP!);
  return busy / cycle;
}

export function runGemv(system: SystemSpec, rows: number, cols: number, opts: GemvRunOptions = {}): GemvResult {
  const plan = planGemv(system, rows, cols);
  const program = gemvProgram(system, plan);
  let datapath: Datapath | undefined, weights: Float32Array | undefined, input: Float32Array | undefined;
  if (opts.functional) {
    const rng = mulberry32(opts.seed ?? 1);
    weights = gaussianArray(rng, rows * cols, 1 / Math.sqrt(cols));
    input = gaussianArray(rng, cols);
    datapath = new Datapath(system);
    loadGemvWeights(datapath, system, plan, weights);
    datapath.setVector('x', input);
  }
  const stats = runProgram(system, program, { fidelity: opts.fidelity, datapath, onCommand: opts.onCommand });
  const output = datapath?.vectors.get('y');
  const cap = rowCycleCap(system, plan.chunkCols * plan.segmentsPerRow);
  const t = system.memory.timing;
  const refreshShare = system.memory.controller.refresh === 'off' ? 0 : t.nRFC! / t.nREFI!;
  return { plan, stats, puUtilizationCap: cap, puUtilizationCapWithRefresh: cap * (1 - refreshShare), weights, input, output };
}
