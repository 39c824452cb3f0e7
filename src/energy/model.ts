/**
 * Energy of a PIM run, computed after the run from its statistics (never inside the simulation
 * loop): Σ action count x energy per action, plus power x time for the background terms.
 *
 * DRAM background needs the time rows were open. PimStats does not record it yet, so unless the
 * caller passes `rowOpenNsPerChannel`, active standby is charged for the MAC, activate, readout
 * and load categories of breakdownNs and precharge standby for the rest (precharge, refresh,
 * waiting). Rows left open while a channel waits are thus charged precharge standby: a slight
 * underestimate, stated in the report.
 */
import type { AsicOp } from '../asic/latency.js';
import type { CommandName } from '../spec/commands.js';
import type { FormatCounts, PimStats } from '../pim/run.js';
import { PRECISIONS } from '../spec/formats.js';
import { PACK_FORMATS, type PackFormat } from '../quant/pack.js';
import { InputError } from '../util/errors.js';
import type { SystemSpec } from '../spec/system.js';
import { actionField, asicOpEnergy, energyField, fmt, macBankColumnFigure, MissingFigure, powerField } from './figures.js';
import type { EnergyTable } from './table.js';

export const ENERGY_COMPONENTS = [
  'dramActiveStandby', 'dramPrechargeStandby', 'activation', 'columnRead', 'columnWrite', 'pimMac',
  'globalBufferWrite', 'globalBufferRead', 'link', 'modeSwitch', 'refresh', 'asicDynamic', 'asicStatic',
] as const;
/**
 * Components present only when the run needs them: the global-buffer bits low-bit MACs read beyond
 * the one column per MAC that globalBufferRead charges (a format whose column needs several reads).
 */
export const OPTIONAL_ENERGY_COMPONENTS = ['globalBufferReadLowBit'] as const;
export type EnergyComponentName = (typeof ENERGY_COMPONENTS)[number] | (typeof OPTIONAL_ENERGY_COMPONENTS)[number];

export interface EnergyComponent {
  readonly name: EnergyComponentName;
  readonly energyPj: number;
  /** Actions counted (or ns for power x time terms), in `unit`. */
  readonly count: number;
  readonly unit: string;
  /** How energyPj was computed, with the figures used. */
  readonly formula: string;
}

export interface EnergyReport {
  readonly system: string;
  readonly table: string;
  readonly tableFile: string;
  readonly totalPj: number;
  /** totalPj over the run time (pJ/ns = mW). */
  readonly averagePowerMw: number;
  readonly components: readonly EnergyComponent[];
  /** Every component of ENERGY_COMPONENTS, and the optional ones the run needed. */
  readonly byComponent: Readonly<Record<(typeof ENERGY_COMPONENTS)[number], number> & Partial<Record<EnergyComponentName, number>>>;
  /** The table's assumptions plus those of this computation. */
  readonly assumptions: readonly string[];
}

export interface EnergyOptions {
  /** The ASIC ops the run executed (asicOpsOf(program)); without them, busyPower x asicBusyNs. */
  readonly asicOps?: readonly AsicOp[];
  /**
   * Bank columns and MAC commands per weight format (PimMachine.formatCounts()); the bank columns
   * must sum to MAC16 x banks + MAC. Default: all bf16.
   */
  readonly formats?: FormatCounts;
  /** Average ns per channel during which any row was open; default: approximated (see above). */
  readonly rowOpenNsPerChannel?: number;
}

const BACKGROUND_NOTE = 'DRAM active standby is charged for the mac, activate, readout, load and mode-switch time of breakdownNs, precharge standby for the rest (PimStats has no row-open time yet); rows left open while a channel waits count as precharged.';

/** The ASIC ops of a program (the lowering lives with the mapping; re-exported for callers). */
export { asicOpsOf } from '../mapping/asicOps.js';

function count(stats: PimStats, names: readonly CommandName[]): number {
  return names.reduce((a, n) => a + (stats.commands[n] ?? 0), 0);
}

export function energyOf(stats: PimStats, system: SystemSpec, table: EnergyTable, opts: EnergyOptions = {}): EnergyReport {
  const p = table.preset, m = system.memory;
  if (stats.system !== system.name) throw new InputError(`the stats come from system "${stats.system}" but were priced for system "${system.name}"`);
  if (p.memory !== m.name) {
    throw new InputError(`energy preset "${table.name}" is written for memory "${p.memory}", but system "${system.name}" uses "${m.name}"`, table.file);
  }
  const channels = m.org.channels, banks = m.banksPerRank, columnBits = m.accessBytes * 8, ns = stats.ns;
  const b = stats.breakdownNs;
  let activeNs: number;
  const assumptions = [...p.assumptions];
  if (opts.rowOpenNsPerChannel !== undefined) {
    activeNs = opts.rowOpenNsPerChannel;
    if (!(activeNs >= 0 && activeNs <= ns + 1e-9)) throw new InputError(`rowOpenNsPerChannel must be between 0 and the run time ${ns} ns, got ${activeNs}`);
  } else {
    activeNs = Math.min(ns, b.mac + b.activate + b.readout + b.load + b.mode);
    assumptions.push(BACKGROUND_NOTE);
  }
  const mac16 = stats.commands.MAC16 ?? 0, mac1 = stats.commands.MAC ?? 0;
  const bankColumns = mac16 * banks + mac1;

  const components: EnergyComponent[] = [];
  const missing: string[] = [];
  const add = (name: EnergyComponentName, needed: boolean, unit: string, n: number, compute: () => { pj: number; formula: string }) => {
    if (!needed) {
      components.push({ name, energyPj: 0, count: n, unit, formula: `0 ${unit}` });
      return;
    }
    try {
      const r = compute();
      components.push({ name, energyPj: r.pj, count: n, unit, formula: r.formula });
    } catch (e) {
      if (!(e instanceof MissingFigure)) throw e;
      missing.push(`field ${e.field} (needed for ${e.neededFor})`);
    }
  };
  const times = (n: number, unit: string, f: { pj: number; formula: string }) => ({ pj: n * f.pj, formula: `${fmt(n)} ${unit} x ${f.formula}` });

  add('dramActiveStandby', ns > 0, 'ns', activeNs, () => {
    const pw = powerField(table, 'dram.background.activeStandbyPerChannel', 'DRAM background');
    return { pj: channels * pw.mw * activeNs, formula: `${channels} channels x ${pw.text} x ${fmt(activeNs)} ns with rows open` };
  });
  add('dramPrechargeStandby', ns > 0, 'ns', ns - activeNs, () => {
    const pw = powerField(table, 'dram.background.prechargeStandbyPerChannel', 'DRAM background');
    return { pj: channels * pw.mw * (ns - activeNs), formula: `${channels} channels x ${pw.text} x ${fmt(ns - activeNs)} ns precharged` };
  });
  add('activation', stats.activations > 0, 'bank activations', stats.activations, () =>
    times(stats.activations, 'bank activations', actionField(table, 'dram.activation', system, `${stats.activations} bank activations`)));
  for (const [name, path, plain] of [['columnRead', 'dram.columnRead', 'RD'], ['columnWrite', 'dram.columnWrite', 'WR']] as const) {
    const entry = p.dram[name];
    const cmds = entry?.commands ?? [plain];
    const n = count(stats, cmds);
    add(name, n > 0 || (stats.commands[plain] ?? 0) > 0, `${cmds.join('/')} commands`, n, () => {
      if (!entry || !entry.commands.includes(plain)) throw new MissingFigure(`${path}.commands (must include ${plain})`, `${stats.commands[plain] ?? 0} ${plain} commands`);
      return times(n, `${cmds.join('/')} commands`, actionField(table, `${path}.energy`, system, `${n} ${cmds.join('/')} commands`));
    });
  }
  // Each weight format's columns and buffer reads, from the PU's description of the format.
  const byFormat: Partial<Record<PackFormat, number>> = opts.formats ? {} : { bf16: bankColumns };
  let extraBits = 0;
  if (opts.formats) {
    const { bankColumnsByPrecision: cols, macCommandsByPrecision: macs } = opts.formats;
    for (const f of PRECISIONS) {
      const c = cols[f] ?? 0, n = macs[f] ?? 0;
      if (c === 0 && n === 0) continue;
      const unit = system.pu.byFormat[f];
      if (!unit) throw new InputError(`the run MACed ${f} weights, but the ${system.name} PUs have no ${f} unit`);
      byFormat[unit.pack] = (byFormat[unit.pack] ?? 0) + c;
      extraBits += n * Math.max(0, unit.gbReadsPerColumn * system.pu.globalBufferReadBits - columnBits);
    }
  }
  add('pimMac', bankColumns > 0, 'bank columns', bankColumns, () => {
    const sum = Object.values(byFormat).reduce((a, x) => a + (x ?? 0), 0);
    if (sum !== bankColumns) throw new InputError(`the formats' bank columns sum to ${sum}, but the run MACed ${bankColumns} (${mac16} MAC16 x ${banks} banks + ${mac1} MAC)`);
    let pj = 0;
    const parts: string[] = [];
    for (const f of PACK_FORMATS) {
      const n = byFormat[f] ?? 0;
      if (n <= 0) continue;
      const fig = macBankColumnFigure(table, system, f);
      pj += n * fig.pj;
      parts.push(`${fmt(n)} ${f} bank columns x ${fig.formula}`);
    }
    return { pj, formula: parts.join('; ') };
  });
  const wrgb = stats.commands.WRGB ?? 0;
  add('globalBufferWrite', wrgb > 0, 'WRGB commands', wrgb, () => {
    const e = energyField(table, 'pim.globalBuffer.writePerBit', `${wrgb} WRGB commands`);
    const copies = needCopies(table, `${wrgb} WRGB commands`);
    return { pj: wrgb * copies * columnBits * e.pj, formula: `${wrgb} WRGB x ${copies} copies x ${columnBits} bits x ${e.formula}/bit` };
  });
  add('globalBufferRead', mac16 + mac1 > 0, 'MAC commands', mac16 + mac1, () => {
    const e = energyField(table, 'pim.globalBuffer.readPerBit', `${mac16 + mac1} MAC commands`);
    const copies = needCopies(table, `${mac16} MAC16 commands`);
    const reads = mac16 * copies + mac1;
    return { pj: reads * columnBits * e.pj, formula: `(${mac16} MAC16 x ${copies} copies + ${mac1} MAC) x ${columnBits} bits x ${e.formula}/bit` };
  });
  add('link', stats.externalBytes > 0, 'bytes', stats.externalBytes, () => {
    const e = energyField(table, 'link.perBit', `${stats.externalBytes} bytes over the link`);
    return { pj: stats.externalBytes * 8 * e.pj, formula: `${stats.externalBytes} B x 8 bits x ${e.formula}/bit` };
  });
  const switchCmd = m.registerMode?.switch ?? 'TMOD';
  const switches = stats.commands[switchCmd] ?? 0;
  add('modeSwitch', switches > 0, `${switchCmd} commands`, switches, () =>
    times(switches, `${switchCmd}`, actionField(table, 'pim.modeSwitch', system, `${switches} register-mode switches (${switchCmd})`)));
  const refAb = stats.commands.REFab ?? 0, refPb = stats.commands.REFpb ?? 0;
  add('refresh', refAb + refPb > 0, 'refresh commands', refAb + refPb, () => {
    const ab = refAb > 0 ? times(refAb, 'REFab', actionField(table, 'dram.refresh.allBank', system, `${refAb} REFab`)) : { pj: 0, formula: '' };
    const pb = refPb > 0 ? times(refPb, 'REFpb', actionField(table, 'dram.refresh.perBank', system, `${refPb} REFpb`)) : { pj: 0, formula: '' };
    return { pj: ab.pj + pb.pj, formula: [ab.formula, pb.formula].filter(Boolean).join(' + ') };
  });
  if (opts.asicOps) {
    const ops = opts.asicOps;
    add('asicDynamic', ops.length > 0, 'ASIC ops', ops.length, () => {
      let arith = 0, sram = 0, laneOps = 0, sramBits = 0;
      for (const op of ops) {
        const r = asicOpEnergy(table, op, system.asic);
        arith += r.arithmeticPj;
        sram += r.sramPj;
        laneOps += r.laneOps;
        sramBits += r.sramBits;
      }
      const a = p.asic;
      return {
        pj: arith + sram,
        formula: `${ops.length} ops: ${fmt(laneOps)} lane ops (add-unit stages and tree adds at fp32 add ${a.fp32Add}, other stages at an fp32 FMA ${a.fp32Add} + ${a.fp32Mult}) = ${fmt(arith)} pJ + ${fmt(sramBits)} SRAM bits x ${a.sramPerBit} = ${fmt(sram)} pJ`,
      };
    });
  } else {
    add('asicDynamic', stats.asicBusyNs > 0, 'ns busy', stats.asicBusyNs, () => {
      const pw = powerField(table, 'asic.busyPower', `ASIC dynamic energy of ${fmt(stats.asicBusyNs)} busy ns (or pass asicOps)`);
      return { pj: pw.mw * stats.asicBusyNs, formula: `${pw.text} x ${fmt(stats.asicBusyNs)} ns busy (no op list given)` };
    });
  }
  add('asicStatic', ns > 0, 'ns', ns, () => {
    const pw = powerField(table, 'asic.staticPower', 'ASIC static energy');
    return { pj: pw.mw * ns, formula: `${pw.text} x ${fmt(ns)} ns` };
  });

  // Low-bit MACs whose column needs several buffer reads read more than the column charged above.
  if (extraBits > 0) {
    add('globalBufferReadLowBit', true, 'bits', extraBits, () => {
      const e = energyField(table, 'pim.globalBuffer.readPerBit', 'low-bit global-buffer reads');
      const copies = table.preset.pim.globalBuffer?.copies ?? 1;
      return {
        pj: extraBits * copies * e.pj,
        formula: `${extraBits} extra bits read by low-bit MACs (reads per column x ${system.pu.globalBufferReadBits} bits beyond the one column energyOf counts) x ${copies} copies x ${e.formula}/bit`,
      };
    });
  }
  if (missing.length) {
    throw new InputError(`energy preset "${table.name}" lacks figures this run of ${system.name} needs:\n  ${missing.join('\n  ')}`, table.file);
  }
  const byComponent = Object.fromEntries(ENERGY_COMPONENTS.map((n) => [n, 0])) as Record<EnergyComponentName, number>;
  for (const c of components) byComponent[c.name] = (byComponent[c.name] ?? 0) + c.energyPj;
  const totalPj = components.reduce((a, c) => a + c.energyPj, 0);
  return {
    system: system.name,
    table: table.name,
    tableFile: table.file,
    totalPj,
    averagePowerMw: ns > 0 ? totalPj / ns : 0,
    components,
    byComponent,
    assumptions,
  };
}

function needCopies(table: EnergyTable, neededFor: string): number {
  const c = table.preset.pim.globalBuffer?.copies;
  if (c === undefined) throw new MissingFigure('pim.globalBuffer.copies', neededFor);
  return c;
}

/** A plain-text table of a report: component, energy, share, formula. */
export function formatEnergyReport(r: EnergyReport): string {
  const lines = [`Energy of ${r.system} (table ${r.table}): ${fmt(r.totalPj / 1e6)} uJ, average ${fmt(r.averagePowerMw / 1000)} W`];
  for (const c of r.components) {
    const share = r.totalPj > 0 ? (100 * c.energyPj) / r.totalPj : 0;
    lines.push(`  ${c.name.padEnd(20)} ${fmt(c.energyPj / 1e6).padStart(10)} uJ ${share.toFixed(1).padStart(5)}%  ${c.formula}`);
  }
  return lines.join('\n');
}
