/**
 * Hostile inputs through every command (files in test/corpus/, others generated here): each case
 * must exit with its code (1 bad input or filesystem, 2 usage), print exactly one line on stderr
 * naming the file or flag and what was wrong, print no stack trace, and leave no file behind. The
 * cases run in process through the CLI's main() (the same path from argv to exit code and message
 * as a real run); a representative few also run as child processes, as a user runs them.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../../src/cli/main.js';
import { pimsim, ROOT } from '../helpers/cli.js';
import { tinyResult } from '../report/fixtures.js';
import { writeShard, SHARD_KIND, pointFileName, type ShardManifest } from '../../src/study/shard.js';
import { PIMSIM_VERSION } from '../../src/results.js';

const CORPUS = join(ROOT, 'test', 'corpus');
const work = mkdtempSync(join(tmpdir(), 'pimsim-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const c = (name: string) => join(CORPUS, name);
const w = (name: string) => join(work, name);

interface Case {
  readonly argv: readonly string[];
  readonly code: 1 | 2;
  /** What the one line on stderr must say. */
  readonly says: RegExp;
}

/** Files made at run time: binary, huge, or built from a real result. */
beforeAll(() => {
  mkdirSync(w('a-directory'));
  mkdirSync(w('foreign'));
  writeFileSync(w('foreign/notes.txt'), 'not a report');
  writeFileSync(w('a-file.txt'), 'x');
  writeFileSync(w('corrupt.trace.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('definitely not deflate data')]));
  writeFileSync(w('huge-line.trace'), `R ${'7'.repeat(3 << 20)}\n`);
  writeFileSync(w('huge-field.trace'), `R 0x0\nW zz${'z'.repeat(500_000)}\n`);
  writeFileSync(w('huge-line.csv'), `cycle,channel,rank,bankgroup,bank,row,column,command\n${'9'.repeat(2 << 20)}\n`);
  writeFileSync(w('binary.trace'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
  writeFileSync(w('late-bad-line.trace'), `${Array.from({ length: 20_000 }, (_, i) => `R 0x${(64 * i).toString(16)}`).join('\n')}\nR 0xnothex\n`);
  writeFileSync(w('gz-bad-line.trace.gz'), gzipSync('R 0x0\nQ 0x40\n'));
  const r = tinyResult();
  writeFileSync(w('negative-latency.json'), JSON.stringify({ ...r, summary: { ...r.summary, meanTokenNs: -r.summary.meanTokenNs } }));
  writeFileSync(w('negative-energy.json'), JSON.stringify({ ...r, energy: { ...r.energy, totalPj: -5 } }));
  writeFileSync(w('inconsistent.json'), JSON.stringify({ ...r, summary: { ...r.summary, totalNs: r.summary.totalNs * 2 } }));
  // Shard 1 of 2 of a study, alone.
  const manifest: ShardManifest = {
    kind: SHARD_KIND, schemaVersion: 1, pimsimVersion: PIMSIM_VERSION, study: 'corpus', title: 'corpus', studyHash: '0123456789abcdef',
    points: 2, shard: { index: 1, count: 2 }, files: [{ point: 1, file: pointFileName(1), configHash: r.configHash }],
  };
  writeShard(w('study/shard-1-of-2'), manifest, [r]);
  mkdirSync(w('study/shard-2-of-2'));
  writeFileSync(w('study/shard-2-of-2/point-0002.json'), JSON.stringify(r));
});

const CASES: readonly Case[] = [
  // trace
  { argv: ['config'], code: 1, says: /pimsim config needs --memory <preset>, --system <preset> or --model <preset>/ },
  { argv: ['config', '--memory', 'no-such-memory'], code: 1, says: /no-such-memory/ },
  { argv: ['config', '--memory', 'gddr6', '--set', 'timing.nCLL=3'], code: 1, says: /field timing\.nCLL: unknown field/ },
  { argv: ['trace', w('missing.trace')], code: 1, says: /missing\.trace: cannot read the trace: no such file or directory \(ENOENT\)/ },
  { argv: ['trace', w('a-directory')], code: 1, says: /a-directory: cannot read the trace: is a directory \(EISDIR\)/ },
  { argv: ['trace', c('empty.txt')], code: 1, says: /empty\.txt: no request lines, so the trace format cannot be detected/ },
  { argv: ['trace', w('binary.trace')], code: 1, says: /binary\.trace:\d+: (cannot tell the trace format|a line longer)/ },
  { argv: ['trace', c('not-a-trace.trace')], code: 1, says: /not-a-trace\.trace:1: cannot tell the trace format from line "hello world"/ },
  { argv: ['trace', c('mixed-formats.trace')], code: 1, says: /mixed-formats\.trace:2: ambiguous trace/ },
  { argv: ['trace', c('address-vector.trace')], code: 1, says: /address-vector\.trace:1: .*address vectors/ },
  { argv: ['trace', c('decreasing-arrival.trace')], code: 1, says: /decreasing-arrival\.trace:4: arrival cycle 5 is earlier than cycle 10 on line 3/ },
  { argv: ['trace', w('huge-line.trace')], code: 1, says: /huge-line\.trace:1: a line longer than 1 MiB/ },
  { argv: ['trace', w('huge-field.trace')], code: 1, says: /huge-field\.trace:2: address "zzz.*…/ },
  { argv: ['trace', w('late-bad-line.trace'), '--command-log', w('never.csv')], code: 1, says: /late-bad-line\.trace:20001: address "0xnothex"/ },
  { argv: ['trace', c('beyond-memory.trace'), '--command-log', w('never.csv')], code: 1, says: /beyond-memory\.trace:2: address 0x40000000 is outside the memory/ },
  { argv: ['trace', w('corrupt.trace.gz')], code: 1, says: /corrupt\.trace\.gz: not a valid gzip file/ },
  { argv: ['trace', w('gz-bad-line.trace.gz')], code: 1, says: /gz-bad-line\.trace\.gz:2: operation "Q" is not R or W/ },
  { argv: ['trace', c('beyond-memory.trace'), '--command-log', '/proc/c.csv'], code: 1, says: /--command-log \/proc\/c\.csv: cannot create files in \/proc/ },
  { argv: ['trace', c('beyond-memory.trace'), '--command-log', w('a-directory')], code: 1, says: /--command-log .*a-directory: is a directory/ },
  { argv: ['trace', c('beyond-memory.trace'), '--format', 'csv'], code: 2, says: /option '--format <format>' argument 'csv' is invalid\. Allowed choices are auto, pimsim, ramulator, dramsim3/ },
  { argv: ['trace', c('beyond-memory.trace'), '--memory', 'gddr7'], code: 1, says: /unknown memory preset "gddr7"; expected one of: .*gddr6/ },
  { argv: ['trace', c('beyond-memory.trace'), '--set', 'timing.nCL=24.5'], code: 1, says: /field timing\.nCL = 24\.5: expected an integer or a duration/ },
  { argv: ['trace', c('beyond-memory.trace'), '--set', '__proto__.polluted=1'], code: 2, says: /"__proto__" is not allowed/ },
  { argv: ['trace', c('beyond-memory.trace'), '--memory', c('proto-memory.json')], code: 1, says: /proto-memory\.json: field timing\.__proto__: the key "__proto__" is not allowed/ },
  // check
  { argv: ['check', w('missing.csv')], code: 1, says: /missing\.csv: cannot read the command log: no such file/ },
  { argv: ['check', c('empty.txt')], code: 1, says: /empty\.txt:1: expected the header line/ },
  { argv: ['check', c('wrong-header.csv')], code: 1, says: /wrong-header\.csv:1: expected the header line "cycle,channel/ },
  { argv: ['check', c('unknown-command.csv')], code: 1, says: /unknown-command\.csv:3: unknown command "FOO"; expected one of ACT/ },
  { argv: ['check', c('short-line.csv')], code: 1, says: /short-line\.csv:3: expected 8 comma-separated fields/ },
  { argv: ['check', w('huge-line.csv')], code: 1, says: /huge-line\.csv:2: a line longer than 1 MiB/ },
  { argv: ['check', c('wrong-header.csv'), '--max', '-1'], code: 2, says: /option '--max <n>' argument '-1' is invalid\. Expected an integer >= 0/ },
  // run
  { argv: ['run', c('truncated-program.jsonl'), '--command-log', w('never.csv')], code: 1, says: /truncated-program\.jsonl:3: not a JSON object/ },
  { argv: ['run', w('missing.jsonl')], code: 1, says: /missing\.jsonl: cannot read the program: no such file/ },
  { argv: ['run', c('truncated-program.jsonl'), '--fidelity', 'slow'], code: 2, says: /'--fidelity <mode>' argument 'slow' is invalid\. Allowed choices are fast, command/ },
  { argv: ['run', c('truncated-program.jsonl'), '--command-log', '/etc/passwd/c.csv'], code: 1, says: /--command-log \/etc\/passwd\/c\.csv: \/etc\/passwd is not a directory/ },
  // gemv
  { argv: ['gemv', '--rows', '0', '--cols', '16'], code: 2, says: /'--rows <M>' argument '0' is invalid\. Expected an integer >= 1/ },
  { argv: ['gemv', '--rows', '1e3', '--cols', '16'], code: 2, says: /'--rows <M>' argument '1e3' is invalid/ },
  { argv: ['gemv', '--cols', '16'], code: 2, says: /required option '--rows <M>' not specified/ },
  { argv: ['gemv', '--rows', '16', '--cols', '16', '--precision', 'int4'], code: 2, says: /Allowed choices are bf16, int8, ternary, binary|Allowed choices are .*int8/ },
  { argv: ['gemv', '--rows', '65536', '--cols', '65536', '--command-log', w('never.csv')], code: 1, says: /65536 x 65536 BF16 matrix needs 32768 rows in every bank/ },
  // simulate
  { argv: ['simulate', '--model', 'test-tiny', '--tokens', '0'], code: 2, says: /'--tokens <N>' argument '0' is invalid\. Expected an integer >= 1/ },
  { argv: ['simulate', '--model', 'test-tiny', '--prompt', '-1'], code: 2, says: /'--prompt <P>' argument '-1' is invalid/ },
  { argv: ['simulate', '--model', 'test-tiny', '--tokens', '2', '--out', '/etc/passwd/r.json'], code: 1, says: /--out \/etc\/passwd\/r\.json: \/etc\/passwd is not a directory/ },
  { argv: ['simulate', '--model', 'test-tiny', '--tokens', '2', '--out', w('a-directory')], code: 1, says: /--out .*a-directory: is a directory; expected the path of a file/ },
  { argv: ['simulate', '--model', 'test-tiny', '--tokens', '2', '--out', '/proc/r.json'], code: 1, says: /--out \/proc\/r\.json: cannot create files in \/proc/ },
  { argv: ['simulate', '--model', 'gpt5'], code: 1, says: /unknown models preset "gpt5"; expected one of: .*gpt2-small/ },
  { argv: ['simulate', '--model', 'test-tiny', '--model-set', 'heads'], code: 2, says: /--model-set expects path=value \(e\.g\. heads=24\), got "heads"/ },
  { argv: ['simulate', '--model', 'test-tiny', '--model-set', 'heads=0'], code: 1, says: /field heads = 0: .*\(set by --model-set "heads=0"\)/ },
  { argv: ['simulate', '--model', 'test-tiny', '--set', 'constructor.x=1'], code: 2, says: /"constructor" is not allowed/ },
  { argv: ['simulate', '--model', 'test-tiny', '--set', 'memoryOverrides.timing.nCL=1e400'], code: 2, says: /--set "memoryOverrides\.timing\.nCL=1e400": "1e400" holds a number too large for a double/ },
  { argv: ['simulate', '--model', 'test-tiny', '--set', 'memoryOverrides.timing.nCL=24.5'], code: 1, says: /field timing\.nCL = 24\.5: expected an integer or a duration such as "14 ns" \(set by --set "memoryOverrides\.timing\.nCL=24\.5"\)/ },
  { argv: ['simulate', '--model', 'test-tiny', '--system', c('zero-channels-system.json')], code: 1, says: /zero-channels-system\.json: field memoryOverrides\.organization\.channels = 0: expected a number > 0 \(applied to memory preset gddr6-aim\)/ },
  { argv: ['simulate', '--model', c('bad-heads-model.json')], code: 1, says: /bad-heads-model\.json: invalid models preset: field heads = 5: dModel \(768\) must be divisible by heads \(5\)/ },
  { argv: ['simulate', '--model', 'test-tiny', '--precision', 'int4'], code: 2, says: /'--precision <plan>' argument 'int4' is invalid/ },
  { argv: ['simulate', '--model', 'test-tiny', '--devices', 't4,,v100'], code: 2, says: /without empty entries/ },
  { argv: ['simulate', '--model', 'test-tiny', '--baseline-format', 'q5_K'], code: 2, says: /option '--baseline-format <format>' argument 'q5_K' is invalid\. Allowed choices are runtime, ops, fp32, fp16, bf16, int8, q4_0, q4_K_M, ternary, binary/ },
  { argv: ['baseline', '--model', 'test-tiny', '--device', 't4', '--baseline-format', 'int4'], code: 2, says: /option '--baseline-format <format>' argument 'int4' is invalid\. Allowed choices are runtime, ops, fp32, fp16, bf16, int8, q4_0, q4_K_M, ternary, binary/ },
  { argv: ['simulate', '--model', 'test-tiny', '--tokens', '1', '--devices', 'gtx-480'], code: 1, says: /unknown devices preset "gtx-480"/ },
  { argv: ['simulate', '--model', 'gpt2-small', '--tokens', '1024'], code: 1, says: /prompt \(1\) \+ tokens \(1024\) exceeds gpt2-small's context of 1024/ },
  { argv: ['simulate', '--model', 'test-tiny', '--packing', 'tight'], code: 2, says: /Allowed choices are fast, dense/ },
  // precision
  { argv: ['precision', '--model', 'test-tiny', '--tier', 'D'], code: 2, says: /'--tier <tier>' argument 'D' is invalid\. Allowed choices are A, B, C/ },
  { argv: ['precision', '--model', 'test-tiny', '--out', w('a-directory')], code: 1, says: /--out .*a-directory: is a directory/ },
  { argv: ['precision', '--model', 'test-tiny', '--precision', 'ternary,lm-head=int3'], code: 2, says: /'--precision <plan>' argument 'ternary,lm-head=int3' is invalid/ },
  // baseline
  { argv: ['baseline', '--model', 'gpt2-small', '--device', 't4', '--tier', 'D'], code: 2, says: /Allowed choices are A, B, C/ },
  { argv: ['baseline', '--model', 'gpt2-small'], code: 1, says: /--device is required \(or use --measure-host\)/ },
  { argv: ['baseline', '--model', 'gpt2-small', '--device', 't4', '--position', '-1'], code: 2, says: /'--position <n>' argument '-1' is invalid/ },
  { argv: ['baseline', '--model', 'gpt2-small', '--device', 'a800'], code: 1, says: /unknown devices preset "a800"/ },
  // report
  { argv: ['report', c('not-json.json'), '--out', w('r1')], code: 1, says: /not-json\.json: not JSON/ },
  { argv: ['report', c('array.json'), '--out', w('r1')], code: 1, says: /array\.json: not a pimsim result/ },
  { argv: ['report', c('wrong-kind.json'), '--out', w('r1')], code: 1, says: /wrong-kind\.json: not a pimsim result: "kind" is "pimsim\.program"/ },
  { argv: ['report', c('old-schema.json'), '--out', w('r1')], code: 1, says: /old-schema\.json: result schemaVersion 1 is not supported/ },
  { argv: ['report', w('negative-latency.json'), '--out', w('r1')], code: 1, says: /negative-latency\.json: malformed pimsim result: field summary\.meanTokenNs = -[\d.]+: expected a number > 0/ },
  { argv: ['report', w('negative-energy.json'), '--out', w('r1')], code: 1, says: /negative-energy\.json: malformed pimsim result: field energy\.totalPj = -5: expected a number > 0/ },
  { argv: ['report', w('inconsistent.json'), '--out', w('r1')], code: 1, says: /inconsistent\.json: malformed pimsim result: field summary\.totalNs = .*must equal the sum of perToken\.latencyNs/ },
  { argv: ['report', w('missing.json'), '--out', w('r1')], code: 1, says: /missing\.json: cannot read the result file: no such file/ },
  { argv: ['report', c('not-json.json'), '--out', w('a-file.txt')], code: 1, says: /--out .*a-file\.txt: is a file; expected a directory/ },
  { argv: ['report', c('not-json.json'), '--out', w('foreign')], code: 1, says: /--out .*foreign: holds other files and is not a pimsim report/ },
  { argv: ['report', c('not-json.json'), '--out', '/proc/rep'], code: 1, says: /--out \/proc\/rep: cannot create files in \/proc/ },
  { argv: ['report'], code: 2, says: /missing required argument 'results'/ },
  // merge
  { argv: ['merge', w('study/shard-1-of-2'), '--out', w('m1')], code: 1, says: /study "corpus" is incomplete: shard 2 of 2 missing \(1 of 2 points present\)/ },
  { argv: ['merge', w('study/shard-1-of-2'), w('study/shard-2-of-2'), '--out', w('m1')], code: 1, says: /shard-2-of-2: no shard\.json: not a complete shard/ },
  { argv: ['merge', w('nothing-here'), '--out', w('m1')], code: 1, says: /nothing-here: cannot read: no such file/ },
  { argv: ['merge', w('a-directory'), '--out', w('m1')], code: 1, says: /no result files \(\*\.json\)/ },
  { argv: ['merge', w('study/shard-1-of-2'), '--out', w('foreign')], code: 1, says: /holds other files and is not a pimsim report/ },
  // list, schema, start, the program
  { argv: ['list', 'gpus'], code: 2, says: /argument 'kind'.*Allowed choices are memories, memory, command-sets, systems, models, devices, asic, energy/ },
  { argv: ['schema', '--print', 'trace'], code: 2, says: /Allowed choices are result, memory, command-sets, systems, models, devices, asic, energy/ },
  { argv: ['schema', '--out', w('a-file.txt')], code: 1, says: /--out .*a-file\.txt: is a file/ },
  { argv: ['start', '--out', w('foreign')], code: 1, says: /--out .*foreign: holds other files and is not a pimsim report/ },
  { argv: ['start', '--tokens', '0'], code: 2, says: /'--tokens <N>' argument '0' is invalid/ },
  { argv: ['start', '--workers', '0', '--out', w('s1')], code: 2, says: /'--workers <n>' argument '0' is invalid/ },
  { argv: ['start', '--models', 'gpt2-small,gpt9', '--out', w('s1')], code: 1, says: /unknown models preset "gpt9"/ },
  { argv: ['simulat', '--model', 'x'], code: 2, says: /unknown command 'simulat'/ },
  { argv: ['simulate', '--model', 'test-tiny', '--frobnicate'], code: 2, says: /unknown option '--frobnicate'/ },
];

/** Every path under the work directory with its size: "no file left behind" compares two of these. */
function snapshot(dir = work): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort().map((p) => `${p}:${statSync(join(dir, p)).size}`);
}

async function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    return { code: await main(['node', 'pimsim', ...argv]), stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function expectClean(r: { code: number; stderr: string }, k: Case): void {
  const what = k.argv.join(' ').slice(0, 200);
  expect(r.code, `${what}\n${r.stderr}`).toBe(k.code);
  expect(r.stderr, what).toMatch(/^pimsim: [^\n]+\n$/);
  expect(r.stderr, what).toMatch(k.says);
  expect(r.stderr, what).not.toMatch(/\n\s+at |internal error/);
  expect(r.stderr.length, what).toBeLessThan(600);
}

describe('hostile inputs, in process', () => {
  it('cover every command', async () => {
    const commands = (await buildProgram()).commands.map((x) => x.name());
    expect(commands).toHaveLength(13);
    const covered = new Set(CASES.map((k) => k.argv[0]));
    expect(commands.filter((n) => !covered.has(n))).toEqual([]);
    expect(CASES.length).toBeGreaterThanOrEqual(80);
  });

  it.each(CASES.map((k) => [k.argv.join(' ').slice(0, 100), k] as const))('%s', async (_name, k) => {
    const before = snapshot();
    const r = await run(k.argv);
    expectClean(r, k);
    expect(snapshot(), 'a file was left behind').toEqual(before);
  });
});

describe('hostile inputs, as child processes', () => {
  it('a representative few: the same exit code and one line as in process', async () => {
    const pick = (cmd: string, arg: string) => CASES.find((k) => k.argv[0] === cmd && k.argv.some((a) => a.includes(arg)))!;
    const few = [pick('trace', 'huge-field'), pick('simulate', '/etc/passwd'), pick('list', 'gpus')];
    const before = snapshot();
    const runs = await Promise.all(few.map((k) => pimsim(...k.argv)));
    runs.forEach((r, i) => expectClean({ code: r.code ?? -1, stderr: r.stderr }, few[i]));
    expect(snapshot()).toEqual(before);
  }, 60_000);
});

describe('corpus files', () => {
  it('are all used by a case', () => {
    const used = CASES.flatMap((k) => k.argv).join(' ');
    for (const f of readdirSync(CORPUS).filter((f) => f !== 'README.md')) expect(used, f).toContain(f);
    expect(readFileSync(join(CORPUS, 'README.md'), 'utf8')).toMatch(/Hostile inputs/);
  });
});
