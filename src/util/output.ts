/**
 * Output files and directories. Every output location is checked before any work is done
 * (checkOutputFile, checkOutputDir), so a long run never ends by refusing its output. Files are
 * then written atomically: to a temporary file beside the target, renamed into place only when
 * complete, so a failed run never leaves a partial file behind. Filesystem errors become one-line
 * InputErrors naming the path and the reason.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from './errors.js';
import { fsError, fsReason } from './fsError.js';

/** The nearest existing ancestor of `path` (itself excluded): where missing directories would be created. */
function existingAncestor(path: string): string {
  let dir = dirname(path);
  while (!existsSync(dir)) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

/** Throws unless a new entry can be created in directory `dir` (tried for real: permissions alone mislead, e.g. /proc as root). */
function probeWritable(dir: string, target: string, flag: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new InputError(`cannot use ${dir}: ${fsReason(e)}`, `${flag} ${target}`);
  }
  if (!st.isDirectory()) throw new InputError(`${dir} is not a directory`, `${flag} ${target}`);
  const probe = join(dir, `.pimsim-probe-${process.pid}-${Date.now().toString(36)}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    throw new InputError(`cannot create files in ${dir}: ${fsReason(e)}`, `${flag} ${target}`);
  }
  rmSync(probe, { force: true });
}

/**
 * Throws an InputError unless `path` can be written as a file: it is a regular file or does not
 * exist, and its directory exists (or can be created) and accepts new files. `flag` names the
 * option in the message (e.g. "--out").
 */
export function checkOutputFile(path: string, flag: string): void {
  const target = resolve(path);
  if (existsSync(target)) {
    let st;
    try {
      st = statSync(target);
    } catch (e) {
      throw new InputError(`cannot use this path: ${fsReason(e)}`, `${flag} ${path}`);
    }
    if (st.isDirectory()) throw new InputError('is a directory; expected the path of a file to write', `${flag} ${path}`);
    if (!st.isFile()) throw new InputError('is not a regular file (a device, pipe or socket); expected the path of a file to write', `${flag} ${path}`);
  }
  probeWritable(existingAncestor(target), path, flag);
}

/**
 * Throws an InputError unless `path` can be written as a directory: it does not exist (and can be
 * created), or it is a directory that `replaceable` accepts (empty, or an earlier output of ours).
 * `foreign` says in the message why an existing directory is refused.
 */
export function checkOutputDir(path: string, flag: string, replaceable: (dir: string) => boolean, foreign: string): void {
  const target = resolve(path);
  if (existsSync(target)) {
    let st;
    try {
      st = statSync(target);
    } catch (e) {
      throw new InputError(`cannot use this path: ${fsReason(e)}`, `${flag} ${path}`);
    }
    if (!st.isDirectory()) throw new InputError('is a file; expected a directory to write', `${flag} ${path}`);
    if (!replaceable(target)) throw new InputError(`${foreign}; choose another ${flag} or remove it first`, `${flag} ${path}`);
  }
  // The directory is written beside itself and renamed into place, so its parent must take new entries.
  probeWritable(existingAncestor(target), path, flag);
}

/** Whether `dir` is an empty directory. */
export function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

function makeParent(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw fsError(e, path, 'create the directory for this file');
  }
}

export function writeFileAtomic(path: string, data: string): void {
  makeParent(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fsError(e, path, 'write');
  }
}

/**
 * A buffered byte writer for large outputs (command logs), writing into a temporary file that
 * `commit()` renames into place and `abort()` removes. Callers encode into `buf` from `len` on and
 * call `reserve(n)` first; nothing is allocated per line.
 */
export class AtomicFileWriter {
  private readonly tmp: string;
  private fd: number;
  buf = new Uint8Array(1 << 20);
  len = 0;

  constructor(private readonly path: string) {
    makeParent(path);
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw fsError(e, path, 'write');
    }
  }

  /** Makes room for `n` more bytes (flushing the buffer when it is full). */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Appends an ASCII string. */
  ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  private flush(): void {
    try {
      let off = 0;
      while (off < this.len) off += writeSync(this.fd, this.buf, off, this.len - off);
    } catch (e) {
      throw fsError(e, this.path, 'write');
    }
    this.len = 0;
  }

  commit(): void {
    this.flush();
    try {
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
    } catch (e) {
      rmSync(this.tmp, { force: true });
      throw fsError(e, this.path, 'write');
    }
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    rmSync(this.tmp, { force: true });
  }
}

/**
 * Writes `files` (relative path -> content) as the directory `outDir`: into a temporary directory
 * beside it, which replaces `outDir` only when complete (the caller has checked that `outDir` may
 * be replaced). On any error the temporary directory is removed, so no half-written output is left.
 * `what` names the output in messages ("report", "shard").
 */
export function writeDirAtomic(outDir: string, files: ReadonlyMap<string, string | Buffer>, what: string): void {
  const target = resolve(outDir);
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw fsError(e, outDir, `create the ${what} directory`);
  }
  const tmp = join(parent, `.${basename(target)}.${process.pid}.tmp`);
  const old = join(parent, `.${basename(target)}.${process.pid}.old`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp);
    for (const [rel, data] of files) {
      const path = join(tmp, rel);
      if (!resolve(path).startsWith(tmp + '/')) throw new Error(`${what} file ${rel} would be written outside the ${what}`);
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
    throw (e as NodeJS.ErrnoException).code ? fsError(e, outDir, `write the ${what}`) : e;
  }
}
