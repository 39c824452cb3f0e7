/**
 * The protocol checker verifies the per-format MAC spacing: low-bit MACs are logged as their
 * format's commands (MAC16.ternary, MAC.ternary), pim-gpt-lowbit's rules hold the PU for the
 * format's spacing (ternary on 8-bit activations: 4 PU cycles = 8 DRAM cycles; bf16 2), and the
 * readout waits nRDMAC (2) after the last column's extra cycles (8 - 2 = 6): 8 cycles after the
 * last ternary MAC. Logs are written by the sequencer, then edited by hand.
 */
import { describe, expect, it } from 'vitest';
import { checkCommandLog } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { ALL_COMMAND_NAMES, COMMAND_NAMES } from '../../src/spec/commands.js';
import { buildProgram, type InstructionInput } from '../../src/pim/program.js';
import { runProgram } from '../../src/pim/run.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';

const lowbit = loadSystem('pim-gpt-lowbit');

function logOf(system: SystemSpec, items: InstructionInput[]): CommandRecord[] {
  const log: CommandRecord[] = [];
  runProgram(system, buildProgram(items, system, 'hand'), {
    fidelity: 'command',
    onCommand: (cmd, channel, rank, bankgroup, bank, row, column, cycle) => {
      log.push({ cycle, channel, rank, bankgroup, bank, row, column, command: ALL_COMMAND_NAMES[cmd] });
    },
  });
  return log;
}

/** The log with record i moved `by` cycles (and still in cycle order on its channel). */
function moved(log: readonly CommandRecord[], i: number, by: number): CommandRecord[] {
  return log.map((r, j) => (j === i ? { ...r, cycle: r.cycle + by } : r));
}

const ternaryBlock: InstructionInput[] = [
  { id: 'm', op: 'MAC', channel: 0, banks: 'all', row: 20, col: 0, cols: 3, precision: 'ternary' },
];

describe('per-format MAC spacing in the checker', () => {
  it('a ternary MAC16 one cycle early is rejected; the sequencer\'s spacing is accepted', () => {
    const log = logOf(lowbit, ternaryBlock);
    const macs = log.flatMap((r, i) => (r.command === 'MAC16.ternary' ? [i] : []));
    expect(macs.map((i) => log[i].cycle)).toEqual([56, 64, 72]);
    expect(checkCommandLog(log, lowbit.memory)).toEqual([]);

    const early = checkCommandLog(moved(log, macs[1], -1), lowbit.memory);
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ line: macs[1] + 2, cycle: 63, command: 'MAC16.ternary' });
    expect(early[0].rule).toMatch(/^"MAC.ternary", "MAC16.ternary" -> every MAC >= 8 \(bank; the ternary unit's MAC spacing/);
    expect(early[0].message).toMatch(/^7 < 8 cycles after MAC16.ternary/);
  });

  it('the same commands logged as bf16 MACs pass at the bf16 spacing: the format is in the command', () => {
    const log = logOf(lowbit, ternaryBlock).map((r) => (r.command === 'MAC16.ternary' ? { ...r, command: 'MAC16' as const } : r));
    const i = log.findIndex((r) => r.command === 'MAC16');
    const squeezed = log.map((r, j) => (r.command === 'MAC16' ? { ...r, cycle: log[i].cycle + 2 * (j - i) } : r));
    expect(checkCommandLog(squeezed, lowbit.memory)).toEqual([]);
    expect(checkCommandLog(squeezed.map((r) => (r.command === 'MAC16' ? { ...r, command: 'MAC16.ternary' as const } : r)), lowbit.memory).length).toBe(2);
  });

  it('a single-bank ternary MAC holds its bank, and a bf16 MAC after it waits too', () => {
    const log = logOf(lowbit, [
      { id: 'a', op: 'MAC', channel: 0, banks: [0, 0], row: 1, col: 0, cols: 1, precision: 'ternary' },
      { id: 'b', op: 'MAC', channel: 0, banks: [0, 0], row: 1, col: 1, cols: 1, deps: ['a'] },
    ]);
    expect(log.map((r) => `${r.command}@${r.cycle}`)).toEqual(['ACT@0', 'MAC.ternary@56', 'MAC@64']);
    expect(checkCommandLog(log, lowbit.memory)).toEqual([]);
    const early = checkCommandLog(moved(log, 2, -1), lowbit.memory);
    expect(early.map((v) => v.command)).toEqual(['MAC']);
    expect(early[0].rule).toMatch(/ternary unit's MAC spacing/);
  });

  it('the readout waits for the last ternary column: RDMAC16 one cycle early is rejected', () => {
    // Without register mode (no TMOD between), RDMAC16 follows the last MAC as closely as the rules allow.
    const sys = loadSystem('pim-gpt-lowbit', ['memoryOverrides.registerMode.commands=[]']);
    const log = logOf(sys, [{ id: 'm', op: 'MAC', channel: 0, banks: 'all', row: 20, col: 0, cols: 3, readout: true, precision: 'ternary' }]);
    const last = log.map((r) => r.command).lastIndexOf('MAC16.ternary');
    const rd = log.findIndex((r) => r.command === 'RDMAC16');
    expect(log[rd].cycle - log[last].cycle).toBe(8);
    expect(checkCommandLog(log, sys.memory)).toEqual([]);
    const early = checkCommandLog(moved(log, rd, -1), sys.memory);
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ command: 'RDMAC16', cycle: log[rd].cycle - 1 });
    expect(early[0].rule).toMatch(/^"MAC.ternary", "MAC16.ternary" -> "RDMAC16" >= 8 \(channel/);
  });

  it('a ternary log checked against a system without ternary PUs is refused, not waved through', () => {
    const log = logOf(lowbit, ternaryBlock);
    const v = checkCommandLog(log, loadSystem('pim-gpt').memory);
    expect(v.map((x) => x.command)).toEqual(['MAC16.ternary', 'MAC16.ternary', 'MAC16.ternary']);
    expect(v[0].message).toMatch(/MAC16.ternary is a MAC of a format whose PU rules gddr6-aim lacks: check the log with --system/);
  });

  it('bf16 systems keep their rules: no rule names a format MAC, and presets name only the preset commands', () => {
    const bf16 = loadSystem('pim-gpt');
    for (const r of bf16.memory.rules) for (const c of [...r.from, ...r.to]) expect(COMMAND_NAMES).toContain(c);
    // pim-gpt-lowbit: every rule naming MAC16 names the formats' MAC16s too.
    for (const r of lowbit.memory.rules) {
      if (r.from.includes('MAC16')) expect(r.from).toEqual(expect.arrayContaining(['MAC16.int8', 'MAC16.ternary', 'MAC16.binary']));
      if (r.to.includes('MAC16')) expect(r.to).toEqual(expect.arrayContaining(['MAC16.int8', 'MAC16.ternary', 'MAC16.binary']));
    }
  });
});
