/**
 * Writing a report directory atomically: everything goes into a temporary directory beside the
 * target, which replaces the target only when complete; on any error it is removed, so no
 * half-written report is ever left. An existing target is replaced only if it is a pimsim report
 * (has our manifest) or empty, so a mistyped --out cannot delete someone's files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkOutputDir } from '../util/output.js';
import { fsError } from '../util/fsError.js';

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
  const target = resolve(outDir);
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw fsError(e, outDir, 'create the report directory');
  }
  const tmp = join(parent, `.${basename(target)}.${process.pid}.tmp`);
  const old = join(parent, `.${basename(target)}.${process.pid}.old`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp);
    for (const [rel, data] of files) {
      const path = join(tmp, rel);
      if (!resolve(path).startsWith(tmp + '/')) throw new Error(`report file ${rel} would be written outside the report`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    }
    if (existsSync(target)) {
      renameSync(target, old);
      try {
        renameSync(tmp, target);
      } catch (e) {
        renameSync(old, target);
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw (e as NodeJS.ErrnoException).code ? fsError(e, outDir, 'write the report') : e;
  }
}
