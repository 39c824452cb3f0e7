/**
 * Connects a controller's command callback to a command-log file (format: commandLog.ts). Lines
 * are encoded straight into the output buffer, with no string per command: a trace of 10^7
 * requests writes ~3 x 10^7 lines without garbage.
 */
import { COMMANDS, COMMAND_NAMES } from '../spec/commands.js';
import { COMMAND_LOG_HEADER, commandFields } from './commandLog.js';
import type { CommandSink } from './controller.js';
import { AtomicFileWriter } from '../util/output.js';

const NAME_BYTES = COMMAND_NAMES.map((n) => Uint8Array.from(n, (c) => c.charCodeAt(0)));
/** Per command: which of bankgroup, bank, row, column it takes (bit 0..3); the others are written "-". */
const USED = COMMAND_NAMES.map((n) => {
  const f = commandFields(n);
  const reach = COMMANDS[n].reach;
  const group = f.bankgroup !== 'absent' && (reach === 'bank' || reach === 'bankgroup');
  return (group ? 1 : 0) | (f.bank !== 'absent' && reach === 'bank' ? 2 : 0) | (f.row !== 'absent' ? 4 : 0) | (f.column !== 'absent' ? 8 : 0);
});
const DASH = 45, COMMA = 44, NL = 10;
const digits = new Uint8Array(20);

/** Appends a non-negative integer (or "-" for a negative one) at w.len; w has room reserved. */
function putInt(w: AtomicFileWriter, v: number): void {
  const b = w.buf;
  if (v < 0) {
    b[w.len++] = DASH;
    return;
  }
  let n = 0;
  do {
    const q = Math.floor(v / 10);
    digits[n++] = 48 + (v - q * 10);
    v = q;
  } while (v > 0);
  while (n > 0) b[w.len++] = digits[--n];
}

/** Open a command log; returns the sink and the writer (commit on success, abort on failure). */
export function openCommandLog(path: string): { sink: CommandSink; writer: AtomicFileWriter } {
  const writer = new AtomicFileWriter(path);
  writer.ascii(COMMAND_LOG_HEADER + '\n');
  const sink: CommandSink = (cmd, channel, rank, group, bank, row, column, cycle) => {
    const used = USED[cmd];
    writer.reserve(7 * 21 + 16);
    putInt(writer, cycle);
    writer.buf[writer.len++] = COMMA;
    putInt(writer, channel);
    writer.buf[writer.len++] = COMMA;
    putInt(writer, rank);
    writer.buf[writer.len++] = COMMA;
    putInt(writer, used & 1 ? group : -1);
    writer.buf[writer.len++] = COMMA;
    putInt(writer, used & 2 ? bank : -1);
    writer.buf[writer.len++] = COMMA;
    putInt(writer, used & 4 ? row : -1);
    writer.buf[writer.len++] = COMMA;
    putInt(writer, used & 8 ? column : -1);
    writer.buf[writer.len++] = COMMA;
    const name = NAME_BYTES[cmd];
    writer.buf.set(name, writer.len);
    writer.len += name.length;
    writer.buf[writer.len++] = NL;
  };
  return { sink, writer };
}

/**
 * Run `fn` with a command sink writing to `path` (none when `path` is undefined); the log is
 * renamed into place only if `fn` succeeds, so a failed run leaves no partial file.
 */
export function withCommandLog<T>(path: string | undefined, fn: (sink: CommandSink | undefined) => T): T {
  if (!path) return fn(undefined);
  const { sink, writer } = openCommandLog(path);
  try {
    const result = fn(sink);
    writer.commit();
    return result;
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** withCommandLog for an asynchronous run (a streamed trace replay). */
export async function withCommandLogAsync<T>(path: string | undefined, fn: (sink: CommandSink | undefined) => Promise<T>): Promise<T> {
  if (!path) return fn(undefined);
  const { sink, writer } = openCommandLog(path);
  try {
    const result = await fn(sink);
    writer.commit();
    return result;
  } catch (e) {
    writer.abort();
    throw e;
  }
}
