/**
 * Per-format statistics of a PIM run, which PimStats does not split: bank columns and MAC commands
 * per weight format (for energyOf's bankColumnsByFormat and the global-buffer reads of low-bit
 * MACs), and PU utilization with each format's own column time (PimStats counts the base spacing).
 */
import { PRECISIONS, type Precision } from '../model/ops.js';
import type { PackFormat } from '../quant/pack.js';
import type { PimMachine } from './run.js';

export interface LowBitRunStats {
  readonly bankColumnsByPrecision: Readonly<Partial<Record<Precision, number>>>;
  /** The same by pack format (ternary as its packing), as energyOf takes it. */
  readonly bankColumnsByFormat: Readonly<Partial<Record<PackFormat, number>>>;
  readonly macCommandsByPrecision: Readonly<Partial<Record<Precision, number>>>;
  /**
   * Global-buffer bits MAC commands read beyond one column each (energyOf charges one column per
   * MAC): sum over formats of MACs x (reads per column x read bits - column bits).
   */
  readonly extraGlobalBufferReadBits: number;
  /** MAC-busy PU cycles, at each format's column time, over all PU cycles of the run. */
  readonly puUtilization: number;
}

export function lowBitRunStats(machine: PimMachine): LowBitRunStats {
  const { system } = machine;
  const m = system.memory;
  const cols: Partial<Record<Precision, number>> = {}, cmds: Partial<Record<Precision, number>> = {};
  const byFormat: Partial<Record<PackFormat, number>> = {};
  let extraBits = 0, busy = 0;
  PRECISIONS.forEach((p, i) => {
    const c = machine.sequencers.reduce((a, s) => a + s.bankColumnsByPrecision[i], 0);
    const n = machine.sequencers.reduce((a, s) => a + s.macCommandsByPrecision[i], 0);
    if (c === 0 && n === 0) return;
    const unit = system.pu.byFormat[p]!;
    cols[p] = c;
    cmds[p] = n;
    byFormat[unit.pack] = (byFormat[unit.pack] ?? 0) + c;
    extraBits += n * Math.max(0, unit.gbReadsPerColumn * system.pu.globalBufferReadBits - m.accessBytes * 8);
    busy += (c * unit.macSpacingCycles) / system.pu.banksPerPu;
  });
  const pus = m.org.channels * (m.banksPerRank / system.pu.banksPerPu);
  return {
    bankColumnsByPrecision: cols, bankColumnsByFormat: byFormat, macCommandsByPrecision: cmds, extraGlobalBufferReadBits: extraBits,
    puUtilization: machine.end > 0 ? busy / (pus * machine.end) : 0,
  };
}
