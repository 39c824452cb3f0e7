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
import { runGemv } from '../../src/pim/gemvRun.js';
import { buildProgram, type InstructionInput, type Program } from '../../src/pim/program.js';
import { runProgram, type PimStats } from '../../src/pim/run.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';
import { mulberry32 } from '../../src/util/rng.js';

const VARIANT = loadSystem('pim-gpt', ['pu.accumulators=4', 'memoryOverrides.timing.nMODCH=9']);
const SYSTEMS = [loadSystem('pim-gpt'), VARIANT, loadSystem('hbm-pim'), loadSystem('hbm3-pim'), loadSystem('lpddr5-pim')];
const ASIC_KINDS = ['softmax', 'layernorm', 'gelu', 'residual', 'reduce'] as const;

/** A random program of n instructions; deps only on earlier ids, so it is acyclic. */
function randomProgram(system: SystemSpec, seed: number, n: number): Program {
  const rng = mulberry32(seed);
  const int = (k: number) => Math.floor(rng() * k);
  const m = system.memory;
  const cols = m.burstsPerRow;
  const items: InstructionInput[] = [];
  // Few rows, so instructions hit and miss open rows; sometimes the last row of the bank.
  const row = () => (rng() < 0.05 ? m.org.rows - 1 : int(4));
  const channel = () => (rng() < 0.2 ? ('all' as const) : int(m.org.channels));
  const bank = (): 'all' | [number, number] => (rng() < 0.4 ? 'all' : [int(m.org.bankGroups), int(m.org.banksPerGroup)]);
  for (let k = 0; k < n; k++) {
    const deps: string[] = [];
    for (let d = 0; d < 3 && k > 0; d++) if (rng() < 0.4) deps.push(`i${int(k)}`);
    const id = `i${k}`;
    const u = rng();
    if (u < 0.14) items.push({ id, deps, op: 'WR_GB', channel: channel(), bytes: 1 + int(system.globalBufferBytes) });
    else if (u < 0.44) {
      const col = int(cols);
      const seg = 1 + int(3);
      const width = 1 + int(Math.max(1, Math.floor((cols - col) / seg)));
      const segments = col + width * seg <= cols ? seg : 1;
      const rows = rng() < 0.3 ? 1 + int(3) : 1;
      const r = Math.min(row(), m.org.rows - rows);
      const readout = rng() < 0.5;
      const acc = system.pu.accumulators;
      items.push({
        id, deps, op: 'MAC', channel: channel(), banks: rng() < 0.6 ? 'all' : ([int(m.org.bankGroups), int(m.org.banksPerGroup)] as [number, number]),
        row: r, col, cols: Math.min(width, cols - col), rows, segments, lastSegments: 1 + int(segments), readout,
        ...(readout ? { readoutGroup: 1 + int(acc) } : { acc: int(acc) }),
      });
    } else if (u < 0.54) items.push({ id, deps, op: 'RD_MAC', channel: channel(), acc: int(system.pu.accumulators) });
    else if (u < 0.58) items.push({ id, deps, op: 'WR_BIAS', channel: channel(), acc: int(system.pu.accumulators) });
    else if (u < 0.76) {
      const col = int(cols);
      const b = bank();
      items.push({ id, deps, op: rng() < 0.5 ? 'WR' : 'RD', channel: channel(), banks: b, row: row(), col, count: 1 + int(Math.min(b === 'all' ? 2 : 8, cols - col)) });
    } else if (u < 0.9) {
      const kind = ASIC_KINDS[int(ASIC_KINDS.length)];
      const rows = 1 + int(4);
      items.push(kind === 'reduce' ? { id, deps, op: 'ASIC', kind, elements: 1 + int(4096) } : { id, deps, op: 'ASIC', kind, elements: rows * (1 + int(512)), rows });
    } else items.push({ id, deps, op: 'BARRIER' });
  }
  return buildProgram(items, system, `random-${seed}`);
}

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
