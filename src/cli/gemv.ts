/** `pimsim gemv`: map and run one BF16 matrix-vector product on a PIM system. */
import type { Command } from 'commander';
import { loadSystem } from '../spec/system.js';
import { runGemv } from '../pim/gemvRun.js';
import { tfjsGemv, maxRelError } from '../pim/reference.js';
import { openCommandLog } from '../dram/commandLogSink.js';
import { InputError } from '../spec/errors.js';
import { addSetOption, printJson, printTable } from './common.js';

function int(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InputError(`${name} expects an integer, got "${v}"`);
  return n;
}

export function register(program: Command): void {
  const cmd = program
    .command('gemv')
    .description('map an M x K BF16 matrix onto the PIM banks, run y = W x, and report timing (and numbers with --functional)')
    .requiredOption('--rows <M>', 'output rows')
    .requiredOption('--cols <K>', 'input columns')
    .option('--system <preset>', 'system preset name or path', 'pim-gpt')
    .option('--functional', 'compute real numbers and compare with a float32 TensorFlow.js reference')
    .option('--seed <n>', 'seed of the random weights and input', '1')
    .option('--fidelity <mode>', 'fast (one event per MAC run) | command (one event per command)', 'fast')
    .option('--precision <p>', 'weight precision (bf16 until the low-bit PUs land)', 'bf16')
    .option('--json', 'print one JSON object')
    .option('--command-log <file>', 'write every issued command as CSV');
  addSetOption(cmd, 'system preset').action(async (o: { rows: string; cols: string; system: string; functional?: boolean; seed: string; fidelity: string; precision: string; json?: boolean; commandLog?: string; set: string[] }) => {
    if (o.fidelity !== 'fast' && o.fidelity !== 'command') throw new InputError(`--fidelity expects fast or command, got "${o.fidelity}"`);
    const system = loadSystem(o.system, o.set);
    if (!system.pu.formats.includes(o.precision as never)) {
      throw new InputError(`--precision ${o.precision}: the ${system.name} PUs support ${system.pu.formats.join(', ')}`);
    }
    const rows = int(o.rows, '--rows'), cols = int(o.cols, '--cols');
    const log = o.commandLog ? openCommandLog(o.commandLog) : undefined;
    let r;
    try {
      r = runGemv(system, rows, cols, { functional: o.functional, seed: int(o.seed, '--seed'), fidelity: o.fidelity, onCommand: log?.sink });
      log?.writer.commit();
    } catch (e) {
      log?.writer.abort();
      throw e;
    }
    const s = r.stats;
    let functional: { maxRelError: number; reference: string } | undefined;
    if (o.functional) {
      const ref = await tfjsGemv(r.weights!, r.input!, rows, cols);
      functional = { maxRelError: maxRelError(r.output!, ref.y), reference: `tfjs float32 (${ref.backend})` };
    }
    const out = {
      system: system.name, rows, cols, precision: o.precision, fidelity: s.fidelity,
      cycles: s.cycles, ns: s.ns, macCommands: s.macCommands, activations: s.activations, rowHitRate: s.rowHitRate,
      puUtilization: s.puUtilization, puUtilizationCap: r.puUtilizationCap, puUtilizationCapWithRefresh: r.puUtilizationCapWithRefresh,
      internalBandwidthGBs: s.internalBandwidthGBs, peakInternalBandwidthGBs: s.peakInternalBandwidthGBs, internalBandwidthFraction: s.internalBandwidthFraction,
      mapping: { chunks: r.plan.chunks, chunkColumns: r.plan.chunkCols, segmentsPerRow: r.plan.segmentsPerRow, rowsPerBank: r.plan.dramRowsPerBank },
      breakdownNs: s.breakdownNs, commands: s.commands,
      ...(functional ?? {}),
    };
    if (o.json) return printJson(out);
    printTable([
      ['gemv', `${rows} x ${cols} ${o.precision} on ${system.name} (${s.fidelity} fidelity)`],
      ['time', `${s.cycles} cycles, ${s.ns.toFixed(1)} ns`],
      ['mapping', `${r.plan.chunks} chunk(s) of ${r.plan.chunkCols} columns, ${r.plan.segmentsPerRow} segment(s) per row, ${r.plan.dramRowsPerBank} rows per bank`],
      ['MAC commands', s.macCommands],
      ['bank activations', s.activations],
      ['row hit rate', `${(100 * s.rowHitRate).toFixed(2)}%`],
      ['PU utilization', `${(100 * s.puUtilization).toFixed(1)}% (row-cycle cap ${(100 * r.puUtilizationCap).toFixed(1)}%, ${(100 * r.puUtilizationCapWithRefresh).toFixed(1)}% with refresh)`],
      ['internal bandwidth', `${s.internalBandwidthGBs.toFixed(1)} GB/s of ${s.peakInternalBandwidthGBs.toFixed(1)} peak`],
      ['breakdown (ns/channel)', Object.entries(s.breakdownNs).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')],
      ...(functional ? [['max rel. error', `${functional.maxRelError.toExponential(3)} vs ${functional.reference}`] as const] : []),
    ]);
  });
}
