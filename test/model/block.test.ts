import { describe, expect, it } from 'vitest';
import { LayerOps, weightShape } from '../../src/model/block.js';
import type { Op } from '../../src/model/ops.js';
import { BF16_PLAN } from '../../src/model/precision.js';
import { loadModel } from '../../src/model/spec.js';

const tiny = loadModel('test-tiny');

describe('shaped operators', () => {
  it('give each role its weight shape', () => {
    expect(weightShape(tiny, 'qkv')).toEqual({ rows: 192, cols: 64 });
    expect(weightShape(tiny, 'ffn-down')).toEqual({ rows: 64, cols: 256 });
    expect(weightShape(tiny, 'lm-head')).toEqual({ rows: 512, cols: 64 });
  });

  it('refuse a vector of the wrong length', () => {
    const ops: Op[] = [];
    const g = new LayerOps(ops, tiny, BF16_PLAN, 0, 0);
    const hidden = { from: 'test', length: 256 };
    expect(() => g.linear('qkv', 'qkv', hidden)).toThrow(/shape error in L0\.qkv: input should have 64 elements, got 256/);
    expect(() => g.residual('residual1', { from: 'x', length: 64 }, hidden)).toThrow(/branch output/);
    expect(() => g.softmax('softmax', { from: 's', length: 5 })).toThrow(/scores should have 4 elements/);
    expect(ops).toHaveLength(0);
  });
});
