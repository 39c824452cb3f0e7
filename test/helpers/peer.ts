/**
 * Peer comparison, shared by the per-standard peer tests: replays every trace of a peer set
 * (src/dram/peers.ts) with each of its matched configurations and compares with Ramulator 2.1's
 * figures (cycles within 2%, activations within 1%, row-hit rate within 0.5 points). Every command
 * goes through the protocol checker as it issues (nothing is kept: the stream logs have millions
 * of lines), and no row may be activated and closed unused.
 */
import { describe, expect, it } from 'vitest';
import { formatViolation, ProtocolChecker, type Violation } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/spec/commands.js';
import { peerMemory, peerResults, readPeerTrace, replayPeer, type PeerSet } from '../../src/dram/peers.js';
import type { RequestStream } from '../../src/dram/replay.js';

export function describePeerSet(set: PeerSet): void {
  const results = peerResults(set);
  describe(`pimsim agrees with Ramulator 2.1 on the ${set.standard} peer traces`, () => {
    for (const name of set.traces) {
      // Read once, replayed by every configuration of the set.
      let trace: RequestStream | undefined;
      for (const c of set.comparisons) {
        it(`${name} (${c.name})`, () => {
          trace ??= readPeerTrace(set, name);
          const spec = peerMemory(c, set);
          const ram = results[name][c.ramulator];
          const checker = new ProtocolChecker(spec);
          const violations: Violation[] = [];
          const rec: CommandRecord = { cycle: 0, channel: 0, rank: 0, bankgroup: 0, bank: 0, row: 0, column: 0, command: 'ACT' };
          const unused = new Uint8Array(spec.org.channels * spec.banksPerChannel);
          let line = 1, wasted = 0;
          const { stats } = replayPeer(trace, spec, c, (cmd, channel, rank, group, bank, row, column, cycle) => {
            rec.cycle = cycle;
            rec.channel = channel;
            rec.rank = rank;
            rec.command = COMMAND_NAMES[cmd];
            rec.bankgroup = COMMANDS[rec.command].reach === 'bank' ? group : -1;
            rec.bank = COMMANDS[rec.command].reach === 'bank' ? bank : -1;
            rec.row = row;
            rec.column = column;
            if (violations.length < 5) checker.check(rec, ++line, violations);
            const f = (channel * spec.rankSlots + rank) * spec.banksPerRank + group * spec.org.banksPerGroup + bank;
            if (rec.command === 'ACT') unused[f] = 1;
            else if (rec.command === 'PRE') wasted += unused[f];
            else unused[f] = 0;
          });
          expect(violations.map((v) => formatViolation(v, `${name}.csv`))).toEqual([]);
          expect(wasted, 'rows activated and closed unused').toBe(0);
          expect(line - 1).toBe(stats.requests + stats.commands.ACT! + (stats.commands.PRE ?? 0));

          expect(Math.abs(stats.cycles - ram.cycles) / ram.cycles, `cycles ${stats.cycles} vs ${ram.cycles}`).toBeLessThanOrEqual(0.02);
          expect(Math.abs(stats.commands.ACT! - ram.commands.ACT) / ram.commands.ACT, `ACT ${stats.commands.ACT} vs ${ram.commands.ACT}`).toBeLessThanOrEqual(0.01);
          expect(Math.abs(stats.rowHitRate - ram.rowHitRate), `row-hit rate ${stats.rowHitRate} vs ${ram.rowHitRate}`).toBeLessThanOrEqual(0.005);
          expect(stats.reads + stats.writes).toBe(stats.requests);
        });
      }
    }
  });
}
