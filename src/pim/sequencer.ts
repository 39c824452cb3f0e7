/**
 * One channel's PIM sequencer: executes the channel's instructions in program order, decoding each
 * into DRAM/PIM commands issued at the earliest cycle the timing rules allow.
 *
 * Rows: an all-bank MAC needs its row open in every bank (ACT16, after PREA if another row is
 * open); single-bank commands use ACT/PRE. Rows stay open after use, so consecutive instructions on
 * the same row hit. Refresh (all-bank) is done at instruction boundaries once due: PREA, REFab.
 *
 * Fidelity: 'command' wakes once per command. 'fast' issues a run of identical column commands
 * (MAC16 over a row, WRGB over a vector) as one event: the first at t0, the last at
 * t0 + (n - 1) x spacing, which is exact because the sequencer issues nothing else in between.
 */
import { COMMAND_ID, NUM_COMMANDS } from '../dram/commands.js';
import { ChannelTiming, CLOSED } from '../dram/timing.js';
import type { CommandSink } from '../dram/controller.js';
import { Waker, type Component, type Engine } from '../sim/engine.js';
import { InputError } from '../spec/errors.js';
import type { SystemSpec } from '../spec/system.js';
import type { Datapath } from './datapath.js';
import { CAT, CATEGORIES, type Executor, type Runtime } from './runtime.js';

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, PREA = COMMAND_ID.PREA, RD = COMMAND_ID.RD, WR = COMMAND_ID.WR;
const ACT16 = COMMAND_ID.ACT16, MAC = COMMAND_ID.MAC, MAC16 = COMMAND_ID.MAC16, WRGB = COMMAND_ID.WRGB;
const RDMAC16 = COMMAND_ID.RDMAC16, WRBIAS = COMMAND_ID.WRBIAS, REFAB = COMMAND_ID.REFab;

/** Category charged for the wait after each command. */
const CATEGORY_OF = new Int8Array(NUM_COMMANDS).fill(CAT.mac);
CATEGORY_OF[ACT] = CATEGORY_OF[ACT16] = CATEGORY_OF[COMMAND_ID.ACT4] = CAT.activate;
CATEGORY_OF[PRE] = CATEGORY_OF[PREA] = CAT.precharge;
CATEGORY_OF[WRGB] = CATEGORY_OF[WRBIAS] = CATEGORY_OF[WR] = CAT.load;
CATEGORY_OF[RDMAC16] = CATEGORY_OF[RD] = CAT.readout;
CATEGORY_OF[REFAB] = CATEGORY_OF[COMMAND_ID.REFpb] = CAT.refresh;

export type Fidelity = 'fast' | 'command';

export class ChannelSequencer implements Component, Executor {
  readonly timing: ChannelTiming;
  readonly commands = new Float64Array(NUM_COMMANDS);
  /** Cycles charged per category (see runtime.ts). */
  readonly time = new Float64Array(CATEGORIES.length);
  private readonly waker: Waker;
  private readonly list: number[] = [];
  private pos = 0;
  /** Commands of the current instruction's main kind issued so far. */
  private step = 0;
  /** Whether the current instruction has issued any command (refresh waits for the next boundary). */
  private started = false;
  private lastIssue = 0;
  private lastCat: number = CAT.waiting;
  private nextRefresh: number;
  private readonly refreshInterval: number;
  private readonly allBanks: number[];
  private readonly spacing: Float64Array;
  private readonly readDone: number;
  private readonly writeDone: number;

  constructor(
    engine: Engine,
    private readonly rt: Runtime,
    private readonly system: SystemSpec,
    readonly channel: number,
    private readonly fidelity: Fidelity,
    private readonly datapath: Datapath | null,
    private readonly onCommand?: CommandSink,
  ) {
    const m = system.memory;
    this.timing = new ChannelTiming(m);
    if (m.controller.refresh === 'per-bank') {
      throw new InputError(`PIM programs need controller.refresh "all-bank" or "off" (all-bank MACs keep every bank open); ${m.name} uses "per-bank"`);
    }
    this.refreshInterval = m.controller.refresh === 'all-bank' ? m.timing.nREFI! : Infinity;
    this.nextRefresh = this.refreshInterval;
    this.allBanks = [...Array(m.banksPerRank).keys()];
    this.spacing = Float64Array.from({ length: NUM_COMMANDS }, (_, c) => this.timing.selfSpacing(c));
    this.readDone = m.timing.nCL! + m.timing.nBL!;
    this.writeDone = m.timing.nCWL! + m.timing.nBL!;
    this.waker = new Waker(engine, engine.add(this));
  }

  /** Instructions are added in program order before the run starts. */
  own(index: number): void {
    this.list.push(index);
    this.rt.setOwner(index, this);
  }

  ready(index: number, at: number): void {
    if (this.list[this.pos] === index) this.waker.request(at);
  }

  get done(): boolean {
    return this.pos >= this.list.length;
  }

  /** The channel's time, closed at `end` (the rest is waiting). */
  finish(end: number): void {
    if (end > this.lastIssue) this.time[CAT.waiting] += end - this.lastIssue;
    this.lastIssue = end;
  }

  private issue(cmd: number, group: number, bank: number, row: number, col: number, t: number): void {
    this.timing.issue(cmd, 0, group, bank, row, t);
    this.commands[cmd]++;
    this.time[this.lastCat] += t - this.lastIssue;
    this.lastIssue = t;
    this.lastCat = CATEGORY_OF[cmd];
    this.onCommand?.(cmd, this.channel, 0, group, bank, row, col, t);
  }

  wake(now: number): void {
    if (!this.waker.accept(now)) return;
    const rt = this.rt, tm = this.timing;
    for (;;) {
      if (this.pos >= this.list.length) return;
      const i = this.list[this.pos];
      if (!this.started) {
        // Instruction boundary: refresh if due, else wait for dependencies.
        if (now >= this.nextRefresh) {
          const cmd = tm.openCount[0] > 0 ? PREA : REFAB;
          const t = tm.earliest(cmd, 0, 0, 0);
          if (t > now) return this.waker.request(t);
          this.issue(cmd, 0, 0, -1, -1, now);
          if (cmd === REFAB) this.nextRefresh += this.refreshInterval;
          continue;
        }
        if (rt.remaining[i] > 0 || rt.readyAt[i] > now) {
          const t = rt.remaining[i] > 0 ? Infinity : rt.readyAt[i];
          this.waker.request(Math.min(t, this.nextRefresh));
          return;
        }
        if (rt.readyAt[i] > this.lastIssue) {
          // Idle until the dependencies were met: charged to waiting.
          this.time[CAT.waiting] += rt.readyAt[i] - this.lastIssue;
          this.lastIssue = rt.readyAt[i];
        }
      }
      const r = this.advance(i, now);
      if (r > now) return this.waker.request(r);
    }
  }

  /**
   * Issue the next command of instruction i if it is legal at `now`; return `now` to continue, a
   * later cycle to sleep until, after completing the instruction when it has no more commands.
   */
  private advance(i: number, now: number): number {
    const ins = this.rt.instructions[i], tm = this.timing;
    let cmd: number, group = 0, bank = 0, row = -1, col = -1, main: boolean;
    switch (ins.op) {
      case 'MAC':
      case 'WR':
      case 'RD': {
        const all = ins.op === 'MAC' && ins.allBanks;
        const colCmd = ins.op === 'MAC' ? (all ? MAC16 : MAC) : ins.op === 'WR' ? WR : RD;
        if (this.step >= ins.count) return this.complete(i, ins.op === 'RD' ? this.lastIssue + this.readDone : ins.op === 'WR' ? this.lastIssue + this.writeDone : this.lastIssue + 1, now);
        group = all ? 0 : ins.bankgroup;
        bank = all ? 0 : ins.bank;
        const flat = tm.bankIndex(0, group, bank);
        const rowReady = all ? this.allOpenAt(ins.row) : tm.openRow[flat] === ins.row;
        if (rowReady) {
          cmd = colCmd;
          col = ins.col + this.step;
          row = ins.row;
          main = true;
        } else if (all) {
          cmd = tm.openCount[0] > 0 ? PREA : ACT16;
          row = cmd === ACT16 ? ins.row : -1;
          main = false;
        } else {
          cmd = tm.openRow[flat] !== CLOSED ? PRE : ACT;
          row = cmd === ACT ? ins.row : -1;
          main = false;
        }
        break;
      }
      case 'WR_GB':
        if (this.step >= ins.count) return this.complete(i, this.lastIssue + this.writeDone, now);
        cmd = WRGB;
        main = true;
        break;
      case 'RD_MAC':
      case 'WR_BIAS':
        if (this.step >= 1) return this.complete(i, this.lastIssue + (ins.op === 'RD_MAC' ? this.readDone : this.writeDone), now);
        cmd = ins.op === 'RD_MAC' ? RDMAC16 : WRBIAS;
        main = true;
        break;
      default:
        throw new Error(`sequencer: ${ins.op} is not a channel instruction`);
    }
    const t = tm.earliest(cmd, 0, group, bank);
    if (t > now) return t;
    this.started = true;
    const n = main ? ins.count - this.step : 1;
    const s = this.spacing[cmd];
    if (this.fidelity === 'fast' && main && n > 1 && s > 0 && !this.onCommand) {
      // A run: the first command now, the last (n-1) spacings later; stats and data for all n.
      this.issue(cmd, group, bank, row, col, now);
      const last = now + (n - 1) * s;
      this.issue(cmd, group, bank, row, col < 0 ? col : col + n - 1, last);
      this.commands[cmd] += n - 2;
      for (let k = 0; k < n; k++) this.functional(ins.index, cmd, row, col < 0 ? col : col + k, this.step + k);
      this.step += n;
      return last;
    }
    this.issue(cmd, group, bank, row, col, now);
    if (main) {
      this.functional(ins.index, cmd, row, col, this.step);
      this.step++;
    }
    return now;
  }

  private allOpenAt(row: number): boolean {
    const o = this.timing.openRow;
    for (let b = 0; b < o.length; b++) if (o[b] !== row) return false;
    return true;
  }

  private functional(index: number, cmd: number, row: number, col: number, k: number): void {
    const d = this.datapath;
    if (!d) return;
    const ins = this.rt.instructions[index];
    if (cmd === WRGB) d.writeGlobalBuffer(this.channel, ins, k);
    else if (cmd === MAC16) d.mac(this.channel, null, row, col);
    else if (cmd === MAC) d.mac(this.channel, [this.timing.bankIndex(0, ins.bankgroup, ins.bank)], row, col);
    else if (cmd === RDMAC16) d.readAccumulators(this.channel, ins);
    else if (cmd === WRBIAS) d.clearAccumulators(this.channel);
  }

  private complete(i: number, at: number, now: number): number {
    this.rt.complete(i, at, this.lastIssue);
    this.pos++;
    this.step = 0;
    this.started = false;
    return now;
  }
}
