/**
 * The scheduler against the protocol checker: seeded random workloads on every shipped memory
 * preset, with both page policies, every scheduler and every refresh mode the preset supports.
 * Every command the controllers issue is recorded and checked by checkCommandLog, a separate
 * implementation of the same rules: there must be no violation, and no row may be activated and
 * closed without a column command in between (the controller never wastes an activation). Then violations are injected into
 * a recorded log to show the check is not vacuous.
 */
import { describe, expect, it } from 'vitest';
import { AddressMap } from '../../src/dram/addressMap.js';
import { checkCommandLog, formatViolation, STATE_RULES } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/spec/commands.js';
import { replay, type RequestStream } from '../../src/dram/replay.js';
import { mixedTrace, randomTrace, streamTrace } from '../../src/dram/trace/index.js';
import { listPresets } from '../../src/spec/load.js';
import type { MemorySpec } from '../../src/spec/memory.js';
import { loadMemory } from '../../src/spec/presets.js';
import { SCHEDULER_NAMES } from '../../src/dram/schedulers/index.js';
import { mulberry32 } from '../../src/util/rng.js';

/** ACTs followed by a PRE or PREA to their bank with no column command in between. */
function wastedActivations(log: readonly CommandRecord[]): number {
  const opened = new Map<string, boolean>(); // bank -> activated and not yet accessed
  let wasted = 0;
  for (const r of log) {
    const key = `${r.channel}.${r.rank}.${r.bankgroup}.${r.bank}`;
    if (r.command === 'ACT') opened.set(key, true);
    else if (r.command === 'RD' || r.command === 'WR') opened.set(key, false);
    else if (r.command === 'PRE' && opened.get(key)) wasted++;
    else if (r.command === 'PREA') {
      for (const [k, v] of opened) if (v && k.startsWith(`${r.channel}.${r.rank}.`)) wasted++;
    }
    if (r.command === 'PRE') opened.delete(key);
    if (r.command === 'PREA') for (const k of [...opened.keys()]) if (k.startsWith(`${r.channel}.${r.rank}.`)) opened.delete(k);
  }
  return wasted;
}

/** Replay and return every issued command as a CommandRecord (fields a command does not take are -1). */
function record(spec: MemorySpec, s: RequestStream) {
  const log: CommandRecord[] = [];
  const { stats } = replay(spec, s, {
    onCommand: (cmd, channel, rank, group, bank, row, column, cycle) => {
      const command = COMMAND_NAMES[cmd];
      const reach = COMMANDS[command].reach;
      log.push({
        cycle, channel, rank, command, row, column,
        bankgroup: reach === 'bank' || reach === 'bankgroup' ? group : -1,
        bank: reach === 'bank' ? bank : -1,
      });
    },
  });
  return { stats, log };
}

/**
 * Many rows of two banks of channel 0 (a third of the requests writes): nearly every request is a
 * row conflict, so PRE/ACT timing, write recovery and turnarounds are exercised constantly.
 */
function conflictStorm(spec: MemorySpec, n: number, seed: number): RequestStream {
  const map = new AddressMap(spec);
  const rng = mulberry32(seed);
  const address = new Float64Array(n);
  const isWrite = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const group = rng() < 0.75 ? 0 : spec.org.bankGroups - 1;
    const row = Math.floor(rng() * 64);
    const column = Math.floor(rng() * spec.burstsPerRow);
    address[i] = map.encode({ channel: 0, rank: 0, group, bank: 0, row, column });
    isWrite[i] = rng() < 1 / 3 ? 1 : 0;
  }
  return { count: n, address, isWrite, arrival: new Float64Array(n).fill(-1) };
}

/** Seeded workloads; all stay inside the memory. */
const WORKLOADS: Record<string, (spec: MemorySpec, seed: number) => RequestStream> = {
  random: (spec, seed) => randomTrace(3000, spec.totalBytes, seed, { alignBytes: spec.accessBytes }),
  streaming: (spec) => streamTrace(20_000, spec.accessBytes, { baseAddress: spec.totalBytes / 2 }),
  // Poisson arrivals with idle gaps, 1/3 writes, short sequential runs.
  'mixed read/write': (spec, seed) => mixedTrace(3000, seed, { spanBytes: spec.totalBytes, accessBytes: spec.accessBytes, meanGapCycles: 6 }),
  'bank-conflict storm': (spec, seed) => conflictStorm(spec, 1500, seed),
};

const REFRESH_MODES = ['all-bank', 'per-bank'] as const;

for (const preset of listPresets('memory')) {
  const base = loadMemory(preset);
  // A refresh mode is allowed when the preset defines its timing (loadMemory refuses otherwise).
  const modes = REFRESH_MODES.filter((m) => (m === 'all-bank' ? base.timing.nRFC !== undefined : base.timing.nRFCpb !== undefined));
  describe(`${preset}: no protocol violations`, () => {
    for (const refresh of modes) {
      for (const pagePolicy of ['open', 'closed']) {
        for (const scheduler of SCHEDULER_NAMES) {
          it(`refresh ${refresh}, ${pagePolicy} page, ${scheduler}`, () => {
            const spec = loadMemory(preset, [`controller.refresh=${refresh}`, `controller.pagePolicy=${pagePolicy}`, `controller.scheduler=${scheduler}`]);
            let seed = 1;
            for (const [name, make] of Object.entries(WORKLOADS)) {
              const stream = make(spec, seed++);
              const { stats, log } = record(spec, stream);
              expect(stats.requests, name).toBe(stream.count);
              const violations = checkCommandLog(log, spec, { maxViolations: 5 });
              expect(violations.map((v) => formatViolation(v, `${name}.csv`)), name).toEqual([]);
              expect(wastedActivations(log), `${name}: rows activated and closed unused`).toBe(0);
              if (name === 'bank-conflict storm') {
                // Long enough that refresh is part of what was checked.
                expect(stats.commands[refresh === 'all-bank' ? 'REFab' : 'REFpb'], 'refreshes').toBeGreaterThan(0);
              }
            }
          });
        }
      }
    }
  });
}

describe('injected violations are caught', () => {
  const spec = loadMemory('gddr6');
  const { log } = record(spec, conflictStorm(spec, 400, 7));
  const t = spec.timing;

  it('the recorded log is clean', () => {
    expect(checkCommandLog(log, spec)).toEqual([]);
  });

  /** Index of the first record of `command` issued exactly `gap` after the previous `prev` to the same bank. */
  function atLimit(command: string, prev: string, gap: number): number {
    const last = new Map<string, number>();
    for (let i = 0; i < log.length; i++) {
      const r = log[i];
      const key = `${r.channel}.${r.bankgroup}.${r.bank}`;
      if (r.command === command && last.get(key) !== undefined && r.cycle - last.get(key)! === gap) return i;
      if (r.command === prev) last.set(key, r.cycle);
    }
    return -1;
  }

  it('a RD moved one cycle earlier than ACT + nRCDRD', () => {
    const i = atLimit('RD', 'ACT', t.nRCDRD!);
    expect(i).toBeGreaterThanOrEqual(0);
    const bad = log.map((r, j) => (j === i ? { ...r, cycle: r.cycle - 1 } : r));
    const vs = checkCommandLog(bad, spec);
    // Record i is CSV line i + 2.
    expect(vs.some((v) => v.line === i + 2 && v.rule === '"ACT" -> "RD" >= nRCDRD (bank)'), JSON.stringify(vs)).toBe(true);
  });

  it('an ACT moved one cycle earlier than PRE + nRP', () => {
    const i = atLimit('ACT', 'PRE', t.nRP!);
    expect(i).toBeGreaterThanOrEqual(0);
    const bad = log.map((r, j) => (j === i ? { ...r, cycle: r.cycle - 1 } : r));
    const vs = checkCommandLog(bad, spec);
    expect(vs.some((v) => v.line === i + 2 && v.rule === '"PRE" -> "ACT" >= nRP (bank)'), JSON.stringify(vs)).toBe(true);
  });

  it('a dropped PRE: the next ACT to that bank finds it open', () => {
    const p = log.findIndex((r) => r.command === 'PRE');
    expect(p).toBeGreaterThanOrEqual(0);
    const pre = log[p];
    const a = log.findIndex((r, j) => j > p && r.command === 'ACT' && r.channel === pre.channel && r.bankgroup === pre.bankgroup && r.bank === pre.bank);
    expect(a).toBeGreaterThan(p);
    const bad = log.filter((_, j) => j !== p);
    const vs = checkCommandLog(bad, spec);
    // Without the PRE, the ACT is record a - 1 (line a + 1).
    expect(vs.some((v) => v.line === a + 1 && v.command === 'ACT' && v.rule === STATE_RULES.closed), JSON.stringify(vs)).toBe(true);
  });

  it('a RD sent to a bank that was never opened', () => {
    const i = log.findIndex((r) => r.command === 'RD');
    const bad = [...log];
    bad[i] = { ...log[i], bankgroup: 2, bank: 3, row: -1 };
    const vs = checkCommandLog(bad, spec);
    expect(vs.some((v) => v.line === i + 2 && v.rule === STATE_RULES.open)).toBe(true);
  });
});
