/**
 * The figures traces/programs/README.md gives for its example programs are what pimsim computes,
 * in both fidelities: the table is read from the README, so an edit of the timing that moves a
 * figure fails here until the README says the new one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProgram } from '../../src/pim/program.js';
import { runProgram } from '../../src/pim/run.js';
import { loadSystem } from '../../src/spec/system.js';
import { COMMAND_NAMES } from '../../src/spec/commands.js';

const DIR = join(import.meta.dirname, '../../traces/programs');
const README = readFileSync(join(DIR, 'README.md'), 'utf8');

/** Rows of the Examples table: file and the pim-gpt column. */
const rows = [...README.matchAll(/^\| `([\w-]+\.jsonl)` \| [^|]+ \| ([^|]+) \|$/gm)].map((m) => ({ file: m[1], text: m[2].trim() }));

describe('traces/programs/README.md', () => {
  const system = loadSystem('pim-gpt');
  const program = (file: string) => parseProgram(readFileSync(join(DIR, file), 'utf8'), file, system);

  it('lists every example program', () => {
    expect(rows.map((r) => r.file).sort()).toEqual(['kv-cache-mac.jsonl', 'single-row-mac.jsonl', 'two-chunk-gemv.jsonl']);
  });

  it.each(rows)('$file: the cycle count it states, in both fidelities', ({ file, text }) => {
    const stated = Number(/^(\d+) cycles/.exec(text)?.[1]);
    expect(stated, text).toBeGreaterThan(0);
    for (const fidelity of ['fast', 'command'] as const) expect(runProgram(system, program(file), { fidelity }).cycles, fidelity).toBe(stated);
  });

  it('single-row-mac.jsonl: the command timeline it states', () => {
    const text = rows.find((r) => r.file === 'single-row-mac.jsonl')!.text;
    const at: Record<string, number[]> = {};
    runProgram(system, program('single-row-mac.jsonl'), {
      fidelity: 'command',
      onCommand: (cmd, channel, _r, _g, _b, _row, _col, cycle) => {
        if (channel === 0) (at[COMMAND_NAMES[cmd]] ??= []).push(cycle);
      },
    });
    const span = (c: string) => `${Math.min(...at[c])}..${Math.max(...at[c])}`;
    expect(text).toContain(`\`WRGB\` ${span('WRGB')}`);
    expect(text).toContain(`\`ACT16\` ${at.ACT16[0]}`);
    expect(text).toContain(`\`MAC16\` ${span('MAC16')}`);
    expect(text).toContain(`\`RDMAC16\` ${at.RDMAC16[0]}`);
  });
});
