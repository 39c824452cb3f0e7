/** `pimsim trace <file>`: replay a memory trace on a memory preset. */
import type { Command } from 'commander';
import { readTrace, parseTraceFormatOption } from '../dram/trace/index.js';
import { DEFAULT_FRONTEND, FRONTENDS, FRONTEND_NAMES, replay, type FrontendName } from '../dram/replay.js';
import { InputError } from '../spec/errors.js';
import { configHash, memoryConfig } from '../spec/resolved.js';
import { withCommandLog } from '../dram/commandLogSink.js';
import { loadMemory } from '../spec/presets.js';
import type { DramStats } from '../dram/stats.js';
import { addSetOption, printJson, printTable } from './common.js';

export function register(program: Command): void {
  const cmd = program
    .command('trace <file>')
    .description('replay a memory trace (pimsim, Ramulator or DRAMsim3 format) through the DRAM model')
    .option('--memory <preset>', 'memory preset name or path to a .json file', 'gddr6')
    .option('--format <format>', 'auto | pimsim | ramulator | dramsim3', 'auto')
    .option('--frontend <name>', `how requests are offered: ${FRONTEND_NAMES.map((n) => `${n} (${FRONTENDS[n]})`).join('; ')}`, DEFAULT_FRONTEND)
    .option('--json', 'print one JSON object instead of a table')
    .option('--command-log <file>', 'write every issued command as CSV');
  addSetOption(cmd, 'memory preset').action((file: string, o: { memory: string; format: string; frontend: string; json?: boolean; commandLog?: string; set: string[] }) => {
    if (!(o.frontend in FRONTENDS)) throw new InputError(`--frontend expects one of ${FRONTEND_NAMES.join(', ')}, got "${o.frontend}"`);
    const frontend = o.frontend as FrontendName;
    const spec = loadMemory(o.memory, o.set);
    const trace = readTrace(file, parseTraceFormatOption(o.format));
    const stats: DramStats = withCommandLog(o.commandLog, (onCommand) => replay(spec, trace, { onCommand, frontend }).stats);
    // The resolved memory configuration goes with the figures, so a comparison can be checked.
    if (o.json) printJson({ trace: file, format: trace.format, frontend, ...stats, config: memoryConfig(spec) });
    else printTraceSummary(file, trace.format, stats, { frontend, hash: configHash(spec), show: configCommand(o.memory, o.set) });
  });
}

/** The command that prints a run's resolved memory configuration. */
function configCommand(memory: string, sets: readonly string[]): string {
  const quote = (s: string) => (/^[\w./=:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return ['pimsim config --memory', quote(memory), ...sets.map((s) => `--set ${quote(s)}`)].join(' ');
}

export function printTraceSummary(file: string, format: string, s: DramStats, run?: { frontend: string; hash: string; show: string }): void {
  printTable([
    ['trace', `${file} (${format})`],
    ['memory', run ? `${s.memory} (config ${run.hash}: ${run.show})` : s.memory],
    ...(run ? [['front end', run.frontend] as const] : []),
    ['cycles', s.cycles],
    ['time (ns)', s.ns],
    ['requests', `${s.requests} (${s.reads} reads, ${s.writes} writes)`],
    ['bandwidth (GB/s)', `${s.bandwidthGBs.toFixed(2)} of ${s.peakBandwidthGBs.toFixed(2)} peak (${(100 * s.bandwidthFraction).toFixed(1)}%)`],
    ['row buffer', `${(100 * s.rowHitRate).toFixed(1)}% hits (${s.rowHits} hits, ${s.rowMisses} misses, ${s.rowConflicts} conflicts)`],
    ['read latency (ns)', `mean ${s.avgReadLatencyNs.toFixed(2)}, p99 ${s.p99ReadLatencyNs.toFixed(2)}`],
    ['commands', Object.entries(s.commands).map(([k, v]) => `${k} ${v}`).join(', ')],
  ]);
}
