import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROX } from '../../src/asic/approx.js';
import { approxStages } from '../../src/asic/costs.js';
import { asicCyclesToPs, asicLaneOps, asicLatencyCycles, asicLatencyPs, asicPasses, asicWorkingSet, linkTransferPs } from '../../src/asic/latency.js';
import { listAsics, loadAsic } from '../../src/spec/asic.js';
import { opsPerToken, summarizeOps } from '../../src/model/decode.js';
import { loadModel } from '../../src/model/spec.js';
import { InputError } from '../../src/util/errors.js';

// The hand-computed cycles below are for 32-lane units (the preset ships 128, assumed); pinning
// the lane count keeps the arithmetic independent of that choice.
const LANES_32 = ['softmax', 'layernorm', 'gelu', 'add'].map((u) => `units.${u}.lanes=32`);
const asic = loadAsic('pim-gpt-asic', LANES_32); // 1 GHz, pipelined, vector units 32 lanes / 4 cycles, add 32 / 2, special 4 / 4

describe('ASIC preset', () => {
  it('resolves units once', () => {
    expect(listAsics()).toEqual(['pim-gpt-asic', 'pim-gpt-asic-100mhz']);
    expect(asic).toMatchObject({ clockHz: 1e9, periodPs: 1000, linkBandwidthGBs: 32, execution: 'pipelined', sramBufferBytes: 262144 });
    expect(asic.approximations).toEqual(DEFAULT_APPROX);
  });

  it('the 100 MHz variant changes only the clock', () => {
    const slow = loadAsic('pim-gpt-asic-100mhz');
    expect(slow.clockHz).toBe(1e8);
    expect(slow.units).toEqual(loadAsic('pim-gpt-asic').units);
    expect(slow.approximations).toEqual(asic.approximations);
  });

  it('rejects bad values naming the field', () => {
    expect(() => loadAsic('pim-gpt-asic', ['units.gelu.lanes=0'])).toThrow(/field units\.gelu\.lanes/);
    expect(() => loadAsic('pim-gpt-asic', ['clock=fast'])).toThrow(InputError);
    expect(() => loadAsic('pim-gpt-asic', ['approximations.expTaylorDegree=0'])).toThrow(/approximations\.expTaylorDegree/);
    expect(() => loadAsic('pim-gpt-asic', ['execution=magic'])).toThrow(/field execution/);
  });
});

describe('stage counts', () => {
  it('follow the approximation parameters', () => {
    // exp: round + 2 reduction + 6 Horner + scale; recip: guess + 2 x 3; rsqrt: 2 + 3 x 2; gelu: 4 + exp + 1 + recip + 1
    expect(approxStages(DEFAULT_APPROX)).toEqual({ exp: 10, reciprocal: 7, rsqrt: 8, gelu: 23, silu: 20, sinCos: 17 });
    expect(approxStages({ expTaylorDegree: 3, reciprocalNewtonIterations: 1, rsqrtNewtonIterations: 0 })).toEqual({ exp: 7, reciprocal: 3, rsqrt: 2, gelu: 16, silu: 13, sinCos: 17 });
  });
});

describe('asicLatencyCycles (hand-computed, pipelined)', () => {
  it('residual: ceil(768/32) + 1 stage + 2', () => {
    expect(asicLatencyCycles({ kind: 'residual', elements: 768, rows: 1 }, asic)).toBe(24 + 1 + 2);
  });

  it('partial-sum reduce: ceil(4096/32) + 1 + 2', () => {
    expect(asicLatencyCycles({ kind: 'reduce', elements: 4096 }, asic)).toBe(128 + 1 + 2);
  });

  it('gelu: ceil(3072/32) + 23 stages + 4', () => {
    expect(asicLatencyCycles({ kind: 'gelu', elements: 3072, rows: 1 }, asic)).toBe(96 + 23 + 4);
  });

  it('softmax over 12 heads of 10 scores', () => {
    const max = 12 * 1 + 1 + 4 + 4; // one lane group per row; tree over min(32, 10) -> 4 levels
    const expSum = 12 + (1 + 10 + 1) + 4 + 4;
    const recip = Math.ceil(12 / 4) + 7 + 4;
    const scale = 12 + 1 + 4;
    expect(asicLatencyCycles({ kind: 'softmax', elements: 120, rows: 12 }, asic)).toBe(max + expSum + recip + scale);
    expect(asicPasses({ kind: 'softmax', elements: 120, rows: 12 }, asic).map((p) => p.unit)).toEqual(['softmax', 'softmax', 'special', 'softmax']);
  });

  it('layernorm over 768', () => {
    const sum = 24 + 1 + 4 + 5;
    const mean = 1 + 1 + 4;
    const sq = 24 + 2 + 4 + 5;
    const rsqrt = 1 + 9 + 4;
    const norm = 24 + 3 + 4;
    expect(asicLatencyCycles({ kind: 'layernorm', elements: 768, rows: 1 }, asic)).toBe(sum + mean + sq + rsqrt + norm);
  });

  it('iterative units pay every stage per element', () => {
    const it = loadAsic('pim-gpt-asic', [...LANES_32, 'execution=iterative']);
    expect(asicLatencyCycles({ kind: 'gelu', elements: 3072, rows: 1 }, it)).toBe(Math.ceil((3072 * 23) / 32) + 4);
    // a higher exp degree costs a pass per element, not once
    const deg8 = loadAsic('pim-gpt-asic', [...LANES_32, 'execution=iterative', 'approximations.expTaylorDegree=8']);
    expect(asicLatencyCycles({ kind: 'gelu', elements: 3072, rows: 1 }, deg8) - asicLatencyCycles({ kind: 'gelu', elements: 3072, rows: 1 }, it)).toBe(3072 * 2 / 32);
  });

  it('grows with elements and shrinks with lanes', () => {
    const op = { kind: 'gelu', elements: 8192, rows: 1 } as const;
    const wide = loadAsic('pim-gpt-asic', ['units.gelu.lanes=64']);
    expect(asicLatencyCycles(op, asic) - asicLatencyCycles(op, wide)).toBe(256 - 128);
    expect(asicLatencyCycles({ ...op, elements: 8193 }, asic)).toBe(asicLatencyCycles(op, asic) + 1);
  });

  it('rejects malformed ops', () => {
    expect(() => asicLatencyCycles({ kind: 'softmax', elements: 10, rows: 3 }, asic)).toThrow(/do not split into 3 equal rows/);
    expect(() => asicLatencyCycles({ kind: 'reduce', elements: 0 }, asic)).toThrow(InputError);
  });
});

describe('time and counts', () => {
  it('converts cycles to picoseconds at the preset clock', () => {
    expect(asicCyclesToPs(123, asic)).toBe(123_000);
    expect(asicCyclesToPs(123, loadAsic('pim-gpt-asic-100mhz'))).toBe(1_230_000);
    const odd = loadAsic('pim-gpt-asic', ['clock=300 MHz']);
    expect(asicCyclesToPs(1, odd)).toBe(3334);
    expect(asicCyclesToPs(3, odd)).toBe(10_000);
    expect(asicLatencyPs({ kind: 'residual', elements: 768, rows: 1 }, asic)).toBe(27_000);
  });

  it('times link transfers at 32 GB/s', () => {
    expect(linkTransferPs(32, asic)).toBe(1000);
    expect(linkTransferPs(2048, asic)).toBe(64_000);
  });

  it('counts lane operations for energy', () => {
    expect(asicLaneOps({ kind: 'residual', elements: 768, rows: 1 }, asic)).toBe(768);
    expect(asicLaneOps({ kind: 'gelu', elements: 100, rows: 1 }, asic)).toBe(2300);
    // softmax 2 rows of 8: max 16 + 2x7 tree, exp 16x12 + 14 tree, 2 reciprocals x 7, scale 16
    expect(asicLaneOps({ kind: 'softmax', elements: 16, rows: 2 }, asic)).toBe(16 + 14 + 192 + 14 + 14 + 16);
  });

  it('checks the SRAM working set (float32)', () => {
    expect(asicWorkingSet({ kind: 'softmax', elements: 16 * 2048, rows: 16 }, asic)).toEqual({ bytes: 131072, fits: true });
    expect(asicWorkingSet({ kind: 'gelu', elements: 70000, rows: 1 }, asic).fits).toBe(false);
  });
});

describe('whole-token ASIC time (sanity against [PIMGPT])', () => {
  it('is a few percent of an ideal 128-bank PIM GEMV time for gpt3-xl, and 10x at 100 MHz', () => {
    const ops = opsPerToken(loadModel('gpt3-xl'), { position: 0 });
    let cycles = 0;
    for (const op of ops) if (op.kind === 'layernorm' || op.kind === 'softmax' || op.kind === 'gelu' || op.kind === 'residual') cycles += asicLatencyCycles(op, asic);
    // 128 banks x 32 B per ns ([PIMGPT], [AIM]): a lower bound on GEMV time
    const gemvPs = (summarizeOps(ops).bytesRead / (128 * 32)) * 1000;
    const share = asicCyclesToPs(cycles, asic) / gemvPs;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.05);
    expect(asicCyclesToPs(cycles, loadAsic('pim-gpt-asic-100mhz'))).toBe(10 * asicCyclesToPs(cycles, asic));
  });
});
