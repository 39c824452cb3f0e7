/**
 * Write a study's results and its report: result documents go to a scratch directory, then
 * `writeReport` builds the report (which keeps copies under results/) atomically in `dir`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { StudyResult } from './point.js';
import { writeReport } from '../report/index.js';

export interface WriteOptions {
  readonly title?: string;
  /** Said in the report (e.g. token counts capped at a model's context). */
  readonly notes?: readonly string[];
}

function fileName(r: StudyResult, i: number): string {
  const sweep = r.sweep ? `-${r.sweep.parameter}=${r.sweep.value}` : '';
  return `${String(i + 1).padStart(2, '0')}-${r.config.model.name}-${r.config.system.name}${sweep}.json`.replace(/[^A-Za-z0-9._=-]/g, '_');
}

/** Write the result files into `dir` (no report); returns their paths. */
export function writeResults(results: readonly StudyResult[], dir: string): string[] {
  return results.map((r, i) => {
    const p = join(dir, fileName(r, i));
    writeFileSync(p, JSON.stringify(r, null, 2) + '\n');
    return p;
  });
}

export async function writeStudy(results: readonly StudyResult[], dir: string, opts: WriteOptions = {}): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'pimsim-study-'));
  try {
    writeReport(writeResults(results, scratch), dir, { title: opts.title, notes: opts.notes });
    return dir;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
