/**
 * The PIM machine: one sequencer per channel and the ASIC on one event engine, with the functional
 * datapath when given. Programs run one after another on it (a token after a token), so DRAM
 * state, refresh phase and time carry over; `runProgram` runs a single program on a fresh machine.
 */
import { Engine } from '../sim/engine.js';
import { COMMAND_NAMES, NUM_COMMANDS, type CommandName } from '../spec/commands.js';
import type { CommandSink } from '../dram/controller.js';
import type { SystemSpec } from '../spec/system.js';
import { AsicUnit } from './asicUnit.js';
import { Datapath } from './datapath.js';
import type { Program } from './program.js';
import { CATEGORIES, Runtime, type Category } from './runtime.js';
import { PRECISIONS, type Precision } from '../model/ops.js';
import { ChannelSequencer, type Fidelity } from './sequencer.js';
import { ChannelTiming } from '../dram/timing.js';
import { InstructionMemo } from './memo.js';

export interface RunOptions {
  readonly fidelity?: Fidelity;
  /** Functional mode: pass a datapath holding bank contents and host vectors. */
  readonly datapath?: Datapath;
  readonly onCommand?: CommandSink;
  /**
   * Exact instruction memo (fast fidelity only; memo.ts): on by default, `false` to run every
   * instruction, or a memo to share with other machines of the same system.
   */
  readonly memo?: boolean | InstructionMemo;
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
  /** MAC-busy PU cycles (each format's column at its own MAC spacing) over all PU cycles of the run. */
  readonly puUtilization: number;
  readonly internalBandwidthGBs: number;
  readonly peakInternalBandwidthGBs: number;
  readonly internalBandwidthFraction: number;
  readonly externalBytes: number;
  readonly asicBusyNs: number;
  readonly asicOps: number;
  /** Time with at least one row open, averaged over channels (ns): DRAM active standby. */
  readonly rowOpenNs: number;
  /** Per-channel time by category, averaged over channels (ns). */
  readonly breakdownNs: Readonly<Record<Category, number>>;
  readonly perChannel: readonly { channel: number; busyNs: number; commands: Partial<Record<CommandName, number>> }[];
}

/**
 * Per weight format (absent when unused): bank columns MACed and MAC commands (MAC16 and MAC
 * count one each), which PimStats does not split; the energy model prices them per format.
 */
export interface FormatCounts {
  readonly bankColumnsByPrecision: Readonly<Partial<Record<Precision, number>>>;
  readonly macCommandsByPrecision: Readonly<Partial<Record<Precision, number>>>;
}

function counts(a: ArrayLike<number>): Partial<Record<CommandName, number>> {
  const out: Partial<Record<CommandName, number>> = {};
  COMMAND_NAMES.forEach((n, i) => { if (a[i]) out[n] = a[i]; });
  return out;
}

export class PimMachine {
  readonly engine = new Engine();
  readonly sequencers: ChannelSequencer[];
  readonly asic: AsicUnit;
  readonly fidelity: Fidelity;
  readonly memo: InstructionMemo | null;
  instructions = 0;
  /** Cycle at which the last program finished. */
  end = 0;

  constructor(
    readonly system: SystemSpec,
    opts: RunOptions = {},
  ) {
    this.fidelity = opts.fidelity ?? 'fast';
    const datapath = opts.datapath ?? null;
    const m = system.memory;
    const memo = opts.memo ?? true;
    // The memo serves fast fidelity without a datapath or command log (where every command matters).
    const usable = this.fidelity === 'fast' && !datapath && !opts.onCommand;
    this.memo = memo === false || !usable ? null : memo === true ? new InstructionMemo(new ChannelTiming(m), m.banksPerRank * m.rankSlots) : memo;
    this.sequencers = Array.from({ length: m.org.channels }, (_, c) => new ChannelSequencer(this.engine, system, c, this.fidelity, datapath, opts.onCommand, this.memo));
    this.asic = new AsicUnit(this.engine, system.asic, m.tCK_ps, datapath);
  }

  /** Run a program to completion, starting no earlier than the previous one ended. Returns its end cycle. */
  run(program: Program): number {
    const rt = new Runtime(program, this.end);
    for (const s of this.sequencers) s.attach(rt);
    this.asic.attach(rt);
    for (const ins of program.instructions) {
      if (ins.op === 'ASIC') rt.setOwner(ins.index, this.asic);
      else if (ins.op !== 'BARRIER') this.sequencers[ins.channel].own(ins.index);
    }
    rt.start();
    this.engine.run(() => rt.finished);
    this.end = Math.max(rt.lastDone, this.end);
    // Channels that finished early keep refreshing until the program's end, in both fidelities.
    this.engine.run(() => false, this.end);
    this.instructions += program.instructions.length;
    for (const s of this.sequencers) s.finish(this.end);
    return this.end;
  }

  /** Bank columns and MAC commands per weight format of everything run so far. */
  formatCounts(): FormatCounts {
    const cols: Partial<Record<Precision, number>> = {}, cmds: Partial<Record<Precision, number>> = {};
    PRECISIONS.forEach((p, i) => {
      const c = this.sequencers.reduce((a, s) => a + s.bankColumnsByPrecision[i], 0);
      const n = this.sequencers.reduce((a, s) => a + s.macCommandsByPrecision[i], 0);
      if (c === 0 && n === 0) return;
      cols[p] = c;
      cmds[p] = n;
    });
    return { bankColumnsByPrecision: cols, macCommandsByPrecision: cmds };
  }

  /** Statistics of everything run so far. */
  stats(): PimStats {
    const { system } = this;
    const m = system.memory;
    const cycles = this.end;
    const seqs = this.sequencers;
    const total = new Float64Array(NUM_COMMANDS);
    for (const s of seqs) s.commands.forEach((v, i) => (total[i] += v));
    const c = counts(total);
    const tns = m.tCK_ps / 1000;
    const banks = m.banksPerRank;
    const mac16 = c.MAC16 ?? 0, mac1 = c.MAC ?? 0;
    const bankColumns = mac16 * banks + mac1;
    const activations = (c.ACT16 ?? 0) * banks + (c.ACT4 ?? 0) * m.org.banksPerGroup + (c.ACT ?? 0);
    const pus = m.org.channels * (banks / system.pu.banksPerPu);
    // A PU is busy its format's MAC spacing per column it MACs for all its banks: per bank column, a share.
    let busy = 0;
    PRECISIONS.forEach((p, i) => {
      const c = seqs.reduce((a, s) => a + s.bankColumnsByPrecision[i], 0);
      if (c > 0) busy += (c * system.pu.byFormat[p]!.macSpacingCycles) / system.pu.banksPerPu;
    });
    const ns = cycles * tns;
    const internalBytes = bankColumns * m.accessBytes;
    const peakInternal = (m.org.channels * banks * m.accessBytes) / (system.pu.macSpacingCycles * tns);
    const breakdown = Object.fromEntries(CATEGORIES.map((k, i) => [k, (seqs.reduce((a, s) => a + s.time[i], 0) / seqs.length) * tns])) as Record<Category, number>;
    const waiting = CATEGORIES.indexOf('waiting');
    return {
      system: system.name,
      fidelity: this.fidelity,
      cycles,
      ns,
      instructions: this.instructions,
      commands: c,
      macCommands: mac16 + mac1,
      activations,
      rowHitRate: bankColumns > 0 ? Math.max(0, 1 - Math.min(activations, bankColumns) / bankColumns) : 0,
      puUtilization: cycles > 0 ? busy / (pus * cycles) : 0,
      internalBandwidthGBs: ns > 0 ? internalBytes / ns : 0,
      peakInternalBandwidthGBs: peakInternal,
      internalBandwidthFraction: ns > 0 ? internalBytes / ns / peakInternal : 0,
      externalBytes: ((c.WRGB ?? 0) + (c.RDMAC16 ?? 0) + (c.WRBIAS ?? 0) + (c.RD ?? 0) + (c.WR ?? 0)) * m.accessBytes,
      asicBusyNs: this.asic.busyCycles * tns,
      asicOps: this.asic.ops,
      rowOpenNs: (seqs.reduce((a, s) => a + s.rowOpen[0], 0) / seqs.length) * tns,
      breakdownNs: breakdown,
      perChannel: seqs.map((s) => ({ channel: s.channel, busyNs: (cycles - s.time[waiting]) * tns, commands: counts(s.commands) })),
    };
  }
}

export function runProgram(system: SystemSpec, program: Program, opts: RunOptions = {}): PimStats {
  const machine = new PimMachine(system, opts);
  machine.run(program);
  return machine.stats();
}
