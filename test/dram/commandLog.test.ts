import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCommandLog } from '../../src/dram/commandLogSink.js';
import { replay } from '../../src/dram/replay.js';
import { mixedTrace } from '../../src/dram/trace/index.js';
import { loadMemory } from '../../src/spec/presets.js';
import {
  COMMAND_LOG_HEADER,
  commandFields,
  formatCommandLog,
  formatCommandRecord,
  parseCommandLog,
  type CommandRecord,
} from '../../src/dram/commandLog.js';
import { COMMAND_NAMES, type CommandName } from '../../src/spec/commands.js';
import { InputError } from '../../src/util/errors.js';

const r = (command: CommandName, cycle: number, bankgroup: number, bank: number, row: number, column: number, rank = 0, channel = 0): CommandRecord => ({
  cycle, channel, rank, bankgroup, bank, row, column, command,
});

// One record of every command, with `-` exactly where the format says so.
const SAMPLE: CommandRecord[] = [
  r('ACT', 0, 1, 3, 42, -1),
  r('RD', 27, 1, 3, 42, 8),
  r('WR', 60, 1, 3, -1, 9),
  r('PRE', 120, 1, 3, -1, -1),
  r('PREA', 150, -1, -1, -1, -1),
  r('REFab', 180, -1, -1, -1, -1, 0, 1),
  r('REFpb', 400, 2, 0, -1, -1),
  r('ACT4', 500, 3, -1, 7, -1),
  r('ACT16', 600, -1, -1, 9, -1),
  r('MAC', 700, 0, 0, 9, 1),
  r('MAC16', 701, -1, -1, -1, 2),
  r('WRGB', 702, -1, -1, -1, -1),
  r('RDMAC16', 703, -1, -1, -1, -1),
  r('WRBIAS', 704, -1, -1, -1, -1),
  r('TMOD', 705, -1, -1, -1, -1),
];

describe('command log format', () => {
  it('writes the fixed header and `-` for fields that do not apply', () => {
    expect(COMMAND_LOG_HEADER).toBe('cycle,channel,rank,bankgroup,bank,row,column,command');
    expect(SAMPLE.map(formatCommandRecord)).toEqual([
      '0,0,0,1,3,42,-,ACT',
      '27,0,0,1,3,42,8,RD',
      '60,0,0,1,3,-,9,WR',
      '120,0,0,1,3,-,-,PRE',
      '150,0,0,-,-,-,-,PREA',
      '180,1,0,-,-,-,-,REFab',
      '400,0,0,2,0,-,-,REFpb',
      '500,0,0,3,-,7,-,ACT4',
      '600,0,0,-,-,9,-,ACT16',
      '700,0,0,0,0,9,1,MAC',
      '701,0,0,-,-,-,2,MAC16',
      '702,0,0,-,-,-,-,WRGB',
      '703,0,0,-,-,-,-,RDMAC16',
      '704,0,0,-,-,-,-,WRBIAS',
      '705,0,0,-,-,-,-,TMOD',
    ]);
  });

  it('writes `-` for fields the command does not take, whatever the record holds', () => {
    expect(formatCommandRecord(r('PRE', 5, 1, 2, 77, 3))).toBe('5,0,0,1,2,-,-,PRE');
    expect(formatCommandRecord(r('PREA', 5, 1, 2, 77, 3))).toBe('5,0,0,-,-,-,-,PREA');
    expect(formatCommandRecord(r('ACT4', 5, 1, 2, 77, 3))).toBe('5,0,0,1,-,77,-,ACT4');
    expect(formatCommandRecord(r('WRGB', 5, 1, 2, 77, 3))).toBe('5,0,0,-,-,-,-,WRGB');
  });

  it('round-trips every command', () => {
    expect(SAMPLE.map((x) => x.command).sort()).toEqual([...COMMAND_NAMES].sort());
    const text = formatCommandLog(SAMPLE);
    expect(text.startsWith(`${COMMAND_LOG_HEADER}\n`)).toBe(true);
    expect(parseCommandLog(text, 'cmd.csv')).toEqual(SAMPLE);
  });

  it('accepts CRLF line ends, a BOM, no trailing newline and an empty log', () => {
    const crlf = '\uFEFF' + formatCommandLog(SAMPLE.slice(0, 3)).replace(/\n/g, '\r\n');
    expect(parseCommandLog(crlf, 'a.csv')).toEqual(SAMPLE.slice(0, 3));
    expect(parseCommandLog(formatCommandLog(SAMPLE).trimEnd(), 'a.csv')).toEqual(SAMPLE);
    expect(parseCommandLog(COMMAND_LOG_HEADER, 'a.csv')).toEqual([]);
    expect(parseCommandLog(`${COMMAND_LOG_HEADER}\n`, 'a.csv')).toEqual([]);
  });

  it('derives the fields a command takes from its behaviour', () => {
    expect(commandFields('ACT')).toEqual({ bankgroup: 'required', bank: 'required', row: 'required', column: 'absent' });
    expect(commandFields('RD')).toEqual({ bankgroup: 'required', bank: 'required', row: 'optional', column: 'required' });
    expect(commandFields('ACT4')).toEqual({ bankgroup: 'required', bank: 'absent', row: 'required', column: 'absent' });
    expect(commandFields('PREA')).toEqual({ bankgroup: 'absent', bank: 'absent', row: 'absent', column: 'absent' });
    expect(commandFields('WRGB')).toEqual({ bankgroup: 'absent', bank: 'absent', row: 'absent', column: 'absent' });
  });
});

describe('malformed logs', () => {
  const body = (...lines: string[]) => [COMMAND_LOG_HEADER, '0,0,0,0,0,1,-,ACT', ...lines].join('\n') + '\n';
  const error = (text: string): InputError => {
    try {
      parseCommandLog(text, 'cmd.csv');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error('expected parseCommandLog to throw');
  };

  it.each([
    ['missing header', '0,0,0,0,0,1,-,ACT\n', 'cmd.csv:1', 'expected the header line "cycle,channel,rank,bankgroup,bank,row,column,command"'],
    ['empty file', '', 'cmd.csv:1', 'expected the header line'],
    ['too few fields', body('30,0,0,0,0,RD'), 'cmd.csv:3', 'expected 8 comma-separated fields (cycle,channel,rank,bankgroup,bank,row,column,command), got 6'],
    ['too many fields', body('30,0,0,0,0,1,2,RD,x'), 'cmd.csv:3', 'got 9'],
    ['blank line inside', body('', '40,0,0,0,0,-,1,RD'), 'cmd.csv:3', 'got an empty line'],
    ['unknown command', body('30,0,0,0,0,1,2,READ'), 'cmd.csv:3', 'unknown command "READ"; expected one of ACT, PRE'],
    ['non-integer cycle', body('3.5,0,0,0,0,1,2,RD'), 'cmd.csv:3', 'cycle must be a non-negative integer, got "3.5"'],
    ['negative bank', body('30,0,0,0,-1,1,2,RD'), 'cmd.csv:3', 'bank must be a non-negative integer, got "-1"'],
    ['negative row', body('30,0,0,0,0,-1,2,RD'), 'cmd.csv:3', 'row must be a non-negative integer or -, got "-1"'],
    ['missing cycle', body('-,0,0,0,0,1,2,RD'), 'cmd.csv:3', 'RD needs a cycle'],
    ['ACT without a row', body('30,0,0,1,1,-,-,ACT'), 'cmd.csv:3', 'ACT needs a row; expected cycle,channel,rank,bankgroup,bank,row,-,ACT'],
    ['RD without a column', body('30,0,0,0,0,1,-,RD'), 'cmd.csv:3', 'RD needs a column; expected cycle,channel,rank,bankgroup,bank,row|-,column,RD'],
    ['PREA with a bank', body('30,0,0,0,2,-,-,PREA'), 'cmd.csv:3', 'PREA takes no bankgroup (write -); expected cycle,channel,rank,-,-,-,-,PREA'],
    ['ACT4 with a bank', body('30,0,0,1,2,5,-,ACT4'), 'cmd.csv:3', 'ACT4 takes no bank (write -)'],
  ])('%s', (_label, text, where, message) => {
    const e = error(text);
    expect(e.where).toBe(where);
    expect(e.message).toContain(`${where}: `);
    expect(e.message).toContain(message);
  });
});

describe('the command-log file writer', () => {
  it('writes exactly formatCommandLog of the commands issued, and nothing on failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimsim-log-'));
    try {
      const spec = loadMemory('gddr6');
      const trace = mixedTrace(4000, 7);
      const records: CommandRecord[] = [];
      replay(spec, trace, { onCommand: (cmd, channel, rank, bankgroup, bank, row, column, cycle) => void records.push({ cycle, channel, rank, bankgroup, bank, row, column, command: COMMAND_NAMES[cmd] }) });
      const file = join(dir, 'log.csv');
      withCommandLog(file, (onCommand) => replay(spec, trace, { onCommand }));
      expect(readFileSync(file, 'utf8')).toBe(formatCommandLog(records));
      expect(() => withCommandLog(join(dir, 'failed.csv'), () => { throw new Error('boom'); })).toThrow('boom');
      expect(readdirSync(dir)).toEqual(['log.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
