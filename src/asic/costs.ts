/**
 * Arithmetic stages of each approximation, one stage = one multiply, add, FMA, compare or integer
 * op on a lane, one cycle. approx.ts implements exactly these steps, so the timing model and the
 * numerics stay in step: change a degree or an iteration count and both move together.
 */
import type { ApproxParams } from '../spec/asic.js';

export interface ApproxStages {
  /** k = round(x log2e); r = x - k ln2_hi - k ln2_lo; Horner over `degree` FMAs; scale by 2^k. */
  readonly exp: number;
  /** Bit-trick initial guess (integer subtract), then y = y (2 - x y) per iteration (FMA + multiply). */
  readonly reciprocal: number;
  /** 0.5 x and the 0x5f3759df shift-subtract, then y = y (1.5 - 0.5 x y y) per iteration (3 stages). */
  readonly rsqrt: number;
  /** GELU as x / (1 + exp(-2u)), u = c (x + 0.044715 x^3): polynomial, exp, add, reciprocal, multiply. */
  readonly gelu: number;
  /** SiLU as x / (1 + exp(-x)): negate, exp, add, reciprocal, multiply. */
  readonly silu: number;
  /**
   * sin and cos of one angle: angle = position x invFreq, quadrant k = round(angle x 2/pi), three
   * Cody-Waite steps to r, r^2, a sine and a cosine Taylor polynomial by Horner, quadrant select.
   */
  readonly sinCos: number;
}

/** Terms of the sine polynomial r (1 - r^2/3! + ...) and of the cosine polynomial on |r| <= pi/4 (fixed; approx.ts). */
export const SIN_TERMS = 5;
export const COS_TERMS = 6;

export function approxStages(p: ApproxParams): ApproxStages {
  const exp = 1 + 2 + p.expTaylorDegree + 1;
  const reciprocal = 1 + 2 * p.reciprocalNewtonIterations;
  const rsqrt = 2 + 3 * p.rsqrtNewtonIterations;
  // x^2; a x^2 + 1; times x; times -2c  -> -2u, then exp, 1 + e, reciprocal, times x.
  const gelu = 4 + exp + 1 + reciprocal + 1;
  const silu = 1 + exp + 1 + reciprocal + 1;
  // angle, k, three reduction steps, r^2, sine Horner (terms - 1) + times r, cosine Horner (terms - 1), select.
  const sinCos = 1 + 1 + 3 + 1 + SIN_TERMS + (COS_TERMS - 1) + 1;
  return { exp, reciprocal, rsqrt, gelu, silu, sinCos };
}
