/**
 * Reading result documents for a report. A report is drawn from result files alone, so every
 * file is checked here with the one result schema (src/resultSchema.ts): JSON, a pimsim result
 * (`kind`), a schema version this reader understands, every field's type and range, and the
 * consistency of its figures; each error names the file, the field, the value and what was expected.
 */
import { readFileSync, statSync } from 'node:fs';
import { RESULT_KIND, RESULT_SCHEMA_VERSION, SimulationResultSchema, type SimulationResult, type SweepTag } from '../resultSchema.js';
import { InputError } from '../util/errors.js';
import { describeIssue, type Issue } from '../spec/issues.js';
import { quoteValue } from '../spec/quote.js';
import { fsError } from '../util/fsError.js';

export { SweepTagSchema, type SweepTag } from '../resultSchema.js';

/** A result as a report reads it (the sweep tag is part of the schema). */
export type ReportResult = SimulationResult & { readonly sweep?: SweepTag };

/** One input of a report: the result and the file it came from (for labels and errors). */
export interface LoadedResult {
  readonly file: string;
  readonly result: ReportResult;
}

/** Largest result file read (a 1024-token run of the largest model is a few hundred kB). */
const MAX_RESULT_BYTES = 256 * 1024 * 1024;

/** Checks one parsed document; `file` names it in errors. */
export function parseResult(doc: unknown, file: string): ReportResult {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputError('not a pimsim result: expected a JSON object written by `pimsim simulate --out`', file);
  }
  const kind = (doc as { kind?: unknown }).kind;
  if (kind !== RESULT_KIND) {
    throw new InputError(`not a pimsim result: "kind" is ${quoteValue(kind)}, expected "${RESULT_KIND}" (write one with \`pimsim simulate --out file.json\`)`, file);
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new InputError(
      `result schemaVersion ${quoteValue(version)} is not supported: this pimsim reads version ${RESULT_SCHEMA_VERSION}; re-run the simulation with this version`,
      file,
    );
  }
  const parsed = SimulationResultSchema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = describeIssue(issues[0] as Issue, doc).text;
    throw new InputError(`malformed pimsim result: ${first}${issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : ''}`, file);
  }
  return parsed.data as ReportResult;
}

/** Reads and checks result files, in the order given. */
export function loadResults(paths: readonly string[]): LoadedResult[] {
  if (paths.length === 0) throw new InputError('no result files given: pass one or more files written by `pimsim simulate --out file.json`');
  return paths.map((file) => {
    let text: string;
    try {
      const size = statSync(file).size;
      if (size > MAX_RESULT_BYTES) throw new InputError(`is ${size} bytes, too large for a result file`, file);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw fsError(e, file, 'read the result file');
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new InputError(`not JSON (${(e as Error).message.split('\n')[0].slice(0, 120)}); expected a result written by \`pimsim simulate --out file.json\``, file);
    }
    return { file, result: parseResult(doc, file) };
  });
}
