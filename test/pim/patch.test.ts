/**
 * patchProgram (consecutive decode steps share their unchanged instructions) gives exactly the
 * program buildProgram makes from the same items, and refuses a different structure.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, patchProgram, type InstructionInput, type Program } from '../../src/pim/program.js';
import { tokenItems } from '../../src/mapping/token.js';
import { layoutModel } from '../../src/mapping/layout.js';
import { loadModel } from '../../src/model/spec.js';
import { loadSystem } from '../../src/spec/system.js';

const plain = (p: Program) => p.instructions.map((i) => ({ ...i, source: JSON.stringify(i.source) }));

describe('patchProgram', () => {
  for (const [model, system] of [['test-tiny', 'pim-gpt'], ['test-tiny-llama', 'pim-gpt'], ['gpt2-small', 'pim-gpt']] as const) {
    it(`${model}: every patched token program equals a fresh build (positions 0-40)`, () => {
      const sys = loadSystem(system);
      const layout = layoutModel(loadModel(model), sys);
      let prev: Program | null = null;
      let patched = 0;
      for (let p = 0; p <= 40; p++) {
        const { items } = tokenItems(layout, p);
        const fresh = buildProgram(items, sys, `token ${p}`, undefined, true);
        const next: Program | null = prev ? patchProgram(prev, items, sys, `token ${p}`) : null;
        if (next) {
          patched++;
          expect(plain(next)).toEqual(plain(fresh));
        }
        prev = next ?? fresh;
      }
      // Most steps keep their structure (a new chunk of context changes it now and then).
      expect(patched).toBeGreaterThan(30);
    });
  }

  it('returns null when ids, ops, channels or dependencies differ', () => {
    const sys = loadSystem('pim-gpt');
    const gb: InstructionInput = { id: 'a', op: 'WR_GB', channel: 0, bytes: 64 };
    const mac = { id: 'b', op: 'MAC' as const, channel: 0, banks: 'all' as const, row: 0, col: 0, cols: 2, deps: ['a'] };
    const p = buildProgram([gb, mac], sys, 'p', undefined, true);
    expect(patchProgram(p, [gb, { ...mac, row: 5 }], sys, 'q')!.instructions[1].row).toBe(5);
    expect(patchProgram(p, [gb, { ...mac, channel: 1 }], sys, 'q')).toBeNull();
    expect(patchProgram(p, [gb, { ...mac, deps: [] }], sys, 'q')).toBeNull();
    expect(patchProgram(p, [gb, { ...mac, id: 'c' }], sys, 'q')).toBeNull();
    expect(patchProgram(p, [gb], sys, 'q')).toBeNull();
  });
});
