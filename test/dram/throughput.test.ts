/**
 * Throughput tests: whole-trace figures against the peak the preset implies.
 *
 * Peak bandwidth = channels x accessBytes per nBL cycles (one burst per nBL on each data bus), e.g.
 * gddr6: 2 x 32 B / (2 x 0.57 ns) = 56.1 GB/s. A long sequential read stream keeps every data bus
 * busy except for refresh and the row switches; a uniformly random stream pays tRC-class costs per
 * access; page policy trades row hits (open page) against precharge latency (closed page).
 */
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/dram/replay.js';
import { randomTrace, streamTrace, type Trace } from '../../src/dram/trace/index.js';
import { loadMemory } from '../../src/spec/presets.js';

const N = 100_000;

describe('peak bandwidth', () => {
  it('follows from the organization and timing', () => {
    // channels x accessBytes / (nBL x tCK)
    expect(loadMemory('gddr6').peakBandwidthGBs).toBeCloseTo((2 * 32) / (2 * 0.57), 9);
    expect(loadMemory('hbm2').peakBandwidthGBs).toBeCloseTo((16 * 32) / (2 * 1), 9);
    expect(loadMemory('ddr4-3200').peakBandwidthGBs).toBeCloseTo((1 * 64) / (4 * 0.625), 9);
  });
});

describe('streaming vs random reads', () => {
  for (const name of ['gddr6', 'hbm2', 'ddr4-3200']) {
    it(`${name}: ${N} streaming reads reach >= 95% of peak; random reads stay below streaming`, () => {
      const spec = loadMemory(name);
      const s = replay(spec, streamTrace(N, spec.accessBytes)).stats;
      expect(s.requests).toBe(N);
      expect(s.bytes).toBe(N * spec.accessBytes);
      expect(s.bandwidthFraction).toBeGreaterThanOrEqual(0.95);
      expect(s.bandwidthFraction).toBeLessThanOrEqual(1);
      // The stream can never beat the data bus: N bursts over all channels need N / channels x nBL cycles.
      expect(s.cycles).toBeGreaterThanOrEqual((N / spec.org.channels) * spec.timing.nBL!);
      // Sequential bursts walk whole rows (burstsPerRow bursts each): one miss per row visited, plus
      // re-opens after refresh closes a row; allow twice the first.
      expect(s.rowHitRate).toBeGreaterThanOrEqual(1 - 2 / spec.burstsPerRow);

      const random = replay(spec, randomTrace(N / 4, spec.totalBytes, 42, { alignBytes: spec.accessBytes })).stats;
      expect(random.bandwidthGBs).toBeLessThan(0.75 * s.bandwidthGBs);
      expect(random.rowHitRate).toBeLessThan(0.01);
    });
  }
});

/** Read requests one every `gap` cycles (light load: the queue is nearly always empty). */
function spaced(t: Trace, gap: number): Trace {
  for (let i = 0; i < t.count; i++) t.arrival[i] = i * gap;
  return t;
}

describe('page policy', () => {
  it('gddr6-aim: closed page loses to open page on streaming reads', () => {
    const open = loadMemory('gddr6-aim');
    const closed = loadMemory('gddr6-aim', ['controller.pagePolicy=closed']);
    const so = replay(open, streamTrace(N, open.accessBytes)).stats;
    const sc = replay(closed, streamTrace(N, open.accessBytes)).stats;
    // Closing a row as soon as its queued hits are served re-opens it for the next burst of the
    // stream (gddr6-aim: nRP 32 + nRCDRD 36 cycles per re-open), so the stream loses bandwidth.
    // (How much depends on whether the next hit arrives before the precharge is legal: a hit
    // queued in the cycle it arrives already keeps the row open.)
    expect(sc.bandwidthGBs).toBeLessThan(0.95 * so.bandwidthGBs);
    expect(sc.commands.ACT!).toBeGreaterThan(2 * so.commands.ACT!);
    expect(sc.rowHitRate).toBeLessThan(so.rowHitRate);
  });

  for (const name of ['gddr6', 'ddr4-3200']) {
    it(`${name}: closed page beats open page on lightly loaded random reads (mean read latency)`, () => {
      const open = loadMemory(name, ['controller.refresh=off']);
      const closed = loadMemory(name, ['controller.refresh=off', 'controller.pagePolicy=closed']);
      const t = open.timing;
      const trace = () => spaced(randomTrace(5000, open.totalBytes, 9, { alignBytes: open.accessBytes }), 100);
      const lo = replay(open, trace()).stats;
      const lc = replay(closed, trace()).stats;
      // Open page: a random read almost always finds another row open: PRE + ACT + RD, i.e. at
      // least nRP + nRCDRD + nCL + nBL once the row has been open nRAS. Closed page: the bank was
      // precharged long ago: decode cycle + ACT + RD = 1 + nRCDRD + nCL + nBL, exactly, for every read.
      const miss = 1 + t.nRCDRD! + t.nCL! + t.nBL!;
      expect(lc.avgReadLatencyCycles).toBe(miss);
      expect(lo.avgReadLatencyCycles).toBeGreaterThan(miss + 0.9 * t.nRP!);
      expect(lo.avgReadLatencyCycles).toBeLessThanOrEqual(miss + t.nRP!);
    });
  }
});
