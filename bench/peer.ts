/**
 * Peer comparison: the peer traces of traces/peer (GDDR6, DDR4-3200, HBM2) replayed with their
 * matched configurations, beside Ramulator 2.1 and DRAMsim3's results on the same traces, with
 * pimsim's replay speed. Cases: a standard (`peer:ddr4`), a scheduler (`peer:frfcfs`, or
 * `peer:all` for every FR-FCFS scheduler; frfcfs-oldest, the matched one, by default), or
 * `peer:keep` to replay with pimsim's default activated-request handling (activatedEntry keep,
 * writeModeCounts all) instead of Ramulator's.
 */
import { PEER_SETS, peerMemory, peerResults, readPeerTrace, replayPeer } from '../src/dram/peers.js';
import { SCHEDULER_NAMES } from '../src/dram/schedulers/index.js';
import type { Bench } from './run.js';

const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(2)}%`;

function table(header: readonly string[], body: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const b of body) process.stdout.write(line(b) + '\n');
}

export const bench: Bench = {
  name: 'peer',
  description: 'the peer traces (traces/peer: GDDR6, DDR4, HBM2 one and dual bus): pimsim vs Ramulator 2.1 vs DRAMsim3, and requests/s',
  run(caseFilters) {
    const standards = PEER_SETS.map((s) => s.standard as string).filter((s) => caseFilters.includes(s));
    const schedulers = caseFilters.includes('all')
      ? SCHEDULER_NAMES.filter((s) => s !== 'fcfs')
      : SCHEDULER_NAMES.filter((s) => caseFilters.includes(s));
    const keep = caseFilters.includes('keep');
    const known = new Set([...PEER_SETS.map((s) => s.standard), ...SCHEDULER_NAMES, 'all', 'keep']);
    const unknown = caseFilters.filter((f) => !known.has(f));
    if (unknown.length) {
      process.stdout.write(`unknown case ${unknown.join(', ')}; cases: ${[...known].join(', ')}\n`);
      return;
    }
    const rows: string[][] = [];
    let warmed = false;
    for (const set of PEER_SETS) {
      if (standards.length && !standards.includes(set.standard)) continue;
      const results = peerResults(set);
      for (const scheduler of schedulers.length ? schedulers : ['frfcfs-oldest']) {
        const sets = [`controller.scheduler=${scheduler}`, ...(keep ? ['controller.activatedEntry=keep', 'controller.writeModeCounts=all'] : [])];
        for (const name of set.traces) {
          const trace = readPeerTrace(set, name);
          for (const c of set.comparisons) {
            const spec = peerMemory(c, set, sets);
            if (!warmed) {
              replayPeer(trace, spec, c); // warm-up: the JIT compiles the hot loop before anything is timed
              warmed = true;
            }
            const run = replayPeer(trace, spec, c);
            const s = run.stats;
            const ram = results[name][c.ramulator], d3 = results[name][c.dramsim3];
            rows.push([
              c.name, name, scheduler + (keep ? ' keep' : ''), String(run.requests),
              String(s.cycles), String(ram.cycles), pct(s.cycles, ram.cycles), String(d3.cycles), pct(s.cycles, d3.cycles),
              `${s.commands.ACT} / ${ram.commands.ACT}`, `${(100 * s.rowHitRate).toFixed(2)} / ${(100 * ram.rowHitRate).toFixed(2)}`,
              run.replayMs.toFixed(0), `${(run.requests / (run.replayMs / 1000) / 1000).toFixed(0)} k`,
            ]);
            process.stdout.write(`  ${c.name} ${name} (${scheduler}): ${run.replayMs.toFixed(0)} ms\n`);
          }
        }
      }
    }
    process.stdout.write('\n');
    table(
      ['configuration', 'trace', 'scheduler', 'requests', 'pimsim cycles', 'Ramulator 2.1', 'vs R2.1', 'DRAMsim3 q24', 'vs DS3', 'ACT pimsim / R2.1', 'row hits % pimsim / R2.1', 'replay ms', 'requests/s'],
      rows,
    );
    process.stdout.write('\nRamulator 2.1 replays the GDDR6 stream at about 480-600 k requests/s and random at about 180 k/s on this kind of machine; DRAMsim3 at 380-530 k and 130 k (traces/peer/README.md).\n');
  },
};
