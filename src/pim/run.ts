/**
 * Run a PIM program on a system: one sequencer per channel, the ASIC, the functional datapath
 * (optional), all on one event engine. Returns the statistics of the run.
 */
import { Engine } from '../sim/engine.js';
import { COMMAND_NAMES, NUM_COMMANDS, type CommandName } from '../dram/commands.js';
import type { CommandSink } from '../dram/controller.js';
import type { SystemSpec } from '../spec/system.js';
import { AsicUnit } from './asicUnit.js';
import { Datapath } from './datapath.js';
import type { Program } from './program.js';
import { CATEGORIES, Runtime, type Category } from './runtime.js';
import { ChannelSequencer, type Fidelity } from './sequencer.js';

export interface RunOptions {
  readonly fidelity?: Fidelity;
  /** Functional mode: pass a datapath holding bank contents and host vectors. */
  readonly datapath?: Datapath;
  readonly onCommand?: CommandSink;
}

export interface PimStats {
  readonly system: string;
  readonly fidelity: Fidelity;
  readonly cycles: number;
  readonly ns: number;
  readonly instructions: number;
  readonly commands: Partial<Record<CommandName, number>>;
  /** All-bank MAC commands plus single-bank MACs. */
  readonly macCommands: number;
  /** Bank activations (ACT16 counts every bank it opens). */
  readonly activations: number;
  /** Bank column accesses by MACs that found their row open. */
  readonly rowHitRate: number;
  /** MAC-busy PU cycles over all PU cycles of the run. */
  readonly puUtilization: number;
  readonly internalBandwidthGBs: number;
  readonly peakInternalBandwidthGBs: number;
  readonly internalBandwidthFraction: number;
  readonly externalBytes: number;
  readonly asicBusyNs: number;
  /** Per-channel time by category, averaged over channels (ns). */
  readonly breakdownNs: Readonly<Record<Category, number>>;
  readonly perChannel: readonly { channel: number; busyNs: number; commands: Partial<Record<CommandName, number>> }[];
}

function counts(a: ArrayLike<number>): Partial<Record<CommandName, number>> {
  const out: Partial<Record<CommandName, number>> = {};
  COMMAND_NAMES.forEach((n, i) => { if (a[i]) out[n] = a[i]; });
  return out;
}

export function runProgram(system: SystemSpec, program: Program, opts: RunOptions = {}): PimStats {
  const fidelity = opts.fidelity ?? 'fast';
  const engine = new Engine();
  const rt = new Runtime(program, engine);
  const m = system.memory;
  const datapath = opts.datapath ?? null;
  const seqs = Array.from({ length: m.org.channels }, (_, c) => new ChannelSequencer(engine, rt, system, c, fidelity, datapath, opts.onCommand));
  const asic = new AsicUnit(engine, rt, system.asic, m.tCK_ps, datapath);
  for (const ins of program.instructions) {
    if (ins.op === 'ASIC') rt.setOwner(ins.index, asic);
    else if (ins.op !== 'BARRIER') seqs[ins.channel].own(ins.index);
  }
  rt.start();
  engine.run(() => rt.finished);
  const cycles = Math.max(rt.lastDone, engine.now);
  for (const s of seqs) s.finish(cycles);

  const total = new Float64Array(NUM_COMMANDS);
  for (const s of seqs) s.commands.forEach((v, i) => (total[i] += v));
  const c = counts(total);
  const tns = m.tCK_ps / 1000;
  const banks = m.banksPerRank;
  const mac16 = c.MAC16 ?? 0, mac1 = c.MAC ?? 0;
  const bankColumns = mac16 * banks + mac1;
  const activations = (c.ACT16 ?? 0) * banks + (c.ACT4 ?? 0) * m.org.banksPerGroup + (c.ACT ?? 0);
  const macActs = Math.min(activations, bankColumns);
  const pus = m.org.channels * (banks / system.pu.banksPerPu);
  // One MAC keeps its PU busy for macSpacingCycles / banksPerPu... per bank column it serves.
  const busyPerBankColumn = system.pu.macSpacingCycles / system.pu.banksPerPu;
  const puUtilization = cycles > 0 ? (bankColumns * busyPerBankColumn) / (pus * cycles) : 0;
  const ns = cycles * tns;
  const internalBytes = bankColumns * m.accessBytes;
  const peakInternal = (m.org.channels * banks * m.accessBytes) / (system.pu.macSpacingCycles * tns);
  const breakdown = Object.fromEntries(CATEGORIES.map((k, i) => [k, (seqs.reduce((a, s) => a + s.time[i], 0) / seqs.length) * tns])) as Record<Category, number>;
  return {
    system: system.name,
    fidelity,
    cycles,
    ns,
    instructions: program.instructions.length,
    commands: c,
    macCommands: mac16 + mac1,
    activations,
    rowHitRate: bankColumns > 0 ? 1 - macActs / bankColumns : 0,
    puUtilization,
    internalBandwidthGBs: ns > 0 ? internalBytes / ns : 0,
    peakInternalBandwidthGBs: peakInternal,
    internalBandwidthFraction: ns > 0 ? internalBytes / ns / peakInternal : 0,
    externalBytes: ((c.WRGB ?? 0) + (c.RDMAC16 ?? 0) + (c.WRBIAS ?? 0) + (c.RD ?? 0) + (c.WR ?? 0)) * m.accessBytes,
    asicBusyNs: asic.busyCycles * tns,
    breakdownNs: breakdown,
    perChannel: seqs.map((s) => ({ channel: s.channel, busyNs: (cycles - s.time[CATEGORIES.indexOf('waiting')]) * tns, commands: counts(s.commands) })),
  };
}
