/**
 * The HBM3 and LPDDR5 presets: hand-computed sequences of the mechanisms they add (pseudo-channels
 * sharing a channel's command buses, LPDDR5's tRPab, tPPD, 2-cycle ACT on its one CA bus and
 * bank-group column spacing), and plain trace replay of both under the protocol checker.
 *
 * hbm3: tCK 0.769 ns, nBL 2, nCCDS 2, nCCDL 4, nRRDS 2, nRCDRD 19, ACT holds the row bus 2 clocks;
 * two pseudo-channels (rank slots 0 and 1) per channel. lpddr5: tCK 1.25 ns, nBL 2, nCCDS 2,
 * nCCDL 4, nRRDS 4, nRP 15, nRPab 17, nPPD 2, ACT holds the CA bus 2 clocks.
 */
import { describe, expect, it } from 'vitest';
import { checkCommandLog, ProtocolChecker, type Violation } from '../../src/dram/checker.js';
import { COMMANDS, COMMAND_ID, COMMAND_NAMES } from '../../src/spec/commands.js';
import { replay } from '../../src/dram/replay.js';
import { ChannelTiming } from '../../src/dram/timing.js';
import { mixedTrace, randomTrace, streamTrace } from '../../src/dram/trace/index.js';
import { loadMemory } from '../../src/spec/presets.js';
import { A0, rec } from '../fixtures/checker/scenario.js';

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, PREA = COMMAND_ID.PREA, RD = COMMAND_ID.RD;
const hbm3 = loadMemory('hbm3', ['controller.refresh=off']);
const lpddr5 = loadMemory('lpddr5', ['controller.refresh=off']);

describe('hbm3: two pseudo-channels share the channel\'s command buses, not their data buses', () => {
  it('organization: 16 channels x 2 pseudo-channels of 32 bits, 16 banks each, 666 GB/s, 16 GiB', () => {
    expect(hbm3.rankSlots).toBe(2);
    expect(hbm3.banksPerChannel).toBe(32);
    expect(hbm3.peakBandwidthGBs).toBeCloseTo((32 * 32) / (2 * 0.769), 6);
    expect(hbm3.totalBytes).toBe(16 * 2 ** 30);
  });
  const opened = () => {
    const tm = new ChannelTiming(hbm3);
    // ACT PC0 g0b0 at 0, ACT PC1 g0b0 at 2 (the row bus is the channel's: the first ACT holds it
    // for 0 and 1); both rows open from 2 + 19 = 21.
    tm.issue(ACT, 0, 0, 0, 0, 0);
    expect(tm.earliest(ACT, 1, 0, 0)).toBe(2);
    tm.issue(ACT, 1, 0, 0, 0, 2);
    return tm;
  };
  it('a RD to each pseudo-channel in consecutive clocks: one column bus, two data buses', () => {
    const tm = opened();
    tm.issue(RD, 0, 0, 0, 0, 100);
    expect(tm.earliest(RD, 1, 0, 0)).toBe(101); // column bus only (its own data bus is idle)
    expect(tm.earliest(RD, 0, 1, 0)).toBe(102); // PC0's data bus: nBL = nCCDS = 2
  });
  it('row commands of the two pseudo-channels share the row bus: a PRE to PC1 waits for the ACT to PC0 (2 clocks)', () => {
    const tm = opened();
    tm.issue(ACT, 0, 1, 0, 0, 200);
    expect(tm.earliest(PRE, 1, 0, 0)).toBe(202);
    expect(tm.earliest(RD, 1, 0, 0)).toBeLessThanOrEqual(200); // the column bus is free
  });
  it('tRRD and tFAW are per pseudo-channel: an ACT to PC1 right after two to PC0 waits only for the bus', () => {
    const tm = new ChannelTiming(hbm3);
    tm.issue(ACT, 0, 0, 0, 0, 0);
    tm.issue(ACT, 0, 1, 0, 0, 2); // nRRDS 2 = the bus
    expect(tm.earliest(ACT, 0, 1, 1)).toBe(6); // same bank group: nRRDL 4 after 2
    expect(tm.earliest(ACT, 1, 1, 1)).toBe(4); // other pseudo-channel: the bus (ACT at 2 holds 2, 3)
  });
});

describe('lpddr5: one CA bus, 2-cycle ACT, tRPab, tPPD, bank-group mode', () => {
  it('an ACT holds the CA bus two clocks: nothing else at 101', () => {
    const tm = new ChannelTiming(lpddr5);
    tm.issue(ACT, 0, 1, 0, 0, 0);
    tm.issue(ACT, 0, 0, 0, 0, 100);
    expect(tm.earliest(RD, 0, 1, 0)).toBe(102);
  });
  it('PREA -> ACT waits nRPab 17, PRE -> ACT nRP 15; PRE -> PRE nPPD 2', () => {
    const tm = new ChannelTiming(lpddr5);
    tm.issue(ACT, 0, 0, 0, 0, 0);
    tm.issue(ACT, 0, 1, 0, 0, 4);
    tm.issue(PRE, 0, 0, 0, -1, 100);
    expect(tm.earliest(PRE, 0, 1, 0)).toBe(102);
    expect(tm.earliest(ACT, 0, 0, 0)).toBe(115);
    const t2 = new ChannelTiming(lpddr5);
    t2.issue(ACT, 0, 0, 0, 0, 0);
    t2.issue(PREA, 0, 0, 0, -1, 100);
    expect(t2.earliest(ACT, 0, 0, 0)).toBe(117);
  });
  it('column commands: nCCDS 2 to another bank group, nCCDL 4 within one; 12.8 GB/s per channel', () => {
    const tm = new ChannelTiming(lpddr5);
    tm.issue(ACT, 0, 0, 0, 0, 0);
    tm.issue(ACT, 0, 1, 0, 0, 4);
    tm.issue(ACT, 0, 0, 1, 0, 8);
    tm.issue(RD, 0, 0, 0, 0, 100);
    expect(tm.earliest(RD, 0, 1, 0)).toBe(102);
    expect(tm.earliest(RD, 0, 0, 1)).toBe(104);
    expect(lpddr5.peakBandwidthGBs / lpddr5.org.channels).toBeCloseTo(12.8, 9);
  });
  it('the checker reports a command in the second clock of an ACT', () => {
    const vs = checkCommandLog([rec('ACT', { ...A0, bankgroup: 1 }, 0, 1), rec('ACT', A0, 100, 1), rec('RD', { ...A0, bankgroup: 1 }, 101, 1)], lpddr5);
    expect(vs.map((v) => v.message)).toEqual(['bus "CA" is held by ACT at line 3 until cycle 102 (2 clocks)']);
  });
});

describe('plain trace replay on hbm3 and lpddr5 (refresh on), every command through the protocol checker', () => {
  for (const preset of ['hbm3', 'lpddr5']) {
    for (const refresh of ['per-bank', 'all-bank']) {
      it(`${preset}, ${refresh} refresh: stream, random and mixed traffic`, () => {
        const spec = loadMemory(preset, [`controller.refresh=${refresh}`]);
        const traces = {
          stream: streamTrace(100_000, spec.accessBytes),
          random: randomTrace(5_000, spec.totalBytes, 1, { alignBytes: spec.accessBytes }),
          mixed: mixedTrace(5_000, 2, { spanBytes: spec.totalBytes, accessBytes: spec.accessBytes }),
        };
        const fraction: Record<string, number> = {};
        let refreshes = 0;
        for (const [name, trace] of Object.entries(traces)) {
          const checker = new ProtocolChecker(spec);
          const violations: Violation[] = [];
          let line = 1;
          const { stats } = replay(spec, trace, {
            onCommand: (c, channel, rank, g, b, row, column, cycle) => {
              const command = COMMAND_NAMES[c];
              const bank = COMMANDS[command].reach === 'bank';
              if (violations.length < 3) checker.check({ cycle, channel, rank, bankgroup: bank ? g : -1, bank: bank ? b : -1, row, column, command }, ++line, violations);
            },
          });
          expect(violations, `${name}`).toEqual([]);
          expect(stats.reads + stats.writes).toBe(trace.count);
          refreshes += stats.commands[refresh === 'per-bank' ? 'REFpb' : 'REFab'] ?? 0;
          fraction[name] = stats.bandwidthFraction;
        }
        // Streams run near the peak; random traffic is bound by activations (tFAW per pseudo-channel
        // on HBM3, the CA bus on LPDDR5: ACT 2 + RD + PRE per 2-clock burst).
        expect(refreshes).toBeGreaterThan(0);
        expect(fraction.stream).toBeGreaterThan(0.8);
        expect(fraction.random).toBeLessThan(0.5);
      });
    }
  }
});
