/**
 * The physical bound ([BASELINE-TIERS]): over an ideal GPU with the same DRAM bandwidth as the PIM
 * system's external interface, bank-level PIM's GEMV speedup cannot exceed the internal/external
 * bandwidth ratio. Checked on every shipped system, for single GEMVs and for the GEMV part of a
 * whole decode step.
 */
import { describe, expect, it } from 'vitest';
import { listPresets } from '../../src/spec/load.js';
import { loadSystem } from '../../src/spec/system.js';
import { runGemv } from '../../src/mapping/gemvRun.js';
import { baselineDecode, gemvBandwidthBound, idealGpuWithBandwidth } from '../../src/baselines/index.js';
import { simulate } from '../../src/simulate.js';
import { opsPerToken } from '../../src/model/decode.js';

for (const name of listPresets('systems')) {
  describe(`${name}: GEMV speedup over an ideal GPU on the same external bandwidth`, () => {
    const system = loadSystem(name);
    const m = system.memory;
    const externalGBs = (m.org.channels * system.linkBytesPerSecond) / 1e9;

    it.each([[4096, 4096], [2048, 8192], [1000, 3000]])('%i x %i stays under internal / external', (rows, cols) => {
      const r = runGemv(system, rows, cols);
      const bound = gemvBandwidthBound(r.stats.peakInternalBandwidthGBs, externalGBs);
      // The ideal GPU streams the BF16 weights once at the external bandwidth (1 B/ns per GB/s).
      const gpuNs = (rows * cols * 2) / externalGBs;
      expect(gpuNs / r.stats.ns).toBeLessThanOrEqual(bound);
      expect(gpuNs / r.stats.ns).toBeGreaterThan(0.2 * bound); // and PIM actually uses its internal bandwidth
    });

    it('a whole gpt2-small decode step: the GEMV part stays under the bound', () => {
      const sim = simulate({ model: 'gpt2-small', system, prompt: 1, tokens: 1 });
      const pimGemvNs = sim.breakdownNs.mac + sim.breakdownNs.activatePrecharge + sim.breakdownNs.loadReadout;
      const ops = opsPerToken(sim.model, { position: 0 }).filter((o) => o.kind === 'gemv' || o.kind === 'attn-score' || o.kind === 'attn-context');
      const gpu = baselineDecode(ops, idealGpuWithBandwidth(externalGBs), 'A');
      const bound = gemvBandwidthBound(sim.stats.peakInternalBandwidthGBs, externalGBs);
      expect(gpu.latencyNs / pimGemvNs).toBeLessThanOrEqual(bound);
    });
  });
}
