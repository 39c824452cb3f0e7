/** The InputError `f` throws; fails the test if it throws nothing or something else. */
import { expect } from 'vitest';
import { InputError } from '../../src/util/errors.js';

export function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, nothing was thrown');
}
