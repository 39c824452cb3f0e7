/**
 * Peer comparison: the four GDDR6 traces of traces/peer replayed with the matched configuration
 * (traces/peer/gddr6-peer.json, shared front end), beside Ramulator 2.1 and DRAMsim3's results on
 * the same traces, with pimsim's replay speed. Cases are the scheduler: frfcfs-oldest (the
 * matched one) by default; `peer:frfcfs` or `peer:all` for the others.
 */
import { PEER_TRACES, peerMemory, peerResults, replayPeer } from '../src/dram/peers.js';
import { SCHEDULER_NAMES } from '../src/dram/schedulers/index.js';
import type { Bench } from './run.js';

const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(2)}%`;

function table(header: readonly string[], body: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const b of body) process.stdout.write(line(b) + '\n');
}

export const bench: Bench = {
  name: 'peer',
  description: 'the four GDDR6 peer traces (traces/peer): pimsim vs Ramulator 2.1 vs DRAMsim3, and requests/s',
  run(caseFilters) {
    const schedulers = caseFilters.includes('all') ? SCHEDULER_NAMES.filter((s) => s !== 'fcfs') : caseFilters.length ? SCHEDULER_NAMES.filter((s) => caseFilters.includes(s)) : ['frfcfs-oldest'];
    if (schedulers.length === 0) {
      process.stdout.write(`no scheduler matches ${caseFilters.join(', ')}; cases: ${SCHEDULER_NAMES.join(', ')}, all\n`);
      return;
    }
    const results = peerResults();
    const rows: string[][] = [];
    for (const scheduler of schedulers) {
      const spec = peerMemory([`controller.scheduler=${scheduler}`]);
      replayPeer('gemv', spec); // warm-up: the JIT compiles the hot loop before anything is timed
      for (const name of PEER_TRACES) {
        const run = replayPeer(name, spec);
        const s = run.stats;
        const ram = results[name]['ramulator-2.1'], d3 = results[name]['dramsim3-queue24'];
        rows.push([
          name, scheduler, String(run.requests),
          String(s.cycles), String(ram.cycles), pct(s.cycles, ram.cycles), String(d3.cycles), pct(s.cycles, d3.cycles),
          `${s.commands.ACT} / ${ram.commands.ACT}`, `${(100 * s.rowHitRate).toFixed(2)} / ${(100 * ram.rowHitRate).toFixed(2)}`,
          run.replayMs.toFixed(0), `${(run.requests / (run.replayMs / 1000) / 1000).toFixed(0)} k`,
        ]);
        process.stdout.write(`  ${name} (${scheduler}): ${run.replayMs.toFixed(0)} ms\n`);
      }
    }
    process.stdout.write('\n');
    table(
      ['trace', 'scheduler', 'requests', 'pimsim cycles', 'Ramulator 2.1', 'vs R2.1', 'DRAMsim3 q24', 'vs DS3', 'ACT pimsim / R2.1', 'row hits % pimsim / R2.1', 'replay ms', 'requests/s'],
      rows,
    );
    process.stdout.write('\nRamulator 2.1 replays stream at about 480-600 k requests/s and random at about 180 k/s on this kind of machine; DRAMsim3 at 380-530 k and 130 k (traces/peer/README.md).\n');
  },
};
