/**
 * Precision plans: which number format each weight matrix (and the KV cache) uses.
 * A plan is a default plus per-role overrides, e.g. ternary linear layers with a bf16 LM head and
 * bf16 attention: `{ default: 'ternary', overrides: { 'lm-head': 'bf16', attention: 'bf16' } }`,
 * or on the command line `ternary,lm-head=bf16,attention=bf16`.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { quote } from '../spec/quote.js';
import { PRECISIONS, type GemvRole, type Precision } from './ops.js';

export const GEMV_ROLES = ['qkv', 'attn-out', 'ffn-gate', 'ffn-up', 'ffn-down', 'lm-head'] as const satisfies readonly GemvRole[];
// Compile-time check that GEMV_ROLES lists every GemvRole.
type MissingRole = Exclude<GemvRole, (typeof GEMV_ROLES)[number]>;
const _everyRoleListed: [MissingRole] extends [never] ? true : never = true;
void _everyRoleListed;

/** A GEMV role, or `attention`: the KV cache and the attention matmuls (QK^T, S.V). */
export const PRECISION_ROLES = [...GEMV_ROLES, 'attention'] as const;
export type PrecisionRole = (typeof PRECISION_ROLES)[number];

export const PrecisionSchema = z.enum(PRECISIONS);

export const PrecisionPlanSchema = z.strictObject({
  default: PrecisionSchema,
  overrides: z.partialRecord(z.enum(PRECISION_ROLES), PrecisionSchema).default({}),
});
export type PrecisionPlan = z.infer<typeof PrecisionPlanSchema>;

/** All bf16: the PIM-GPT configuration. */
export const BF16_PLAN: PrecisionPlan = { default: 'bf16', overrides: {} };

export function precisionFor(plan: PrecisionPlan, role: PrecisionRole): Precision {
  return plan.overrides[role] ?? plan.default;
}

/**
 * Parse a plan from the CLI: a JSON object (`{"default":"int8"}`) or the compact form
 * `<default>[,<role>=<precision>...]`, e.g. `ternary,lm-head=bf16,attention=bf16`.
 */
export function parsePrecisionPlan(text: string, where = '--precision'): PrecisionPlan {
  const s = text.trim();
  let raw: unknown;
  if (s.startsWith('{')) {
    try {
      raw = JSON.parse(s);
    } catch (e) {
      throw new InputError(`not valid JSON: ${(e as Error).message}`, where);
    }
  } else {
    const [first, ...rest] = s.split(',').map((p) => p.trim());
    const overrides: Record<string, string> = {};
    for (const part of rest) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new InputError(`expected <role>=<precision> after the default, got ${quote(part)} (roles: ${PRECISION_ROLES.join(', ')})`, where);
      overrides[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    raw = { default: first, overrides };
  }
  const parsed = PrecisionPlanSchema.safeParse(raw);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`).join('; ');
    throw new InputError(`invalid precision plan ${quote(text)}: ${msg} (precisions: ${PRECISIONS.join(', ')}; roles: ${PRECISION_ROLES.join(', ')})`, where);
  }
  return parsed.data;
}

/** The compact form again, for reports: "ternary,lm-head=bf16,attention=bf16". */
export function formatPrecisionPlan(plan: PrecisionPlan): string {
  const parts: string[] = [plan.default];
  for (const role of PRECISION_ROLES) {
    const p = plan.overrides[role];
    if (p !== undefined && p !== plan.default) parts.push(`${role}=${p}`);
  }
  return parts.join(',');
}
