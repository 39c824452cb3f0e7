/**
 * The peer reference shipped in traces/peer/: traces, the results Ramulator 2.1 and DRAMsim3 gave
 * on them, and the memory presets that match their configurations (traces/peer/README.md), for
 * three standards: GDDR6 (traces/peer/), DDR4-3200 (traces/peer/ddr4/) and HBM2
 * (traces/peer/hbm2/). Used by the peer-comparison tests and `npm run bench -- peer`.
 *
 * A *comparison* is one configuration of a set: a preset, the front end the peers offered requests
 * with, and the key of the Ramulator 2.1 figures it is compared with in the set's results.json.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandSink } from './controller.js';
import { replay, type FrontendName, type RequestStream } from './replay.js';
import type { DramStats } from './stats.js';
import { readTrace } from './trace/index.js';
import type { MemorySpec } from '../spec/memory.js';
import { loadMemory } from '../spec/presets.js';

export const PEER_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'traces', 'peer');

export interface PeerComparison {
  /** Name in tables ("hbm2 dual bus"). */
  readonly name: string;
  /** The matched preset, relative to the set's folder. */
  readonly preset: string;
  readonly frontend: FrontendName;
  /** Key of the Ramulator 2.1 figures in results.json. */
  readonly ramulator: string;
  /** Key of the DRAMsim3 figures in results.json (queue 24: look-ahead comparable to Ramulator's 32). */
  readonly dramsim3: string;
}

export interface PeerSet {
  readonly standard: 'gddr6' | 'ddr4' | 'hbm2';
  readonly dir: string;
  readonly traces: readonly string[];
  readonly comparisons: readonly PeerComparison[];
}

export const PEER_SETS: readonly PeerSet[] = [
  {
    standard: 'gddr6', dir: PEER_ROOT, traces: ['stream', 'random', 'gemv', 'mixed'],
    comparisons: [{ name: 'gddr6', preset: 'gddr6-peer.json', frontend: 'shared', ramulator: 'ramulator-2.1', dramsim3: 'dramsim3-queue24' }],
  },
  {
    standard: 'ddr4', dir: join(PEER_ROOT, 'ddr4'), traces: ['stream', 'random', 'mixed'],
    comparisons: [{ name: 'ddr4', preset: 'ddr4-peer.json', frontend: 'shared', ramulator: 'ramulator-2.1', dramsim3: 'dramsim3-queue24' }],
  },
  {
    standard: 'hbm2', dir: join(PEER_ROOT, 'hbm2'), traces: ['stream', 'random', 'mixed'],
    comparisons: [
      {
        name: 'hbm2 one bus', preset: 'hbm2-peer.json', frontend: 'per-channel',
        ramulator: 'ramulator-2.1, per-channel front end', dramsim3: 'dramsim3-queue24, per-channel front end',
      },
      {
        name: 'hbm2 dual bus', preset: 'hbm2-peer-dual.json', frontend: 'per-channel',
        ramulator: 'ramulator-2.1, dual command bus (HBM row + column), per-channel front end',
        dramsim3: 'dramsim3-queue24, dual command bus, per-channel front end',
      },
    ],
  },
];

export function peerSet(standard: PeerSet['standard']): PeerSet {
  return PEER_SETS.find((s) => s.standard === standard)!;
}

export interface PeerFigures {
  readonly cycles: number;
  readonly rowHitRate: number;
  readonly commands: Readonly<Record<string, number>>;
}

/** results.json of a set: per trace, per simulator and configuration. */
export function peerResults(set: PeerSet = PEER_SETS[0]): Record<string, Record<string, PeerFigures>> {
  return JSON.parse(readFileSync(join(set.dir, 'results.json'), 'utf8'));
}

/** A comparison's matched preset, with optional further overrides. */
export function peerMemory(c: PeerComparison = PEER_SETS[0].comparisons[0], set: PeerSet = PEER_SETS[0], sets: readonly string[] = []): MemorySpec {
  return loadMemory(join(set.dir, c.preset), sets);
}

export function peerTraceFile(set: PeerSet, name: string): string {
  return join(set.dir, `${name}.ramulator.trace.gz`);
}

export function readPeerTrace(set: PeerSet, name: string): RequestStream {
  return readTrace(peerTraceFile(set, name), 'ramulator');
}

export interface PeerRun {
  readonly stats: DramStats;
  readonly requests: number;
  /** Wall time of the replay alone (reading and parsing the trace excluded). */
  readonly replayMs: number;
}

/** Replay a (read) peer trace on `spec` with the comparison's front end. */
export function replayPeer(trace: RequestStream, spec: MemorySpec, c: PeerComparison, onCommand?: CommandSink): PeerRun {
  const t0 = performance.now();
  const { stats } = replay(spec, trace, { frontend: c.frontend, onCommand });
  return { stats, requests: trace.count, replayMs: performance.now() - t0 };
}
