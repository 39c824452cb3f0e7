import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevicePresetSchema, loadDevice } from '../../src/baselines/device.js';
import { InputError } from '../../src/util/errors.js';
import { listPresets, loadPreset } from '../../src/spec/load.js';

const SHIPPED = ['a100-80gb', 'epyc-9654', 'h100-sxm', 'i7-1165g7', 'rtx-4090', 't4', 'v100', 'xeon-gold-6154', 'xeon-gold-6230'];

/** Paths of every value that is a figure (number or quantity string) under the hardware sections. */
function figurePaths(v: unknown, prefix: string): string[] {
  if (typeof v === 'number' || typeof v === 'string') return [prefix];
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v).flatMap(([k, x]) => figurePaths(x, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

describe('device presets', () => {
  it('ships the brief devices plus the i7 laptop used for the CPU calibration', () => {
    expect(listPresets('devices')).toEqual(SHIPPED);
  });

  it.each(SHIPPED)('%s: every figure has a source', (name) => {
    const { value } = loadPreset('devices', name, DevicePresetSchema);
    const { memory, peakTflops, power, energy, tiers } = value;
    const paths = figurePaths({ memory: { bandwidth: memory.bandwidth }, peakTflops, power, energy, tiers }, '');
    expect(paths.length).toBeGreaterThan(10);
    const keys = Object.keys(value.sources);
    const uncited = paths.filter((p) => !keys.some((k) => p === k || p.startsWith(`${k}.`)));
    expect(uncited).toEqual([]);
    for (const s of Object.values(value.sources)) expect(s).toMatch(/\[[A-Z0-9-]+\]|assumed|derived/);
  });

  it('resolves units: V100 from [DEVICES]', () => {
    const d = loadDevice('v100');
    expect(d).toMatchObject({ kind: 'gpu', bandwidthGBs: 900, tdpW: 300, idleW: 37.5, dramPjPerBit: 6, onChipPjPerBit: 0.46 });
    expect(d.peakTflops).toEqual({ fp32: 15.7, fp16: 125 });
    expect(d.tiers.C?.kernelFixedNs).toBeCloseTo(30_000, 6);
    expect(d.tiers.C?.stepNs).toBeCloseTo(1e6, 6);
  });

  it('A100 tier B inherits the GPU defaults and overrides the FasterTransformer fit', () => {
    const b = loadDevice('a100-80gb').tiers.B;
    expect(b).toMatchObject({ etaMem: 0.711, etaComp: 0.5, kernelsPerLayer: 10, kernelsFinal: 2 });
    expect(b?.kernelFixedNs).toBeCloseTo(9000, 6);
  });

  it('idle power is 12.5% of TDP everywhere (the stated assumption)', () => {
    for (const n of SHIPPED) {
      const d = loadDevice(n);
      expect(d.idleW / d.tdpW).toBeCloseTo(0.125, 9);
    }
  });

  it('CPU peaks match cores x FMA width x clock', () => {
    expect(loadDevice('xeon-gold-6154').peakTflops.fp32).toBeCloseTo((18 * 2 * 16 * 2 * 3.0) / 1000, 9);
    expect(loadDevice('xeon-gold-6230').peakTflops.fp32).toBeCloseTo((20 * 2 * 16 * 2 * 2.1) / 1000, 9);
    expect(loadDevice('epyc-9654').peakTflops.fp32).toBeCloseTo((96 * 2 * 8 * 2 * 2.4) / 1000, 3);
  });

  it('unknown device: InputError listing the presets', () => {
    expect(() => loadDevice('gtx-480')).toThrow(InputError);
    expect(() => loadDevice('gtx-480')).toThrow(/unknown devices preset "gtx-480".*t4/);
  });

  it('zero or negative bandwidth: InputError naming the preset file and field', () => {
    expect(() => loadDevice('t4', ['memory.bandwidth=0'])).toThrow(/t4\.json: field memory\.bandwidth: expected a bandwidth greater than zero/);
    expect(() => loadDevice('t4', ['memory.bandwidth=-5 GB/s'])).toThrow(InputError);
  });

  it('a preset with a missing figure fails validation naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimsim-dev-'));
    const file = join(dir, 'bad.json');
    const full = loadPreset('devices', 't4', DevicePresetSchema).value;
    const { power: _p, ...rest } = full;
    writeFileSync(file, JSON.stringify(rest));
    expect(() => loadDevice(file)).toThrow(/bad\.json.*field power/s);
  });

  it('idle power above TDP is rejected', () => {
    expect(() => loadDevice('t4', ['power.idle=80 W'])).toThrow(/field power\.idle/);
  });
});
