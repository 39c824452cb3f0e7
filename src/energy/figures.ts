/**
 * Turning an energy table's figures into picojoules per action for one system, each with the
 * formula that produced it (reports show the formula next to the number).
 *
 * A figure the table lacks throws MissingFigure; energyOf collects them into one InputError.
 */
import { ASIC_ELEMENT_BYTES, asicPasses, type AsicOp } from '../asic/latency.js';
import type { AsicSpec } from '../spec/asic.js';
import { columnOps } from '../quant/datapathOps.js';
import type { PackFormat } from '../quant/pack.js';
import { InputError } from '../util/errors.js';
import { TIMING_KEYS, type TimingKey } from '../spec/memory.js';
import type { SystemSpec } from '../spec/system.js';
import { toMilliwatts, toPicojoules, toPicoseconds } from '../spec/units.js';
import type { ActionEnergy, EnergyTable, PuOpName } from './table.js';

/** An energy per action in pJ and how it was computed. */
export interface Figure {
  readonly pj: number;
  readonly formula: string;
}

/** A figure a component needs is absent from the table. */
export class MissingFigure extends Error {
  constructor(readonly field: string, readonly neededFor: string) {
    super(`no figure ${field} (needed for ${neededFor})`);
  }
}

/** mathjs leaves float noise ("0.11 pJ" -> 0.11000000000000001); 12 digits is plenty. */
const clean = (x: number): number => Number(x.toPrecision(12));

/** A number for formulas: at most 6 significant digits. */
export const fmt = (x: number): string => String(Number(x.toPrecision(6)));

/** Read a field path ("dram.activation") of the table's preset; undefined when absent. */
export function field(table: EnergyTable, path: string): unknown {
  let v: unknown = table.preset;
  for (const k of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function need<T>(table: EnergyTable, path: string, neededFor: string): T {
  const v = field(table, path);
  if (v === undefined || v === null) throw new MissingFigure(path, neededFor);
  return v as T;
}

function nonNegative(x: number, where: string, path: string): number {
  if (!Number.isFinite(x) || x < 0) throw new InputError(`field ${path}: expected zero or more, got ${x}`, where);
  return clean(x);
}

/** Energy in pJ of a plain quantity field ("5.5 pJ"). */
export function energyField(table: EnergyTable, path: string, neededFor: string): Figure {
  const v = need<number | string>(table, path, neededFor);
  const pj = nonNegative(toPicojoules(v, `${table.file}: ${path}`), table.file, path);
  return { pj, formula: typeof v === 'number' ? `${fmt(pj)} pJ` : v };
}

/** Power in mW of a plain quantity field ("263.75 mW"). */
export function powerField(table: EnergyTable, path: string, neededFor: string): { mw: number; text: string } {
  const v = need<number | string>(table, path, neededFor);
  const mw = nonNegative(toMilliwatts(v, `${table.file}: ${path}`), table.file, path);
  return { mw, text: typeof v === 'number' ? `${fmt(mw)} mW` : v };
}

function durationPs(d: number | string, system: SystemSpec, where: string, path: string): { ps: number; text: string } {
  const m = system.memory;
  if (typeof d === 'string' && (TIMING_KEYS as readonly string[]).includes(d.trim())) {
    const key = d.trim() as TimingKey;
    const cycles = m.timing[key];
    if (cycles === undefined) throw new InputError(`field ${path}: timing ${key} is not defined by memory preset "${m.name}"`, where);
    const ps = cycles * m.tCK_ps;
    return { ps, text: `${key} (${cycles} x ${fmt(m.tCK_ps / 1000)} ns = ${fmt(ps / 1000)} ns)` };
  }
  const ps = nonNegative(toPicoseconds(d, `${where}: ${path}`), where, path);
  return { ps, text: typeof d === 'number' ? `${fmt(ps / 1000)} ns` : d };
}

/** Resolve an action-energy field against a system's memory. */
export function actionField(table: EnergyTable, path: string, system: SystemSpec, neededFor: string): Figure {
  const v = need<ActionEnergy>(table, path, neededFor);
  const where = table.file, m = system.memory;
  if (typeof v === 'number' || typeof v === 'string') return energyField(table, path, neededFor);
  const times = v.times === 'banks' ? m.banksPerRank : (v.times ?? 1);
  const timesText = v.times === undefined ? '' : v.times === 'banks' ? ` x ${times} banks` : ` x ${fmt(times)}`;
  if ('power' in v) {
    const mw = nonNegative(toMilliwatts(v.power, `${where}: ${path}.power`), where, `${path}.power`);
    const d = durationPs(v.duration, system, where, `${path}.duration`);
    const pj = clean((mw * d.ps * times) / 1000);
    return { pj, formula: `${typeof v.power === 'number' ? `${fmt(mw)} mW` : v.power} x ${d.text}${timesText} = ${fmt(pj)} pJ` };
  }
  const perBit = nonNegative(toPicojoules(v.perBit, `${where}: ${path}.perBit`), where, `${path}.perBit`);
  const columnBits = m.accessBytes * 8;
  const bits = v.bits === 'row' ? m.burstsPerRow * columnBits : v.bits === 'column' ? columnBits : v.bits;
  const bitsText = typeof v.bits === 'string' ? `${bits} bits (one ${v.bits})` : `${bits} bits`;
  const pj = clean(perBit * bits * times);
  return { pj, formula: `${fmt(perBit)} pJ/bit x ${bitsText}${timesText} = ${fmt(pj)} pJ` };
}

/** PU arithmetic of one column step in a weight format: columnOps(format) x per-op energies. */
export function puColumnFigure(table: EnergyTable, format: PackFormat): Figure {
  const ops = columnOps(format);
  const neededFor = `PU arithmetic of a ${format} column`;
  const op = (name: PuOpName) => energyField(table, `pim.puOps.${name}`, neededFor).pj;
  const terms: [number, PuOpName][] = [];
  if (ops.multiplies > 0) terms.push([ops.multiplies, ops.multiplyKind === 'bf16' ? 'bf16Mult' : 'int8Mult']);
  if (ops.muxNegates > 0) terms.push([ops.muxNegates, 'muxNegate']);
  terms.push([ops.treeAdds, ops.addKind === 'fp32' ? 'fp32Add' : 'intTreeAdd']);
  terms.push([ops.accumulateAdds, ops.addKind === 'fp32' ? 'fp32Add' : 'int32Add']);
  let pj = 0;
  const parts: string[] = [];
  for (const [n, name] of terms) {
    const e = op(name);
    pj += n * e;
    parts.push(`${n} ${name} x ${fmt(e)}`);
  }
  pj = clean(pj);
  return { pj, formula: `${parts.join(' + ')} = ${fmt(pj)} pJ` };
}

/**
 * Energy of one bank column consumed by a MAC in `format`. With a lumped all-bank figure (which
 * includes bf16 arithmetic), other formats swap the bf16 arithmetic for their own.
 */
export function macBankColumnFigure(table: EnergyTable, system: SystemSpec, format: PackFormat): Figure {
  const banks = system.memory.banksPerRank;
  const mac = field(table, 'pim.mac') as { allBankCommand?: unknown; bankColumn?: unknown } | undefined;
  if (mac?.allBankCommand !== undefined) {
    const all = actionField(table, 'pim.mac.allBankCommand', system, 'PIM MACs');
    const perColumn = all.pj / banks;
    if (format === 'bf16') return { pj: clean(perColumn), formula: `all-bank MAC (${all.formula}) / ${banks} banks = ${fmt(perColumn)} pJ` };
    const bf = puColumnFigure(table, 'bf16'), own = puColumnFigure(table, format);
    const pj = clean(perColumn - bf.pj + own.pj);
    if (pj < 0) throw new InputError(`the lumped all-bank MAC (${fmt(perColumn)} pJ per bank) is smaller than its bf16 arithmetic (${fmt(bf.pj)} pJ); check pim.puOps`, table.file);
    return { pj, formula: `${fmt(perColumn)} pJ per bank column - bf16 arithmetic ${fmt(bf.pj)} + ${format} arithmetic (${own.formula}) = ${fmt(pj)} pJ` };
  }
  if (mac?.bankColumn === undefined) throw new MissingFigure('pim.mac.allBankCommand or pim.mac.bankColumn', 'PIM MACs');
  const cell = actionField(table, 'pim.mac.bankColumn', system, 'PIM MACs');
  const pu = puColumnFigure(table, format);
  const pj = clean(cell.pj + pu.pj);
  return { pj, formula: `cell access ${cell.formula} + ${format} arithmetic (${pu.formula}) = ${fmt(pj)} pJ` };
}

/**
 * Dynamic energy of one ASIC op: each pass's lane stages (an add on the add unit, an fp32 FMA =
 * mult + add on the others), its reduction-tree adds, and its SRAM traffic, ASIC_ELEMENT_BYTES per
 * element: each input read once (both addends on the add unit), each output written once (one per
 * row after a reduction). Layernorm's gamma and beta reads are not counted.
 */
export interface AsicOpEnergy {
  readonly pj: number;
  readonly arithmeticPj: number;
  readonly sramPj: number;
  /** Lane stages plus reduction-tree adds (equals asicLaneOps). */
  readonly laneOps: number;
  readonly sramBits: number;
}

export function asicOpEnergy(table: EnergyTable, op: AsicOp, asic: AsicSpec): AsicOpEnergy {
  const neededFor = 'ASIC dynamic energy from op counts';
  const add = energyField(table, 'asic.fp32Add', neededFor).pj;
  const mult = energyField(table, 'asic.fp32Mult', neededFor).pj;
  const sram = energyField(table, 'asic.sramPerBit', neededFor).pj;
  let arithmeticPj = 0, laneOps = 0, sramBits = 0;
  for (const p of asicPasses(op, asic)) {
    const stageOps = p.rows * p.perRow * p.stages;
    const treeAdds = p.reduces ? p.rows * (p.perRow - 1) : 0;
    arithmeticPj += stageOps * (p.unit === 'add' ? add : add + mult) + treeAdds * add;
    laneOps += stageOps + treeAdds;
    const reads = p.rows * p.perRow * (p.unit === 'add' ? 2 : 1);
    sramBits += (reads + (p.reduces ? p.rows : p.rows * p.perRow)) * ASIC_ELEMENT_BYTES * 8;
  }
  const sramPj = sramBits * sram;
  return { pj: arithmeticPj + sramPj, arithmeticPj, sramPj, laneOps, sramBits };
}
