/** Run statistics of the DRAM model, derived from the per-channel counters. */
import { COMMAND_NAMES, type CommandName } from '../spec/commands.js';
import { latencyPercentile, type ChannelStats } from './channelStats.js';
import type { MemorySpec } from '../spec/memory.js';

export interface ChannelSummary {
  readonly channel: number;
  readonly reads: number;
  readonly writes: number;
  readonly rowHitRate: number;
  readonly commands: Partial<Record<CommandName, number>>;
}

export interface BankSummary {
  readonly channel: number;
  readonly rank: number;
  readonly bankgroup: number;
  readonly bank: number;
  readonly commands: Partial<Record<CommandName, number>>;
}

export interface DramStats {
  readonly memory: string;
  readonly cycles: number;
  readonly ns: number;
  readonly requests: number;
  readonly reads: number;
  readonly writes: number;
  readonly bytes: number;
  readonly bandwidthGBs: number;
  readonly peakBandwidthGBs: number;
  readonly bandwidthFraction: number;
  readonly rowHits: number;
  readonly rowMisses: number;
  readonly rowConflicts: number;
  readonly rowHitRate: number;
  readonly avgReadLatencyCycles: number;
  readonly avgReadLatencyNs: number;
  readonly p99ReadLatencyNs: number;
  readonly commands: Partial<Record<CommandName, number>>;
  readonly perChannel: readonly ChannelSummary[];
  readonly perBank: readonly BankSummary[];
}

function commandCounts(counts: ArrayLike<number>, offset = 0): Partial<Record<CommandName, number>> {
  const out: Partial<Record<CommandName, number>> = {};
  COMMAND_NAMES.forEach((n, i) => {
    const v = counts[offset + i];
    if (v) out[n] = v;
  });
  return out;
}

export function summarize(spec: MemorySpec, channels: readonly ChannelStats[], cycles: number): DramStats {
  const ns = (cycles * spec.tCK_ps) / 1000;
  let reads = 0, writes = 0, hits = 0, misses = 0, conflicts = 0, latSum = 0;
  const total = new Float64Array(COMMAND_NAMES.length);
  for (const c of channels) {
    reads += c.reads;
    writes += c.writes;
    hits += c.rowHits;
    misses += c.rowMisses;
    conflicts += c.rowConflicts;
    latSum += c.readLatencySum;
    c.commands.forEach((v, i) => (total[i] += v));
  }
  const requests = reads + writes;
  const bytes = requests * spec.accessBytes;
  const bandwidthGBs = ns > 0 ? bytes / ns : 0;
  const avgCycles = reads ? latSum / reads : 0;
  const o = spec.org;
  const perBank: BankSummary[] = [];
  channels.forEach((c, ch) => {
    for (let f = 0; f < spec.banksPerChannel; f++) {
      perBank.push({
        channel: ch, rank: Math.floor(f / spec.banksPerRank), bankgroup: Math.floor((f % spec.banksPerRank) / o.banksPerGroup),
        bank: f % o.banksPerGroup, commands: commandCounts(c.perBank, f * COMMAND_NAMES.length),
      });
    }
  });
  return {
    memory: spec.name,
    cycles,
    ns,
    requests,
    reads,
    writes,
    bytes,
    bandwidthGBs,
    peakBandwidthGBs: spec.peakBandwidthGBs,
    bandwidthFraction: bandwidthGBs / spec.peakBandwidthGBs,
    rowHits: hits,
    rowMisses: misses,
    rowConflicts: conflicts,
    rowHitRate: requests ? hits / requests : 0,
    avgReadLatencyCycles: avgCycles,
    avgReadLatencyNs: (avgCycles * spec.tCK_ps) / 1000,
    p99ReadLatencyNs: (latencyPercentile(channels, 99) * spec.tCK_ps) / 1000,
    commands: commandCounts(total),
    perChannel: channels.map((c, ch) => ({
      channel: ch, reads: c.reads, writes: c.writes,
      rowHitRate: c.reads + c.writes ? c.rowHits / (c.reads + c.writes) : 0,
      commands: commandCounts(c.commands),
    })),
    perBank,
  };
}
