/** `pimsim baseline`: modelled GPU/CPU decode latency and energy per token, or a measured host CPU. */
import type { Command } from 'commander';
import { baselineDecode, loadDevice, TIERS, type Tier } from '../baselines/index.js';
import { opsPerToken } from '../model/decode.js';
import { loadModel } from '../model/spec.js';
import { InputError } from '../util/errors.js';
import { printJson, printTable, wrap } from './common.js';
import { baselineFormatOf, baselineFormatOption, choiceOption, intOption, type BaselineFormatChoice } from './options.js';

export function register(program: Command): void {
  program
    .command('baseline')
    .description('per-token decode latency and energy of a model on a GPU/CPU (tiers A ideal, B optimised, C eager), or measured on this host')
    .requiredOption('--model <name>', 'model preset name or path')
    .option('--device <name>', 'device preset (pimsim list devices)')
    .addOption(choiceOption('--tier <tier>', 'A | B | C (default: all three)', TIERS))
    .addOption(intOption('--position <n>', 'token position (context length - 1)', 0, 0))
    .addOption(baselineFormatOption())
    .option('--measure-host', 'measure a real decode step on this machine with TensorFlow.js')
    .addOption(intOption('--tokens <n>', 'tokens to time with --measure-host', 1, 8))
    .option('--json', 'print JSON')
    .action(async (o: { model: string; device?: string; tier?: Tier; position: number; baselineFormat: BaselineFormatChoice; measureHost?: boolean; tokens: number; json?: boolean }) => {
      if (!o.measureHost && !o.device) throw new InputError('--device is required (or use --measure-host)');
      const model = loadModel(o.model);
      const position = o.position;
      if (o.measureHost) {
        // TensorFlow.js loads only for a host measurement.
        const { measureHostDecode } = await import('../baselines/host.js');
        const r = await measureHostDecode(model, { tokens: o.tokens, context: position, seed: 1 });
        if (o.json) return printJson({ model: model.name, measured: true, ...r });
        return printTable([
          ['model', `${model.name}, measured on this host (${r.backend}, ${r.threads} thread(s))`],
          ['latency per token', `${r.msPerToken.toFixed(2)} ms`],
          ['method', r.method],
        ]);
      }
      const device = loadDevice(o.device!);
      const tiers: Tier[] = o.tier ? [o.tier] : [...TIERS];
      const ops = opsPerToken(model, { position });
      const format = baselineFormatOf(o.baselineFormat);
      const rows = tiers.map((tier) => {
        const r = baselineDecode(ops, device, tier, format === undefined ? {} : { format });
        return {
          tier, latencyNs: r.latencyNs, energyPj: r.energyPj, energyUpperBoundPj: r.energyUpperBoundPj,
          weightFormat: r.format, weightFormatAsked: r.formatAsked, storedFormats: r.storedFormats, method: r.method, breakdown: r.breakdown,
        };
      });
      if (o.json) return printJson({ model: model.name, device: device.name, position, results: rows });
      printTable([
        ['model / device', `${model.name} on ${device.name}, token at position ${position}`],
        ...rows.map((r) => [`tier ${r.tier}`, `${(r.latencyNs / 1e6).toFixed(3)} ms/token, ${(r.energyPj / 1e9).toFixed(3)} mJ/token (TDP bound ${(r.energyUpperBoundPj / 1e9).toFixed(3)} mJ), weights ${r.storedFormats.join('/')} (${r.weightFormatAsked ? 'as asked' : "the tier's runtime default"})`] as const),
      ]);
      process.stdout.write('\nhow each tier is modelled:\n');
      for (const r of rows) process.stdout.write(`${wrap(`- ${r.method}`, 120, '    ')}\n`);
    });
}
