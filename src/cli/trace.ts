/** `pimsim trace <file>`: replay a memory trace on a memory preset. */
import type { Command } from 'commander';
import { TRACE_FORMATS, type TraceFormatOption } from '../dram/trace/index.js';
import { KEEP_REQUESTS, keptChunks, scanTrace, traceChunks } from '../dram/trace/stream.js';
import { requestWhere } from '../dram/trace/convert.js';
import { AddressMap } from '../dram/addressMap.js';
import { DEFAULT_FRONTEND, FRONTENDS, FRONTEND_NAMES, replayChunks, type FrontendName } from '../dram/replay.js';
import { withCommandLogAsync } from '../dram/commandLogSink.js';
import { configHash, memoryConfig } from '../spec/resolved.js';
import { loadMemory } from '../spec/presets.js';
import type { DramStats } from '../dram/stats.js';
import { checkOutputFile } from '../util/output.js';
import { printJson, printTable } from './common.js';
import { addSetOption, choiceOption } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('trace <file>')
    .description('replay a memory trace (pimsim, Ramulator or DRAMsim3 format; plain or gzip-compressed) through the DRAM model')
    .option('--memory <preset>', 'memory preset name or path to a .json file', 'gddr6')
    .addOption(choiceOption('--format <format>', 'trace format', ['auto', ...TRACE_FORMATS], 'auto'))
    .addOption(choiceOption('--frontend <name>', `how requests are offered: ${FRONTEND_NAMES.map((n) => `${n} (${FRONTENDS[n]})`).join('; ')}`, FRONTEND_NAMES, DEFAULT_FRONTEND))
    .option('--json', 'print one JSON object instead of a table')
    .option('--command-log <file>', 'write every issued command as CSV');
  addSetOption(cmd, 'memory preset').action(async (file: string, o: { memory: string; format: TraceFormatOption; frontend: FrontendName; json?: boolean; commandLog?: string; set: string[] }) => {
    if (o.commandLog) checkOutputFile(o.commandLog, '--command-log');
    const frontend = o.frontend;
    const spec = loadMemory(o.memory, o.set);
    // Pass 1 reads the whole trace without simulating (every line, every address), so a bad line at
    // the end of a huge trace fails in seconds. Its requests are kept when there are at most
    // KEEP_REQUESTS of them and replayed from memory; a longer trace is streamed through the model
    // by a second read, one block of requests at a time.
    const map = new AddressMap(spec);
    const scan = await scanTrace(file, o.format, (chunk) => {
      for (let i = 0; i < chunk.count; i++) if (!map.contains(chunk.address[i])) map.check(chunk.address[i], requestWhere(chunk, i));
    }, KEEP_REQUESTS);
    const chunks = scan.chunks ? keptChunks(scan.chunks) : traceChunks(file, scan.format);
    const stats: DramStats = await withCommandLogAsync(o.commandLog, async (onCommand) => (await replayChunks(spec, chunks, { onCommand, frontend })).stats);
    // The resolved memory configuration goes with the figures, so a comparison can be checked.
    if (o.json) printJson({ trace: file, format: scan.format, frontend, ...stats, config: memoryConfig(spec) });
    else printTraceSummary(file, scan.format, stats, { frontend, hash: configHash(spec), show: configCommand(o.memory, o.set) });
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
