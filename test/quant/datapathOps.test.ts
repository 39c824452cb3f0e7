import { describe, expect, it } from 'vitest';
import { columnOps } from '../../src/quant/datapathOps.js';

describe('columnOps', () => {
  it('bf16: 16 multipliers, 15-adder float tree, one FP32 accumulate ([AIM])', () => {
    expect(columnOps('bf16')).toEqual({
      lanes: 16, multiplies: 16, multiplyKind: 'bf16', muxNegates: 0, treeAdds: 15, addKind: 'fp32', accumulateAdds: 1,
    });
  });

  it('ternary 2-bit: 128 mux/negate lanes and 127 adders, no multiplier ([QUANT])', () => {
    expect(columnOps('ternary-2bit')).toEqual({
      lanes: 128, multiplies: 0, multiplyKind: 'none', muxNegates: 128, treeAdds: 127, addKind: 'int', accumulateAdds: 1,
    });
    expect(columnOps('ternary-base3').treeAdds).toBe(159);
    expect(columnOps('binary').muxNegates).toBe(256);
    expect(columnOps('int8').multiplies).toBe(32);
  });
});
