/**
 * One channel's PIM sequencer: executes the channel's instructions in program order, decoding each
 * into DRAM/PIM commands issued at the earliest cycle the timing rules allow.
 *
 * Rows: an all-bank instruction needs its row open in every bank (ACT16, after PREA if another row
 * is open); single-bank instructions use ACT/PRE. Rows stay open after use. Refresh (all-bank) is
 * done once due, at row and instruction boundaries: PREA, REFab.
 *
 * Fidelity: 'command' wakes the engine once per command. 'fast' runs an instruction to its end in
 * one wake-up, keeping the channel's own clock ahead of the engine: nothing outside the channel can
 * change its timing until the next instruction's dependencies, so the commands and their cycles
 * are the same, and runs of identical column commands (MAC16 over a row) are issued as first and
 * last only (t0 and t0 + (n - 1) x spacing), with the counts and data of all.
 *
 * Register mode (AiM): when the memory preset has a registerMode, the global-buffer and accumulator
 * transfers (WRGB, WRBIAS, RDMAC16) need register mode and every other command bank mode. Before a
 * command that needs the other mode the sequencer issues the switch (TMOD) at the cycle the command
 * could otherwise issue, as the public AiM simulator's controller does; the rules (TMOD -> * >=
 * nMODCH) then delay the command. The mode is channel state like the open rows: it carries over
 * between instructions and programs.
 *
 * Readout groups: a MAC block with readout MACs segment s into accumulator s mod readoutGroup and
 * reads a group's accumulators together after its last segment, so a group of g outputs pays two
 * mode switches instead of 2g.
 *
 * Low-bit formats: the MACs of a low-bit instruction are its format's MAC commands (MAC16.ternary,
 * spec/commands.ts), whose rules (spec/system.ts) hold the PU for the format's own spacing (e.g.
 * ternary on 8-bit activations waits for four global-buffer reads per column). They are ordinary
 * timing rules: both fidelities, MAC runs and the repeat detection see them in the timing state,
 * and the command log names the format, so the protocol checker verifies them. Statistics count
 * them as MAC16 / MAC (per format: bankColumnsByPrecision, macCommandsByPrecision).
 */
import { COMMAND_ID, NUM_COMMANDS, macCommand } from '../spec/commands.js';
import { PRECISIONS } from '../model/ops.js';
import { ChannelTiming, CLOSED } from '../dram/timing.js';
import type { CommandSink } from '../dram/controller.js';
import { Waker, type Component, type Engine } from '../sim/engine.js';
import { InputError } from '../util/errors.js';
import type { SystemSpec } from '../spec/system.js';
import type { Datapath } from './datapath.js';
import type { Instruction } from './program.js';
import { CAT, CATEGORIES, type Executor, type Runtime } from './runtime.js';
import { RepeatDetector } from './repeats.js';
import { commandModes } from './modes.js';
import { InstructionMemo, UNCHANGED_ROW, type Checkpoint, type Outcome, type Point } from './memo.js';
import { TimingSnapshot } from '../dram/snapshot.js';

const ACT = COMMAND_ID.ACT, PRE = COMMAND_ID.PRE, PREA = COMMAND_ID.PREA, RD = COMMAND_ID.RD, WR = COMMAND_ID.WR;
const ACT16 = COMMAND_ID.ACT16, MAC = COMMAND_ID.MAC, MAC16 = COMMAND_ID.MAC16, WRGB = COMMAND_ID.WRGB;
const RDMAC16 = COMMAND_ID.RDMAC16, WRBIAS = COMMAND_ID.WRBIAS, REFAB = COMMAND_ID.REFab;
const DONE = -1;
// Module-local copies: imported bindings are getters under some loaders, and these are read per instruction.
const NC = NUM_COMMANDS, NCAT = CATEGORIES.length, WAITING = CAT.waiting;
const PRECISION_LIST: readonly string[] = PRECISIONS.slice();
const UNCHANGED = UNCHANGED_ROW;

/** Category charged for the wait after each command. */
const CATEGORY_OF = new Int8Array(NUM_COMMANDS).fill(CAT.mac);
CATEGORY_OF[ACT] = CATEGORY_OF[ACT16] = CATEGORY_OF[COMMAND_ID.ACT4] = CAT.activate;
CATEGORY_OF[PRE] = CATEGORY_OF[PREA] = CAT.precharge;
CATEGORY_OF[WRGB] = CATEGORY_OF[WRBIAS] = CATEGORY_OF[WR] = CAT.load;
CATEGORY_OF[RDMAC16] = CATEGORY_OF[RD] = CAT.readout;
CATEGORY_OF[REFAB] = CATEGORY_OF[COMMAND_ID.REFpb] = CAT.refresh;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** A piece being recorded for the memo (see memoStart). */
interface Recording {
  readonly index: number;
  readonly key: ReturnType<InstructionMemo['pending']>;
  /** Start cycle; lastIssue, readyAt (-Infinity inside an instruction) and openSince there. */
  readonly t: number;
  readonly lastIssue: number;
  readonly ready: number;
  readonly openSince: number;
  readonly counters: Float64Array;
  readonly rows: Int32Array;
  readonly cat: number;
  /** The piece's first row (instruction row + rows done) and rows done at the start. */
  readonly row0: number;
  readonly rowIdx0: number;
  /** Whether the instruction started before the piece (a piece after a refresh). */
  readonly started: boolean;
  firstTau: number;
  readonly checkpoints: Checkpoint[];
  /** Keyed by the refresh due: runs through refreshes (no checkpoints), counting them. */
  readonly through: boolean;
  refreshes: number;
}

export type Fidelity = 'fast' | 'command';

export class ChannelSequencer implements Component, Executor {
  readonly timing: ChannelTiming;
  readonly commands = new Float64Array(NUM_COMMANDS);
  /** Cycles charged per category (see runtime.ts). */
  readonly time = new Float64Array(CATEGORIES.length);
  /** Cycles with at least one row open (for DRAM background energy); [0] so skipRows can scale it. */
  readonly rowOpen = new Float64Array(1);
  private openSince = -1;
  /** Bank columns MACed per precision (index in PRECISIONS), counted per finished MAC instruction. */
  readonly bankColumnsByPrecision = new Float64Array(PRECISIONS.length);
  /** MAC16 and MAC commands per precision. */
  readonly macCommandsByPrecision = new Float64Array(PRECISIONS.length);
  /** MAC16 x banks + MAC, and MAC16 + MAC, when the current instruction started. */
  private macColumnsAtStart = 0;
  private macCommandsAtStart = 0;
  private readonly waker: Waker;
  private readonly list: number[] = [];
  private pos = 0;
  // Decoder state of the current instruction.
  private started = false;
  private rowIdx = 0;
  private seg = 0;
  /** Column within the segment (MAC), burst index over banks x count (WR/RD), transfer (WR_GB). */
  private k = 0;
  /** RDMAC16 words read after the current segment. */
  private reads = 0;
  // Next command (set by decode()).
  private cCmd = 0;
  private cGroup = 0;
  private cBank = 0;
  private cRow = -1;
  private cCol = -1;
  private cMain = false;
  private cBoundary = false;
  /** Cycle of the last command issued (moved forward over dependency waits for accounting). */
  private lastIssue = 0;
  /** The cycle after the last command issued: the channel's own clock. */
  private clock = 0;
  private lastCat: number = CAT.waiting;
  private nextRefresh: number;
  private readonly refreshInterval: number;
  private readonly spacing: Float64Array;
  private readonly readLatency: number;
  /** RDMAC16: data on the bus nCLREG + nBL after the command (nCL when the preset has no nCLREG). */
  private readonly regReadLatency: number;
  private readonly writeLatency: number;
  /** WRGB / WRBIAS: data in the buffer or accumulators nCWLREG + nBL after the command (nCWL without nCWLREG). */
  private readonly regWriteLatency: number;
  /** The register-mode switch command (TMOD) and the category charged per command. */
  private readonly switchCmd: number;
  private readonly categoryOf: Int8Array;
  /** Per command: the mode it needs (0 bank, 1 register) or -1 (either; no register mode at all). */
  private readonly modeOf: Int8Array;
  /** The channel's mode: 0 bank, 1 register. */
  private mode = 0;
  /** The mode at the last boundary each repeat detector (0 rows, 1 segments) observed. */
  private readonly modeMarks = [-1, -1];
  /** The command a switch was issued for, its bank and its earliest cycle then (-1: none pending). */
  private switchedFor = -1;
  private switchedBank = 0;
  private switchedAt = 0;
  private readonly banksPerGroup: number;
  private readonly banks: number;
  /** Exact skipping of repeated rows and segments (fast fidelity; see repeats.ts). */
  private readonly rowRepeats: RepeatDetector;
  private readonly segRepeats: RepeatDetector;
  /** The row and segment last shown to the detectors (each is observed at its first decision only). */
  private seenRow = -1;
  private seenSeg = -1;
  /**
   * Per command id: the command it is issued as for the current instruction's weight format (its
   * format's MAC16 / MAC; every other command itself), and the table of each format.
   * curIndex: the instruction it was selected for.
   */
  private issueAs: Int32Array;
  private readonly issueAsOf: readonly Int32Array[];
  private curIndex = -1;

  private rt!: Runtime;
  /** Exact instruction memo (fast fidelity without datapath or command log), shared by the channels. */
  private readonly memo: InstructionMemo | null;
  private recording: Recording | null = null;
  /** A refresh was issued inside the current instruction: a new piece starts at the next decision. */
  private afterRefresh = false;
  /** Scratch: counters in the repeat detectors' layout (commands, time, rowOpen). */
  private readonly counterScratch: Float64Array;
  private readonly rowScratch: Int32Array;
  private readonly snapScratch: TimingSnapshot;

  constructor(
    engine: Engine,
    system: SystemSpec,
    readonly channel: number,
    private readonly fidelity: Fidelity,
    private readonly datapath: Datapath | null,
    private readonly onCommand?: CommandSink,
    memo?: InstructionMemo | null,
  ) {
    const m = system.memory;
    this.timing = new ChannelTiming(m);
    this.memo = fidelity === 'fast' && !datapath && !onCommand ? (memo ?? null) : null;
    this.counterScratch = new Float64Array(NC + NCAT + 1);
    this.rowScratch = new Int32Array(this.timing.openRow.length);
    this.snapScratch = new TimingSnapshot(this.timing);
    if (m.controller.refresh === 'per-bank') {
      throw new InputError(`PIM programs need controller.refresh "all-bank" or "off" (all-bank MACs keep every bank open); ${m.name} uses "per-bank"`);
    }
    if (m.rankSlots !== 1) throw new InputError(`PIM systems must have one rank and one pseudo-channel per channel (${m.name} has ${m.org.ranks} rank(s) x ${m.org.pseudoChannels} pseudo-channel(s))`);
    this.refreshInterval = m.controller.refresh === 'all-bank' ? m.timing.nREFI! : Infinity;
    this.nextRefresh = this.refreshInterval;
    this.spacing = Float64Array.from({ length: NUM_COMMANDS }, (_, c) => this.timing.selfSpacing(c));
    this.readLatency = m.timing.nCL! + m.timing.nBL!;
    this.regReadLatency = (m.timing.nCLREG ?? m.timing.nCL!) + m.timing.nBL!;
    this.regWriteLatency = (m.timing.nCWLREG ?? m.timing.nCWL!) + m.timing.nBL!;
    this.modeOf = commandModes(m);
    this.switchCmd = COMMAND_ID[m.registerMode?.switch ?? 'TMOD'];
    this.categoryOf = CATEGORY_OF.slice();
    this.categoryOf[this.switchCmd] = CAT.mode;
    this.writeLatency = m.timing.nCWL! + m.timing.nBL!;
    this.banksPerGroup = m.org.banksPerGroup;
    this.banks = m.banksPerRank;
    this.issueAsOf = PRECISIONS.map((p) => {
      const t = Int32Array.from({ length: NUM_COMMANDS }, (_, c) => c);
      if (system.pu.formats.includes(p)) {
        t[MAC] = COMMAND_ID[macCommand('MAC', p)];
        t[MAC16] = COMMAND_ID[macCommand('MAC16', p)];
      }
      return t;
    });
    this.issueAs = this.issueAsOf[0];
    this.rowRepeats = new RepeatDetector(this, this.timing, [REFAB, COMMAND_ID.REFpb]);
    this.segRepeats = new RepeatDetector(this, this.timing, [REFAB, COMMAND_ID.REFpb]);
    this.waker = new Waker(engine, engine.add(this));
  }

  /** Start a new program (the channel's timing, bank and refresh state carry over). */
  attach(rt: Runtime): void {
    this.rt = rt;
    this.list.length = 0;
    this.pos = 0;
    this.started = false;
    this.rowIdx = this.seg = this.k = 0;
    this.reads = 0;
    this.curIndex = -1;
    this.recording = null;
    this.afterRefresh = false;
    this.rowRepeats.reset();
    this.segRepeats.reset();
    this.seenRow = this.seenSeg = -1;
  }

  /** Instructions are added in program order before the run starts. */
  own(index: number): void {
    this.list.push(index);
    this.rt.setOwner(index, this);
  }

  ready(index: number, at: number): void {
    if (this.list[this.pos] === index) this.waker.request(at);
  }

  /** Close the channel's time accounting at `end` (the rest is waiting). */
  finish(end: number): void {
    if (end > this.lastIssue) this.time[WAITING] += end - this.lastIssue;
    this.lastIssue = end;
    if (this.openSince >= 0 && end > this.openSince) {
      this.rowOpen[0] += end - this.openSince;
      this.openSince = end;
    }
  }

  /** Issue `cmd` (counted as such) as command `as` (its format's MAC, or itself). */
  private issue(cmd: number, as: number, group: number, bank: number, row: number, col: number, t: number): void {
    const wasOpen = this.timing.openCount[0] > 0;
    this.timing.issue(as, 0, group, bank, row, t);
    const isOpen = this.timing.openCount[0] > 0;
    if (!wasOpen && isOpen) this.openSince = t;
    else if (wasOpen && !isOpen) {
      this.rowOpen[0] += t - this.openSince;
      this.openSince = -1;
    }
    this.account(cmd, t);
    this.onCommand?.(as, this.channel, 0, group, bank, row, col, t);
  }

  /** Count a command and charge the wait before it (see runtime.ts). */
  private account(cmd: number, t: number): void {
    this.commands[cmd]++;
    this.time[this.lastCat] += t - this.lastIssue;
    this.lastIssue = t;
    this.lastCat = this.categoryOf[cmd];
  }

  wake(engineNow: number): void {
    if (!this.waker.accept(engineNow)) return;
    const fast = this.fidelity === 'fast';
    const rt = this.rt, tm = this.timing;
    // Both fidelities consider the next command at the cycle after the last one issued, so they
    // take every decision (refresh, readiness) at the same cycles.
    let now = engineNow > this.clock ? engineNow : this.clock;
    for (;;) {
      const idle = this.pos >= this.list.length;
      const i = idle ? -1 : this.list[this.pos];
      const ins = idle ? undefined! : rt.instructions[i];
      let refresh = false;
      if (idle) {
        // Nothing left to run: keep refreshing on time while the rest of the system works.
        if (now < this.nextRefresh) return this.waker.request(this.nextRefresh);
        refresh = true;
      } else if (!this.started) {
        if (now >= this.nextRefresh) refresh = true;
        else if (rt.remaining[i] > 0) return this.waker.request(this.nextRefresh);
        else if (rt.readyAt[i] > now) {
          const t = rt.readyAt[i] < this.nextRefresh ? rt.readyAt[i] : this.nextRefresh;
          if (!fast) return this.waker.request(t);
          now = t;
          continue;
        }
      }
      if (!refresh && i !== this.curIndex) {
        this.curIndex = i;
        this.issueAs = this.issueAsOf[PRECISION_LIST.indexOf(ins.precision)];
      }
      if (!refresh && this.memo !== null && (!this.started || this.afterRefresh) && InstructionMemo.eligible(ins)) {
        this.afterRefresh = false;
        const next = this.memoStart(i, ins, now);
        if (next >= 0) {
          now = next;
          continue;
        }
      }
      if (!refresh) {
        if (!this.decode(ins)) {
          this.complete(i);
          continue;
        }
        if (this.recording !== null && !this.recording.through && this.cBoundary) {
          // A boundary's decision at the channel's clock; one re-taken later (now > clock) is a refresh's doing.
          if (this.started) {
            if (now === this.clock) this.checkpoint(now);
          } else if (this.recording.firstTau < 0) this.recording.firstTau = this.issueCycle(now) - this.recording.t;
        }
        refresh = this.started && this.cBoundary && now >= this.nextRefresh;
        // A recording visits every boundary (each is a checkpoint), so it skips nothing.
        if (!refresh && fast && this.started && ins.op === 'MAC' && this.k === 0 && this.reads === 0 && !this.datapath && !this.onCommand && (this.recording === null || this.recording.through)) {
          const before = now;
          now = this.skipRepeats(ins, now);
          if (now !== before && !this.decode(ins)) {
            this.complete(i);
            continue;
          }
        }
      }
      let cmd: number, group = 0, bank = 0, row = -1, col = -1, main = false;
      if (refresh) cmd = tm.openCount[0] > 0 ? PREA : REFAB;
      else {
        cmd = this.cCmd;
        group = this.cGroup;
        bank = this.cBank;
        row = this.cRow;
        col = this.cCol;
        main = this.cMain;
      }
      const as = this.issueAs[cmd];
      const bankFlat = tm.bankIndex(0, group, bank);
      let t = this.ruleBound(as, group, bank, bankFlat);
      this.switchedFor = -1;
      const need = this.modeOf[as];
      const flip = need >= 0 && need !== this.mode;
      if (flip) {
        this.switchedFor = as;
        this.switchedBank = bankFlat;
        this.switchedAt = t;
        t = this.afterSwitch(t);
      }
      if (t > now) {
        // An idle channel never runs ahead of the engine: its refreshes happen in engine time in
        // both fidelities (so a run that ends stops them at the same point).
        if (!fast || idle) return this.waker.request(t);
        // A command-fidelity wake-up at t would decide again; only a refresh falling due at a
        // boundary can change the decision (nothing else touches the channel mid-instruction).
        const redecide = (this.cBoundary || !this.started) && t >= this.nextRefresh;
        now = t;
        if (redecide) continue;
      }
      if (flip) {
        // The switch belongs to the instruction that needs it (a refresh cannot cut in after it).
        if (!refresh && !this.started) this.begin(i);
        this.issue(this.switchCmd, this.switchCmd, 0, 0, -1, -1, now);
        this.mode = need;
      } else if (refresh) {
        if (this.recording !== null) {
          if (!this.recording.through) this.memoRecord(null);
          else if (cmd === REFAB) this.recording.refreshes++;
        }
        if (cmd === REFAB && this.started && this.recording === null) this.afterRefresh = true;
        this.issue(cmd, cmd, 0, 0, -1, -1, now);
        if (cmd === REFAB) this.nextRefresh += this.refreshInterval;
      } else {
        if (!this.started) this.begin(i);
        const n = main && (cmd === MAC16 || cmd === MAC || cmd === WRGB) ? ins.count - this.k : 1;
        const s = this.spacing[as];
        if (fast && n > 1 && s > 0) {
          // Only the last of the run reaches the timing tables: it sets every bound the others
          // would (same command, later cycle; runs never contain windowed commands).
          const last = now + (n - 1) * s;
          this.account(cmd, now);
          if (this.onCommand) for (let j = 0; j < n - 1; j++) this.onCommand(as, this.channel, 0, group, bank, row, col < 0 ? col : col + j, now + j * s);
          this.issue(cmd, as, group, bank, row, col < 0 ? col : col + n - 1, last);
          this.commands[cmd] += n - 2;
          for (let j = 0; j < n; j++) this.apply(ins, cmd, row, col < 0 ? col : col + j);
          now = last;
        } else {
          this.issue(cmd, as, group, bank, row, col, now);
          if (main) this.apply(ins, cmd, row, col);
        }
      }
      now += 1;
      this.clock = now;
      if (!fast || idle) return this.waker.request(now);
    }
  }

  /** The first command of instruction i is about to issue. */
  private begin(i: number): void {
    this.started = true;
    this.macColumnsAtStart = this.macColumns();
    this.macCommandsAtStart = this.commands[MAC16] + this.commands[MAC];
    const ready = this.rt.readyAt[i];
    if (ready > this.lastIssue) {
      // Idle until the dependencies were met: charged to waiting.
      this.time[WAITING] += ready - this.lastIssue;
      this.lastIssue = ready;
    }
  }

  /** Whether the mode equals that at detector `which`'s last boundary; this one becomes its mark. */
  private modeRepeats(which: 0 | 1): boolean {
    const same = this.modeMarks[which] === this.mode;
    this.modeMarks[which] = this.mode;
    return same;
  }

  /**
   * At a segment start of a MAC block: skip whole rows (at a row start, stopping before the last
   * row, which may be shorter, and before refresh falls due) or whole segments within a row
   * (stopping before the row's last segment), when the state repeats exactly (repeats.ts).
   * Off in functional mode and with a command log, where every command matters.
   */
  private skipRepeats(ins: Instruction, now: number): number {
    // With readout groups the pattern of readouts repeats every g segments: a row period is the
    // fewest rows holding a whole number of groups, a segment period one group.
    const g = ins.readout ? ins.readoutGroup : 1;
    if (this.seg === 0) {
      if (this.seenRow === this.rowIdx) return now;
      this.seenRow = this.rowIdx;
      this.seenSeg = 0;
      this.segRepeats.reset();
      const p = g / gcd(g, ins.segments);
      // Two periods to detect a repeat, one to skip and the last row kept: shorter blocks cannot gain.
      if (ins.rowCount < 4 * p || this.rowIdx % p !== 0) return now;
      const same = this.modeRepeats(0);
      const r = this.rowRepeats.observe(this.rowIdx / p, now, (period) =>
        same ? Math.min(Math.floor((ins.rowCount - 1 - this.rowIdx) / p), Math.floor((this.nextRefresh - 1 - now) / period) - 1) : 0);
      if (r.skipped) {
        const delta = r.skipped * r.period;
        this.rowIdx += r.skipped * p;
        this.seenRow = this.rowIdx;
        return this.advanceClock(delta, now, true);
      }
      return now;
    }
    // Segment-level detection pays a state snapshot per segment: worth it for long rows of segments.
    if (this.seenSeg === this.seg || ins.segments < 8 * g) return now;
    this.seenSeg = this.seg;
    if ((this.rowIdx * ins.segments + this.seg) % g !== 0) return now;
    const segs = this.rowIdx === ins.rowCount - 1 ? ins.lastSegments : ins.segments;
    const same = this.modeRepeats(1);
    const r = this.segRepeats.observe((this.rowIdx * ins.segments + this.seg) / g, now, () => (same ? Math.floor((segs - 1 - this.seg) / g) : 0));
    if (r.skipped) {
      this.seg += r.skipped * g;
      this.seenSeg = this.seg;
      return this.advanceClock(r.skipped * r.period, now, false);
    }
    return now;
  }

  /**
   * Move the channel's clock over skipped work. Row skips also move the start of the open-row
   * interval (each skipped row closed and reopened it; the repeats added their open time); a
   * segment skip happens inside one open row, which stays open from its start.
   */
  private advanceClock(delta: number, now: number, rowSkip: boolean): number {
    this.lastIssue += delta;
    this.clock += delta;
    if (rowSkip && this.openSince >= 0) this.openSince += delta;
    return now + delta;
  }

  /** The counters in the repeat detectors' layout. */
  private readCounters(out: Float64Array): void {
    out.set(this.commands, 0);
    out.set(this.time, NC);
    out[NC + NCAT] = this.rowOpen[0];
  }

  /**
   * A piece starts at `now` (instruction i's start, or its first decision after a refresh inside
   * it; no refresh due): replay its memoized outcome or start recording it. Returns the channel's
   * clock after the replay (the instruction completed, or restored at the boundary where a refresh
   * cuts in), or -1 to go on live.
   *
   * Accounting that depends on the channel's past rather than on the key is kept out of outcomes:
   * the wait from the last command to the start (charged to waiting up to readyAt and to the last
   * command's category after, as begin() and account() would) and the open-row time before it.
   */
  private memoStart(i: number, ins: Instruction, now: number): number {
    const memo = this.memo!, tm = this.timing;
    this.recording = null;
    const through = this.started;
    memo.makeKey(ins, this.rowIdx, this.seg, this.k, this.reads, this.started, this.mode, this.lastCat, tm, now, through ? this.nextRefresh - now : -1);
    const o = memo.lookup(tm, now);
    if (o !== undefined && through) {
      this.restore(i, ins, now, o.end!);
      this.nextRefresh += o.refreshes * this.refreshInterval;
      this.clock = this.lastIssue + 1;
      this.complete(i);
      return this.clock;
    }
    if (o !== undefined) {
      // A refresh due by the first command comes before the piece: live.
      if (now + o.firstTau >= this.nextRefresh) return -1;
      const taus = o.taus, due = this.nextRefresh - now;
      for (let j = 0; j < taus.length; j++) if (taus[j] >= due) return this.resume(i, ins, now, o.checkpoints[j]);
      if (o.end !== null) {
        this.restore(i, ins, now, o.end);
        this.clock = this.lastIssue + 1;
        this.complete(i);
        return this.clock;
      }
      // Recorded up to an earlier refresh: go on from its last boundary, recording further.
      const last = o.checkpoints.length - 1;
      if (last >= 0) {
        this.startRecording(i, ins, now, memo.pending(), o.firstTau, o.checkpoints.slice(0, last));
        return this.resume(i, ins, now, o.checkpoints[last]);
      }
    }
    this.startRecording(i, ins, now, memo.pending(), -1, []);
    return -1;
  }

  private startRecording(i: number, ins: Instruction, now: number, key: Recording['key'], firstTau: number, checkpoints: Checkpoint[]): void {
    const counters = new Float64Array(this.counterScratch.length);
    this.readCounters(counters);
    this.recording = {
      index: i, key, t: now, lastIssue: this.lastIssue, ready: this.started ? -Infinity : this.rt.readyAt[i], openSince: this.openSince,
      counters, rows: this.timing.openRow.slice(), cat: this.lastCat, row0: ins.row + this.rowIdx, rowIdx0: this.rowIdx, started: this.started,
      firstTau, checkpoints, through: this.started, refreshes: 0,
    };
  }

  /** Restore checkpoint c of a piece starting at `now` and go on live from its boundary decision. Returns the clock there. */
  private resume(i: number, ins: Instruction, now: number, c: Checkpoint): number {
    this.restore(i, ins, now, c.point);
    this.rowIdx += c.rowsDone;
    this.seg = c.seg;
    this.k = c.k;
    this.reads = c.reads;
    this.switchedFor = c.switchedFor;
    this.switchedBank = c.switchedBank;
    this.switchedAt = now + c.switchedAt;
    this.started = true;
    this.seenRow = this.seenSeg = -1;
    this.rowRepeats.reset();
    this.segRepeats.reset();
    this.clock = now + c.at;
    return this.clock;
  }

  /** The wait before a piece starting at t (readyAt `ready`), charged as begin() and account() do. */
  private preludeCharges(t: number, lastIssue: number, ready: number, cat: number, into: Float64Array, sign: number): void {
    let from = lastIssue;
    if (ready > from) {
      into[WAITING] += sign * (ready - from);
      from = ready;
    }
    into[cat] += sign * (t - from);
  }

  /** The channel's state now as a point of the piece being recorded. */
  private point(r: Recording, now: number): Point {
    const tm = this.timing, n = this.counterScratch.length;
    const deltas = new Float64Array(n);
    this.readCounters(deltas);
    for (let k = 0; k < n; k++) deltas[k] -= r.counters[k];
    this.preludeCharges(r.t, r.lastIssue, r.ready, r.cat, deltas.subarray(NUM_COMMANDS, NC + NCAT), -1);
    // Rows open at the start closed since: their open time before the start is the past's.
    const closedInside = r.openSince >= 0 && this.openSince !== r.openSince;
    if (closedInside) deltas[n - 1] -= r.t - r.openSince;
    const state = TimingSnapshot.captureCompact(tm, now, r.t, this.snapScratch);
    const rows = Int32Array.from(tm.openRow, (row, b) => InstructionMemo.encodeRow(r.rows[b], row, r.row0));
    const touched: number[] = [];
    deltas.forEach((v, k) => { if (v !== 0) touched.push(k); });
    return {
      deltas, touched: Int32Array.from(touched), state, rows, mode: this.mode, lastCat: this.lastCat,
      lastIssue: this.lastIssue - r.t,
      // -2: the rows open at the start stayed open (the interval keeps its start).
      openSince: r.openSince >= 0 && !closedInside ? -2 : this.openSince < 0 ? -1 : this.openSince - r.t,
    };
  }

  /** The issue cycle of the decided command (cCmd...), as wake() computes it, without issuing. */
  private issueCycle(now: number): number {
    const as = this.issueAs[this.cCmd];
    let t = this.ruleBound(as, this.cGroup, this.cBank, this.timing.bankIndex(0, this.cGroup, this.cBank));
    const need = this.modeOf[as];
    if (need >= 0 && need !== this.mode) t = this.afterSwitch(t);
    return t > now ? t : now;
  }

  /**
   * The earliest cycle the rules allow command `as` to the bank. Right after a switch the command it
   * was for needs no full recomputation: the switch reaches no bank, so it moved only the channel-
   * and rank-level bounds (rankBound).
   */
  private ruleBound(as: number, group: number, bank: number, bankFlat: number): number {
    const tm = this.timing;
    return as === this.switchedFor && bankFlat === this.switchedBank ? Math.max(this.switchedAt, tm.rankBound(as, 0)) : tm.earliest(as, 0, group, bank);
  }

  /** A command needing a mode switch at t issues after the switch, which goes out when the command could (the AiM controller's policy). */
  private afterSwitch(t: number): number {
    const ts = this.timing.earliest(this.switchCmd, 0, 0, 0);
    return ts > t ? ts : t;
  }

  /** A boundary decision of the piece being recorded, at `now` (before any refresh check). */
  private checkpoint(now: number): void {
    const r = this.recording!;
    const tau = this.issueCycle(now) - r.t;
    if (r.firstTau < 0) r.firstTau = tau;
    r.checkpoints.push({
      point: this.point(r, now), tau, at: now - r.t, rowsDone: this.rowIdx - r.rowIdx0, seg: this.seg, k: this.k, reads: this.reads,
      switchedFor: this.switchedFor, switchedBank: this.switchedBank, switchedAt: this.switchedAt - r.t,
    });
  }

  /**
   * The piece being recorded ends: at instruction i's completion (`ins`), or, with null, where a
   * refresh cuts in (before it is issued).
   */
  private memoRecord(ins: Instruction | null): void {
    const r = this.recording!;
    this.recording = null;
    if (r.through) {
      this.memo!.record(r.key, { firstTau: 0, checkpoints: [], taus: new Float64Array(0), end: this.point(r, this.clock), refreshes: r.refreshes });
      return;
    }
    // No decision taken (a refresh came first): nothing to keep.
    if (r.firstTau < 0) return;
    const end = ins === null ? null : this.point(r, this.clock);
    this.memo!.record(r.key, { firstTau: r.firstTau, checkpoints: r.checkpoints, taus: Float64Array.from(r.checkpoints, (c) => c.tau), end, refreshes: 0 });
  }

  /** Apply a recorded point to a piece starting at t on instruction i. */
  private restore(i: number, ins: Instruction, t: number, o: Point): void {
    const tm = this.timing;
    if (!this.started) {
      // The piece begins the instruction (begin()).
      this.macColumnsAtStart = this.macColumns();
      this.macCommandsAtStart = this.commands[MAC16] + this.commands[MAC];
    }
    this.preludeCharges(t, this.lastIssue, this.started ? -Infinity : this.rt.readyAt[i], this.lastCat, this.time, 1);
    const nc = NC, nt = NCAT, d = o.deltas, touched = o.touched;
    for (let j = 0; j < touched.length; j++) {
      const k = touched[j];
      if (k < nc) this.commands[k] += d[k];
      else if (k < nc + nt) this.time[k - nc] += d[k];
      else this.rowOpen[0] += d[k];
    }
    if (o.openSince !== -2) {
      // The rows open at the start (if any) closed inside: their time up to the start counts now.
      if (this.openSince >= 0) this.rowOpen[0] += t - this.openSince;
      this.openSince = o.openSince < 0 ? -1 : t + o.openSince;
    }
    o.state.restore(tm, t, t);
    const rows = this.rowScratch, row0 = ins.row + this.rowIdx;
    for (let b = 0; b < rows.length; b++) {
      const e = o.rows[b];
      rows[b] = e === UNCHANGED ? tm.openRow[b] : e < 0 ? e : row0 + e;
    }
    tm.setOpenRows(rows);
    this.mode = o.mode;
    this.lastCat = o.lastCat;
    this.lastIssue = t + o.lastIssue;
  }

  private macColumns(): number {
    return this.commands[MAC16] * this.banks + this.commands[MAC];
  }

  /**
   * Set the next command of instruction `ins` from the decoder state and bank state; false when the
   * instruction has no commands left. `cBoundary` marks a row or instruction boundary.
   */
  private decode(ins: Instruction): boolean {
    const tm = this.timing;
    this.cMain = false;
    this.cBoundary = false;
    this.cRow = this.cCol = -1;
    this.cGroup = this.cBank = 0;
    switch (ins.op) {
      case 'WR_GB':
        if (this.k >= ins.count) return false;
        this.cCmd = WRGB;
        this.cMain = true;
        this.cBoundary = !this.started;
        return true;
      case 'RD_MAC':
      case 'WR_BIAS':
        if (this.k >= 1) return false;
        this.cCmd = ins.op === 'RD_MAC' ? RDMAC16 : WRBIAS;
        this.cMain = true;
        this.cBoundary = !this.started;
        return true;
      default:
        break;
    }
    // Row-based instructions: MAC, WR, RD.
    if (this.rowIdx >= ins.rowCount) return false;
    const row = ins.row + this.rowIdx;
    const all = ins.allBanks;
    const fresh = this.k === 0 && this.seg === 0 && this.reads === 0;
    const flat = tm.bankIndex(0, ins.bankgroup, ins.bank);
    const open = all ? this.allOpenAt(row) : tm.openRow[flat] === row;
    // A boundary (where refresh may cut in) is before an instruction's first command or a new row.
    this.cBoundary = !this.started || (fresh && !open);
    if (!open) {
      if (all) this.cCmd = tm.openCount[0] > 0 ? PREA : ACT16;
      else {
        this.cCmd = tm.openRow[flat] !== CLOSED ? PRE : ACT;
        this.cGroup = ins.bankgroup;
        this.cBank = ins.bank;
      }
      if (this.cCmd === ACT16 || this.cCmd === ACT) this.cRow = row;
      return true;
    }
    this.cRow = row;
    if (ins.op === 'MAC') {
      if (this.k < ins.count) {
        this.cCmd = all ? MAC16 : MAC;
        this.cGroup = all ? 0 : ins.bankgroup;
        this.cBank = all ? 0 : ins.bank;
        this.cCol = ins.col + this.seg * ins.segmentStride + this.k;
        this.cMain = true;
        return true;
      }
      if (ins.readout) {
        // A group's accumulators are read after its last segment (or the block's).
        const sIdx = this.rowIdx * ins.segments + this.seg, g = ins.readoutGroup;
        const closes = (sIdx + 1) % g === 0 || sIdx === (ins.rowCount - 1) * ins.segments + ins.lastSegments - 1;
        if (closes && this.reads < ((sIdx % g) + 1) * ins.readoutWords) {
          this.cCmd = RDMAC16;
          this.cRow = -1;
          this.cMain = true;
          return true;
        }
      }
    } else {
      const perBank = ins.count;
      const total = all ? perBank * this.banks : perBank;
      if (this.k < total) {
        const b = all ? Math.floor(this.k / perBank) : flat;
        this.cCmd = ins.op === 'WR' ? WR : RD;
        this.cGroup = Math.floor(b / this.banksPerGroup);
        this.cBank = b % this.banksPerGroup;
        this.cCol = ins.col + (this.k % perBank);
        this.cMain = true;
        return true;
      }
    }
    // Segment or row finished: advance and decode again.
    this.k = 0;
    this.reads = 0;
    if (ins.op === 'MAC' && ++this.seg < (this.rowIdx === ins.rowCount - 1 ? ins.lastSegments : ins.segments)) return this.decode(ins);
    this.seg = 0;
    this.rowIdx++;
    return this.decode(ins);
  }

  /** Decoder progress and functional effect of one main command. */
  private apply(ins: Instruction, cmd: number, row: number, col: number): void {
    const d = this.datapath;
    if (cmd === RDMAC16) {
      // A MAC block reads `readoutWords` words per accumulator of a group (the data moves with the
      // last); accumulator a holds the group's a-th segment. An RD_MAC instruction is one read.
      if (ins.op === 'MAC') {
        const w = ins.readoutWords;
        if (++this.reads % w !== 0) return;
        const sIdx = this.rowIdx * ins.segments + this.seg;
        const a = this.reads / w - 1;
        if (d) d.readAccumulators(this.channel, ins, sIdx - (sIdx % ins.readoutGroup) + a, a);
        return;
      }
      this.k++;
      if (d) d.readAccumulators(this.channel, ins, 0, ins.acc);
      return;
    }
    const k = this.k++;
    if (!d) return;
    const acc = ins.readout ? (this.rowIdx * ins.segments + this.seg) % ins.readoutGroup : ins.acc;
    if (cmd === WRGB) d.writeGlobalBuffer(this.channel, ins, k);
    else if (cmd === MAC16) d.mac(this.channel, null, row, col, ins, this.seg, acc);
    else if (cmd === MAC) d.mac(this.channel, [this.timing.bankIndex(0, ins.bankgroup, ins.bank)], row, col, ins, this.seg, acc);
    else if (cmd === WRBIAS) d.clearAccumulators(this.channel, ins.acc);
    else if (cmd === WR) d.writeRow(this.channel, ins, k, row);
  }

  private allOpenAt(row: number): boolean {
    const o = this.timing.openRow;
    for (let b = 0; b < o.length; b++) if (o[b] !== row) return false;
    return true;
  }

  private complete(i: number): void {
    const ins = this.rt.instructions[i];
    const op = ins.op;
    if (this.recording !== null) this.memoRecord(ins);
    this.afterRefresh = false;
    if (op === 'MAC') {
      const p = PRECISION_LIST.indexOf(ins.precision);
      this.bankColumnsByPrecision[p] += this.macColumns() - this.macColumnsAtStart;
      this.macCommandsByPrecision[p] += this.commands[MAC16] + this.commands[MAC] - this.macCommandsAtStart;
    }
    const lat = op === 'RD' ? this.readLatency : op === 'RD_MAC' || (op === 'MAC' && ins.readout) ? this.regReadLatency
      : op === 'MAC' ? 1 : op === 'WR' ? this.writeLatency : this.regWriteLatency;
    this.rt.complete(i, this.lastIssue + lat, this.lastIssue);
    this.pos++;
    this.started = false;
    this.rowIdx = this.seg = this.k = 0;
    this.reads = 0;
    this.seenRow = this.seenSeg = -1;
    this.rowRepeats.reset();
    this.segRepeats.reset();
  }
}
