/**
 * The resolved configuration of a memory or a system as plain JSON: what `pimsim config` prints
 * and `pimsim trace --json` records, so a comparison between runs (or with another simulator) can
 * be checked field by field. `configHash` fingerprints the fields that determine simulated
 * behaviour, so two runs with equal hashes simulated the same hardware and controller (same
 * format as the configHash of simulation results).
 */
import { canonicalHash } from '../util/canonical.js';
import type { MemorySpec } from './memory.js';
import type { SystemSpec } from './system.js';

/** The fields of a memory that determine simulated behaviour (names, sources and files do not). */
function behaviour(m: MemorySpec) {
  return {
    organization: m.org,
    tCK_ps: m.tCK_ps,
    timing: m.timing,
    // Sorted: the order rules are written in (a preset's own, its command sets') changes nothing.
    rules: m.rules.map((r) => ({ rule: r.text, cycles: r.cycles })).sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.cycles - b.cycles)),
    commandBus: m.preset.commandBus,
    controller: m.controller,
    addressMapping: m.addressMapping,
  };
}

/** The hash of the fields of a memory that determine simulated behaviour. */
export function configHash(m: MemorySpec): string {
  return canonicalHash(behaviour(m));
}

export function memoryConfig(m: MemorySpec) {
  const derived = Object.fromEntries(Object.entries(m.preset.timing).filter(([k, v]) => k !== 'tCK' && typeof v === 'string'));
  return {
    kind: 'memory' as const,
    name: m.name,
    standard: m.standard,
    commandSets: m.commandSets,
    file: m.file,
    overrides: m.overrides,
    configHash: configHash(m),
    ...behaviour(m),
    /** Timing values as written where they are durations or expressions (resolved in `timing`). */
    timingAsWritten: derived,
    accessBytes: m.accessBytes,
    burstsPerRow: m.burstsPerRow,
    banksPerChannel: m.banksPerChannel,
    totalBytes: m.totalBytes,
    peakBandwidthGBs: m.peakBandwidthGBs,
    sources: m.sources,
    assumptions: m.assumptions,
  };
}

export function systemConfig(s: SystemSpec) {
  return {
    kind: 'system' as const,
    name: s.name,
    file: s.file,
    memory: memoryConfig(s.memory),
    pu: s.pu,
    globalBufferBytes: s.globalBufferBytes,
    linkBytesPerSecond: s.linkBytesPerSecond,
    linkCyclesPerAccess: s.linkCyclesPerAccess,
    asic: s.asic,
    sources: s.sources,
    assumptions: s.assumptions,
  };
}
