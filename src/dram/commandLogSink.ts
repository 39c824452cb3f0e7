/** Connects a controller's command callback to a command-log file (format: commandLog.ts). */
import { COMMANDS, COMMAND_NAMES } from './commands.js';
import { COMMAND_LOG_HEADER, formatCommandRecord } from './commandLog.js';
import type { CommandSink } from './controller.js';
import { AtomicLineWriter } from '../util/output.js';

/** Open a command log; returns the sink and the writer (commit on success, abort on failure). */
export function openCommandLog(path: string): { sink: CommandSink; writer: AtomicLineWriter } {
  const writer = new AtomicLineWriter(path);
  writer.line(COMMAND_LOG_HEADER);
  const sink: CommandSink = (cmd, channel, rank, group, bank, row, column, cycle) => {
    const command = COMMAND_NAMES[cmd];
    const reach = COMMANDS[command].reach;
    writer.line(formatCommandRecord({
      cycle, channel, rank, command, row, column,
      bankgroup: reach === 'bank' || reach === 'bankgroup' ? group : -1,
      bank: reach === 'bank' ? bank : -1,
    }));
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
