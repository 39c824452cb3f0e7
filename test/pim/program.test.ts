/**
 * PIM programs as a user writes them: bad input is an InputError that says where (file:line) and
 * what was expected; the example programs in traces/programs/ parse, run in both fidelities with the
 * same result and the hand-computed cycles, and their command logs pass the protocol checker.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asicLatencyPs } from '../../src/asic/latency.js';
import { checkCommandLog, formatViolation } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/spec/commands.js';
import { runGemv } from '../../src/pim/gemvRun.js';
import { buildProgram, formatProgram, parseProgram, type InstructionInput } from '../../src/pim/program.js';
import { runProgram } from '../../src/pim/run.js';
import { InputError } from '../../src/util/errors.js';
import { loadSystem } from '../../src/spec/system.js';

const sys = loadSystem('pim-gpt');
const hbm = loadSystem('hbm-pim');
const EXAMPLES = join(import.meta.dirname, '../../traces/programs');

/** The InputError `fn` throws (fails the test if it throws nothing or something else). */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

/** Parse a program whose line `bad` (1-based) is the one under test, after a valid first line. */
const text = (...lines: string[]) => lines.join('\n');
const GB = '{"id": "gb", "op": "WR_GB", "channel": 0, "bytes": 64}';

describe('bad programs are input errors naming file:line', () => {
  const cases: [string, string, RegExp][] = [
    ['a row past the last', '{"op": "MAC", "channel": 0, "banks": "all", "row": 16384, "col": 0, "cols": 1}', /row 16384 is not mapped \(the memory has rows 0\.\.16383\)/],
    ['a MAC block running past the last row', '{"op": "MAC", "channel": 0, "banks": "all", "row": 16383, "col": 0, "cols": 1, "rows": 2}', /row 16384 is not mapped/],
    ['a bank group that does not exist', '{"op": "MAC", "channel": 0, "banks": [4, 0], "row": 0, "col": 0, "cols": 1}', /bank \[4, 0\] does not exist \(4 bank groups x 4 banks\)/],
    ['a bank that does not exist (WR)', '{"op": "WR", "channel": 0, "banks": [0, 4], "row": 0, "col": 0, "count": 1}', /bank \[0, 4\] does not exist/],
    ['a channel that does not exist', '{"op": "RD_MAC", "channel": 8}', /channel 8 does not exist \(the system has 8\)/],
    ['columns past the end of a row', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 60, "cols": 8}', /columns 60\.\.67 run past the 64 columns of a row/],
    ['segments past the end of a row', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0, "cols": 32, "segments": 3}', /columns 0\.\.95 run past the 64 columns/],
    ['a RD past the end of a row', '{"op": "RD", "channel": 0, "banks": "all", "row": 0, "col": 63, "count": 2}', /columns 63\.\.64 run past/],
    ['a segment stride shorter than a segment', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0, "cols": 4, "segments": 2, "segmentStride": 3}', /segmentStride \(3\) is shorter than a segment \(4 columns\)/],
    ['strided segments past the end of a row', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0, "cols": 4, "segments": 2, "segmentStride": 61}', /columns 0\.\.64 run past the 64 columns/],
    ['lastSegments above segments', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0, "cols": 4, "segments": 2, "lastSegments": 3}', /lastSegments \(3\) exceeds segments \(2\)/],
    ['a WR_GB larger than the buffer', '{"op": "WR_GB", "channel": 0, "bytes": 2049}', /WR_GB of 2049 B exceeds the 2048 B global buffer/],
    ['a precision the PUs cannot multiply', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0, "cols": 1, "precision": "ternary"}', /the pim-gpt PUs cannot multiply ternary \(they support bf16\)/],
    ['an ASIC op whose elements do not split into rows', '{"op": "ASIC", "kind": "softmax", "elements": 10, "rows": 3}', /10 elements do not split into 3 rows/],
    ['an unknown op', '{"op": "MUL", "channel": 0}', /field op/],
    ['an unknown field', '{"op": "RD_MAC", "channel": 0, "bank": 3}', /bank/],
    ['a negative row', '{"op": "MAC", "channel": 0, "banks": "all", "row": -1, "col": 0, "cols": 1}', /field row/],
    ['a fractional column count', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0, "cols": 1.5}', /field cols/],
    ['zero bytes', '{"op": "WR_GB", "channel": 0, "bytes": 0}', /field bytes/],
    ['a missing field', '{"op": "MAC", "channel": 0, "banks": "all", "row": 0, "col": 0}', /field cols/],
  ];
  for (const [what, line, message] of cases) {
    it(what, () => {
      // Line 1 a comment, line 2 valid, line 3 blank, line 4 the bad one.
      const e = inputError(() => parseProgram(text('# test', GB, '', line), 'prog.jsonl', sys));
      expect(e.message).toMatch(/^prog\.jsonl:4: /);
      expect(e.message).toMatch(message);
    });
  }

  it('a line that is not JSON: file:line and the expected form', () => {
    const e = inputError(() => parseProgram(text(GB, '{"op": "RD_MAC", "channel": 0', GB), 'bad.jsonl', sys));
    expect(e.message).toMatch(/^bad\.jsonl:2: not a JSON object/);
    expect(e.message).toMatch(/one instruction per line/);
    expect(inputError(() => parseProgram('[1, 2]', 'arr.jsonl', sys)).message).toMatch(/^arr\.jsonl:1: /);
  });

  it('an unknown dependency names it', () => {
    const e = inputError(() => parseProgram(text(GB, '{"id": "m", "op": "RD_MAC", "channel": 0, "deps": ["nope"]}'), 'p.jsonl', sys));
    expect(e.message).toMatch(/^p\.jsonl:2: depends on unknown instruction "nope"/);
  });

  it('a dependency cycle names the instructions on it (and their lines)', () => {
    const e = inputError(() => parseProgram(text(
      GB,
      '{"id": "a", "op": "RD_MAC", "channel": 0, "deps": ["b"]}',
      '{"id": "b", "op": "RD_MAC", "channel": 1, "deps": ["a"]}',
      '{"id": "c", "op": "BARRIER", "deps": ["gb"]}',
    ), 'cyc.jsonl', sys));
    expect(e.message).toMatch(/dependency cycle/);
    expect(e.message).toContain('"a" (line 2)');
    expect(e.message).toContain('"b" (line 3)');
    expect(e.message).not.toContain('"gb"');
    expect(e.message).not.toContain('"c"');
    // A self-dependency is a cycle too.
    expect(inputError(() => parseProgram('{"id": "s", "op": "BARRIER", "deps": ["s"]}', 's.jsonl', sys)).message).toMatch(/dependency cycle among instructions "s"/);
  });

  it('duplicate ids', () => {
    const e = inputError(() => parseProgram(text(GB, GB), 'dup.jsonl', sys));
    expect(e.message).toMatch(/^dup\.jsonl:2: duplicate instruction id "gb"/);
  });

  it('an empty program', () => {
    expect(inputError(() => parseProgram('# nothing\n\n', 'empty.jsonl', sys)).message).toMatch(/^empty\.jsonl: the program has no instructions/);
  });

  it('generated programs (no lines) say which instruction', () => {
    const e = inputError(() => buildProgram([{ op: 'MAC', channel: 0, banks: 'all', row: 0, col: 0, cols: 65 }], sys, 'gen'));
    expect(e.message).toMatch(/^gen: instruction 1: columns 0\.\.64 run past/);
  });
});

describe('bad GEMV sizes (library)', () => {
  it('zero, negative and fractional sizes', () => {
    expect(inputError(() => runGemv(sys, 0, 16)).message).toMatch(/rows must be a positive integer, got 0/);
    expect(inputError(() => runGemv(sys, 16, -3)).message).toMatch(/cols must be a positive integer, got -3/);
    inputError(() => runGemv(sys, 2.5, 16));
  });

  it('a matrix larger than the memory', () => {
    // pim-gpt holds 2^31 BF16 weights; 65536 x 65536 = 2^32.
    expect(inputError(() => runGemv(sys, 65536, 65536)).message).toMatch(/needs 32768 rows in every bank .* banks have 16384 rows/);
  });
});

/** Command records as commandLogSink.ts writes them. */
function logOf(program: ReturnType<typeof parseProgram>, system = sys) {
  const records: CommandRecord[] = [];
  const stats = runProgram(system, program, {
    fidelity: 'command',
    onCommand: (cmd, channel, rank, group, bank, row, column, cycle) => {
      const command = COMMAND_NAMES[cmd];
      const reach = COMMANDS[command].reach;
      records.push({ cycle, channel, rank, command, row, column, bankgroup: reach === 'bank' || reach === 'bankgroup' ? group : -1, bank: reach === 'bank' ? bank : -1 });
    },
  });
  return { stats, records };
}

describe('example programs (traces/programs)', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.jsonl')).sort();

  it('there are the three documented examples', () => {
    expect(files).toEqual(['kv-cache-mac.jsonl', 'single-row-mac.jsonl', 'two-chunk-gemv.jsonl']);
    const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8');
    for (const f of files) expect(readme).toContain(f);
  });

  for (const f of files) {
    it(`${f}: same result in both fidelities; the log passes the checker; round-trips`, () => {
      const prog = parseProgram(readFileSync(join(EXAMPLES, f), 'utf8'), f, sys);
      const fast = runProgram(sys, prog, { fidelity: 'fast' });
      const { stats, records } = logOf(prog);
      expect({ ...fast, fidelity: 'command' }).toEqual(stats);
      const v = checkCommandLog([...records].sort((a, b) => a.channel - b.channel || a.cycle - b.cycle), sys.memory);
      expect(v.map((x) => formatViolation(x, f))).toEqual([]);
      // formatProgram writes a program that parses to the same instructions.
      const again = parseProgram(formatProgram(prog), f, sys);
      expect(runProgram(sys, again).cycles).toBe(stats.cycles);
    });
  }

  const t = sys.memory.timing as Required<typeof sys.memory.timing>;
  const run = (f: string) => runProgram(sys, parseProgram(readFileSync(join(EXAMPLES, f), 'utf8'), f, sys));
  const asicCycles = (op: Parameters<typeof asicLatencyPs>[0]) => Math.ceil(asicLatencyPs(op, sys.asic) / sys.memory.tCK_ps);

  it('single-row-mac: 409 cycles by hand', () => {
    // TMOD 0 (into register mode); WRGB x 64 at 32, 34, .., 158; TMOD 159 (back to bank mode);
    // ACT16 159 + nMODCH = 191; MAC16 191 + nRCDMAC = 247 .. 247 + 63 x 2 = 373; TMOD at
    // 373 + nRDMAC = 375; RDMAC16 375 + nMODCH = 407; data on the host 407 + nCLREG + nBL = 409.
    const s = run('single-row-mac.jsonl');
    expect(s.cycles).toBe(2 * t.nMODCH + 63 * 2 + 1 + t.nRCDMAC + 63 * 2 + t.nRDMAC + t.nMODCH + t.nCLREG + t.nBL);
    expect(s.cycles).toBe(409);
    expect(s.commands).toEqual({ WRGB: 8 * 64, ACT16: 8, MAC16: 8 * 64, RDMAC16: 8, TMOD: 8 * 3 });
  });

  it('two-chunk-gemv: 821 cycles of PIM work, then the ASIC reduce of 128 elements', () => {
    // Chunk 0 as above: RDMAC16 at 407. The second WR_GB stays in register mode and waits for the
    // register-read-to-write turnaround nRTWREG = 5: WRGB 412 .. 538; TMOD 539 (PREA could issue
    // there); PREA 571; ACT16 571 + nRP = 603; MAC16 659 .. 785; TMOD 787; RDMAC16 819; data 821.
    const s = run('two-chunk-gemv.jsonl');
    expect(s.cycles).toBe(821 + asicCycles({ kind: 'reduce', elements: 128 }));
    expect(s.commands).toEqual({ WRGB: 8 * 128, PREA: 8, ACT16: 16, MAC16: 8 * 128, RDMAC16: 16, TMOD: 8 * 5 });
  });

  it('kv-cache-mac: 505 cycles of PIM work, then softmax of 38 scores', () => {
    // ACT (bank 5) 0; WR at nRCDWR = 28, 30, 32, 34; TMOD 36 (when the WRGB could issue: WR -> WRGB
    // nBL); WRGB x 64 at 68 .. 194; TMOD 195 (PREA could issue there: WR -> PREA needs 34 + nCWL +
    // nBL + nWR = 75); PREA 227; ACT16 227 + nRP = 259; MAC16 259 + 56 = 315 .. 321; TMOD 323,
    // RDMAC16 355; TMOD 357 (RDMAC16 -> MAC16 nCCDS), MAC16 389 .. 395; TMOD 397, RDMAC16 429;
    // TMOD 431, MAC16 463 .. 469; TMOD 471, RDMAC16 503; data at 505.
    const s = run('kv-cache-mac.jsonl');
    expect(s.cycles).toBe(505 + asicCycles({ kind: 'softmax', elements: 38, rows: 1 }));
    expect(s.commands).toEqual({ ACT: 8, WR: 32, WRGB: 8 * 64, PREA: 8, ACT16: 8, MAC16: 8 * 12, RDMAC16: 8 * 3, TMOD: 8 * 7 });
  });

  it('on hbm-pim (32-column rows, 512 B buffer) they are rejected with file:line', () => {
    const e = inputError(() => parseProgram(readFileSync(join(EXAMPLES, 'single-row-mac.jsonl'), 'utf8'), 'single-row-mac.jsonl', hbm));
    expect(e.message).toMatch(/^single-row-mac\.jsonl:6: WR_GB of 2048 B exceeds the 512 B global buffer/);
  });
});

describe('hand-built programs from objects', () => {
  it('a program of InstructionInput objects runs like its JSON-lines text', () => {
    const items: InstructionInput[] = [
      { id: 'gb', op: 'WR_GB', channel: 'all', bytes: 512 },
      { id: 'm', op: 'MAC', channel: 'all', banks: 'all', row: 3, col: 0, cols: 16, deps: ['gb'] },
      { id: 'r', op: 'RD_MAC', channel: 'all', deps: ['m'] },
    ];
    const a = runProgram(sys, buildProgram(items, sys));
    const b = runProgram(sys, parseProgram(items.map((i) => JSON.stringify(i)).join('\n'), 'x.jsonl', sys));
    expect(b.cycles).toBe(a.cycles);
  });
});
