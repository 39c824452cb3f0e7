/**
 * GPT token generation on a PIM system: place the model once, then run one decode-step program
 * per token on one PIM machine, prompt tokens first (one at a time, as PIM-GPT processes them),
 * then the generated ones. Returns per-token latency and the run's statistics.
 */
import { loadModel, type ModelSpec } from './model/spec.js';
import { loadSystem, type SystemSpec } from './spec/system.js';
import { InputError } from './util/errors.js';
import { layoutModel, type ModelLayout, type Packing } from './mapping/layout.js';
import { tokenItems } from './mapping/token.js';
import { buildProgram, patchProgram, type Program } from './pim/program.js';
import { PimMachine, type FormatCounts, type PimStats } from './pim/run.js';
import type { Fidelity } from './pim/sequencer.js';
import type { MemoStats } from './pim/memo.js';
import type { Datapath } from './pim/datapath.js';
import type { CommandSink } from './dram/controller.js';
import { asicOpsOf } from './mapping/asicOps.js';
import type { AsicOp } from './asic/latency.js';
import { BF16_PLAN, parsePrecisionPlan, type PrecisionPlan } from './model/precision.js';

export interface SimulateOptions {
  /** Preset name, path, or a resolved spec. */
  readonly model: string | ModelSpec;
  readonly system: string | SystemSpec;
  /** Prompt tokens, processed one at a time before generation (default 1). */
  readonly prompt?: number;
  /** Tokens generated after the prompt. */
  readonly tokens: number;
  readonly fidelity?: Fidelity;
  readonly packing?: Packing;
  /** Weight formats per role (a plan or its compact form "ternary,lm-head=bf16"); default all bf16. */
  readonly precision?: PrecisionPlan | string;
  readonly modelSets?: readonly string[];
  readonly systemSets?: readonly string[];
  /** Called after each token (for progress bars). */
  readonly onToken?: (index: number, total: number, latencyNs: number) => void;
  /** Functional mode: a datapath already loaded with the model, and a hook run before each token. */
  readonly datapath?: Datapath;
  readonly beforeToken?: (position: number) => void;
  readonly afterToken?: (position: number) => void;
  readonly onCommand?: CommandSink;
  /** The exact instruction memo (pim/memo.ts): on by default; false runs every instruction (for tests and benchmarks). */
  readonly memo?: boolean;
}

export interface TokenRecord {
  readonly position: number;
  readonly phase: 'prompt' | 'generate';
  readonly latencyNs: number;
}

/** Per-token time by where the channels spent it (ns, averaged over channels). */
export interface LatencyBreakdown {
  readonly mac: number;
  readonly activatePrecharge: number;
  readonly loadReadout: number;
  readonly refresh: number;
  readonly asic: number;
  readonly waiting: number;
}

export interface Simulation {
  readonly layout: ModelLayout & { packing: Packing };
  readonly tokens: readonly TokenRecord[];
  readonly stats: PimStats;
  readonly breakdownNs: LatencyBreakdown;
  readonly model: ModelSpec;
  readonly system: SystemSpec;
  readonly prompt: number;
  readonly generated: number;
  readonly fidelity: Fidelity;
  /** Every ASIC op the run executed (for the energy model). */
  readonly asicOps: readonly AsicOp[];
  /** The precision plan run (attention resolved; layout.precision). */
  readonly precision: PrecisionPlan;
  /** Bank columns and MAC commands per weight format (priced by the energy model, explained per format in results). */
  readonly formats: FormatCounts;
  /** Packing and precision plan as requested (before automatic choices), for the configuration hash. */
  readonly requestedPacking?: Packing;
  readonly requestedPrecision: PrecisionPlan;
  /** Instruction-memo counters (null when off: command fidelity, functional runs, command logs). */
  readonly memo: MemoStats | null;
}

function resolve(opts: SimulateOptions): { model: ModelSpec; system: SystemSpec } {
  const model = typeof opts.model === 'string' ? loadModel(opts.model, opts.modelSets ?? []) : opts.model;
  const system = typeof opts.system === 'string' ? loadSystem(opts.system, opts.systemSets ?? []) : opts.system;
  return { model, system };
}

export function simulate(opts: SimulateOptions): Simulation {
  const { model, system } = resolve(opts);
  const prompt = opts.prompt ?? 1;
  const generated = opts.tokens;
  if (!Number.isInteger(prompt) || prompt < 1) throw new InputError(`--prompt must be an integer >= 1 (the first token starts generation), got ${prompt}`);
  // At least one generated token: with none, meanGeneratedTokenNs would report a prompt token's latency.
  if (!Number.isInteger(generated) || generated < 1) throw new InputError(`--tokens must be an integer >= 1 (tokens to generate), got ${generated}`);
  if (prompt + generated > model.context) {
    throw new InputError(`prompt (${prompt}) + tokens (${generated}) exceeds ${model.name}'s context of ${model.context}`);
  }
  const plan = typeof opts.precision === 'string' ? parsePrecisionPlan(opts.precision) : (opts.precision ?? BF16_PLAN);
  const layout = layoutModel(model, system, opts.packing, plan);
  if (opts.datapath && Object.values(layout.plans).some((p) => Object.values(p).some((g) => g.precision !== 'bf16'))) {
    throw new InputError('functional GPT runs place BF16 weights; low-bit precisions are functional at the GEMV level (pimsim gemv --precision ... --functional)');
  }
  const machine = new PimMachine(system, { fidelity: opts.fidelity, datapath: opts.datapath, onCommand: opts.onCommand, memo: opts.memo });
  const tokens: TokenRecord[] = [];
  const total = prompt + generated;
  let start = 0;
  const asicOps: AsicOp[] = [];
  let previous: Program | null = null;
  for (let p = 0; p < total; p++) {
    opts.beforeToken?.(p);
    const { items } = tokenItems(layout, p);
    // Consecutive tokens differ only in attention and KV-cache instructions: patch the last program.
    const program: Program = (previous && patchProgram(previous, items, system, `token ${p}`)) ?? buildProgram(items, system, `token ${p}`, undefined, true);
    previous = program;
    for (const op of asicOpsOf(program)) asicOps.push(op);
    const end = machine.run(program);
    const latencyNs = ((end - start) * system.memory.tCK_ps) / 1000;
    tokens.push({ position: p, phase: p < prompt ? 'prompt' : 'generate', latencyNs });
    start = end;
    opts.afterToken?.(p);
    opts.onToken?.(p, total, latencyNs);
  }
  const stats = machine.stats();
  const b = stats.breakdownNs;
  const asic = Math.min(b.waiting, stats.asicBusyNs);
  const n = tokens.length;
  const breakdownNs: LatencyBreakdown = {
    mac: b.mac / n,
    activatePrecharge: (b.activate + b.precharge) / n,
    // Register-mode switches only surround loads and readouts.
    loadReadout: (b.load + b.readout + b.mode) / n,
    refresh: b.refresh / n,
    asic: asic / n,
    waiting: (b.waiting - asic) / n,
  };
  return {
    layout, tokens, stats, breakdownNs, model, system, prompt, generated, fidelity: machine.fidelity, asicOps,
    precision: layout.precision, formats: machine.formatCounts(), requestedPacking: opts.packing, requestedPrecision: plan, memo: machine.memo ? { ...machine.memo.stats } : null,
  };
}
