/**
 * Gzip-compressed traces (e.g. `stream.ramulator.trace.gz`): recognized by the gzip magic bytes,
 * whatever the file is called, and inflated with node:zlib before parsing.
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../util/errors.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The decompressed bytes of a gzip file; `file` names it in errors. */
export function gunzipTrace(bytes: Uint8Array, file: string): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new InputError(`cannot decompress gzip trace: ${(e as Error).message}`, file);
  }
}
