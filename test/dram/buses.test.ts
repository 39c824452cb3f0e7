/**
 * Hand-computed sequences for the command buses, rank switching and the activated-request
 * options, in the compiled tables (ChannelTiming), the controller and the protocol checker.
 *
 * hbm2 (refresh off): a row bus (ACT, PRE, PREA, REF*, ACT4, ACT16) and a column bus (the rest);
 * ACT holds the row bus 2 clocks. nRCDRD 14, nRRDS 4, nRAS 34. ddr4-3200 with two ranks: nCL 22,
 * nCWL 16, nBL 4, nRTRS 2, nRCDRD 22. gddr6: nRCDRD 27, nRRDS 8.
 */
import { describe, expect, it } from 'vitest';
import { AddressMap } from '../../src/dram/addressMap.js';
import { checkCommandLog, STATE_RULES } from '../../src/dram/checker.js';
import { parseCommandLog } from '../../src/dram/commandLog.js';
import { COMMAND_ID, COMMAND_NAMES } from '../../src/spec/commands.js';
import { replay } from '../../src/dram/replay.js';
import { ChannelTiming } from '../../src/dram/timing.js';
import { loadMemory } from '../../src/spec/presets.js';
import { errorOf } from '../helpers/errors.js';
import { addr, brief, run, stream } from '../helpers/replay.js';
import { A0, rec } from '../fixtures/checker/scenario.js';

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, RD = COMMAND_ID.RD, WR = COMMAND_ID.WR;
const ONE_BUS = 'commandBus.buses=[{"name":"command","commands":"*"}]';
const hbm2 = loadMemory('hbm2', ['controller.refresh=off']);
const hbm2OneBus = loadMemory('hbm2', ['controller.refresh=off', ONE_BUS, 'commandBus.cycles.ACT=1']);

describe('the command buses of a preset', () => {
  it('hbm2: row commands on the row bus, everything else on the column bus; ACT, ACT4 and ACT16 hold it 2 clocks', () => {
    const b = hbm2.buses;
    expect(b.names).toEqual(['row', 'column']);
    const on = (bus: number) => COMMAND_NAMES.filter((_, id) => b.busOf[id] === bus);
    expect(on(0)).toEqual(['ACT', 'PRE', 'PREA', 'REFab', 'REFpb', 'ACT4', 'ACT16']);
    expect(on(1)).toEqual(['RD', 'WR', 'MAC', 'MAC16', 'WRGB', 'RDMAC16', 'WRBIAS', 'TMOD']);
    expect(COMMAND_NAMES.filter((_, id) => b.cycles[id] === 2)).toEqual(['ACT', 'ACT4', 'ACT16']);
  });
  it('gddr6 and ddr4-3200: one bus carries every command, one clock each', () => {
    for (const p of ['gddr6', 'ddr4-3200']) {
      const b = loadMemory(p).buses;
      expect(b.names).toEqual(['command']);
      expect(new Set(b.busOf)).toEqual(new Set([0]));
      expect(new Set(b.cycles)).toEqual(new Set([1]));
    }
  });
  it('a command on two buses, two "*" buses or a command on none are errors naming the fix', () => {
    expect(errorOf(() => loadMemory('gddr6', ['commandBus.buses=[{"name":"a","commands":["ACT"]},{"name":"b","commands":["ACT","RD"]}]'])).message)
      .toMatch(/ACT is on bus "a" and on bus "b"/);
    expect(errorOf(() => loadMemory('gddr6', ['commandBus.buses=[{"name":"a","commands":"*"},{"name":"b","commands":"*"}]'])).message)
      .toMatch(/only one bus may carry "\*".*"a" and "b"/);
    expect(errorOf(() => loadMemory('gddr6', ['commandBus.buses=[{"name":"a","commands":["ACT","RD"]}]'])).message)
      .toMatch(/no bus carries PRE, PREA, WR.*"commands": "\*"/);
    expect(errorOf(() => loadMemory('gddr6', ['commandBus.cycles.ACT=0'])).message).toMatch(/commandBus\.cycles\.ACT/);
  });
});

describe('ChannelTiming: a 2-cycle ACT holds the row bus two clocks, not the column bus', () => {
  const tm = new ChannelTiming(hbm2);
  // Open g1b0 at 0 and g2b0 at 10 (nRRDS 4 apart is met), read g1b0 at 14 (nRCDRD).
  tm.issue(ACT, 0, 1, 0, 5, 0);
  tm.issue(ACT, 0, 2, 0, 5, 10);
  tm.issue(RD, 0, 1, 0, 5, 14);
  // ACT g0b0 at 100: the row bus is busy at 100 and 101.
  tm.issue(ACT, 0, 0, 0, 7, 100);
  it('a PRE to another bank waits for 102', () => {
    expect(tm.earliest(PRE, 0, 2, 0)).toBe(102);
  });
  it('a RD to an open bank can issue in the ACT\'s own clock (column bus)', () => {
    expect(tm.earliest(RD, 0, 2, 0)).toBe(100);
  });
  it('with one bus and a one-clock ACT the RD waits for 101 and the PRE too', () => {
    const one = new ChannelTiming(hbm2OneBus);
    one.issue(ACT, 0, 1, 0, 5, 0);
    one.issue(ACT, 0, 2, 0, 5, 10);
    one.issue(RD, 0, 1, 0, 5, 14);
    one.issue(ACT, 0, 0, 0, 7, 100);
    expect(one.earliest(RD, 0, 2, 0)).toBe(101);
    expect(one.earliest(PRE, 0, 2, 0)).toBe(101);
  });
});

describe('controller: a row and a column command in the same clock on HBM', () => {
  // R0 (g0b0, enqueued 0): ACT 1, RD 1 + nRCDRD 14 = 15. R1 (g1b0) arrives at 14, so its ACT is
  // legal from 15 (nRRDS from 1 is met): on the row bus while R0's RD takes the column bus.
  // Its RD at 15 + 14 = 29, data until 29 + nCL 14 + nBL 2 = 45.
  it('dual bus: RD and ACT both at 15', () => {
    const G = addr(hbm2);
    const r = run(hbm2, stream([{ address: G(0, 0, 0, 0) }, { address: G(1, 0, 0, 0), at: 14 }]));
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '15 RD g0b0', '15 ACT row 0 g1b0', '29 RD g1b0']);
    expect(r.stats.cycles).toBe(45);
  });
  it('one bus: the activated request goes first, the ACT a clock later (and everything after it)', () => {
    const G = addr(hbm2OneBus);
    const r = run(hbm2OneBus, stream([{ address: G(0, 0, 0, 0) }, { address: G(1, 0, 0, 0), at: 14 }]));
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '15 RD g0b0', '16 ACT row 0 g1b0', '30 RD g1b0']);
    expect(r.stats.cycles).toBe(46);
  });
  it('the command logs of random traffic pass the protocol checker with both buses in use', () => {
    const G = addr(hbm2);
    const reqs = Array.from({ length: 600 }, (_, i) => ({ address: G((i * 5) % 4, (i * 3 + (i >> 4)) % 4, (i * 7919) % 64, i % 32, i % 2), write: i % 3 === 0 }));
    const records: ReturnType<typeof rec>[] = [];
    replay(hbm2, stream(reqs), {
      onCommand: (cmd, channel, rank, group, bank, row, column, cycle) => records.push({ ...rec(COMMAND_NAMES[cmd], { channel, rank, bankgroup: group, bank }, cycle, row), column: column < 0 ? -1 : column }),
    });
    expect(checkCommandLog(records, hbm2)).toEqual([]);
    // Some clock carries two commands of one channel (a row and a column one).
    const perClock = new Map<string, number>();
    for (const r of records) perClock.set(`${r.channel}.${r.cycle}`, (perClock.get(`${r.channel}.${r.cycle}`) ?? 0) + 1);
    expect(Math.max(...perClock.values())).toBe(2);
  });
});

describe('rank switching (ddr4-3200 with two ranks)', () => {
  const spec = loadMemory('ddr4-3200', ['controller.refresh=off', 'organization.ranks=2']);
  const map = new AddressMap(spec);
  const A = (rank: number) => map.encode({ channel: 0, rank, group: 0, bank: 0, row: 0, column: 0 });
  const commands = (w0: boolean, w1: boolean) => {
    const log: string[] = [];
    replay(spec, stream([{ address: A(0), write: w0 }, { address: A(1), write: w1 }]), {
      onCommand: (c, _ch, rank, _g, _b, _row, _col, cycle) => log.push(`${cycle} ${COMMAND_NAMES[c]} r${rank}`),
    });
    return log;
  };
  it('a read to another rank waits the rank switch: RD r0 at 23, RD r1 at 23 + nBL 4 + nRTRS 2 = 29 (its own tRCD allows 24)', () => {
    // ACT r0 at 1, ACT r1 at 2 (another rank: no tRRD; one command per clock), RD r0 at 1 + 22.
    expect(commands(false, false)).toEqual(['1 ACT r0', '2 ACT r1', '23 RD r0', '29 RD r1']);
  });
  it('a read after a write to another rank: nCWL + nBL + nRTRS - nCL = 0, only the command bus', () => {
    expect(commands(true, false)).toEqual(['1 ACT r0', '2 ACT r1', '23 WR r0', '24 RD r1']);
  });
  it('ChannelTiming: RD r0 -> WR r1 is nCL + nBL + nRTRS - nCWL = 12, RD r0 -> RD r1 nBL + nRTRS = 6, WR r1 -> WR r0 nBL + nRTRS = 6', () => {
    const tm = new ChannelTiming(spec);
    tm.issue(ACT, 0, 0, 0, 0, 0);
    tm.issue(ACT, 1, 0, 0, 0, 1);
    tm.issue(RD, 0, 0, 0, 0, 100);
    expect(tm.earliest(WR, 1, 0, 0)).toBe(112);
    expect(tm.earliest(RD, 1, 0, 0)).toBe(106);
    // Back to rank 0: its own read-to-write (100 + 12) and the switch after WR r1 (112 + 4 + 2).
    tm.issue(WR, 1, 0, 0, 0, 112);
    expect(tm.earliest(WR, 0, 0, 0)).toBe(118);
  });
  it('with one rank the rank-switch rules read nothing: overriding nRTRS is an error saying why', () => {
    expect(errorOf(() => loadMemory('ddr4-3200', ['timing.nRTRS=3'])).message).toMatch(/timing\.nRTRS is overridden.*organization\.ranks is 1/);
    expect(loadMemory('ddr4-3200', ['organization.ranks=2', 'timing.nRTRS=3']).timing.nRTRS).toBe(3);
  });
});

describe('the protocol checker enforces the buses', () => {
  const A1 = { ...A0, bankgroup: 1 };
  const A2 = { ...A0, bankgroup: 2 };
  it('two row commands in one clock are a violation on HBM; a row and a column command are not', () => {
    const twoRow = [rec('ACT', A1, 0, 1), rec('ACT', A2, 10, 1), rec('PRE', A1, 100), rec('PRE', A2, 100)];
    const vs = checkCommandLog(twoRow, hbm2);
    expect(vs).toEqual([{ line: 5, cycle: 100, command: 'PRE', rule: STATE_RULES.bus, message: 'bus "row" is held by PRE at line 4 until cycle 101 (1 clock)' }]);
    const rowAndColumn = [rec('ACT', A1, 0, 1), rec('ACT', A2, 10, 1), rec('PRE', A1, 100), rec('RD', A2, 100, 1)];
    expect(checkCommandLog(rowAndColumn, hbm2)).toEqual([]);
  });
  it('a 2-cycle ACT holds the row bus for its second clock; a column command may use it', () => {
    const log = [rec('ACT', A1, 0, 1), rec('ACT', A2, 100, 1), rec('RD', A1, 101, 1), rec('PRE', A0, 101)];
    expect(checkCommandLog(log, hbm2).map((v) => `${v.line} ${v.message}`)).toEqual(['5 bus "row" is held by ACT at line 3 until cycle 102 (2 clocks)']);
  });
  it('one bus (gddr6): any two commands in one clock are a violation', () => {
    const vs = checkCommandLog([rec('ACT', A1, 0, 1), rec('ACT', A2, 10, 1), rec('PRE', A1, 100), rec('RD', A2, 100, 1)], loadMemory('gddr6'));
    expect(vs.map((v) => `${v.line} ${v.rule}`)).toEqual([`5 ${STATE_RULES.bus}`]);
  });
  it('the command log expresses two commands in one clock as two lines with the same cycle', () => {
    const text = 'cycle,channel,rank,bankgroup,bank,row,column,command\n0,0,0,1,0,1,-,ACT\n10,0,0,2,0,1,-,ACT\n100,0,0,1,0,-,-,PRE\n100,0,0,2,0,1,3,RD\n';
    expect(checkCommandLog(parseCommandLog(text, 'two.csv'), hbm2)).toEqual([]);
  });
});

describe('controller options for activated requests', () => {
  // gddr6, refresh off, one-entry queues: R0 (g0b0), R1 (g1b0).
  const G = addr(loadMemory('gddr6'));
  const reqs = stream([{ address: G(0, 0, 0, 0) }, { address: G(1, 0, 0, 0) }]);
  it('activatedEntry keep: R1 enters when R0\'s RD frees the entry at 28 (ACT 1 + nRCDRD 27); ACT 29, RD 56, done 56 + 26 = 82', () => {
    const r = run(loadMemory('gddr6', ['controller.refresh=off', 'controller.queueDepth=1', 'controller.activatedEntry=keep']), reqs);
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '28 RD g0b0', '29 ACT row 0 g1b0', '56 RD g1b0']);
    expect(r.stats.cycles).toBe(82);
  });
  it('activatedEntry free: R0\'s ACT at 1 frees the entry, R1 enters at 1; its ACT at 1 + nRRDS 8 = 9, RD 36, done 62', () => {
    const r = run(loadMemory('gddr6', ['controller.refresh=off', 'controller.queueDepth=1', 'controller.activatedEntry=free']), reqs);
    expect(brief(r.log)).toEqual(['1 ACT row 0 g0b0', '9 ACT row 0 g1b0', '28 RD g0b0', '36 RD g1b0']);
    expect(r.stats.cycles).toBe(62);
  });

  // Four writes W0..W3 (g0b0..g3b0, enqueued 0..3) and a read R (g0b1, enqueued 4); queueDepth 4:
  // low watermark 0. Write mode from 1 (no read seen yet). ACTs 1, 9, 18, 26 (nRRDS 8; 17 went to
  // W0's WR: activated requests first), WRs 17, 25, 34, 42 (nRCDWR 16 after each ACT).
  const W = (g: number) => ({ address: G(g, 0, 0, 0), write: true });
  const mixed = stream([W(0), W(1), W(2), W(3), { address: G(0, 1, 0, 0) }]);
  it('writeModeCounts unactivated: after ACT W3 at 26 no write is unactivated: read mode; R\'s ACT at 35 (34 went to W2\'s WR; nRRDS from 26), RD 62, done 88', () => {
    const r = run(loadMemory('gddr6', ['controller.refresh=off', 'controller.queueDepth=4', 'controller.writeModeCounts=unactivated']), mixed);
    expect(brief(r.log).slice(6)).toEqual(['34 WR g2b0', '35 ACT row 0 g0b1', '42 WR g3b0', '62 RD g0b1']);
    expect(r.stats.cycles).toBe(88);
  });
  it('writeModeCounts all: write mode until W3\'s WR at 42; R\'s ACT at 43, RD 70, done 96', () => {
    const r = run(loadMemory('gddr6', ['controller.refresh=off', 'controller.queueDepth=4', 'controller.writeModeCounts=all']), mixed);
    expect(brief(r.log).slice(6)).toEqual(['34 WR g2b0', '42 WR g3b0', '43 ACT row 0 g0b1', '70 RD g0b1']);
    expect(r.stats.cycles).toBe(96);
  });
});
