/**
 * Writing a report directory atomically: everything goes into a temporary directory beside the
 * target, which replaces the target only when complete; on any error it is removed, so no
 * half-written report is ever left. An existing target is replaced only if it is a pimsim report
 * (has our manifest) or empty, so a mistyped --out cannot delete someone's files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputDir, writeDirAtomic } from '../util/output.js';

export const MANIFEST_FILE = 'report.json';
export const REPORT_KIND = 'pimsim.report';

function isReplaceable(dir: string): boolean {
  const st = statSync(dir);
  if (!st.isDirectory()) return false;
  if (readdirSync(dir).length === 0) return true;
  try {
    return (JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as { kind?: unknown }).kind === REPORT_KIND;
  } catch {
    return false;
  }
}

/**
 * Throws unless `outDir` can take a report: free (and creatable), empty, or an earlier report.
 * Commands call it before any work, so a long study never ends by refusing its output.
 */
export function checkReportTarget(outDir: string, flag = '--out'): void {
  checkOutputDir(outDir, flag, isReplaceable, 'holds other files and is not a pimsim report (no report.json manifest)');
}

/** Writes `files` (relative path -> content) as the directory `outDir`, replacing an earlier report there. */
export function writeReportDir(outDir: string, files: ReadonlyMap<string, string | Buffer>): void {
  checkReportTarget(outDir);
  writeDirAtomic(outDir, files, 'report');
}
