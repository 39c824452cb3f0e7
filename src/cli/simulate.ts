/** `pimsim simulate`: GPT token generation on a PIM system, with energy and baselines. */
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { simulate } from '../simulate.js';
import { buildResult, type SimulationResult } from '../results.js';
import { checkOutputFile, writeFileAtomic } from '../util/output.js';
import { printJson, printTable, us } from './common.js';
import { addSetOption, baselineFormatOf, baselineFormatOption, choiceOption, fidelityOption, intOption, listParser, precisionPlanOption, type BaselineFormatChoice, type FidelityChoice } from './options.js';
import { PRECISION_ROLES, type PrecisionPlan } from '../model/precision.js';
import type { BaselineFormat } from '../baselines/index.js';

/** The default system for a plan: pim-gpt for all-bf16 linear layers, else its low-bit variant. */
export function defaultSystemFor(plan: PrecisionPlan): string {
  return PRECISION_ROLES.every((r) => (plan.overrides[r] ?? plan.default) === 'bf16' || r === 'attention') ? 'pim-gpt' : 'pim-gpt-lowbit';
}

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('simulate GPT token generation on a PIM system: per-token latency, breakdown, energy, and speedup over GPU/CPU baselines')
    .requiredOption('--model <name>', 'model preset name or path (pimsim list models)')
    .option('--system <preset>', 'system preset name or path (default: pim-gpt, or pim-gpt-lowbit when --precision names a low-bit format)')
    .addOption(precisionPlanOption())
    .addOption(intOption('--prompt <P>', 'prompt tokens, processed one at a time before generation', 1, 1))
    .addOption(intOption('--tokens <N>', 'tokens to generate (at least 1)', 1, 32))
    .addOption(fidelityOption())
    .addOption(choiceOption('--packing <mode>', 'fast | dense (default: fast, dense when the model does not fit otherwise)', ['fast', 'dense']))
    .option('--devices <list>', 'comma-separated baseline devices (default: all shipped)', listParser('device presets'))
    .addOption(baselineFormatOption())
    .option('--json', 'print the result document as JSON')
    .option('--out <file>', 'write the result document (JSON) to a file')
    .option('--progress', 'show a progress bar on stderr')
    .option('--functional', 'run real numbers (seeded random BF16 weights) through the PIM and ASIC datapath, compare logits and greedy tokens with a float32 TensorFlow.js forward pass (small models)')
    .addOption(intOption('--seed <n>', 'seed of the functional weights and prompt', 0, 1));
  addSetOption(cmd, 'model preset', '--model-set');
  addSetOption(cmd, 'system preset').action(async (o: {
    model: string; system?: string; precision: PrecisionPlan; prompt: number; tokens: number; fidelity: FidelityChoice; packing?: 'fast' | 'dense'; devices?: string[]; baselineFormat: BaselineFormatChoice;
    modelSet: string[]; json?: boolean; out?: string; progress?: boolean; set: string[]; functional?: boolean; seed: number;
  }) => {
    if (o.out) checkOutputFile(o.out, '--out');
    const { prompt, tokens, precision } = o;
    const system = o.system ?? defaultSystemFor(precision);
    if (o.functional) return functional({ model: o.model, system, prompt, tokens, seed: o.seed, systemSets: o.set, modelSets: o.modelSet, json: o.json, out: o.out });
    const bar = o.progress ? new SingleBar({ format: 'simulating {bar} {value}/{total} tokens | {eta_formatted} left', stream: process.stderr }, Presets.shades_classic) : undefined;
    bar?.start(prompt + tokens, 0);
    let result: SimulationResult;
    try {
      const sim = simulate({
        model: o.model, system, precision, prompt, tokens, fidelity: o.fidelity, packing: o.packing,
        systemSets: o.set, modelSets: o.modelSet, onToken: (i) => bar?.update(i + 1),
      });
      result = buildResult(sim, { asicOps: sim.asicOps, devices: o.devices, sets: { system: o.set, model: o.modelSet }, baselineFormat: baselineFormatOf(o.baselineFormat) });
    } finally {
      bar?.stop();
    }
    if (o.out) writeFileAtomic(o.out, JSON.stringify(result, null, 2) + '\n');
    if (o.json) return printJson(result);
    printSummary(result, baselineFormatOf(o.baselineFormat));
    if (o.out) process.stdout.write(`wrote ${o.out}\n`);
  });
}

export function printSummary(r: SimulationResult, baselineFormat?: BaselineFormat): void {
  const c = r.config, s = r.summary, b = r.breakdownNs;
  printTable([
    ['model', `${c.model.name} (${(c.model.parameters / 1e6).toFixed(0)}M parameters) on ${c.system.name}`],
    ['precision', c.precision],
    ['tokens', `${c.prompt} prompt + ${c.tokens} generated (${c.promptMode})`],
    ['latency per token', `mean ${us(s.meanTokenNs)}; first ${us(r.perToken.latencyNs[0])}, last ${us(r.perToken.latencyNs[r.perToken.latencyNs.length - 1])}`],
    ['throughput', `${s.tokensPerSecond.toFixed(1)} tokens/s`],
    ['breakdown per token', `MAC ${us(b.mac)}, act/pre ${us(b.activatePrecharge)}, load/readout ${us(b.loadReadout)}, refresh ${us(b.refresh)}, ASIC ${us(b.asic)}, waiting ${us(b.waiting)}`],
    ['row hit rate', `${(100 * r.stats.rowHitRate).toFixed(2)}%`],
    ['PU utilization', `${(100 * r.stats.puUtilization).toFixed(1)}%`],
    ['energy per token', `${(r.energy.perTokenPj / 1e6).toFixed(3)} µJ (average ${(r.energy.averagePowerMw / 1000).toFixed(2)} W)`],
  ]);
  process.stdout.write('\nspeedup / energy efficiency over baselines (tier A ideal roofline, B optimised runtime = headline, C eager framework as in PIM-GPT):\n');
  process.stdout.write(baselineFormat === undefined
    ? "  baseline weights: each tier's runtime default (A, B: the model's formats; C: fp32, the eager framework's dtype)\n"
    : `  baseline weights: ${baselineFormat === 'ops' ? "the model's formats" : baselineFormat} at every tier (as asked)\n`);
  const devices = [...new Set(r.baselines.map((x) => x.device))];
  for (const d of devices) {
    const row = r.baselines.filter((x) => x.device === d).map((x) => `${x.tier}: ${x.speedup.toFixed(1)}x / ${x.energyEfficiency.toFixed(1)}x`);
    process.stdout.write(`  ${d.padEnd(16)} ${row.join('   ')}\n`);
  }
  process.stdout.write(`\nbound: ${r.lowBit.explanation}\n`);
  for (const a of r.lowBit.accuracy) process.stdout.write(`accuracy: ${a.summary}\n`);
  if (r.lowBit.accuracy.some((a) => a.precision !== 'bf16')) process.stdout.write(`  (${r.lowBit.accuracyCaveat})\n`);
}

/** --functional: the simulated datapath against a float32 reference, step by step. */
async function functional(o: { model: string; system: string; prompt: number; tokens: number; seed: number; systemSets: string[]; modelSets: string[]; json?: boolean; out?: string }): Promise<void> {
  // TensorFlow.js (the float32 reference) loads only for --functional.
  const { runFunctional } = await import('../functional/run.js');
  const r = await runFunctional({ model: o.model, system: o.system, prompt: o.prompt, tokens: o.tokens, seed: o.seed, systemSets: o.systemSets, modelSets: o.modelSets });
  const same = r.firstDivergence < 0;
  const out = {
    model: r.simulation.model.name, system: r.simulation.system.name, seed: o.seed, reference: `tfjs float32 (${r.backend})`,
    maxRelError: r.maxRelError, greedyTokensMatch: same, firstDivergence: r.firstDivergence,
    tokens: r.tokens, steps: r.steps, meanTokenNs: r.simulation.tokens.reduce((a, t) => a + t.latencyNs, 0) / r.simulation.tokens.length,
  };
  // The functional document (not a simulation result: it carries the comparison, not energy or baselines).
  if (o.out) writeFileAtomic(o.out, JSON.stringify({ kind: 'pimsim-functional', ...out }, null, 2) + '\n');
  if (o.json) return printJson(out);
  printTable([
    ['functional run', `${out.model} on ${out.system}, seeded random BF16 weights (seed ${o.seed})`],
    ['reference', out.reference],
    ['max relative logit error', `${r.maxRelError.toExponential(3)} (max |sim - ref| / max |ref| per step)`],
    ['greedy tokens', same ? `identical for all ${r.tokens.simulated.length} positions` : `diverge at position ${r.firstDivergence}`],
    ['simulated tokens', r.tokens.simulated.join(' ')],
  ]);
  if (o.out) process.stdout.write(`wrote ${o.out}\n`);
}
