/** `pimsim precision`: one model under BF16, int8, ternary and binary (or given plans), side by side. */
import type { Command } from 'commander';
import { comparePrecisions, DEFAULT_PRECISIONS, type PrecisionComparison } from '../study/precisionComparison.js';
import { checkOutputFile, writeFileAtomic } from '../util/output.js';
import { toCsv } from '../report/csv.js';
import { alignedTable, printJson, wrap } from './common.js';
import { addSetOption, asArgParser, choiceOption, fidelityOption, intOption, listParser, type FidelityChoice } from './options.js';
import { TIERS, type Tier } from '../baselines/index.js';
import { parsePrecisionPlan } from '../model/precision.js';

export function register(program: Command): void {
  const checkPlan = asArgParser((v: string) => parsePrecisionPlan(v));
  const cmd = program
    .command('precision')
    .description('compare weight formats on one model: latency and energy per token, gain over BF16, speedup over baselines, active bound, published accuracy cost')
    .requiredOption('--model <name>', 'model preset name or path')
    .option('--precision <plan>', `a precision plan to compare (repeatable; the first is the reference; default ${DEFAULT_PRECISIONS.join(', ')})`, (v: string, p: string[]) => (checkPlan(v), [...p, v]), [] as string[])
    .option('--system <preset>', 'system preset (needs PUs for every format compared)', 'pim-gpt-lowbit')
    .addOption(intOption('--prompt <P>', 'prompt tokens', 1, 1))
    .addOption(intOption('--tokens <N>', 'tokens to generate (at least 1)', 1, 8))
    .option('--devices <list>', 'comma-separated baseline devices (default: all shipped)', listParser('device presets'))
    .addOption(choiceOption('--tier <tier>', 'baseline tier of the table', TIERS, 'B'))
    .addOption(fidelityOption('fast | command'))
    .option('--json', 'print the comparison (with every result document) as JSON')
    .option('--csv', 'print the table with one speedup and efficiency column per device as CSV')
    .option('--out <file>', 'write the comparison (JSON) to a file');
  addSetOption(cmd, 'system preset').action((o: {
    model: string; precision: string[]; system: string; prompt: number; tokens: number; devices?: string[]; tier: Tier; fidelity: FidelityChoice;
    json?: boolean; csv?: boolean; out?: string; set: string[];
  }) => {
    if (o.out) checkOutputFile(o.out, '--out');
    const c = comparePrecisions({
      model: o.model, precisions: o.precision.length ? o.precision : undefined, system: o.system, systemSets: o.set,
      prompt: o.prompt, tokens: o.tokens, devices: o.devices, fidelity: o.fidelity, tier: o.tier,
    });
    if (o.out) writeFileAtomic(o.out, JSON.stringify(c, null, 2) + '\n');
    if (o.json) return printJson(c);
    if (o.csv) return void process.stdout.write(comparisonCsv(c));
    printComparison(c);
    if (o.out) process.stdout.write(`wrote ${o.out}\n`);
  });
}

/** Every figure of the comparison, one column per device and metric (too wide for a terminal). */
export function comparisonCsv(c: PrecisionComparison): string {
  const devices = c.rows[0]?.baselines.map((b) => b.device) ?? [];
  const header = ['precision', 'latencyNsPerToken', 'energyPjPerToken', 'speedupOverReference', 'energyEfficiencyOverReference',
    ...devices.flatMap((d) => [`speedup.${d}.${c.tier}`, `energyEfficiency.${d}.${c.tier}`]), 'activeBound', 'rowsUsedPerBank'];
  return toCsv(header, c.rows.map((r) => [
    r.precision, r.latencyNsPerToken, r.energyPjPerToken, r.speedupOverReference, r.energyEfficiencyOverReference,
    ...r.baselines.flatMap((b) => [b.speedup, b.energyEfficiency]), r.activeBound, r.rowsUsedPerBank,
  ]));
}

const range = (xs: readonly number[], digits = 1) =>
  xs.length === 0 ? 'n/a' : `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}x`;

/** The comparison for a 120-column terminal: per-device factors are summarised as ranges (all of them: --csv, --json). */
export function printComparison(c: PrecisionComparison): void {
  const devices = c.rows[0]?.baselines.map((b) => b.device) ?? [];
  const header = ['precision', 'µs/token', 'µJ/token', `vs ${c.reference}`, `speedup (${c.tier})`, 'active bound', 'rows/bank'];
  const rows = c.rows.map((r) => [
    r.precision, (r.latencyNsPerToken / 1000).toFixed(1), (r.energyPjPerToken / 1e6).toFixed(1),
    `${r.speedupOverReference.toFixed(2)}x/${r.energyEfficiencyOverReference.toFixed(2)}x`,
    range(r.baselines.map((b) => b.speedup)), r.activeBound, String(r.rowsUsedPerBank),
  ]);
  const table = alignedTable(header, rows)
    // Too wide (long plan names): one block per plan instead.
    ?? rows.map((r) => `${r[0]}\n${wrap(header.slice(1).map((h, i) => `${h} ${r[i + 1]}`).join(', '), 120, '  ').replace(/^/, '  ')}`).join('\n') + '\n';
  process.stdout.write(`${c.model} on ${c.system}\n${table}`);
  process.stdout.write(`${wrap(`vs ${c.reference}: speed / energy efficiency over the reference plan; speedup: range over ${devices.length} baseline device(s) (${devices.join(', ')}), tier ${c.tier}. Every device's speedup and energy efficiency: --csv or --json`)}\n\n`);
  for (const [i, r] of c.rows.entries()) {
    process.stdout.write(`${wrap(`${r.precision}: ${c.results[i].lowBit.explanation}`)}\n${wrap(`  accuracy: ${r.accuracy}`, 120, '    ')}\n`);
  }
  process.stdout.write(`\n${wrap(c.results[0].lowBit.accuracyCaveat)}\n`);
}
