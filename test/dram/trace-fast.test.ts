/**
 * The trace readers' fast paths (lines read straight from the bytes) against the general path
 * (tokenize + the format's LineParser): on seeded random lines, well-formed and not, with the
 * shapes the fast paths take and every near miss (tabs, CR, comments, long numbers, bad digits),
 * both give the same requests, line numbers and arrivals, or the same error.
 */
import { describe, expect, it } from 'vitest';
import { FORMAT_PARSERS } from '../../src/dram/trace/parsers.js';
import { newParseState, parseBytes } from '../../src/dram/trace/scan.js';
import type { TraceFormat } from '../../src/dram/trace/types.js';
import { mulberry32 } from '../../src/util/rng.js';

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

function hex(rng: Rng, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += pick(rng, [...'0123456789abcdefABCDEF']);
  return s;
}
function dec(rng: Rng, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += String(Math.floor(rng() * 10));
  return s;
}
/** An address token: mostly plain, sometimes too long, empty or with a stray character (unless `clean`). */
function address(rng: Rng, clean: boolean): string {
  const r = clean ? rng() * 0.7 : rng();
  if (r < 0.45) return `0${pick(rng, ['x', 'X'])}${hex(rng, 1 + Math.floor(rng() * 13))}`;
  if (r < 0.7) return dec(rng, 1 + Math.floor(rng() * 15));
  if (r < 0.8) return `0x${hex(rng, 12 + Math.floor(rng() * 4))}`; // 12 to 15 digits: around the fast path's limit
  if (r < 0.88) return dec(rng, 14 + Math.floor(rng() * 4));
  return pick(rng, ['0x', '0xg1', '12a', '-5', '0x1f40,2', '']);
}
/** A separator: mostly one space, sometimes what only the general path takes. */
const sep = (rng: Rng) => (rng() < 0.85 ? ' ' : pick(rng, ['  ', '\t', ' \t ']));
const ending = (rng: Rng) => (rng() < 0.85 ? '' : pick(rng, ['\r', ' ', ' # note', '#x', '\t']));

function pimsimLine(rng: Rng, cycle: { at: number }, clean: boolean): string {
  if (!clean && rng() < 0.04) return pick(rng, ['', '# comment', '   ', 'X 0x40', 'R', 'R 0x40 120', 'R 0x40 @', 'R 0x40 @-1']);
  let line = `${pick(rng, ['R', 'W', 'r', 'w'])}${sep(rng)}${address(rng, clean)}`;
  if (rng() < 0.4) {
    cycle.at += Math.floor(rng() * 5);
    line += `${sep(rng)}@${clean || rng() < 0.97 ? cycle.at : dec(rng, 16)}`;
  }
  return line + ending(rng);
}
function ramulatorLine(rng: Rng, clean: boolean): string {
  if (!clean && rng() < 0.04) return pick(rng, ['', '# c', 'LD', 'LD 0x40 0x80', 'ld 0x40', 'XX 0x40']);
  if (rng() < 0.1) return `${hex(rng, 4)}${sep(rng)}${pick(rng, ['R', 'W'])}${ending(rng)}`; // the Ramulator 1 form
  return `${pick(rng, ['LD', 'ST'])}${sep(rng)}${address(rng, clean)}${ending(rng)}`;
}

/** Parse with or without the fast path: the trace, or the error message. */
function parse(text: string, format: TraceFormat, fast: boolean, blocks: number) {
  const parser = fast ? FORMAT_PARSERS[format] : { line: FORMAT_PARSERS[format].line };
  try {
    // In blocks of whole lines, as a streamed file is parsed.
    const lines = text.split('\n');
    const per = Math.ceil(lines.length / blocks);
    const state = newParseState();
    const out: { address: number[]; isWrite: number[]; arrival: number[]; line: number[] } = { address: [], isWrite: [], arrival: [], line: [] };
    for (let b = 0; b < blocks; b++) {
      const part = lines.slice(b * per, (b + 1) * per).join('\n') + (b < blocks - 1 ? '\n' : '');
      const t = parseBytes(Buffer.from(part), 'f.trace', format, parser, state);
      out.address.push(...t.address);
      out.isWrite.push(...t.isWrite);
      out.arrival.push(...t.arrival);
      out.line.push(...t.line!);
      expect(t.address.length).toBe(t.count);
    }
    return out;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('fast trace-line paths read exactly what the general path reads', () => {
  for (const format of ['pimsim', 'ramulator'] as const) {
    it(format, () => {
      let parsed = 0, errors = 0;
      for (let seed = 1; seed <= 300; seed++) {
        const rng = mulberry32(seed);
        const cycle = { at: 0 };
        const n = 1 + Math.floor(rng() * 60);
        // Half the files have malformed lines (one error each), half none.
        const clean = rng() < 0.5;
        const lines = Array.from({ length: n }, () => (format === 'pimsim' ? pimsimLine(rng, cycle, clean) : ramulatorLine(rng, clean)));
        const text = lines.join('\n') + (rng() < 0.5 ? '\n' : '');
        const blocks = 1 + Math.floor(rng() * 3);
        const fast = parse(text, format, true, blocks);
        expect(fast, `seed ${seed}:\n${text}`).toEqual(parse(text, format, false, blocks));
        if (typeof fast === 'string') errors++;
        else parsed += fast.address.length;
      }
      // Both outcomes were exercised.
      expect(parsed).toBeGreaterThan(3000);
      expect(errors).toBeGreaterThan(100);
    });
  }

  it('the fast paths take the plain lines (so the comparison above covers them)', () => {
    const slot = { address: 0, isWrite: false, arrival: -1 };
    const b = Buffer.from('LD 0x1f40\nST 8000\nR 0x10 @7\nw 16\n');
    expect(FORMAT_PARSERS.ramulator.fast!(b, 0, slot)).toBe(9);
    expect(slot).toEqual({ address: 0x1f40, isWrite: false, arrival: -1 });
    expect(FORMAT_PARSERS.ramulator.fast!(b, 10, slot)).toBe(17);
    expect(slot).toEqual({ address: 8000, isWrite: true, arrival: -1 });
    expect(FORMAT_PARSERS.pimsim.fast!(b, 18, slot)).toBe(27);
    expect(slot).toEqual({ address: 16, isWrite: false, arrival: 7 });
    expect(FORMAT_PARSERS.pimsim.fast!(b, 28, slot)).toBe(32);
    expect(slot).toEqual({ address: 16, isWrite: true, arrival: -1 });
    // Not its shape: left to the general path.
    expect(FORMAT_PARSERS.ramulator.fast!(Buffer.from('LD  0x10\n'), 0, slot)).toBe(-1);
    expect(FORMAT_PARSERS.pimsim.fast!(Buffer.from('R 0x10\r\n'), 0, slot)).toBe(-1);
  });
});
