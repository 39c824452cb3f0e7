/**
 * The physical bound of [BASELINE-TIERS]: over an ideal GPU with the same DRAM, bank-level PIM's GEMV
 * speedup cannot exceed the internal/external bandwidth ratio (16x for GDDR6-AiM). A larger figure
 * is a bug, or more DRAM channels on the PIM side, which must be stated.
 */
import { InputError } from '../util/errors.js';
import type { DeviceSpec } from './device.js';

function positiveBandwidth(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(`${field}: expected a bandwidth in GB/s greater than zero, got ${value}`);
  }
  return value;
}

/** Upper bound on PIM's GEMV speedup over an ideal device on the same DRAM: internal / external bandwidth. */
export function gemvBandwidthBound(pimInternalGBs: number, pimExternalGBs: number): number {
  return positiveBandwidth(pimInternalGBs, 'pimInternalGBs') / positiveBandwidth(pimExternalGBs, 'pimExternalGBs');
}

/**
 * A synthetic device for tier A: the given DRAM bandwidth, unbounded compute (so GEMVs are purely
 * bandwidth-bound), no fixed costs. Its energy figures are zero: use it for time bounds only.
 */
export function idealGpuWithBandwidth(bandwidthGBs: number): DeviceSpec {
  positiveBandwidth(bandwidthGBs, 'bandwidthGBs');
  return {
    name: `ideal-gpu-${bandwidthGBs}GBs`,
    where: `idealGpuWithBandwidth(${bandwidthGBs})`,
    kind: 'gpu',
    memoryType: 'same DRAM as the PIM system',
    bandwidthGBs,
    peakTflops: { fp32: Infinity, fp16: Infinity, int8: Infinity },
    tdpW: 0,
    idleW: 0,
    dramPjPerBit: 0,
    onChipPjPerBit: 0,
    pjPerFlop: { fp32: 0, fp16: 0, int8: 0 },
    nativeLowBit: ['ternary', 'binary'],
    tiers: {},
    sources: { bandwidthGBs: 'caller', peakTflops: 'assumed: unbounded, so only bandwidth limits a GEMV' },
    assumptions: ['Synthetic tier-A device: infinite compute, zero energy, native low-bit weights (so it reads exactly the bytes the PIM side stores).'],
  };
}
