/**
 * Reading result documents for a report. A report is drawn from result files alone, so every
 * file is checked here: JSON, a pimsim result (`kind`), a schema version this reader understands,
 * and the fields the report reads, each error naming the file and what was expected.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RESULT_KIND, type SimulationResult } from '../results.js';
import { RESULT_SCHEMA_VERSION } from '../simulate.js';
import { InputError } from '../spec/errors.js';

/**
 * Optional tag a study script adds to a result to mark it as one point of a sweep: which
 * parameter it varied (free text, e.g. "system.channels") and its value here. Results of the
 * same model with the same `parameter` are drawn as one sweep, ordered by value.
 */
export interface SweepTag {
  readonly parameter: string;
  readonly value: number | string;
  /** Unit of a numeric value, for axis titles (e.g. "channels", "MHz"). */
  readonly unit?: string;
}

export const SweepTagSchema = z.strictObject({
  parameter: z.string().min(1),
  value: z.union([z.number().finite(), z.string()]),
  unit: z.string().optional(),
});

export type ReportResult = SimulationResult & { readonly sweep?: SweepTag };

/** One input of a report: the result and the file it came from (for labels and errors). */
export interface LoadedResult {
  readonly file: string;
  readonly result: ReportResult;
}

const num = z.number().finite();
const nums = z.array(num);

/** The fields a report reads; other fields pass through untouched. */
const ResultShape = z.looseObject({
  kind: z.literal(RESULT_KIND),
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  pimsimVersion: z.string(),
  configHash: z.string(),
  config: z.looseObject({
    model: z.looseObject({ name: z.string().min(1), parameters: num }),
    system: z.looseObject({ name: z.string(), memory: z.string(), channels: num, banksPerChannel: num }),
    prompt: num,
    tokens: num,
  }),
  perToken: z.looseObject({ position: nums, phase: z.array(z.enum(['prompt', 'generate'])), latencyNs: nums }),
  summary: z.looseObject({ totalNs: num, meanTokenNs: num, meanGeneratedTokenNs: num, tokensPerSecond: num, asicShare: num, gemvShare: num }),
  breakdownNs: z.looseObject({ mac: num, activatePrecharge: num, loadReadout: num, refresh: num, asic: num, waiting: num }),
  stats: z.looseObject({ rowHitRate: num, puUtilization: num, perChannelBusyNs: nums, commands: z.record(z.string(), num) }),
  energy: z.looseObject({ totalPj: num, perTokenPj: num, averagePowerMw: num, byComponentPj: z.record(z.string(), num) }),
  baselines: z.array(z.looseObject({
    device: z.string(), kind: z.enum(['gpu', 'cpu']), tier: z.enum(['A', 'B', 'C']),
    latencyNsPerToken: num, energyPjPerToken: num, energyUpperBoundPjPerToken: num, speedup: num, energyEfficiency: num, method: z.string(),
  })),
  headlineTier: z.enum(['A', 'B', 'C']),
  assumptions: z.array(z.string()),
  sweep: SweepTagSchema.optional(),
});

/** Checks one parsed document; `file` names it in errors. */
export function parseResult(doc: unknown, file: string): ReportResult {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputError('not a pimsim result: expected a JSON object written by `pimsim simulate --out`', file);
  }
  const kind = (doc as { kind?: unknown }).kind;
  if (kind !== RESULT_KIND) {
    throw new InputError(`not a pimsim result: "kind" is ${JSON.stringify(kind)}, expected "${RESULT_KIND}" (write one with \`pimsim simulate --out file.json\`)`, file);
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new InputError(
      `result schemaVersion ${JSON.stringify(version)} is not supported: this pimsim reads version ${RESULT_SCHEMA_VERSION}; re-run the simulation with this version`,
      file,
    );
  }
  const parsed = ResultShape.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String).join('.') || '(top level)';
    throw new InputError(`malformed pimsim result at "${path}": ${issue.message}`, file);
  }
  const r = doc as ReportResult;
  const n = r.perToken.latencyNs.length;
  if (n === 0 || r.perToken.position.length !== n || r.perToken.phase.length !== n) {
    throw new InputError(`malformed pimsim result: perToken.position, phase and latencyNs must be non-empty and the same length`, file);
  }
  return r;
}

/** Reads and checks result files, in the order given. */
export function loadResults(paths: readonly string[]): LoadedResult[] {
  if (paths.length === 0) throw new InputError('no result files given: pass one or more files written by `pimsim simulate --out file.json`');
  return paths.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new InputError(`not JSON (${(e as Error).message}); expected a result written by \`pimsim simulate --out file.json\``, file);
    }
    return { file, result: parseResult(doc, file) };
  });
}
