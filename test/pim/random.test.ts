/**
 * Seeded random programs and random GEMV shapes on pim-gpt (and a variant with 4 accumulators and
 * a 9-cycle register-mode switch), hbm-pim, hbm3-pim and lpddr5-pim, refresh on:
 * - fidelity: 'fast' and 'command' give identical statistics (cycles, command counts, breakdown,
 *   everything but the fidelity label), and, with a command log, identical logs;
 * - protocol: every command log passes the independent protocol checker against system.memory
 *   (the memory's rules plus the rules derived from the PU clock and the link).
 */
import { describe, expect, it } from 'vitest';
import { checkCommandLog, formatViolation } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/spec/commands.js';
import type { CommandSink } from '../../src/dram/controller.js';
import { runGemv } from '../../src/mapping/gemvRun.js';
import { randomProgram } from '../helpers/randomProgram.js';
import { runProgram, type PimStats } from '../../src/pim/run.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';
import { mulberry32 } from '../../src/util/rng.js';

const VARIANT = loadSystem('pim-gpt', ['pu.accumulators=4', 'memoryOverrides.timing.nMODCH=9']);
const SYSTEMS = [loadSystem('pim-gpt'), VARIANT, loadSystem('hbm-pim'), loadSystem('hbm3-pim'), loadSystem('lpddr5-pim')];

/** A command sink collecting CommandRecords the way commandLogSink.ts writes them. */
function collector(): { sink: CommandSink; records: CommandRecord[] } {
  const records: CommandRecord[] = [];
  const sink: CommandSink = (cmd, channel, rank, group, bank, row, column, cycle) => {
    const command = COMMAND_NAMES[cmd];
    const reach = COMMANDS[command].reach;
    records.push({
      cycle, channel, rank, command, row, column,
      bankgroup: reach === 'bank' || reach === 'bankgroup' ? group : -1,
      bank: reach === 'bank' ? bank : -1,
    });
  };
  return { sink, records };
}

/** The checker wants each channel's commands in cycle order; the engine interleaves channels. */
function byChannel(records: CommandRecord[]): CommandRecord[] {
  return [...records].sort((a, b) => a.channel - b.channel || a.cycle - b.cycle);
}

function expectClean(records: CommandRecord[], system: SystemSpec): void {
  const v = checkCommandLog(byChannel(records), system.memory, { maxViolations: 5 });
  expect(v.map((x) => formatViolation(x, 'log'))).toEqual([]);
}

const noLabel = (s: PimStats) => ({ ...s, fidelity: undefined });

for (const system of SYSTEMS) {
  describe(`${system.name}${system === VARIANT ? ' (4 accumulators, nMODCH 9)' : ''} (refresh ${system.memory.controller.refresh})`, () => {
    it('refresh is on, so runs cross refresh intervals', () => {
      expect(system.memory.controller.refresh).toBe('all-bank');
    });

    // hbm-pim spreads instructions over 16 channels (hbm3-pim 32) and refreshes every 3900 cycles:
    // longer programs, so every program crosses a refresh.
    const length = system.name === 'pim-gpt' ? 150 : 400 * Math.max(1, system.memory.org.channels / 16);
    const variant = system === VARIANT ? 2 : 0;
    const programs = Array.from({ length: variant ? 5 : 10 }, (_, k) => randomProgram(system, (k + 1) * 7919 + (system.name === 'pim-gpt' ? variant : 1), length));

    programs.forEach((prog, k) => {
      it(`random program ${k + 1}: the log passes the checker; fast and command agree on cycles and commands`, () => {
        const a = collector(), b = collector();
        const cmd = runProgram(system, prog, { fidelity: 'command', onCommand: a.sink });
        const fast = runProgram(system, prog, { fidelity: 'fast', onCommand: b.sink });
        // Long enough to refresh.
        expect(cmd.commands.REFab ?? 0).toBeGreaterThan(0);
        expect(fast.cycles).toBe(cmd.cycles);
        expect(a.records.length).toBe(Object.values(cmd.commands).reduce((x, y) => x + y, 0));
        expectClean(a.records, system);
        expectClean(b.records, system);
        // The logs agree command for command.
        expect(byChannel(b.records)).toEqual(byChannel(a.records));
        expect(noLabel(fast)).toEqual(noLabel(cmd));
        // Logging does not change the run (in 'fast' it disables shortcuts; see the next test).
        expect(noLabel(runProgram(system, prog, { fidelity: 'command' }))).toEqual(noLabel(cmd));
      });
    });

    // Was a bug (fixed in 0415f0b): the engine stopped at the last completion, earlier in 'fast'
    // fidelity, so channels idle at the end missed refreshes (pim-gpt program 1: REFab 13 vs 16).
    it('random programs: fast and command statistics are identical', () => {
      for (const prog of programs) {
        expect(noLabel(runProgram(system, prog, { fidelity: 'fast' }))).toEqual(noLabel(runProgram(system, prog, { fidelity: 'command' })));
      }
    });

    const rng = mulberry32(system === VARIANT ? 303 : system.name === 'pim-gpt' ? 101 : 202);
    const shapes: [number, number][] = [[1, 1], [17, 33], [256, 256], [129, 2049], [4096, 4096]];
    for (let k = 0; k < 6; k++) shapes.push([1 + Math.floor(rng() * 2500), 1 + Math.floor(rng() * 5000)]);
    for (const [M, K] of shapes) {
      it(`GEMV ${M} x ${K}: fast = command, and the log passes the checker`, () => {
        const fast = runGemv(system, M, K, { fidelity: 'fast' });
        const c = collector();
        const cmd = runGemv(system, M, K, { fidelity: 'command', onCommand: c.sink });
        expect(noLabel(fast.stats)).toEqual(noLabel(cmd.stats));
        expect(c.records.length).toBe(Object.values(cmd.stats.commands).reduce((x, y) => x + y, 0));
        expectClean(c.records, system);
      });
    }
  });
}

describe('the checks above can fail', () => {
  it('a log with one MAC16 moved a cycle earlier is reported', () => {
    const system = SYSTEMS[0];
    const c = collector();
    runGemv(system, 256, 256, { fidelity: 'command', onCommand: c.sink });
    const records = byChannel(c.records);
    const k = records.findIndex((r, i) => r.command === 'MAC16' && records[i - 1]?.command === 'MAC16');
    records[k] = { ...records[k], cycle: records[k].cycle - 1 };
    expect(checkCommandLog(records, system.memory).length).toBeGreaterThan(0);
  });
});
