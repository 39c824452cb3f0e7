/**
 * Filesystem errors as user errors: one line naming the path and the reason ("permission
 * denied", "a parent is not a directory"), never a Node stack trace.
 */
import { InputError } from './errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'resource busy',
  EXDEV: 'cannot move across file systems',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/** The reason of a Node filesystem error in words, with its code. */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  const msg = String(err?.message ?? e).split('\n')[0];
  return code ? `${msg} (${code})` : msg;
}

/** Whether `e` is an error from the filesystem (it has an errno code). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** `cannot <action>: <reason>` naming `path`, as an InputError (exit 1). */
export function fsError(e: unknown, path: string, action: string): InputError {
  return new InputError(`cannot ${action}: ${fsReason(e)}`, path);
}
