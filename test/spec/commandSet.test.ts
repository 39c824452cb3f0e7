/**
 * PIM command sets as presets: the AiM command set is written once (src/presets/command-sets/) and
 * included by every PIM memory; a new standard with AiM commands is one file; a PIM command is
 * defined by including its set, never by merely mentioning it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadMemory } from '../../src/spec/presets.js';
import { listPresets } from '../../src/spec/load.js';
import type { MemorySpec } from '../../src/spec/memory.js';
import { InputError } from '../../src/util/errors.js';
import aim from '../../src/presets/command-sets/aim.json' with { type: 'json' };

/** Each (kind, from, to, scope, count) constraint with the largest cycles any rule gives it. */
function effective(m: MemorySpec): Record<string, number> {
  const eff: Record<string, number> = {};
  for (const r of m.rules) for (const f of r.from) for (const t of r.to) {
    const k = `${r.kind}:${f}->${t}@${r.scope}#${r.count}`;
    eff[k] = Math.max(eff[k] ?? 0, r.cycles);
  }
  return Object.fromEntries(Object.entries(eff).sort(([a], [b]) => (a < b ? -1 : 1)));
}
const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

const norm = (r: { from: string | string[]; to: string | string[]; scope: string; cycles: string | number }) =>
  JSON.stringify([[r.from].flat().sort(), [r.to].flat().sort(), r.scope, r.cycles]);

function tmpFile(name: string, body: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'pimsim-cs-'));
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(body));
  return f;
}

describe('PIM command sets', () => {
  const pimMemories = ['gddr6-aim', 'hbm2-pim', 'hbm3-pim', 'lpddr5-pim'];

  it('ship the AiM set once; every PIM memory includes it and repeats none of its rules', async () => {
    expect(listPresets('command-sets')).toEqual(['aim', 'aim-register-mode']);
    const setRules = new Set(aim['+rules'].map(norm));
    for (const name of pimMemories) {
      const m = loadMemory(name);
      expect(m.commandSets[0], name).toBe('aim');
      const own = (await import(`../../src/presets/memory/${name}.json`, { with: { type: 'json' } })).default as { '+rules': Parameters<typeof norm>[0][] };
      expect(own['+rules'].filter((r) => setRules.has(norm(r))), name).toEqual([]);
      expect(own['+rules'].length, name).toBeLessThanOrEqual(3);
    }
    expect(loadMemory('gddr6-aim').registerMode?.switch).toBe('TMOD');
    expect(loadMemory('hbm2-pim').registerMode).toBeNull();
  });

  it('leave every constraint of the PIM memories as it was before the set was factored out', () => {
    // Digests of the effective constraint matrix (largest cycles per command pair and scope),
    // taken before the AiM rules moved into src/presets/command-sets/aim.json.
    const golden: Record<string, string> = Object.fromEntries(pimMemories.map((n) => [n, digest(effective(loadMemory(n)))]));
    expect(golden).toEqual(GOLDEN_DIGESTS);
  });

  it('make a new standard with AiM commands one preset file', () => {
    // Plain GDDR6 timing with AiM commands (a standard must define what the set's rules read,
    // per-bank refresh included: DDR4, without nRFCpb, would need that value or its own rules).
    const f = tmpFile('gddr6-pim.json', {
      extends: 'gddr6',
      name: 'gddr6-pim',
      include: ['aim'],
      timing: { nRCDMAC: 'nRCDRD', nRDMAC: 4 },
      sources: { 'timing.nRCDMAC': 'assumed: like a read', 'timing.nRDMAC': 'assumed' },
    });
    const m = loadMemory(f);
    expect(m.commandSets).toEqual(['aim']);
    const eff = effective(m);
    const plain = loadMemory('gddr6');
    expect(eff['pair:ACT->MAC@bank#1']).toBe(plain.timing.nRCDRD);
    expect(eff['pair:MAC->PRE@bank#1']).toBe(plain.timing.nRTP);
    expect(eff['pair:MAC16->RDMAC16@channel#1']).toBe(4);
    // The set's defaults: register writes take nCWL, register reads turn around like bank reads.
    expect(m.timing.nCWLREG).toBe(plain.timing.nCWL);
    expect(eff['pair:RDMAC16->WR@rank#1']).toBe(plain.timing.nCL! + plain.timing.nBL! + 2 - plain.timing.nCWL!);
    // Without the values the set needs, the error names the rule and the missing timing.
    const bare = tmpFile('gddr6-bare.json', { extends: 'gddr6', name: 'x', include: ['aim'] });
    expect(() => loadMemory(bare)).toThrow(/rules\[\d+\].*uses timing "nRCDMAC", which this preset does not define/);
  });

  it('refuse PIM commands without their set, and unknown sets, naming the file', () => {
    const f = tmpFile('mac.json', {
      extends: 'gddr6', name: 'mac', '+rules': [{ from: 'ACT', to: 'MAC', scope: 'bank', cycles: 'nRCDRD', source: 'mine' }],
    });
    expect(() => loadMemory(f)).toThrow(InputError);
    expect(() => loadMemory(f)).toThrow(/mac\.json: rules\[\d+\] \("mine"\) uses MAC, which is not a plain DRAM command; include a command set that defines it \(e\.g\. "include": \["aim"\]\)/);
    const g = tmpFile('nope.json', { extends: 'gddr6', name: 'nope', include: ['hbm-pim-isa'] });
    expect(() => loadMemory(g)).toThrow(/unknown command-sets preset "hbm-pim-isa"; expected one of: aim, aim-register-mode/);
    const h = tmpFile('notlist.json', { extends: 'gddr6', name: 'nl', include: 'aim' });
    expect(() => loadMemory(h)).toThrow(/notlist\.json: field include: expected a list of command-set names/);
  });
});

const GOLDEN_DIGESTS: Record<string, string> = {"gddr6-aim":"cb4b3014aa5e950e","hbm2-pim":"f8fc3b23780f51d5","hbm3-pim":"011764ca25ad97f1","lpddr5-pim":"ac57026f1fe6f6d8"};
