/**
 * The fast controller against a straightforward reference: test/dram/reference/ holds the replay
 * path as it was before per-bank queues (arrival-ordered arrays scanned in full by every scheduler,
 * ChannelTiming.earliest for every look-up). Seeded random workloads on every memory preset, every
 * scheduler, both page policies, every refresh mode, both front ends and random controller settings
 * must give the same command sequence, the same statistics and even the same engine events (so the
 * controllers woke at exactly the same cycles).
 */
import { describe, expect, it } from 'vitest';
import { AddressMap } from '../../src/dram/addressMap.js';
import { replay, type FrontendName, type RequestStream } from '../../src/dram/replay.js';
import { SCHEDULER_NAMES } from '../../src/dram/schedulers/index.js';
import { listPresets } from '../../src/spec/load.js';
import type { MemorySpec } from '../../src/spec/memory.js';
import { loadMemory } from '../../src/spec/presets.js';
import { mulberry32 } from '../../src/util/rng.js';
import { replay as referenceReplay } from './reference/replay.js';

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/**
 * A workload with locality a scheduler can exploit or trip over: requests go to a few hot rows
 * (row hits, and conflicts between hot rows of one bank) or anywhere; some writes; arrivals untimed,
 * or timed with bursts and idle gaps (so queues fill, drain and the controller sleeps).
 */
function workload(spec: MemorySpec, rng: Rng, n: number): RequestStream {
  const map = new AddressMap(spec);
  const o = spec.org;
  const hot = Array.from({ length: int(rng, 1, 6) }, () => ({
    channel: int(rng, 0, o.channels - 1), rank: int(rng, 0, spec.rankSlots - 1), group: int(rng, 0, o.bankGroups - 1),
    bank: int(rng, 0, Math.min(1, o.banksPerGroup - 1)), row: int(rng, 0, 3),
  }));
  const pHot = rng(), pWrite = pick(rng, [0, 0.1, 0.33, 0.6]);
  const timed = rng() < 0.5, meanGap = pick(rng, [0.5, 2, 6, 20]);
  const address = new Float64Array(n), isWrite = new Uint8Array(n), arrival = new Float64Array(n).fill(-1);
  let cycle = 0;
  for (let i = 0; i < n; i++) {
    const column = int(rng, 0, spec.burstsPerRow - 1);
    if (rng() < pHot) address[i] = map.encode({ ...pick(rng, hot), column });
    else address[i] = Math.floor(rng() * (map.totalBytes / spec.accessBytes)) * spec.accessBytes;
    isWrite[i] = rng() < pWrite ? 1 : 0;
    if (timed) {
      if (rng() < 0.02) cycle += int(rng, 100, 3000); // idle stretch: refresh falls due, rows close
      else cycle += Math.floor(-Math.log(1 - rng()) * meanGap);
      arrival[i] = cycle;
    }
  }
  return { count: n, address, isWrite, arrival };
}

/** Every issued command as one string, and the run's statistics and engine events. */
function record(run: typeof replay, spec: MemorySpec, stream: RequestStream, frontend: FrontendName) {
  const log: string[] = [];
  const r = run(spec, stream, { frontend, onCommand: (...a) => log.push(a.join(' ')) });
  return { log, stats: r.stats, events: r.events };
}

describe('the per-bank controller issues exactly what the reference scan issues', () => {
  for (const preset of listPresets('memory')) {
    it(preset, () => {
      const base = loadMemory(preset);
      const refresh = ['off', ...(base.timing.nRFC !== undefined ? ['all-bank'] : []), ...(base.timing.nRFCpb !== undefined ? ['per-bank'] : [])];
      let commands = 0;
      for (let seed = 1; seed <= 16; seed++) {
        const rng = mulberry32(seed * 7919 + preset.length);
        const scheduler = SCHEDULER_NAMES[seed % SCHEDULER_NAMES.length];
        const sets = [
          `controller.scheduler=${scheduler}`,
          `controller.refresh=${pick(rng, refresh)}`,
          `controller.pagePolicy=${pick(rng, ['open', 'closed'])}`,
          `controller.queueDepth=${pick(rng, [2, 4, 8, 16, 32])}`,
          `controller.activatedEntry=${pick(rng, ['keep', 'free'])}`,
          `controller.writeModeCounts=${pick(rng, ['all', 'unactivated'])}`,
          ...(scheduler === 'frfcfs-cap' ? [`controller.rowHitCap=${int(rng, 1, 8)}`] : []),
          ...(preset.startsWith('ddr4') && rng() < 0.5 ? ['organization.ranks=2'] : []),
        ];
        const spec = loadMemory(preset, sets);
        const stream = workload(spec, rng, int(rng, 200, 1500));
        const frontend = pick(rng, ['shared', 'per-channel'] as const);
        const fast = record(replay, spec, stream, frontend);
        const ref = record(referenceReplay, spec, stream, frontend);
        const what = `seed ${seed}: ${sets.join(' ')}, ${frontend} front end`;
        expect(fast.log.length, what).toBe(ref.log.length);
        // The first differing command, rather than two long arrays.
        const first = fast.log.findIndex((c, i) => c !== ref.log[i]);
        expect(first === -1 ? null : { index: first, fast: fast.log[first], reference: ref.log[first] }, what).toBeNull();
        expect(fast.stats, what).toEqual(ref.stats);
        expect(fast.events, what).toBe(ref.events);
        commands += fast.log.length;
      }
      // The workloads did exercise the controller.
      expect(commands).toBeGreaterThan(16 * 200);
    });
  }
});
