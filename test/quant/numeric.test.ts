import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/errors.js';
import { checkFiniteValues, checkMatrix, roundHalfEven } from '../../src/quant/numeric.js';

describe('roundHalfEven (torch.round semantics)', () => {
  it('rounds exact ties to the even neighbour', () => {
    const cases: Array<[number, number]> = [
      [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-0.5, 0], [-1.5, -2], [-2.5, -2], [-3.5, -4], [126.5, 126], [127.5, 128],
    ];
    for (const [x, want] of cases) expect(roundHalfEven(x)).toBe(want);
  });

  it('rounds non-ties to nearest and never returns -0', () => {
    expect(roundHalfEven(0.49999999999999994)).toBe(0);
    expect(roundHalfEven(0.5000000000000001)).toBe(1);
    expect(roundHalfEven(-1.2)).toBe(-1);
    expect(roundHalfEven(-1.7)).toBe(-2);
    expect(Object.is(roundHalfEven(-0.3), -0)).toBe(false);
    expect(roundHalfEven(2 ** 52 + 1)).toBe(2 ** 52 + 1);
  });
});

describe('input checks', () => {
  it('rejects empty and non-finite inputs and wrong shapes', () => {
    expect(() => checkFiniteValues([], 'x')).toThrow(InputError);
    expect(() => checkFiniteValues([1, NaN], 'x')).toThrow(InputError);
    expect(() => checkFiniteValues([Infinity], 'x')).toThrow(InputError);
    expect(() => checkMatrix([1, 2, 3], 2, 2, 'w')).toThrow(InputError);
    expect(() => checkMatrix([1, 2], 0, 2, 'w')).toThrow(InputError);
    expect(() => checkMatrix([1, 2], 1, 2, 'w')).not.toThrow();
  });
});
