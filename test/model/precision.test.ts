import { describe, expect, it } from 'vitest';
import { BF16_PLAN, formatPrecisionPlan, parsePrecisionPlan, precisionFor, PrecisionPlanSchema } from '../../src/model/precision.js';
import { InputError } from '../../src/util/errors.js';

describe('precision plans', () => {
  it('parses the compact CLI form', () => {
    const plan = parsePrecisionPlan('ternary,lm-head=bf16,attention=bf16');
    expect(plan).toEqual({ default: 'ternary', overrides: { 'lm-head': 'bf16', attention: 'bf16' } });
    expect(precisionFor(plan, 'qkv')).toBe('ternary');
    expect(precisionFor(plan, 'lm-head')).toBe('bf16');
    expect(precisionFor(plan, 'attention')).toBe('bf16');
  });

  it('parses JSON and fills in empty overrides', () => {
    expect(parsePrecisionPlan('{"default":"int8"}')).toEqual({ default: 'int8', overrides: {} });
    expect(PrecisionPlanSchema.parse({ default: 'bf16' })).toEqual(BF16_PLAN);
  });

  it('round-trips through the compact form', () => {
    for (const s of ['bf16', 'binary,qkv=int8,ffn-down=ternary', 'ternary,lm-head=bf16,attention=bf16']) {
      expect(formatPrecisionPlan(parsePrecisionPlan(s))).toBe(s);
    }
  });

  it('rejects unknown precisions and roles with the choices', () => {
    expect(() => parsePrecisionPlan('fp4')).toThrow(InputError);
    expect(() => parsePrecisionPlan('fp4')).toThrow(/precisions: bf16, int8, ternary, binary/);
    expect(() => parsePrecisionPlan('int8,embedding=bf16')).toThrow(/roles: qkv, attn-out, ffn-gate, ffn-up, ffn-down, lm-head, attention/);
    expect(() => parsePrecisionPlan('int8,lm-head')).toThrow(/expected <role>=<precision>/);
    expect(() => parsePrecisionPlan('{"default":"int8","extra":1}')).toThrow(/extra/);
  });
});
