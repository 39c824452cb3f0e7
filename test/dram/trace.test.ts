import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkAddressesBelow,
  formatTrace,
  gemvTrace,
  maxAddress,
  mixedTrace,
  parseTrace,
  parseTraceFormatOption,
  randomTrace,
  readTrace,
  requestWhere,
  SAMPLE_TRACES,
  sampleTraceText,
  streamTrace,
  traceFromRequests,
  traceRequests,
  type Trace,
  type TraceFormat,
  type TraceFormatOption,
} from '../../src/dram/trace/index.js';
import { errorOf } from '../helpers/errors.js';

const TRACES = join(import.meta.dirname, '../../traces');
const FIXTURES = join(import.meta.dirname, '../fixtures/traces');

/** The trace as plain arrays, for toEqual. */
function view(t: Trace) {
  return {
    count: t.count,
    address: Array.from(t.address.subarray(0, t.count)),
    isWrite: Array.from(t.isWrite.subarray(0, t.count)),
    arrival: Array.from(t.arrival.subarray(0, t.count)),
  };
}

describe('pimsim format', () => {
  it('reads reads, writes, hex and decimal addresses, arrival cycles, comments and blank lines', () => {
    const text = [
      '# header comment',
      '',
      'R 0x1f40',
      'W 8000   # trailing comment',
      '  r\t0X1F40 @120',
      'w 0 @135#tight comment',
      '   ',
      'R 0x40\r',
    ].join('\n');
    const t = parseTrace(text, 'hand.trace', 'pimsim');
    expect(view(t)).toEqual({
      count: 5,
      address: [0x1f40, 8000, 0x1f40, 0, 0x40],
      isWrite: [0, 1, 0, 1, 0],
      arrival: [-1, -1, 120, 135, -1],
    });
    expect(Array.from(t.line!)).toEqual([3, 4, 5, 6, 8]);
    expect(t.format).toBe('pimsim');
    expect(t.file).toBe('hand.trace');
  });

  it('accepts addresses up to 2^53 - 1 and rejects 2^53', () => {
    const t = parseTrace('R 0x1fffffffffffff\nW 9007199254740991\n', 'x', 'pimsim');
    expect(view(t).address).toEqual([2 ** 53 - 1, 2 ** 53 - 1]);
    expect(errorOf(() => parseTrace('R 0x20000000000000', 'x', 'pimsim')).message).toContain('2^53');
    expect(errorOf(() => parseTrace('R 9007199254740992', 'x', 'pimsim')).message).toContain('2^53');
  });

  it('skips a UTF-8 byte-order mark and reads a final line without newline', () => {
    expect(view(parseTrace('\uFEFFR 0x10\nW 0x20', 'x')).address).toEqual([0x10, 0x20]);
  });
});

describe('Ramulator formats', () => {
  it('reads Ramulator 2 LD/ST lines (hex with 0x, else decimal) and Ramulator addr R/W lines (always hex)', () => {
    const t = parseTrace('LD 0x1f40\nST 8000\n0x1f40 R\n1f40 W\n100 R\n', 'r.trace', 'ramulator');
    expect(view(t)).toEqual({
      count: 5,
      address: [0x1f40, 8000, 0x1f40, 0x1f40, 0x100],
      isWrite: [0, 1, 0, 1, 0],
      arrival: [-1, -1, -1, -1, -1],
    });
  });
});

describe('DRAMsim3 format', () => {
  it('reads hex addresses (0x optional), operation words and decimal arrival cycles', () => {
    const t = parseTrace('0x1f40 READ 120\n1f40 WRITE 135\n40 P_MEM_RD 135\n0x80 write 200\n0xc0 BOFF 201\n', 'd', 'dramsim3');
    expect(view(t)).toEqual({
      count: 5,
      address: [0x1f40, 0x1f40, 0x40, 0x80, 0xc0],
      isWrite: [0, 1, 0, 1, 1],
      arrival: [120, 135, 135, 200, 201],
    });
  });
});

describe('format detection', () => {
  it.each([
    ['R 0x10\nW 0x20 @5', 'pimsim'],
    ['# c\n\nLD 0x10\nST 0x20', 'ramulator'],
    ['0x10 R\n0x20 W', 'ramulator'],
    ['0x10 READ 0\n0x20 WRITE 4', 'dramsim3'],
  ] as const)('detects %j as %s', (text, format) => {
    expect(parseTrace(text, 'x', 'auto').format).toBe(format);
  });

  const expected: Record<string, { format: TraceFormat; count: number }> = {
    'stream-read.trace': { format: 'pimsim', count: 65536 },
    'random-read.trace': { format: 'pimsim', count: 32768 },
    'gemv-rowwise.trace': { format: 'pimsim', count: 2048 * 64 },
    'mixed-rw.trace': { format: 'pimsim', count: 32768 },
    'stream-read.ramulator.trace': { format: 'ramulator', count: 32768 },
    'mixed.dramsim3.trace': { format: 'dramsim3', count: 32768 },
  };
  it.each(Object.keys(expected))('reads sample %s with --format auto', (name) => {
    const t = readTrace(join(TRACES, name));
    expect({ format: t.format, count: t.count }).toEqual(expected[name]);
  });

  it('covers every sample in the samples list', () => {
    expect(SAMPLE_TRACES.map((s) => s.fileName).sort()).toEqual(Object.keys(expected).sort());
  });

  it('rejects an unknown first line, mixed formats and a file without requests, listing the forms', () => {
    const unknown = errorOf(() => readTrace(join(FIXTURES, 'unknown.trace')));
    expect(unknown.message).toMatch(/unknown\.trace:1: cannot tell the trace format from line "hello world"/);
    for (const form of ['R <addr>', 'LD <addr>', '<addr> R', '<addr> READ <cycle>']) expect(unknown.message).toContain(form);
    const mixed = errorOf(() => readTrace(join(FIXTURES, 'mixed-formats.trace')));
    expect(mixed.message).toMatch(/mixed-formats\.trace:2: ambiguous trace: line 1 looks like pimsim .* ramulator/);
    const empty = errorOf(() => readTrace(join(FIXTURES, 'empty.trace')));
    expect(empty.message).toMatch(/empty\.trace: no request lines/);
    expect(empty.message).toContain('<addr> READ <cycle>');
  });

  it('reads a file without requests as an empty trace when the format is named', () => {
    expect(readTrace(join(FIXTURES, 'empty.trace'), 'pimsim').count).toBe(0);
  });
});

describe('malformed lines', () => {
  // [format, text, line number, fragment of the reason]
  const cases: [TraceFormatOption, string, number, string][] = [
    ['pimsim', 'R 0x0\nX 0x40', 2, 'operation "X" is not R or W'],
    ['pimsim', 'R', 1, 'expected an operation (R or W) followed by an address'],
    ['pimsim', 'R 0x10 @5 extra', 1, 'too many fields'],
    ['pimsim', 'W 0xg0', 1, 'address "0xg0" is not a hex'],
    ['pimsim', 'W 0x', 1, 'address "0x" is not'],
    ['pimsim', 'W -16', 1, 'address "-16" is not'],
    ['pimsim', 'W 1e5', 1, 'address "1e5" is not'],
    ['pimsim', 'R 0x10 120', 1, 'not an arrival cycle written as @<cycle>'],
    ['pimsim', 'R 0x10 @', 1, 'arrival cycle "" is not a non-negative decimal integer'],
    ['pimsim', 'R 0x10 @1.5', 1, 'arrival cycle "1.5" is not'],
    ['pimsim', 'R 0x10 @-3', 1, 'arrival cycle "-3" is not'],
    ['pimsim', 'R 0x0 @10\n\nR 0x40 @9', 3, 'arrival cycle 9 is earlier than cycle 10 on line 1'],
    ['pimsim', 'R 1,0,0,0,5,2', 1, 'Ramulator 2 ReadWriteTrace'],
    ['ramulator', 'LD', 1, 'expected two fields'],
    ['ramulator', 'LD 0x0 0x40', 1, 'too many fields'],
    ['ramulator', 'LOAD 0x0', 1, 'expected "LD <addr>", "ST <addr>", "<addr> R" or "<addr> W"'],
    ['ramulator', 'LD 0xzz', 1, 'address "0xzz" is not'],
    ['ramulator', 'LD 1f40', 1, 'address "1f40" is not'],
    ['ramulator', 'xyz R', 1, 'address "xyz" is not a hex number'],
    ['ramulator', '0x10 READ', 1, 'expected "LD <addr>"'],
    ['dramsim3', '0x10', 1, 'missing the operation'],
    ['dramsim3', '0x10 READ', 1, 'missing the arrival cycle'],
    ['dramsim3', '0x10 LOAD 5', 1, 'operation "LOAD" is not READ or WRITE'],
    ['dramsim3', 'zz READ 5', 1, 'address "zz" is not a hex number'],
    ['dramsim3', '0x10 READ five', 1, 'arrival cycle "five" is not'],
    ['dramsim3', '0x10 READ 5 6', 1, 'too many fields'],
    ['dramsim3', '0x10 READ 5\n0x20 READ 4', 2, 'earlier than cycle 5'],
    ['auto', 'R 0x0\nR 0x40\nX 0x80', 3, 'operation "X" is not R or W'],
    ['auto', '0x0 READ 1\n0x40 READ', 2, 'missing the arrival cycle'],
  ];
  it.each(cases)('%s: %j -> line %i: %s', (format, text, lineNo, reason) => {
    const e = errorOf(() => parseTrace(text, 'bad.trace', format));
    expect(e.where).toBe(`bad.trace:${lineNo}`);
    expect(e.message.startsWith(`bad.trace:${lineNo}: `)).toBe(true);
    expect(e.message).toContain(reason);
    const badLine = text.split('\n')[lineNo - 1].trim();
    expect(e.message).toContain(`line: "${badLine}"`);
    expect(e.message).toMatch(/accepted (pimsim|ramulator|dramsim3) trace lines:/);
  });

  it.each([
    ['bad-op.trace', 4, 'operation "X"'],
    ['bad-address.trace', 2, 'address "0xzz10"'],
    ['decreasing-arrival.trace', 4, 'arrival cycle 5 is earlier than cycle 10 on line 3'],
    ['missing-cycle.dramsim3.trace', 2, 'missing the arrival cycle'],
    ['extra-field.ramulator.trace', 2, 'too many fields'],
    ['address-vector.trace', 1, 'address vectors'],
  ])('fixture %s fails at its line %i', (name, lineNo, reason) => {
    const file = join(FIXTURES, name);
    const e = errorOf(() => readTrace(file));
    expect(e.where).toBe(`${file}:${lineNo}`);
    expect(e.message).toContain(reason);
  });

  it('names a missing file', () => {
    const e = errorOf(() => readTrace(join(FIXTURES, 'no-such.trace')));
    expect(e.message).toMatch(/no-such\.trace: cannot read trace file: no such file/);
  });

  it('checks --format values', () => {
    expect(parseTraceFormatOption('dramsim3')).toBe('dramsim3');
    expect(errorOf(() => parseTraceFormatOption('ramulator2')).message).toContain('expected auto, pimsim, ramulator, dramsim3');
  });
});

describe('generators', () => {
  it('streamTrace steps by stepBytes from the base address', () => {
    expect(view(streamTrace(4, 64))).toEqual({ count: 4, address: [0, 64, 128, 192], isWrite: [0, 0, 0, 0], arrival: [-1, -1, -1, -1] });
    expect(view(streamTrace(3, 32, { baseAddress: 4096, isWrite: true })).address).toEqual([4096, 4128, 4160]);
  });

  it('randomTrace is aligned, inside the span, seeded and roughly uniform', () => {
    const span = 2 ** 30;
    const t = randomTrace(20000, span, 1);
    let sum = 0;
    let bad = 0;
    for (const a of t.address) {
      if (a % 64 !== 0 || a < 0 || a >= span) bad++;
      sum += a;
    }
    expect(bad).toBe(0);
    // Mean of a uniform variable on [0, span): span/2, standard error span/sqrt(12 n) ~ 0.002 span.
    expect(Math.abs(sum / t.count / span - 0.5)).toBeLessThan(0.01);
    expect(view(randomTrace(100, span, 1))).toEqual(view(randomTrace(100, span, 1)));
    expect(view(randomTrace(100, span, 2)).address).not.toEqual(view(randomTrace(100, span, 1)).address);
    // Spans above 2^32 use 53 random bits: the upper half is reached.
    expect(maxAddress(randomTrace(1000, 2 ** 40, 3))).toBeGreaterThan(2 ** 39);
  });

  it('gemvTrace reads each matrix row sequentially, rows a pitch apart', () => {
    // 3 x 100 bf16: 200 B per row -> 4 reads of 64 B per row (last one partly used).
    expect(view(gemvTrace(3, 100, 2)).address).toEqual([0, 64, 128, 192, 256, 320, 384, 448, 512, 576, 640, 704]);
    const t = gemvTrace(2048, 2048, 2, { rowPitchBytes: 8192, baseAddress: 0x1000_0000 });
    expect(t.count).toBe(2048 * 64);
    expect(t.address[0]).toBe(0x1000_0000);
    expect(t.address[63]).toBe(0x1000_0000 + 63 * 64);
    expect(t.address[64]).toBe(0x1000_0000 + 8192);
    expect(t.address[5 * 64 + 7]).toBe(0x1000_0000 + 5 * 8192 + 7 * 64);
    expect(maxAddress(t)).toBe(0x1000_0000 + 2047 * 8192 + 63 * 64);
    expect(errorOf(() => gemvTrace(4, 2048, 2, { rowPitchBytes: 4000 })).message).toContain('rowPitchBytes');
  });

  it('mixedTrace has ~2:1 reads to writes, sequential runs and Poisson-like arrivals', () => {
    const n = 30000;
    const t = mixedTrace(n, 9, { meanGapCycles: 8 });
    let writes = 0;
    let continues = 0;
    for (let i = 0; i < n; i++) writes += t.isWrite[i];
    // Locality: a request often continues a stream, i.e. lands 64 B after one of the last few addresses.
    const recent = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (recent.has(t.address[i] - 64)) continues++;
      recent.add(t.address[i]);
      if (i >= 32) recent.delete(t.address[i - 32]);
    }
    // Writes ~ Binomial(n, 1/3): sd = sqrt(n * 2/9) ~ 82, so +-2% (600) is ~7 sd.
    expect(Math.abs(writes / n - 1 / 3)).toBeLessThan(0.02);
    // Jumps happen with p = 1/8, so ~7/8 of requests continue a stream.
    expect(continues / n).toBeGreaterThan(0.8);
    let backwards = 0;
    for (let i = 1; i < n; i++) if (t.arrival[i] < t.arrival[i - 1]) backwards++;
    expect(backwards).toBe(0);
    expect(t.arrival[0]).toBe(0);
    expect(Math.abs(t.arrival[n - 1] / (n - 1) - 8)).toBeLessThan(0.4);
    expect(Array.from(mixedTrace(10, 9).arrival)).toEqual(new Array(10).fill(-1));
  });
});

describe('writer round trips', () => {
  const traces: [string, Trace][] = [
    ['stream', streamTrace(1000, 64)],
    ['random', randomTrace(1000, 2 ** 45, 4)],
    ['gemv', gemvTrace(16, 2048, 2, { rowPitchBytes: 8192 })],
    ['mixed untimed', mixedTrace(1000, 5)],
    ['mixed timed', mixedTrace(1000, 6, { meanGapCycles: 3 })],
  ];
  it.each(traces)('%s survives pimsim format exactly', (_name, t) => {
    const text = formatTrace(t, 'pimsim', { header: ['round trip'] });
    expect(view(parseTrace(text, 'rt', 'auto'))).toEqual(view(t));
  });

  it.each(traces.filter(([name]) => name !== 'mixed timed'))('%s survives Ramulator format', (_name, t) => {
    const back = parseTrace(formatTrace(t, 'ramulator'), 'rt', 'auto');
    expect(back.format).toBe('ramulator');
    expect(view(back)).toEqual(view(t));
  });

  it('timed traces survive DRAMsim3 format; untimed requests take the previous cycle', () => {
    const t = mixedTrace(1000, 6, { meanGapCycles: 3 });
    expect(view(parseTrace(formatTrace(t, 'dramsim3'), 'rt', 'auto'))).toEqual(view(t));
    const mixedTiming = traceFromRequests([
      { address: 0, isWrite: false, arrivalCycle: -1 },
      { address: 64, isWrite: true, arrivalCycle: 7 },
      { address: 128, isWrite: false, arrivalCycle: -1 },
    ]);
    expect(formatTrace(mixedTiming, 'dramsim3')).toBe('0x0 READ 0\n0x40 WRITE 7\n0x80 READ 7\n');
  });

  it('writes the extremes exactly: address 2^53 - 1, address 0, large cycles', () => {
    const t = traceFromRequests([
      { address: 2 ** 53 - 1, isWrite: true, arrivalCycle: 0 },
      { address: 0, isWrite: false, arrivalCycle: 2 ** 53 - 1 },
      { address: 2 ** 32 + 5, isWrite: false, arrivalCycle: -1 },
    ]);
    expect(formatTrace(t, 'pimsim')).toBe('W 0x1fffffffffffff @0\nR 0x0 @9007199254740991\nR 0x100000005\n');
    for (const format of ['pimsim', 'dramsim3'] as const) {
      const back = view(parseTrace(formatTrace(t, format), 'x', format));
      expect(back.address).toEqual([2 ** 53 - 1, 0, 2 ** 32 + 5]);
    }
  });

  it('refuses to drop arrival cycles silently when writing Ramulator format', () => {
    const t = mixedTrace(10, 1, { meanGapCycles: 2 });
    expect(errorOf(() => formatTrace(t, 'ramulator')).message).toContain('no arrival cycles');
    expect(parseTrace(formatTrace(t, 'ramulator', { dropArrival: true }), 'x').count).toBe(10);
  });

  it.each(SAMPLE_TRACES.map((s) => [s.fileName, s] as const))('traces/%s matches its generator', (name, sample) => {
    expect(readFileSync(join(TRACES, name), 'utf8')).toBe(sampleTraceText(sample));
  });
});

describe('helpers', () => {
  it('maxAddress, requestWhere and checkAddressesBelow', () => {
    const t = parseTrace('# c\nR 0x100\nW 0x40\nR 0xff00\n', 'h.trace');
    expect(maxAddress(t)).toBe(0xff00);
    expect(maxAddress(streamTrace(0))).toBe(-1);
    expect(requestWhere(t, 2)).toBe('h.trace:4');
    expect(requestWhere(streamTrace(3), 1)).toBe('generated:stream(n=3,step=64): request 2');
    checkAddressesBelow(t, 0xff40, 64);
    const e = errorOf(() => checkAddressesBelow(t, 0xff00, 64, 'GDDR6 (64 KiB)'));
    expect(e.where).toBe('h.trace:4');
    expect(e.message).toContain('beyond GDDR6 (64 KiB)');
  });

  it('traceFromRequests takes bigints and checks values; traceRequests inverts it', () => {
    const requests = [
      { address: 0x1f40n, isWrite: false, arrivalCycle: -1 },
      { address: 8000, isWrite: true, arrivalCycle: 3 },
    ];
    const t = traceFromRequests(requests);
    expect(traceRequests(t)).toEqual([
      { address: 0x1f40, isWrite: false, arrivalCycle: -1 },
      { address: 8000, isWrite: true, arrivalCycle: 3 },
    ]);
    expect(errorOf(() => traceFromRequests([{ address: 2n ** 53n, isWrite: false, arrivalCycle: -1 }])).message).toContain('2^53');
    expect(errorOf(() => traceFromRequests([{ address: 1.5, isWrite: false, arrivalCycle: -1 }])).message).toContain('1.5');
    const order = [
      { address: 0, isWrite: false, arrivalCycle: 5 },
      { address: 0, isWrite: false, arrivalCycle: 4 },
    ];
    expect(errorOf(() => traceFromRequests(order)).where).toBe('generated:requests: request 2');
  });
});
