/**
 * Zod issues in words: the field path, the value given and what is accepted ("an integer >= 1",
 * "one of: ACT, RD"), instead of zod's "Invalid input". Used for presets, result files and any
 * other validated input.
 */
import { quoteValue } from './quote.js';

/** The parts of a zod 4 issue this module reads. */
export interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly expected?: string;
  readonly received?: string;
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly Issue[])[];
  readonly divisor?: number;
  readonly format?: string;
}

export interface DescribedIssue {
  /** Full path of the field at fault. */
  readonly path: readonly PropertyKey[];
  /** The rest of the message after the field: " = 24.5: expected an integer", " is missing: ...", ": unknown field ...". */
  readonly detail: string;
  /** "field a.b = 24.5: expected an integer" */
  readonly text: string;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  int: 'an integer', number: 'a finite number', string: 'a string', boolean: 'true or false', object: 'an object',
  array: 'an array', bigint: 'an integer', null: 'null', record: 'an object', tuple: 'an array', literal: 'a fixed value',
};

function bound(i: Issue, side: 'min' | 'max'): string {
  const v = Number(side === 'min' ? i.minimum : i.maximum);
  const strict = i.inclusive === false;
  const op = side === 'min' ? (strict ? '>' : '>=') : strict ? '<' : '<=';
  switch (i.origin) {
    case 'array':
    case 'set':
      return side === 'min' ? `at least ${v} entr${v === 1 ? 'y' : 'ies'}` : `at most ${v} entries`;
    case 'string':
      return side === 'min' ? (v === 1 ? 'a non-empty string' : `at least ${v} characters`) : `at most ${v} characters`;
    default:
      return `a number ${op} ${v}`;
  }
}

function valuesList(values: readonly unknown[]): string {
  return values.length === 1 ? quoteValue(values[0]) : `one of: ${values.map((v) => quoteValue(v, 40)).join(', ')}`;
}

/** zod's own messages start so; any other message was written by the schema to say what it accepts. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

/** What the issue accepts, in words. */
function accepted(i: Issue): string {
  if (!ZOD_DEFAULT.test(i.message) && i.code !== 'custom') return i.message.replace(/^expected /, '');
  switch (i.code) {
    case 'invalid_type':
      return TYPE_WORDS[i.expected ?? ''] ?? `a value of type ${i.expected}`;
    case 'too_small':
      return bound(i, 'min');
    case 'too_big':
      return bound(i, 'max');
    case 'invalid_value':
      return valuesList(i.values ?? []);
    case 'not_multiple_of':
      return `a multiple of ${i.divisor}`;
    case 'invalid_format':
      return `a string in ${i.format} format`;
    default:
      return i.message;
  }
}

export function pathText(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : '(top level)';
}

function described(path: readonly PropertyKey[], detail: string): DescribedIssue {
  return { path, detail, text: `field ${pathText(path)}${detail}` };
}

function fieldOf(path: readonly PropertyKey[], raw: unknown): { given: string; missing: boolean } {
  let v = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v as object, k as string)) return { given: 'missing', missing: true };
    v = (v as Record<string, unknown>)[k as string];
  }
  return { given: quoteValue(v), missing: false };
}

/** The union branch closest to what was given: fewest issues, then deepest path (so a rule's bad command, not "not a window rule"). */
function bestBranch(errors: readonly (readonly Issue[])[]): readonly Issue[] {
  const unknownOnly = (b: readonly Issue[]) => b.every((x) => x.code === 'unrecognized_keys');
  const depth = (b: readonly Issue[]) => Math.max(...b.map((x) => x.path.length));
  return [...errors].filter((b) => b.length > 0).sort((a, b) =>
    Number(unknownOnly(a)) - Number(unknownOnly(b)) || a.length - b.length || depth(b) - depth(a))[0] ?? [];
}

/** One issue as `field <path> = <given>: expected <accepted>`, reading the given value from `raw`. */
export function describeIssue(issue: Issue, raw: unknown): DescribedIssue {
  if (issue.code === 'invalid_union' && !ZOD_DEFAULT.test(issue.message)) {
    // The union's schema says in its own words what it accepts (e.g. the named orders or an array).
    const { given } = fieldOf(issue.path, raw);
    return described(issue.path, ` = ${given}: ${issue.message}`);
  }
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    // A union of scalars (number | "14 ns"): every branch fails at the field itself; list what each accepts.
    if (issue.errors.every((b) => b.length === 1 && b[0].path.length === 0 && b[0].code !== 'unrecognized_keys')) {
      const list = [...new Set(issue.errors.map((b) => accepted(b[0])))].join(' or ');
      const { given } = fieldOf(issue.path, raw);
      return described(issue.path, ` = ${given}: expected ${list}`);
    }
    const branch = bestBranch(issue.errors);
    if (branch.length) return describeIssue({ ...branch[0], path: [...issue.path, ...branch[0].path] }, raw);
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys ?? [];
    const path = [...issue.path, keys[0] ?? ''];
    return described(path, `: unknown field${keys.length > 1 ? `s ${keys.map((k) => quoteValue(k, 40)).join(', ')}` : ''} (not part of this format; check the spelling)`);
  }
  const { given, missing } = fieldOf(issue.path, raw);
  if (issue.code === 'custom') {
    // A refinement's own message already says what is accepted.
    return described(issue.path, `${missing ? ' is missing' : ` = ${given}`}: ${issue.message}`);
  }
  const want = accepted(issue);
  return described(issue.path, missing && issue.code === 'invalid_type' ? ` is missing: expected ${want}` : ` = ${given}: expected ${want}`);
}
