/** Counters one channel controller keeps. Derived figures (rates, bandwidth) are computed in stats.ts. */
import { NUM_COMMANDS } from '../spec/commands.js';

/** Read latencies up to this many cycles are kept in an exact histogram; longer ones in a list. */
const HIST_CYCLES = 1 << 14;

export class ChannelStats {
  readonly commands = new Float64Array(NUM_COMMANDS);
  /** [flatBank * NUM_COMMANDS + command] */
  readonly perBank: Float64Array;
  reads = 0;
  writes = 0;
  rowHits = 0;
  rowMisses = 0;
  rowConflicts = 0;
  readLatencySum = 0;
  readonly latencyHist = new Uint32Array(HIST_CYCLES);
  readonly latencyOverflow: number[] = [];
  /** Cycle at which the last data transfer of this channel finished. */
  lastDataCycle = 0;

  constructor(banks: number) {
    this.perBank = new Float64Array(banks * NUM_COMMANDS);
  }

  recordReadLatency(cycles: number): void {
    this.readLatencySum += cycles;
    if (cycles < HIST_CYCLES) this.latencyHist[cycles]++;
    else this.latencyOverflow.push(cycles);
  }
}

/** Exact percentile (nearest-rank) over the read latencies of several channels. */
export function latencyPercentile(channels: readonly ChannelStats[], p: number): number {
  let total = 0;
  for (const c of channels) total += c.reads;
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let cyc = 0; cyc < HIST_CYCLES; cyc++) {
    for (const c of channels) seen += c.latencyHist[cyc];
    if (seen >= rank) return cyc;
  }
  const rest = channels.flatMap((c) => c.latencyOverflow).sort((a, b) => a - b);
  return rest[rank - seen - 1];
}
