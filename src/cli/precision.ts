/** `pimsim precision`: one model under BF16, int8, ternary and binary (or given plans), side by side. */
import type { Command } from 'commander';
import { comparePrecisions, DEFAULT_PRECISIONS, type PrecisionComparison } from '../pim/lowbitCompare.js';
import { InputError } from '../spec/errors.js';
import { writeFileAtomic } from '../util/output.js';
import { addSetOption, printJson, int } from './common.js';
import { TIERS, type Tier } from '../baselines/index.js';

export function register(program: Command): void {
  const cmd = program
    .command('precision')
    .description('compare weight formats on one model: latency and energy per token, gain over BF16, speedup over baselines, active bound, published accuracy cost')
    .requiredOption('--model <name>', 'model preset name or path')
    .option('--precision <plan>', `a precision plan to compare (repeatable; the first is the reference; default ${DEFAULT_PRECISIONS.join(', ')})`, (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--system <preset>', 'system preset (needs PUs for every format compared)', 'pim-gpt-lowbit')
    .option('--prompt <P>', 'prompt tokens', '1')
    .option('--tokens <N>', 'tokens to generate', '8')
    .option('--devices <list>', 'comma-separated baseline devices (default: all shipped)')
    .option('--tier <tier>', `baseline tier of the table (${TIERS.join(', ')})`, 'B')
    .option('--fidelity <mode>', 'fast | command', 'fast')
    .option('--json', 'print the comparison (with every result document) as JSON')
    .option('--out <file>', 'write the comparison (JSON) to a file');
  addSetOption(cmd, 'system preset').action((o: {
    model: string; precision: string[]; system: string; prompt: string; tokens: string; devices?: string; tier: string; fidelity: string;
    json?: boolean; out?: string; set: string[];
  }) => {
    if (o.fidelity !== 'fast' && o.fidelity !== 'command') throw new InputError(`--fidelity expects fast or command, got "${o.fidelity}"`);
    if (!(TIERS as readonly string[]).includes(o.tier)) throw new InputError(`--tier expects one of ${TIERS.join(', ')}, got "${o.tier}"`);
    const c = comparePrecisions({
      model: o.model, precisions: o.precision.length ? o.precision : undefined, system: o.system, systemSets: o.set,
      prompt: int(o.prompt, '--prompt'), tokens: int(o.tokens, '--tokens'), devices: o.devices?.split(',').map((d) => d.trim()),
      fidelity: o.fidelity, tier: o.tier as Tier,
    });
    if (o.out) writeFileAtomic(o.out, JSON.stringify(c, null, 2) + '\n');
    if (o.json) return printJson(c);
    printComparison(c);
    if (o.out) process.stdout.write(`wrote ${o.out}\n`);
  });
}

export function printComparison(c: PrecisionComparison): void {
  const devices = c.rows[0]?.baselines.map((b) => b.device) ?? [];
  const header = ['precision', 'us/token', 'uJ/token', `speed vs ${c.reference}`, `energy vs ${c.reference}`, ...devices.map((d) => `${d} (${c.tier}) speed/energy`), 'active bound', 'rows/bank'];
  const body = c.rows.map((r) => [
    r.precision, (r.latencyNsPerToken / 1000).toFixed(1), (r.energyPjPerToken / 1e6).toFixed(1),
    `${r.speedupOverReference.toFixed(2)}x`, `${r.energyEfficiencyOverReference.toFixed(2)}x`,
    ...r.baselines.map((b) => `${b.speedup.toFixed(1)}x / ${b.energyEfficiency.toFixed(1)}x`), r.activeBound, String(r.rowsUsedPerBank),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  process.stdout.write(`${c.model} on ${c.system}\n${line(header)}\n${body.map(line).join('\n')}\n\n`);
  for (const [i, r] of c.rows.entries()) {
    process.stdout.write(`${r.precision}: ${c.results[i].lowBit.explanation}\n  accuracy: ${r.accuracy}\n`);
  }
  process.stdout.write(`\n${c.results[0].lowBit.accuracyCaveat}\n`);
}
