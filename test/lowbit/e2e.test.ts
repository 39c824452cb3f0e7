/**
 * Low-bit GPT generation end to end: simulate with a precision plan, the result document (plan,
 * per-format MAC energy, the extra global-buffer reads, the bound explanation, baselines on the
 * same plan), the precision comparison, and the behaviour the issue asks for: ternary and binary
 * are faster and use less energy than BF16 on every shipped model.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { buildResult } from '../../src/results.js';
import { compareBaselines } from '../../src/compare.js';
import { comparePrecisions } from '../../src/study/precisionComparison.js';
import { listPresets } from '../../src/spec/load.js';
import { loadSystem } from '../../src/spec/system.js';
import { Datapath } from '../../src/pim/datapath.js';
import { InputError } from '../../src/util/errors.js';
import { layoutModel } from '../../src/mapping/layout.js';
import { loadModel } from '../../src/model/spec.js';

const lowbit = loadSystem('pim-gpt-lowbit');

describe('simulate with a precision plan', () => {
  const sim = simulate({ model: 'gpt2-small', system: lowbit, tokens: 1, precision: 'ternary,lm-head=bf16' });
  const r = buildResult(sim, { asicOps: sim.asicOps, devices: ['t4'] });

  it('the result names the plan (attention resolved to bf16)', () => {
    expect(r.config.precision).toBe('ternary,lm-head=bf16,attention=bf16');
    expect(r.config.precisionPlan).toEqual({ default: 'ternary', overrides: { 'lm-head': 'bf16', attention: 'bf16' } });
  });

  it('MAC energy is priced per format, and low-bit MACs pay their extra buffer reads', () => {
    const cols = sim.formats.bankColumnsByPrecision;
    expect((cols.ternary ?? 0) + (cols.bf16 ?? 0)).toBe((r.stats.commands.MAC16 ?? 0) * 16);
    expect(r.energy.formulas.pimMac).toMatch(/ternary-2bit bank columns/);
    // Ternary MACs read 4 x 256 bits of which energyOf charges 256: 768 extra bits per MAC16.
    const ternaryMacs = sim.formats.macCommandsByPrecision.ternary!;
    expect(r.energy.formulas.globalBufferReadLowBit).toMatch(new RegExp(`^${ternaryMacs * 768} extra bits`));
    expect(r.energy.byComponentPj.globalBufferReadLowBit).toBeCloseTo(ternaryMacs * 768 * 0.078, 3);
    const sum = Object.values(r.energy.byComponentPj).reduce((a, b) => a + b, 0);
    expect(r.energy.totalPj).toBeCloseTo(sum, 3);
  });

  it('baselines run the same plan', () => {
    const same = compareBaselines({ model: sim.model, positions: [0, 1], pimLatencyNsPerToken: r.summary.meanTokenNs, pimEnergyPjPerToken: r.energy.perTokenPj, devices: ['t4'], precision: sim.precision });
    expect(r.baselines).toEqual(same);
  });

  it('the bound explanation covers both formats and quotes the accuracy cost', () => {
    expect(r.lowBit.formats.map((f) => f.precision).sort()).toEqual(['bf16', 'ternary']);
    expect(r.lowBit.formats.find((f) => f.precision === 'ternary')!.bound).toBe('activation-supply');
    expect(r.lowBit.explanation).toMatch(/Active bound:/);
    expect(r.lowBit.accuracy.find((a) => a.precision === 'ternary')!.summary).toMatch(/43\.46 vs 44\.9/);
  });
});

describe('bf16 on the low-bit system is pim-gpt', () => {
  it('same commands and cycles', () => {
    const a = simulate({ model: 'test-tiny', system: lowbit, tokens: 2 });
    const b = simulate({ model: 'test-tiny', system: 'pim-gpt', tokens: 2 });
    expect(a.tokens).toEqual(b.tokens);
    expect({ ...a.stats, system: 'x' }).toEqual({ ...b.stats, system: 'x' });
  });
});

describe('fidelities agree on a low-bit model', () => {
  it('fast = command for binary,ffn-down=int8', () => {
    const opts = { model: 'test-tiny', system: lowbit, prompt: 2, tokens: 2, precision: 'binary,ffn-down=int8' } as const;
    const a = simulate({ ...opts, fidelity: 'fast' }), b = simulate({ ...opts, fidelity: 'command' });
    expect(a.tokens).toEqual(b.tokens);
    expect({ ...a.stats, fidelity: 'x' }).toEqual({ ...b.stats, fidelity: 'x' });
    expect(a.formats).toEqual(b.formats);
  });
});

describe('ternary and binary beat BF16 on every shipped model that fits pim-gpt-lowbit in bf16', () => {
  // The 3-8B LLaMA models and Llama-3's 131072-token KV caches need more than its 4.3 GB.
  const fitsBf16 = (m: string) => {
    try {
      layoutModel(loadModel(m), lowbit);
      return true;
    } catch (e) {
      if (e instanceof InputError) return false;
      throw e;
    }
  };
  const models = listPresets('models').filter((m) => !m.startsWith('test-') && fitsBf16(m));
  it(`${models.length} models, 1 generated token each: lower latency and energy per token`, () => {
    expect(models.length).toBeGreaterThanOrEqual(8);
    const lines: string[] = [];
    for (const model of models) {
      const per = (precision: string) => {
        const sim = simulate({ model, system: lowbit, tokens: 1, precision });
        const r = buildResult(sim, { asicOps: sim.asicOps, devices: ['t4'] });
        return { ns: r.summary.meanTokenNs, pj: r.energy.perTokenPj };
      };
      const bf = per('bf16'), te = per('ternary'), bi = per('binary');
      for (const [name, x] of [['ternary', te], ['binary', bi]] as const) {
        if (!(x.ns < bf.ns)) lines.push(`${model} ${name}: ${x.ns} ns >= bf16 ${bf.ns} ns`);
        if (!(x.pj < bf.pj)) lines.push(`${model} ${name}: ${x.pj} pJ >= bf16 ${bf.pj} pJ`);
      }
    }
    expect(lines).toEqual([]);
  }, 60_000);
});

describe('the precision comparison', () => {
  it('rows per plan, gains relative to the first', () => {
    const c = comparePrecisions({ model: 'test-tiny', tokens: 1, devices: ['t4'] });
    expect(c.rows.map((r) => r.precision)).toEqual(['bf16', 'int8,attention=bf16', 'ternary,attention=bf16', 'binary,attention=bf16']);
    expect(c.rows[0].speedupOverReference).toBe(1);
    for (const r of c.rows) {
      expect(r.speedupOverReference).toBeCloseTo(c.rows[0].latencyNsPerToken / r.latencyNsPerToken, 12);
      expect(r.baselines.map((b) => `${b.device}/${b.tier}`)).toEqual(['t4/B']);
    }
  });
});

describe('bad input', () => {
  it('a low-bit plan on pim-gpt, a bad plan, functional GPT with low-bit weights', () => {
    expect(() => simulate({ model: 'test-tiny', system: 'pim-gpt', tokens: 1, precision: 'ternary' })).toThrow(/pim-gpt PUs support bf16; use a system with low-bit PUs/);
    expect(() => simulate({ model: 'test-tiny', system: lowbit, tokens: 1, precision: 'ternary,lmhead=bf16' })).toThrow(InputError);
    expect(() => simulate({ model: 'test-tiny', system: lowbit, tokens: 1, precision: 'int4' })).toThrow(/invalid precision plan/);
    expect(() => simulate({ model: 'test-tiny', system: lowbit, tokens: 1, precision: 'ternary', datapath: new Datapath(lowbit) })).toThrow(/functional GPT runs place BF16 weights/);
  });
});
