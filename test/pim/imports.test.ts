/**
 * The PIM engine (src/pim/) imports only its own level and below (util, spec, quant, model, sim,
 * dram, asic): never mapping, simulate, energy, baselines, results, report, study or cli.
 * (The project-wide folder order has its own test; this one guards the engine's low-bit files.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../../src/pim');
const BELOW = ['util', 'spec', 'quant', 'model', 'sim', 'dram', 'asic'];

describe('src/pim imports', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  it('finds the engine files', () => expect(files).toContain('sequencer.ts'));
  for (const f of files) {
    it(f, () => {
      const specs = [...readFileSync(join(DIR, f), 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
      const bad = specs.filter((s) => s.startsWith('.') && !s.startsWith('./') && !BELOW.some((d) => s.startsWith(`../${d}/`)));
      expect(bad).toEqual([]);
    });
  }
});
