/**
 * Run one GEMV end to end: plan, program, (functional) weights and input, simulate, and compare
 * the output with a reference: float32 for BF16, the plain integer GEMV (bit-exact) for low-bit
 * formats. Used by `pimsim gemv` and the GEMV benchmarks.
 */
import { mulberry32, gaussianArray } from '../util/rng.js';
import type { SystemSpec } from '../spec/system.js';
import { planGemv, gemvProgram, loadGemvWeights, gbQuantFor, type GemvPlan } from './gemv.js';
import { Datapath } from '../pim/datapath.js';
import { PimMachine, type FormatCounts, type PimStats } from '../pim/run.js';
import type { Fidelity } from '../pim/sequencer.js';
import type { CommandSink } from '../dram/controller.js';
import type { Precision } from '../model/ops.js';
import { intGemv } from '../quant/intGemv.js';
import type { QuantizedWeights } from '../quant/weights.js';
import type { QuantizedActivations } from '../quant/activations.js';
import { loadLowBitGemvWeights, quantizeFor } from './lowbitWeights.js';
import { quantizeForGb } from '../pim/lowbitDatapath.js';

export interface GemvRunOptions {
  readonly functional?: boolean;
  readonly seed?: number;
  readonly fidelity?: Fidelity;
  readonly onCommand?: CommandSink;
  /** Weight format (default bf16). */
  readonly precision?: Precision;
}

export interface GemvResult {
  readonly plan: GemvPlan;
  readonly stats: PimStats;
  /** Bank columns and MAC commands per weight format. */
  readonly formats: FormatCounts;
  /** MAC-busy share of a row cycle: the ceiling on PU utilization with this timing. */
  readonly puUtilizationCap: number;
  /** The same cap less the time all-bank refresh blocks the banks (nRFC / nREFI). */
  readonly puUtilizationCapWithRefresh: number;
  readonly weights?: Float32Array;
  readonly input?: Float32Array;
  readonly output?: Float32Array;
  /** Low-bit functional runs: the quantized operands, the exact PIM output and the integer reference's. */
  readonly lowBit?: {
    readonly weights: QuantizedWeights;
    readonly activations: QuantizedActivations;
    readonly output: Float64Array;
    readonly reference: Float64Array;
    /** Outputs whose bits differ from the reference (0 when bit-exact). */
    readonly mismatches: number;
  };
}

/**
 * The utilization cap the row cycle sets: a row of `cols` MAC columns occupies the PUs for
 * cols x spacing cycles out of ACT -> first MAC -> last MAC -> PREA -> next ACT.
 */
export function rowCycleCap(system: SystemSpec, cols: number, spacing = system.pu.macSpacingCycles): number {
  const t = system.memory.timing;
  const s = spacing;
  const busy = cols * s;
  const lastMac = t.nRCDMAC! + (cols - 1) * s;
  const pre = Math.max(lastMac + t.nRTP!, t.nRAS!);
  const cycle = Math.max(t.nRC!, pre + t.nRP!);
  return busy / cycle;
}

export function runGemv(system: SystemSpec, rows: number, cols: number, opts: GemvRunOptions = {}): GemvResult {
  const precision = opts.precision ?? 'bf16';
  const plan = planGemv(system, rows, cols, { precision });
  const program = gemvProgram(system, plan);
  let datapath: Datapath | undefined, weights: Float32Array | undefined, input: Float32Array | undefined;
  let quantized: { weights: QuantizedWeights; activations: QuantizedActivations } | undefined;
  if (opts.functional) {
    const rng = mulberry32(opts.seed ?? 1);
    weights = gaussianArray(rng, rows * cols, 1 / Math.sqrt(cols));
    input = gaussianArray(rng, cols);
    datapath = new Datapath(system);
    if (precision === 'bf16') loadGemvWeights(datapath, system, plan, weights);
    else {
      const q = quantizeFor(precision, weights, rows, cols);
      loadLowBitGemvWeights(datapath, plan, q);
      quantized = { weights: q, activations: quantizeForGb(input, gbQuantFor(plan.unit)) };
    }
    datapath.setVector('x', input);
  }
  const machine = new PimMachine(system, { fidelity: opts.fidelity, datapath, onCommand: opts.onCommand });
  machine.run(program);
  const stats = machine.stats();
  const output = datapath?.vectors.get('y');
  const cap = rowCycleCap(system, plan.chunkCols * plan.segmentsPerRow, plan.unit.macSpacingCycles);
  const t = system.memory.timing;
  const refreshShare = system.memory.controller.refresh === 'off' ? 0 : t.nRFC! / t.nREFI!;
  let lowBit: GemvResult['lowBit'];
  if (quantized && datapath) {
    const out = datapath.lowBit.wide.get('y')!.slice(0, rows);
    const reference = intGemv(quantized.weights, quantized.activations);
    let mismatches = 0;
    for (let i = 0; i < rows; i++) if (!Object.is(out[i], reference[i])) mismatches++;
    lowBit = { ...quantized, output: out, reference, mismatches };
  }
  return {
    plan, stats, formats: machine.formatCounts(), puUtilizationCap: cap, puUtilizationCapWithRefresh: cap * (1 - refreshShare),
    weights, input, output, lowBit,
  };
}
