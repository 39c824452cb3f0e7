/**
 * Streamed traces and command logs: replayChunks over a trace read block by block (tiny blocks, so
 * requests straddle many chunk boundaries) gives exactly replay()'s statistics and command sequence;
 * gzip-compressed files read the same as plain ones; memory holds one block at a time; a line longer
 * than any trace line fails with a short quote; a streamed command log checks like a parsed one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrace } from '../../src/dram/trace/index.js';
import { keptChunks, lineBlocks, scanTrace, traceChunks, MAX_LINE_BYTES } from '../../src/dram/trace/stream.js';
import { replay, replayChunks } from '../../src/dram/replay.js';
import { loadMemory } from '../../src/spec/presets.js';
import { checkCommandLog, checkCommandLogFile } from '../../src/dram/checker.js';
import { formatCommandLog, forEachCommand, parseCommandLog, type CommandRecord } from '../../src/dram/commandLog.js';
import { COMMAND_NAMES } from '../../src/spec/commands.js';
import { ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pimsim-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Cmd = [number, number, number, number, number, number, number, number];
const recorder = () => {
  const cmds: Cmd[] = [];
  return { cmds, onCommand: (...a: Cmd) => void cmds.push(a) };
};

describe('streamed trace replay', () => {
  it.each([
    ['stream-read.trace', 'gddr6'],
    ['mixed.dramsim3.trace', 'ddr4-3200'],
    ['stream-read.ramulator.trace', 'hbm2'],
  ])('%s on %s: chunked replay = whole-trace replay, statistics and every command', async (name, memory) => {
    const file = join(ROOT, 'traces', name);
    const spec = loadMemory(memory);
    const whole = recorder();
    const a = replay(spec, readTrace(file), { onCommand: whole.onCommand });
    const streamed = recorder();
    // 64 KiB blocks: thousands of requests per chunk, a few dozen chunk boundaries.
    const b = await replayChunks(spec, traceChunks(file, 'auto', 64 << 10), { onCommand: streamed.onCommand });
    expect(b.stats).toEqual(a.stats);
    expect(b.events).toBe(a.events);
    expect(streamed.cmds.length).toBe(whole.cmds.length);
    expect(streamed.cmds).toEqual(whole.cmds);
  });

  it('the scan keeps the chunks of a trace that fits (the replay reads nothing again), not of a longer one', async () => {
    const file = join(ROOT, 'traces', 'mixed-rw.trace');
    const spec = loadMemory('gddr6');
    const count = readTrace(file).count;
    const kept = await scanTrace(file, 'auto', undefined, count);
    expect(kept.count).toBe(count);
    expect(kept.chunks?.reduce((n, c) => n + c.count, 0)).toBe(count);
    const a = recorder(), b = recorder();
    const fromKept = await replayChunks(spec, keptChunks(kept.chunks!), { onCommand: a.onCommand });
    const streamed = await replayChunks(spec, traceChunks(file), { onCommand: b.onCommand });
    expect(fromKept.stats).toEqual(streamed.stats);
    expect(a.cmds).toEqual(b.cmds);
    expect((await scanTrace(file, 'auto', undefined, count - 1)).chunks).toBeUndefined();
    expect((await scanTrace(file)).chunks).toBeUndefined();
  });

  it('a gzip-compressed trace reads like the plain one, streamed and whole', async () => {
    const plain = join(ROOT, 'traces', 'random-read.trace');
    const gz = join(dir, 'random-read.trace.gz');
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    const named = join(dir, 'no-extension');
    writeFileSync(named, gzipSync(readFileSync(plain))); // detected by its magic bytes, not its name
    const spec = loadMemory('gddr6');
    const ref = replay(spec, readTrace(plain)).stats;
    expect((await replayChunks(spec, traceChunks(gz))).stats).toEqual(ref);
    expect((await replayChunks(spec, traceChunks(named))).stats).toEqual(ref);
    expect(replay(spec, readTrace(gz)).stats).toEqual(ref);
    expect(await scanTrace(gz)).toEqual({ format: 'pimsim', count: 32768 });
  });

  it('holds one block at a time: no chunk has more requests than its block has lines', async () => {
    const file = join(ROOT, 'traces', 'gemv-rowwise.trace');
    let most = 0, total = 0;
    for await (const chunk of traceChunks(file, 'auto', 32 << 10)) {
      most = Math.max(most, chunk.count);
      total += chunk.count;
    }
    expect(total).toBe(readTrace(file).count);
    // "R 0x..." lines are at least 6 bytes: a 32 KiB block holds at most ~5500 of them.
    expect(most).toBeLessThanOrEqual((32 << 10) / 6 + 1);
    expect(most).toBeGreaterThan(1000);
  });

  it('a bad line anywhere fails the scan, naming file:line, before any replay', async () => {
    const file = join(dir, 'late-error.trace');
    const lines = Array.from({ length: 50_000 }, (_, i) => `R 0x${(i * 64).toString(16)}`);
    lines.push('R 0xnothex');
    writeFileSync(file, lines.join('\n') + '\n');
    await expect(scanTrace(file)).rejects.toThrow(/late-error\.trace:50001: address "0xnothex" is not a hex/);
  });

  it('a line longer than 1 MiB is refused quoting at most 80 characters', async () => {
    const file = join(dir, 'one-huge-line.trace');
    writeFileSync(file, `R ${'7'.repeat(3 * MAX_LINE_BYTES)}\n`);
    const err = await scanTrace(file).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/one-huge-line\.trace:1: a line longer than 1 MiB \(starts "R 7777.*… \(200 characters\)"\): not a trace$/);
    expect(err!.message.length).toBeLessThan(300);
    // A huge field on a line of normal length: the error quotes it short too.
    const field = join(dir, 'huge-field.trace');
    writeFileSync(field, `R 0x10\nW zz${'z'.repeat(500_000)}\n`);
    const e2 = await scanTrace(field).then(() => undefined, (e: Error) => e);
    expect(e2?.message).toMatch(/huge-field\.trace:2: address "zzz.*…/);
    expect(e2!.message.length).toBeLessThan(500);
  });

  it('lineBlocks cuts at newlines only, whatever the block size', async () => {
    const file = join(dir, 'lines.txt');
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    writeFileSync(file, text);
    let joined = '';
    for await (const b of lineBlocks(file, 'test', 100)) {
      const s = b.toString();
      joined += s;
      if (joined.length < text.length) expect(s.endsWith('\n')).toBe(true);
    }
    expect(joined).toBe(text);
  });
});

describe('streamed command logs', () => {
  it('a log read in batches (plain or gzip) checks like the parsed log', async () => {
    const spec = loadMemory('gddr6');
    const records: CommandRecord[] = [];
    replay(spec, readTrace(join(ROOT, 'traces', 'mixed-rw.trace')), {
      onCommand: (cmd, channel, rank, bankgroup, bank, row, column, cycle) => void records.push({ cycle, channel, rank, bankgroup, bank, row, column, command: COMMAND_NAMES[cmd] }),
    });
    // One violation planted: an RD one cycle after an ACT to its bank.
    const act = records.findIndex((r) => r.command === 'ACT');
    records.splice(act + 1, 0, { ...records[act], command: 'RD', column: 0, cycle: records[act].cycle + 1 });
    const text = formatCommandLog(records);
    const file = join(dir, 'log.csv');
    writeFileSync(file, text);
    const gz = join(dir, 'log.csv.gz');
    writeFileSync(gz, gzipSync(text));
    const expected = checkCommandLog(parseCommandLog(text, file), spec);
    expect(expected.length).toBeGreaterThan(0);
    for (const f of [file, gz]) {
      const r = await checkCommandLogFile(f, spec, 1000);
      expect(r.commands).toBe(records.length);
      expect(r.total).toBe(expected.length);
      expect(r.violations).toEqual(expected);
    }
    const read: CommandRecord[] = [];
    expect(await forEachCommand(gz, (r) => void read.push({ ...r }))).toBe(records.length);
    expect(read).toEqual(parseCommandLog(text, file));
  });

  it('lines the byte parser does not take (spaces, CR, optional fields) read as parseCommandLog reads them', async () => {
    const text = 'cycle,channel,rank,bankgroup,bank,row,column,command\r\n0, 0,0,1,2,5,-,ACT\r\n30,0,0,1,2,5,3,RD\n40,0,0,1,2,-,4,RD\n50,0,0,-,-,-,-,PREA\n';
    const file = join(dir, 'odd.csv');
    writeFileSync(file, text);
    const read: CommandRecord[] = [];
    await forEachCommand(file, (r) => void read.push({ ...r }));
    expect(read).toEqual(parseCommandLog(text, file));
    expect(read.map((r) => r.row)).toEqual([5, 5, -1, -1]);
  });

  it('errors name the line, as the whole-text parser does', async () => {
    for (const [line, re] of [
      ['5,0,0,0,0,1,2,FOO', /:3: unknown command "FOO"/], ['5,0,0,-,0,1,2,RD', /:3: RD needs a bankgroup/], ['5,0,0,0,0,1,2,PREA', /:3: PREA takes no bankgroup/],
      ['5,0,0,0,0,1,2', /:3: expected 8 comma-separated fields/], ['x,0,0,0,0,1,2,RD', /:3: cycle must be a non-negative integer, got "x"/],
    ] as const) {
      const f = join(dir, 'bad-line.csv');
      writeFileSync(f, `cycle,channel,rank,bankgroup,bank,row,column,command\n0,0,0,0,0,1,-,ACT\n${line}\n`);
      await expect(forEachCommand(f, () => undefined)).rejects.toThrow(re);
    }
  });

  it('errors name the line, as the whole-text parser does, through the checker', async () => {
    const file = join(dir, 'bad-log.csv');
    writeFileSync(file, 'cycle,channel,rank,bankgroup,bank,row,column,command\n0,0,0,0,0,1,-,ACT\n5,0,0,0,0,1,2,FOO\n');
    await expect(checkCommandLogFile(file, loadMemory('gddr6'))).rejects.toThrow(/bad-log\.csv:3: unknown command "FOO"/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expect(checkCommandLogFile(empty, loadMemory('gddr6'))).rejects.toThrow(/empty\.csv:1: expected the header line/);
  });
});
