/**
 * The peer reference shipped in traces/peer/: four GDDR6 traces, the results Ramulator 2.1 and
 * DRAMsim3 gave on them, and the memory preset that matches their configuration
 * (traces/peer/README.md). Used by the peer-comparison test and `npm run bench -- peer`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandSink } from './controller.js';
import { replay, type FrontendName } from './replay.js';
import type { DramStats } from './stats.js';
import { readTrace } from './trace/index.js';
import type { MemorySpec } from '../spec/memory.js';
import { loadMemory } from '../spec/presets.js';

export const PEER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'traces', 'peer');
export const PEER_TRACES = ['stream', 'random', 'gemv', 'mixed'] as const;
export type PeerTrace = (typeof PEER_TRACES)[number];
/** The peers replay traces with one request per memory clock in total. */
export const PEER_FRONTEND: FrontendName = 'shared';

export interface PeerFigures {
  readonly cycles: number;
  readonly rowHitRate: number;
  readonly commands: Readonly<Record<string, number>>;
}

/** results.json: per trace, per simulator ("ramulator-2.1", "dramsim3-queue24", ...). */
export function peerResults(): Record<PeerTrace, Record<string, PeerFigures>> {
  return JSON.parse(readFileSync(join(PEER_DIR, 'results.json'), 'utf8'));
}

/** The matched configuration (traces/peer/gddr6-peer.json), with optional further overrides. */
export function peerMemory(sets: readonly string[] = []): MemorySpec {
  return loadMemory(join(PEER_DIR, 'gddr6-peer.json'), sets);
}

export function peerTraceFile(name: PeerTrace): string {
  return join(PEER_DIR, `${name}.ramulator.trace.gz`);
}

export interface PeerRun {
  readonly stats: DramStats;
  readonly requests: number;
  /** Wall time of the replay alone (reading and parsing the trace excluded). */
  readonly replayMs: number;
}

/** Replay one peer trace on `spec` with the peers' front end. */
export function replayPeer(name: PeerTrace, spec: MemorySpec, onCommand?: CommandSink): PeerRun {
  const trace = readTrace(peerTraceFile(name), 'ramulator');
  const t0 = performance.now();
  const { stats } = replay(spec, trace, { frontend: PEER_FRONTEND, onCommand });
  return { stats, requests: trace.count, replayMs: performance.now() - t0 };
}
