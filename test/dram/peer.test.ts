/**
 * Peer comparison: the four GDDR6 traces of traces/peer, replayed with the configuration the
 * peers ran (traces/peer/gddr6-peer.json: frfcfs-oldest, Ramulator 2.1's read-to-write
 * turnaround, the shared front end), against Ramulator 2.1's results (traces/peer/results.json).
 * Cycles within 2%, activations within 1%, row-hit rate within 0.5 points; every command log
 * passes the protocol checker and activates no row it then closes unused.
 */
import { describe, expect, it } from 'vitest';
import { formatViolation, ProtocolChecker, type Violation } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/dram/commands.js';
import { PEER_TRACES, peerMemory, peerResults, replayPeer } from '../../src/dram/peers.js';

const spec = peerMemory();
const results = peerResults();

describe('the matched configuration', () => {
  it('is the peers\' one: 2 x16 channels, 4 x 4 banks, RoBaRaCoCh, no refresh, nRTW 25, 32-entry queues', () => {
    expect(spec.org).toMatchObject({ channels: 2, bankGroups: 4, banksPerGroup: 4, rows: 16384, columns: 1024, busWidthBits: 16, burstLength: 16 });
    expect(spec.controller).toMatchObject({ scheduler: 'frfcfs-oldest', refresh: 'off', queueDepth: 32, addressMapping: 'RoBaRaCoCh', pagePolicy: 'open' });
    expect(spec.timing).toMatchObject({ nCL: 24, nRCDRD: 27, nRC: 80, nRTW: 25 });
    expect(spec.tCK_ps).toBe(570);
  });
});

describe('pimsim agrees with Ramulator 2.1 on the peer traces', () => {
  for (const name of PEER_TRACES) {
    it(name, () => {
      const ram = results[name]['ramulator-2.1'];
      // Every command goes through the protocol checker as it issues (the stream log has over two
      // million lines; nothing is kept), and no row may be activated and closed unused.
      const checker = new ProtocolChecker(spec);
      const violations: Violation[] = [];
      const rec: CommandRecord = { cycle: 0, channel: 0, rank: 0, bankgroup: 0, bank: 0, row: 0, column: 0, command: 'ACT' };
      const unused = new Uint8Array(spec.org.channels * spec.banksPerChannel);
      let line = 1, wasted = 0;
      const { stats } = replayPeer(name, spec, (cmd, channel, rank, group, bank, row, column, cycle) => {
        rec.cycle = cycle;
        rec.channel = channel;
        rec.rank = rank;
        rec.command = COMMAND_NAMES[cmd];
        rec.bankgroup = COMMANDS[rec.command].reach === 'bank' ? group : -1;
        rec.bank = COMMANDS[rec.command].reach === 'bank' ? bank : -1;
        rec.row = row;
        rec.column = column;
        if (violations.length < 5) checker.check(rec, ++line, violations);
        const f = channel * spec.banksPerChannel + group * spec.org.banksPerGroup + bank;
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
});
