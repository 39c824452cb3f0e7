/** `pimsim gemv`: map and run one matrix-vector product (BF16 or low-bit) on a PIM system. */
import type { Command } from 'commander';
import { loadSystem } from '../spec/system.js';
import { runGemv } from '../mapping/gemvRun.js';
import { withCommandLog } from '../dram/commandLogSink.js';
import { InputError } from '../util/errors.js';
import { checkOutputFile } from '../util/output.js';
import { printJson, printTable } from './common.js';
import { addSetOption, choiceOption, fidelityOption, intOption, type FidelityChoice } from './options.js';
import { PRECISIONS, type Precision } from '../model/ops.js';

export function register(program: Command): void {
  const cmd = program
    .command('gemv')
    .description('map an M x K matrix (BF16 or low-bit) onto the PIM banks, run y = W x, and report timing (and numbers with --functional)')
    .addOption(intOption('--rows <M>', 'output rows', 1).makeOptionMandatory())
    .addOption(intOption('--cols <K>', 'input columns', 1).makeOptionMandatory())
    .option('--system <preset>', 'system preset name or path (default: pim-gpt, or pim-gpt-lowbit for a low-bit --precision)')
    .option('--functional', 'compute real numbers: BF16 against a float32 TensorFlow.js reference; low-bit formats bit-exact against the plain integer GEMV')
    .addOption(intOption('--seed <n>', 'seed of the random weights and input', 0, 1))
    .addOption(fidelityOption('fast (one event per MAC run) | command (one event per command)'))
    .addOption(choiceOption('--precision <p>', 'weight format', PRECISIONS, 'bf16'))
    .option('--json', 'print one JSON object')
    .option('--command-log <file>', 'write every issued command as CSV');
  addSetOption(cmd, 'system preset').action(async (o: { rows: number; cols: number; system?: string; functional?: boolean; seed: number; fidelity: FidelityChoice; precision: Precision; json?: boolean; commandLog?: string; set: string[] }) => {
    if (o.commandLog) checkOutputFile(o.commandLog, '--command-log');
    const precision = o.precision;
    const system = loadSystem(o.system ?? (precision === 'bf16' ? 'pim-gpt' : 'pim-gpt-lowbit'), o.set);
    if (!system.pu.formats.includes(precision)) {
      throw new InputError(`--precision ${precision}: the ${system.name} PUs support ${system.pu.formats.join(', ')}; use a system with low-bit PUs, e.g. --system pim-gpt-lowbit`);
    }
    const { rows, cols, seed } = o;
    const r = withCommandLog(o.commandLog, (onCommand) => runGemv(system, rows, cols, { functional: o.functional, seed, fidelity: o.fidelity, onCommand, precision }));
    const s = r.stats;
    // TensorFlow.js loads only when a functional check is asked for.
    const { tfjsGemv, maxRelError } = o.functional ? await import('../functional/gemvReference.js') : ({} as typeof import('../functional/gemvReference.js'));
    let functional: { maxRelError: number; reference: string; bitExact?: boolean; mismatches?: number; quantizationRelError?: number } | undefined;
    if (o.functional && r.lowBit) {
      // Bit-exact against the integer reference; the error against float32 on the unquantized
      // weights and input is the quantization error (informative).
      const ref = await tfjsGemv(r.weights!, r.input!, rows, cols);
      functional = {
        maxRelError: maxRelError(r.lowBit.output, r.lowBit.reference), reference: 'plain integer GEMV over the same codes (src/quant/intGemv.ts)',
        bitExact: r.lowBit.mismatches === 0, mismatches: r.lowBit.mismatches, quantizationRelError: maxRelError(r.lowBit.output, ref.y),
      };
    } else if (o.functional) {
      const ref = await tfjsGemv(r.weights!, r.input!, rows, cols);
      functional = { maxRelError: maxRelError(r.output!, ref.y), reference: `tfjs float32 (${ref.backend})` };
    }
    const unit = r.plan.unit;
    const out = {
      system: system.name, rows, cols, precision, fidelity: s.fidelity,
      pu: { pack: unit.pack, weightsPerColumn: unit.weightsPerColumn, lanes: unit.lanes, activationBits: unit.activationBits, gbReadsPerColumn: unit.gbReadsPerColumn, macSpacingCycles: unit.macSpacingCycles },
      cycles: s.cycles, ns: s.ns, macCommands: s.macCommands, activations: s.activations, rowHitRate: s.rowHitRate,
      puUtilization: s.puUtilization, puUtilizationCap: r.puUtilizationCap, puUtilizationCapWithRefresh: r.puUtilizationCapWithRefresh,
      internalBandwidthGBs: s.internalBandwidthGBs, peakInternalBandwidthGBs: s.peakInternalBandwidthGBs, internalBandwidthFraction: s.internalBandwidthFraction,
      mapping: { chunks: r.plan.chunks, chunkColumns: r.plan.chunkCols, segmentsPerRow: r.plan.segmentsPerRow, rowsPerBank: r.plan.dramRowsPerBank, scaleColumns: r.plan.scaleCols, readoutGroup: r.plan.readoutGroup, modeSwitchesPerChannel: r.plan.modeSwitches },
      breakdownNs: s.breakdownNs, commands: s.commands,
      ...(functional ?? {}),
    };
    if (o.json) return printJson(out);
    printTable([
      ['gemv', `${rows} x ${cols} ${precision} on ${system.name} (${s.fidelity} fidelity)`],
      ...(precision !== 'bf16' ? [['low-bit unit', `${unit.pack}: ${unit.weightsPerColumn} weights per column, ${unit.lanes} lanes, ${unit.activationBits}-bit activations, ${unit.gbReadsPerColumn} buffer read(s) per column, MAC every ${unit.macSpacingCycles} cycles`] as const] : []),
      ['time', `${s.cycles} cycles, ${s.ns.toFixed(1)} ns`],
      ['mapping', `${r.plan.chunks} chunk(s) of ${r.plan.chunkCols} columns, ${r.plan.segmentsPerRow} segment(s) per row, ${r.plan.dramRowsPerBank} rows per bank, readouts in groups of ${r.plan.readoutGroup} (${r.plan.modeSwitches} register-mode switches per channel)`],
      ['MAC commands', s.macCommands],
      ['bank activations', s.activations],
      ['row hit rate', `${(100 * s.rowHitRate).toFixed(2)}%`],
      ['PU utilization', `${(100 * s.puUtilization).toFixed(1)}% (row-cycle cap ${(100 * r.puUtilizationCap).toFixed(1)}%, ${(100 * r.puUtilizationCapWithRefresh).toFixed(1)}% with refresh)`],
      ['internal bandwidth', `${s.internalBandwidthGBs.toFixed(1)} GB/s of ${s.peakInternalBandwidthGBs.toFixed(1)} peak`],
      ['breakdown (ns/channel)', Object.entries(s.breakdownNs).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')],
      ...(functional && functional.bitExact !== undefined
        ? [
          ['vs integer reference', functional.bitExact ? 'bit-exact' : `${functional.mismatches} of ${rows} outputs differ (max rel. error ${functional.maxRelError.toExponential(3)})`] as const,
          ['quantization error', `${functional.quantizationRelError!.toExponential(3)} max rel. vs float32 on the unquantized weights and input`] as const,
        ]
        : functional ? [['max rel. error', `${functional.maxRelError.toExponential(3)} vs ${functional.reference}`] as const] : []),
    ]);
  });
}
