/**
 * Which bound limits a (low-bit) PIM run, computed from the system's timing parameters and the
 * run's breakdown. Per weight format, a MAC column takes the longest of:
 *  - the DRAM column rate (nCCD: one all-bank column command per tCCD),
 *  - the activation supply: weights x activation bits / global-buffer read bits PU cycles ([QUANT]:
 *    128 int8 activations are 4x one 256-bit read),
 *  - the PU lanes: weights / lanes PU cycles.
 * Per token, MAC time competes with the GEMV overheads (row activation, global-buffer loads,
 * readouts) and the non-GEMV work (ASIC, refresh, idle waiting); the largest share is the active
 * bound, and the explanation says what removing it would give.
 */
import type { SystemSpec, FormatUnit } from '../spec/system.js';
import type { Precision } from '../model/ops.js';
import type { LatencyBreakdown } from '../simulate.js';
import type { FormatCounts } from '../pim/run.js';
import { qualityNote, QUALITY_CAVEAT, type QualityNote } from './lowbitQuality.js';

export type ColumnBound = 'dram-column-rate' | 'activation-supply' | 'pu-lanes';
export type ActiveBound = ColumnBound | 'gemv-overhead' | 'non-gemv';

export interface FormatBound {
  readonly precision: Precision;
  readonly pack: string;
  readonly weightsPerColumn: number;
  readonly lanes: number;
  readonly activationBits: number;
  readonly globalBufferReadBits: number;
  /** ns per column each limit allows, and the column time that results (the MAC spacing). */
  readonly columnRateNs: number;
  readonly activationSupplyNs: number;
  readonly lanesNs: number;
  readonly macNsPerColumn: number;
  readonly bound: ColumnBound;
  /** Weights per ns per bank, and over BF16's. */
  readonly weightsPerNsPerBank: number;
  readonly macRateOverBf16: number;
  /** The same at the DRAM column rate (a global buffer wide enough), and the read width that needs. */
  readonly macRateOverBf16AtColumnRate: number;
  readonly globalBufferReadBitsForColumnRate: number;
  readonly bankColumns: number;
  /** This format's share of the run's MAC time (by bank columns x column time), per token (ns). */
  readonly macNsPerToken: number;
}

export interface LowBitExplanation {
  readonly formats: readonly FormatBound[];
  /** Per token (ns): MAC, GEMV overheads (activate/precharge + load/readout), non-GEMV (ASIC + refresh + waiting). */
  readonly perTokenNs: { readonly total: number; readonly mac: number; readonly gemvOverhead: number; readonly nonGemv: number };
  readonly activeBound: ActiveBound;
  /** Token time if every low-bit MAC ran at the DRAM column rate, and if MAC time were zero. */
  readonly tokenNsAtColumnRate: number;
  readonly tokenNsWithoutMac: number;
  readonly explanation: string;
  readonly accuracy: readonly QualityNote[];
  readonly accuracyCaveat: string;
}

const f1 = (x: number) => x.toFixed(1);
const pct = (x: number, total: number) => `${total > 0 ? Math.round((100 * x) / total) : 0}%`;

export function formatBound(system: SystemSpec, unit: FormatUnit): Omit<FormatBound, 'bankColumns' | 'macNsPerToken'> {
  const m = system.memory, t = m.timing;
  const tckNs = m.tCK_ps / 1000;
  const puNs = 1e9 / system.pu.clockHz;
  const columnRateNs = Math.max(t.nCCDS ?? 0, t.nCCDL ?? 0) * tckNs;
  const activationSupplyNs = unit.gbReadsPerColumn * system.pu.banksPerPu * puNs;
  const lanesNs = Math.ceil(unit.weightsPerColumn / unit.lanes) * system.pu.banksPerPu * puNs;
  const macNsPerColumn = unit.macSpacingCycles * tckNs;
  const bound: ColumnBound = columnRateNs >= activationSupplyNs && columnRateNs >= lanesNs ? 'dram-column-rate' : activationSupplyNs >= lanesNs ? 'activation-supply' : 'pu-lanes';
  const bf16 = system.pu.byFormat.bf16;
  // BF16's rate on the same memory and PU clock (16 lanes of a 32 B column), also when the system lacks bf16.
  const bf16NsPerWeight = bf16 ? (bf16.macSpacingCycles * tckNs) / bf16.weightsPerColumn : Math.max(columnRateNs, puNs * system.pu.banksPerPu) / ((m.accessBytes * 8) / 16);
  const atColumnRateNs = Math.max(columnRateNs, lanesNs);
  return {
    precision: unit.precision, pack: unit.pack, weightsPerColumn: unit.weightsPerColumn, lanes: unit.lanes, activationBits: unit.activationBits,
    globalBufferReadBits: system.pu.globalBufferReadBits,
    columnRateNs, activationSupplyNs, lanesNs, macNsPerColumn, bound,
    weightsPerNsPerBank: unit.weightsPerColumn / macNsPerColumn,
    macRateOverBf16: bf16NsPerWeight / (macNsPerColumn / unit.weightsPerColumn),
    macRateOverBf16AtColumnRate: bf16NsPerWeight / (atColumnRateNs / unit.weightsPerColumn),
    globalBufferReadBitsForColumnRate: Math.ceil((unit.weightsPerColumn * unit.activationBits) / Math.max(1, Math.floor(atColumnRateNs / (system.pu.banksPerPu * puNs)))),
  };
}

/** The bound explanation of a run: per-format column bounds, the per-token split, and the accuracy cost. */
export function explainLowBit(system: SystemSpec, formats: FormatCounts, breakdown: LatencyBreakdown): LowBitExplanation {
  const used = (Object.keys(formats.bankColumnsByPrecision) as Precision[]).filter((p) => (formats.bankColumnsByPrecision[p] ?? 0) > 0);
  const weight = (p: Precision) => (formats.bankColumnsByPrecision[p] ?? 0) * system.pu.byFormat[p]!.macSpacingCycles;
  const totalWeight = used.reduce((a, p) => a + weight(p), 0);
  const fb: FormatBound[] = used.map((p) => ({
    ...formatBound(system, system.pu.byFormat[p]!),
    bankColumns: formats.bankColumnsByPrecision[p] ?? 0,
    macNsPerToken: totalWeight > 0 ? (breakdown.mac * weight(p)) / totalWeight : 0,
  }));
  const b = breakdown;
  const total = b.mac + b.activatePrecharge + b.loadReadout + b.refresh + b.asic + b.waiting;
  const gemvOverhead = b.activatePrecharge + b.loadReadout;
  const nonGemv = b.asic + b.refresh + b.waiting;
  // The largest of MAC, GEMV overheads and non-GEMV work; MAC time is named by the column bound
  // of the format that spends most of it.
  const top = fb.reduce<FormatBound | undefined>((a, f) => (!a || f.macNsPerToken > a.macNsPerToken ? f : a), undefined);
  const activeBound: ActiveBound = b.mac >= gemvOverhead && b.mac >= nonGemv && top ? top.bound : gemvOverhead >= nonGemv ? 'gemv-overhead' : 'non-gemv';
  const saved = fb.reduce((a, f) => a + f.macNsPerToken * (1 - Math.max(f.columnRateNs, f.lanesNs) / f.macNsPerColumn), 0);
  const tokenNsAtColumnRate = total - saved;
  const tokenNsWithoutMac = total - b.mac;

  const lines = fb.map((f) => {
    const limits = `column ${f1(f.columnRateNs)} ns, activation supply ${f.activationSupplyNs.toFixed(1)} ns (${f.weightsPerColumn} x ${f.activationBits}-bit activations over ${f.globalBufferReadBits}-bit buffer reads), lanes ${f1(f.lanesNs)} ns`;
    const tail = f.bound === 'activation-supply'
      ? `; at the DRAM column rate (buffer reads of ${f.globalBufferReadBitsForColumnRate} bits) it would be ${f1(f.macRateOverBf16AtColumnRate)}x`
      : '';
    return `${f.precision}: ${f.weightsPerColumn} weights per column, ${f1(f.macNsPerColumn)} ns per column (${limits}): bound by the ${f.bound.replace(/-/g, ' ')}, ${f1(f.weightsPerNsPerBank)} weights/ns per bank = ${f1(f.macRateOverBf16)}x BF16${tail}.`;
  });
  const us = (ns: number) => `${(ns / 1000).toFixed(1)} us`;
  lines.push(`Per token: MAC ${us(b.mac)} (${pct(b.mac, total)}), GEMV overheads ${us(gemvOverhead)} (${pct(gemvOverhead, total)}: row activation ${us(b.activatePrecharge)}, buffer loads and readouts ${us(b.loadReadout)}), non-GEMV ${us(nonGemv)} (${pct(nonGemv, total)}: ASIC ${us(b.asic)}, refresh ${us(b.refresh)}, waiting ${us(b.waiting)}).`);
  const what: Record<ActiveBound, string> = {
    'activation-supply': `MAC time, mostly ${top?.precision} under the global-buffer activation supply: a wider buffer read (or fewer activation bits) would help most`,
    'dram-column-rate': `MAC time, mostly ${top?.precision} at the DRAM column rate: only more banks or channels (or fewer weight bits) would help`,
    'pu-lanes': `MAC time, mostly ${top?.precision} under the PU lane count: more lanes would help`,
    'gemv-overhead': 'GEMV overheads (row activations, buffer loads, readouts): fewer, longer rows or fewer readouts would help',
    'non-gemv': 'non-GEMV work (ASIC, refresh, waiting): faster GEMVs no longer help much',
  };
  lines.push(`Active bound: ${what[activeBound]}. With every MAC at the column rate a token would take ${us(tokenNsAtColumnRate)} (${f1(total / tokenNsAtColumnRate)}x); with no MAC time at all ${us(tokenNsWithoutMac)} (at most ${f1(total / Math.max(1, tokenNsWithoutMac))}x).`);
  return {
    formats: fb,
    perTokenNs: { total, mac: b.mac, gemvOverhead, nonGemv },
    activeBound, tokenNsAtColumnRate, tokenNsWithoutMac,
    explanation: lines.join(' '),
    accuracy: fb.map((f) => qualityNote(f.precision, f.activationBits)),
    accuracyCaveat: QUALITY_CAVEAT,
  };
}
