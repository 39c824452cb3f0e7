/** Small hand-made request streams and command logs for the controller tests. */
import { AddressMap } from '../../src/dram/addressMap.js';
import { COMMAND_NAMES, type CommandName } from '../../src/spec/commands.js';
import { replay, type ReplayOptions, type RequestStream } from '../../src/dram/replay.js';
import type { MemorySpec } from '../../src/spec/memory.js';

export interface Req {
  readonly address: number;
  readonly write?: boolean;
  /** Arrival cycle; omitted: untimed. */
  readonly at?: number;
}

export interface Cmd {
  readonly cycle: number;
  readonly command: CommandName;
  readonly channel: number;
  readonly group: number;
  readonly bank: number;
  readonly row: number;
}

export function stream(reqs: readonly Req[]): RequestStream {
  return {
    count: reqs.length,
    address: Float64Array.from(reqs, (r) => r.address),
    isWrite: Uint8Array.from(reqs, (r) => (r.write ? 1 : 0)),
    arrival: Float64Array.from(reqs, (r) => r.at ?? -1),
  };
}

/** Replay and record every command. */
export function run(spec: MemorySpec, s: RequestStream, opts: Omit<ReplayOptions, 'onCommand'> = {}) {
  const log: Cmd[] = [];
  const result = replay(spec, s, {
    ...opts,
    onCommand: (cmd, channel, _rank, group, bank, row, _column, cycle) => log.push({ cycle, command: COMMAND_NAMES[cmd], channel, group, bank, row }),
  });
  return { ...result, log };
}

/** "27 RD g0b0" style lines, for comparing whole command sequences. */
export const brief = (log: readonly Cmd[]) => log.map((c) => `${c.cycle} ${c.command}${c.command === 'ACT' ? ` row ${c.row}` : ''} g${c.group}b${c.bank}`);

/** Byte address of burst `column` of `row` in bank (group, bank) of channel `channel`, rank 0. */
export const addr = (spec: MemorySpec) => {
  const map = new AddressMap(spec);
  return (group: number, bank: number, row: number, column: number, channel = 0) => map.encode({ channel, rank: 0, group, bank, row, column });
};
