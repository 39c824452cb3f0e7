/**
 * The start-up-free unit parser against mathjs, the reference: every quantity string in the shipped
 * presets and a seeded sample of the grammar must convert to the bit-identical number, and strings
 * of the wrong dimension or outside the grammar must be refused with the field named.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unit } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { toBytesPerSecond, toCycles, toHertz, toMilliwatts, toPicojoules, toPicoseconds } from '../../src/spec/units.js';
import { InputError } from '../../src/util/errors.js';
import { mulberry32 } from '../../src/util/rng.js';

const CONVERT = [
  { fn: toPicoseconds, target: 'ps', units: ['fs', 'ps', 'ns', 'us', 'ms', 's'] },
  { fn: toHertz, target: 'Hz', units: ['Hz', 'kHz', 'MHz', 'GHz', 'THz'] },
  { fn: toPicojoules, target: 'pJ', units: ['fJ', 'pJ', 'nJ', 'uJ', 'mJ', 'J'] },
  { fn: toMilliwatts, target: 'mW', units: ['uW', 'mW', 'W', 'kW'] },
  { fn: toBytesPerSecond, target: 'B/s', units: ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s', 'GiB/s', 'Gb/s', 'Mb/s'] },
] as const;

/** What mathjs gives (toPicoseconds rounds to 1e-6 ps on top, as the parser's caller does). */
function reference(fn: (v: string, w: string) => number, value: string, target: string): number {
  const x = unit(value).toNumber(target);
  return fn === toPicoseconds ? Math.round(x * 1e6) / 1e6 : x;
}

function presetQuantities(): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string' && /^\s*[-+.\d][\d.eE+-]*\s*[A-Za-z]+(\s*\/\s*s)?\s*$/.test(v)) out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.json')) visit(JSON.parse(readFileSync(p, 'utf8')));
    }
  };
  walk('src/presets');
  return out;
}

describe('unit parser', () => {
  it('converts every quantity in the shipped presets exactly as mathjs does', () => {
    const quantities = presetQuantities();
    expect(quantities.length).toBeGreaterThan(150);
    let checked = 0;
    for (const q of quantities) {
      const conv = CONVERT.find((c) => {
        try {
          unit(q).toNumber(c.target);
          return true;
        } catch {
          return false;
        }
      });
      if (!conv) continue; // not a quantity (e.g. a name that happens to start with a digit)
      expect(conv.fn(q, 'f'), q).toBe(reference(conv.fn, q, conv.target));
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('matches mathjs bit for bit on a seeded sample of the grammar', () => {
    const rand = mulberry32(15);
    const mantissas = ['0', '1', '14', '0.5', '.5', '2.95', '263.75', '0.11', '1e3', '1.5e-3', '7.8E2', '-3.25', '+12'];
    for (let i = 0; i < 4000; i++) {
      const c = CONVERT[Math.floor(rand() * CONVERT.length)];
      const u = c.units[Math.floor(rand() * c.units.length)];
      const mant = rand() < 0.5 ? mantissas[Math.floor(rand() * mantissas.length)] : (rand() * 1000).toFixed(Math.floor(rand() * 6));
      const q = `${mant}${rand() < 0.8 ? ' ' : ''}${u}`;
      expect(c.fn(q, 'f'), q).toBe(reference(c.fn, q, c.target));
    }
  });

  it('rounds timing up to whole cycles, as datasheet minimums require', () => {
    expect(toCycles('14 ns', 500, 'nRCD')).toBe(28);
    expect(toCycles('14.1 ns', 500, 'nRCD')).toBe(29);
    expect(toCycles(7, 500, 'nRCD')).toBe(7);
  });

  it('refuses the wrong dimension, unknown units and junk, naming the field', () => {
    for (const [fn, q] of [
      [toPicoseconds, '1 GHz'],
      [toHertz, '14 ns'],
      [toBytesPerSecond, '32 GB'],
      [toPicojoules, '1 hour'],
      [toMilliwatts, 'W'],
      [toPicoseconds, '14 nss'],
      [toPicoseconds, '1e ns'],
      [toHertz, ''],
    ] as const) {
      expect(() => fn(q, 'system.json: asic.clock'), q).toThrow(InputError);
      expect(() => fn(q, 'system.json: asic.clock'), q).toThrow(/system\.json: asic\.clock: expected a quantity/);
    }
  });
});
