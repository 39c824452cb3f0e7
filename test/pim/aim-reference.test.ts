/**
 * pimsim against the public AiM simulator (test/fixtures/aim/README.md): the three reference
 * streams replayed with the AiM simulator's configuration give cycles within 2% of its cycles and
 * exactly its command counts, register-mode switches (TMOD) included; both fidelities agree and
 * the command logs pass the protocol checker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommandLog, formatViolation } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/spec/commands.js';
import { parseProgram } from '../../src/pim/program.js';
import { runProgram } from '../../src/pim/run.js';
import { loadSystem } from '../../src/spec/system.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'aim');

interface Reference {
  readonly pimsimSets: string[];
  readonly streams: Record<string, { what: string; cycles: number; commands: Record<string, number> }>;
}
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as Reference;
const system = loadSystem('pim-gpt', ref.pimsimSets);

describe('the AiM simulator reference streams on pim-gpt with its configuration', () => {
  it('the configuration: one channel, no refresh, its nRRDS/nRRDL/nFAW; register mode with nMODCH 32', () => {
    expect(system.memory.org.channels).toBe(1);
    expect(system.memory.controller.refresh).toBe('off');
    expect(system.memory.timing).toMatchObject({ nRRDS: 5, nRRDL: 6, nFAW: 28, nMODCH: 32 });
    expect(Object.keys(ref.streams)).toEqual(['a', 'b', 'c_cent']);
  });

  for (const [name, want] of Object.entries(ref.streams)) {
    it(`${name} (${want.what}): cycles within 2% of ${want.cycles}, the same command counts`, () => {
      const file = `${name}.pim.jsonl`;
      const program = parseProgram(readFileSync(join(DIR, file), 'utf8'), file, system);
      const records: CommandRecord[] = [];
      const stats = runProgram(system, program, {
        fidelity: 'command',
        onCommand: (cmd, channel, rank, group, bank, row, column, cycle) => {
          const command = COMMAND_NAMES[cmd], reach = COMMANDS[command].reach;
          records.push({ cycle, channel, rank, bankgroup: reach === 'bank' || reach === 'bankgroup' ? group : -1, bank: reach === 'bank' ? bank : -1, row, column, command });
        },
      });
      expect(Math.abs(stats.cycles / want.cycles - 1)).toBeLessThan(0.02);
      expect(stats.commands).toEqual(want.commands);
      expect({ ...runProgram(system, program, { fidelity: 'fast' }), fidelity: 'command' }).toEqual(stats);
      expect(checkCommandLog(records, system.memory).map((v) => formatViolation(v, file))).toEqual([]);
    });
  }
});
