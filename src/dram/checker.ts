/**
 * The protocol checker: reads a command log and reports every timing rule, bank-state rule and
 * ordering rule it breaks. It is a second, deliberately simple implementation of the memory
 * preset's rules, independent of the scheduler's timing tables (it imports nothing from src/dram/
 * but the command table and the log format), so that one can check the other.
 *
 * Scope interpretation. Every scope node lives in one channel; a rule only relates commands of the
 * same channel. A command is "in" a scope node when the node contains a bank the command reaches:
 *   - reach 'bank' (ACT, RD, ...): the channel, rank, bank group and bank nodes of its one bank;
 *   - reach 'bankgroup' (ACT4): its channel, rank and bank group, and the bank node of each of the
 *     bank group's banks;
 *   - reach 'rank' (PREA, REFab, ACT16, MAC16): its channel and rank, and every bank group and bank
 *     node of that rank;
 *   - reach 'none' (WRGB, RDMAC16, WRBIAS): only its channel and rank nodes; it touches no bank, so
 *     bank-group and bank rules never apply to it.
 * A pair rule {from, to, scope, cycles} holds when every command C in `to` is at least `cycles`
 * after every earlier command P in `from` that shares a node of `scope` with C. Only the latest P
 * per node can bind, so one time per (rule, node) is the whole history the check needs.
 * A window rule {count, cycles} allows at most `count` of its commands in any `cycles`-cycle span
 * per node: each one must be at least `cycles` after the one `count` positions before it in that
 * node, so a ring of the last `count` times per (rule, node) is its whole history.
 * Register mode (presets with a registerMode, e.g. AiM): each channel starts in bank mode; the
 * switch command toggles it; the preset's register commands are legal only in register mode and
 * every other command only in bank mode. The switch's timing is an ordinary rule.
 *
 * A rule of scope `other-rank` (rank switching) relates a command to the earlier `from` commands of
 * the *other* ranks of its pseudo-channel (those sharing its data bus): one time per (rule, rank)
 * again, read for every such rank but its own. With pseudo-channels, a record's rank is its rank
 * slot (MemorySpec.rankSlots: pseudo-channel x ranks + rank).
 *
 * Command buses (MemorySpec.buses) are checked apart from the rules: each command occupies its bus
 * from its cycle for its bus cycles (HBM's ACT two), and no other command may start on that bus
 * meanwhile, so two commands of one bus in one clock are a violation while a row and a column
 * command of HBM's two buses may share a clock (two lines with the same cycle).
 *
 * Memory is therefore bounded by the organization, and time is linear in the log length (times the
 * banks a multi-bank command reaches).
 */
import type { MemorySpec, ResolvedRule, RuleScope } from '../spec/memory.js';
import { COMMANDS, COMMAND_ID, COMMAND_NAMES, NUM_COMMANDS, type CommandBehaviour, type CommandName } from '../spec/commands.js';
import { forEachCommand, type CommandRecord } from './commandLog.js';

export interface Violation {
  /** 1-based line in the CSV: the header is line 1, record i is line i + 2. */
  readonly line: number;
  readonly cycle: number;
  readonly command: CommandName;
  /** The broken timing rule as written (ResolvedRule.text), or one of STATE_RULES. */
  readonly rule: string;
  readonly message: string;
}

/** Names of the rules that are not timing rules of the preset. */
export const STATE_RULES = {
  order: 'command order (cycles non-decreasing per channel)',
  bus: 'command bus (one command at a time on each bus; a multi-cycle command holds its bus)',
  address: 'address (every field the command needs, within the organization)',
  closed: 'bank state (needs its bank(s) closed)',
  open: 'bank state (needs its bank(s) open)',
  row: 'open row (a column command that names a row must name the open row)',
  mode: 'register mode (register commands need register mode, all others bank mode)',
} as const;

export interface CheckOptions {
  /** Stop after this many violations (a badly broken log of millions of lines could report millions). */
  readonly maxViolations?: number;
}

interface PairState {
  readonly rule: ResolvedRule;
  readonly last: Float64Array;
  readonly lastLine: Int32Array;
  readonly lastCmd: Uint8Array;
}

interface WindowState {
  readonly rule: ResolvedRule;
  /** Ring of the last `count` times per node; when full, `head` points at the oldest. */
  readonly times: Float64Array;
  readonly lines: Int32Array;
  readonly head: Int32Array;
  readonly filled: Int32Array;
}

/** Checks records one at a time, so a caller can check a log without holding it all. */
export class ProtocolChecker {
  private readonly ch: number;
  /** Rank slots per channel (pseudoChannels x ranks) and the ranks sharing one data bus. */
  private readonly ranks: number;
  private readonly ranksPerBus: number;
  private readonly groups: number;
  private readonly banks: number;
  private readonly rows: number;
  private readonly columns: number;
  /** Per command id: the pair rules it is a `to` of, a `from` of, and the window rules it counts in. */
  private readonly pairTo: PairState[][] = [];
  private readonly pairFrom: PairState[][] = [];
  private readonly windowOf: WindowState[][] = [];
  private readonly lastCycle: Float64Array;
  /** Per channel and bus: the first cycle the bus is free, and the command and line that hold it. */
  private readonly busOf: readonly number[];
  private readonly busCycles: readonly number[];
  private readonly busNames: readonly string[];
  private readonly busFree: Float64Array;
  private readonly busLine: Int32Array;
  private readonly busCmd: Uint8Array;
  /** Open row per bank (-1 closed), indexed like bank scope nodes; and the line that opened it. */
  private readonly openRow: Int32Array;
  private readonly openLine: Int32Array;
  /** Per command id: the mode it needs (0 bank, 1 register, -1 either); the switch command. */
  private readonly modeOf: Int8Array;
  private readonly switchCmd: number;
  /** Mode per channel, and the line of its last switch (0: none yet). */
  private readonly mode: Uint8Array;
  private readonly modeLine: Int32Array;
  /** COMMANDS and COMMAND_ID, held locally: the hot loop reads them once per record. */
  private readonly behaviour: Readonly<Record<string, CommandBehaviour>> = COMMANDS;
  private readonly ids: Readonly<Record<string, number>> = COMMAND_ID;
  /** The node range last computed by `nodes` (fields rather than a tuple: no allocation per record). */
  private lo = 0;
  private hi = 0;

  constructor(spec: MemorySpec) {
    const o = spec.org;
    this.ch = o.channels;
    this.ranks = spec.rankSlots;
    this.ranksPerBus = o.ranks;
    this.groups = o.bankGroups;
    this.banks = o.banksPerGroup;
    this.rows = o.rows;
    this.columns = o.columns;
    this.lastCycle = new Float64Array(this.ch).fill(-Infinity);
    ({ busOf: this.busOf, cycles: this.busCycles, names: this.busNames } = spec.buses);
    this.busFree = new Float64Array(this.ch * this.busNames.length).fill(-Infinity);
    this.busLine = new Int32Array(this.busFree.length);
    this.busCmd = new Uint8Array(this.busFree.length);
    const nBanks = this.nodeCount('bank');
    this.openRow = new Int32Array(nBanks).fill(-1);
    this.openLine = new Int32Array(nBanks);
    this.modeOf = new Int8Array(NUM_COMMANDS).fill(-1);
    this.switchCmd = -1;
    const rm = spec.registerMode;
    if (rm) {
      this.modeOf.fill(0);
      this.switchCmd = COMMAND_ID[rm.switch];
      this.modeOf[this.switchCmd] = -1;
      for (const c of rm.commands) this.modeOf[COMMAND_ID[c]] = 1;
    }
    this.mode = new Uint8Array(this.ch);
    this.modeLine = new Int32Array(this.ch);
    for (let c = 0; c < NUM_COMMANDS; c++) {
      this.pairTo.push([]);
      this.pairFrom.push([]);
      this.windowOf.push([]);
    }
    for (const rule of spec.rules) {
      const n = this.nodeCount(rule.scope);
      if (rule.kind === 'pair') {
        const s: PairState = { rule, last: new Float64Array(n).fill(-Infinity), lastLine: new Int32Array(n), lastCmd: new Uint8Array(n) };
        for (const c of new Set(rule.to)) this.pairTo[COMMAND_ID[c]].push(s);
        for (const c of new Set(rule.from)) this.pairFrom[COMMAND_ID[c]].push(s);
      } else {
        // TODO(pim): each logged command counts once here; the PIM layer will decide how ACT4 and
        // ACT16 count in an activate window (once, or as the 4 / 16 activates they perform).
        const k = rule.count;
        const s: WindowState = { rule, times: new Float64Array(n * k), lines: new Int32Array(n * k), head: new Int32Array(n), filled: new Int32Array(n) };
        for (const c of new Set(rule.from)) this.windowOf[COMMAND_ID[c]].push(s);
      }
    }
  }

  private nodeCount(scope: RuleScope): number {
    if (scope === 'channel') return this.ch;
    if (scope === 'other-rank') return this.ch * this.ranks;
    const perRank = scope === 'rank' ? 1 : scope === 'bankgroup' ? this.groups : this.groups * this.banks;
    return this.ch * this.ranks * perRank;
  }

  /** The scope nodes a (validated) record is in, as the half-open index range [this.lo, this.hi). */
  private nodes(r: CommandRecord, scope: RuleScope): void {
    if (scope === 'channel') return this.range(r.channel, 1);
    const rankNode = r.channel * this.ranks + r.rank;
    // other-rank: a command is recorded at its own rank (checked against the others, see check()).
    if (scope === 'rank' || scope === 'other-rank') return this.range(rankNode, 1);
    const reach = this.behaviour[r.command].reach;
    if (reach === 'none') return this.range(0, 0);
    if (reach === 'rank') {
      const per = scope === 'bankgroup' ? this.groups : this.groups * this.banks;
      return this.range(rankNode * per, per);
    }
    const groupNode = rankNode * this.groups + r.bankgroup;
    if (scope === 'bankgroup') return this.range(groupNode, 1);
    if (reach === 'bankgroup') return this.range(groupNode * this.banks, this.banks);
    return this.range(groupNode * this.banks + r.bank, 1);
  }

  private range(lo: number, n: number): void {
    this.lo = lo;
    this.hi = lo + n;
  }

  private bankLabel(node: number): string {
    const b = node % this.banks;
    const g = Math.floor(node / this.banks) % this.groups;
    const rank = Math.floor(node / (this.banks * this.groups)) % this.ranks;
    const ch = Math.floor(node / (this.banks * this.groups * this.ranks));
    return `bank ${ch}.${rank}.${g}.${b} (channel.rank.bankgroup.bank)`;
  }

  /** What is wrong with the record's address, or null. */
  private addressProblem(r: CommandRecord): string | null {
    const b = this.behaviour[r.command];
    if (b === undefined) return `unknown command "${r.command}"`;
    if (!Number.isSafeInteger(r.cycle) || r.cycle < 0) return `cycle ${r.cycle} is not a non-negative integer`;
    if (bad(r.channel, this.ch)) return `channel ${r.channel} is outside 0..${this.ch - 1}`;
    if (bad(r.rank, this.ranks)) return `rank ${r.rank} is outside 0..${this.ranks - 1}`;
    if ((b.reach === 'bank' || b.reach === 'bankgroup') && bad(r.bankgroup, this.groups)) return `bankgroup ${r.bankgroup} is outside 0..${this.groups - 1}`;
    if (b.reach === 'bank' && bad(r.bank, this.banks)) return `bank ${r.bank} is outside 0..${this.banks - 1} (banks per group)`;
    if (b.effect === 'open' && bad(r.row, this.rows)) return `row ${r.row} is outside 0..${this.rows - 1}`;
    if (b.column && r.row >= 0 && bad(r.row, this.rows)) return `row ${r.row} is outside 0..${this.rows - 1}`;
    if (b.column && bad(r.column, this.columns)) return `column ${r.column} is outside 0..${this.columns - 1}`;
    return null;
  }

  /** Check one record (at CSV line `line`) and append what it breaks to `out`. */
  check(r: CommandRecord, line: number, out: Violation[]): void {
    // No closures here: under tsx every closure created per record costs a __name() call.
    const problem = this.addressProblem(r);
    if (problem !== null) {
      // The command cannot be placed, so it changes no state and is checked against nothing.
      out.push(violation(r, line, STATE_RULES.address, problem));
      return;
    }
    const t = r.cycle;
    const cmd = this.ids[r.command];
    if (t < this.lastCycle[r.channel]) {
      out.push(violation(r, line, STATE_RULES.order, `cycle ${t} is before cycle ${this.lastCycle[r.channel]} of an earlier command on channel ${r.channel}`));
    } else this.lastCycle[r.channel] = t;
    if (cmd === this.switchCmd) {
      this.mode[r.channel] ^= 1;
      this.modeLine[r.channel] = line;
    } else if (this.modeOf[cmd] >= 0 && this.modeOf[cmd] !== this.mode[r.channel]) {
      const name = (m: number) => (m ? 'register' : 'bank');
      const since = this.modeLine[r.channel] ? `since the ${COMMAND_NAMES[this.switchCmd]} at line ${this.modeLine[r.channel]}` : 'from the start';
      out.push(violation(r, line, STATE_RULES.mode, `${r.command} needs ${name(this.modeOf[cmd])} mode but channel ${r.channel} is in ${name(this.mode[r.channel])} mode (${since})`));
    }
    const bus = r.channel * this.busNames.length + this.busOf[cmd];
    if (t < this.busFree[bus]) {
      const held = this.busCycles[this.busCmd[bus]];
      out.push(violation(r, line, STATE_RULES.bus,
        `bus "${this.busNames[this.busOf[cmd]]}" is held by ${COMMAND_NAMES[this.busCmd[bus]]} at line ${this.busLine[bus]} until cycle ${this.busFree[bus]} (${held} clock${held > 1 ? 's' : ''})`));
    }
    if (t + this.busCycles[cmd] > this.busFree[bus]) {
      this.busFree[bus] = t + this.busCycles[cmd];
      this.busLine[bus] = line;
      this.busCmd[bus] = cmd;
    }

    for (const s of this.pairTo[cmd]) {
      let worst = -1;
      if (s.rule.scope === 'other-rank') {
        // The other ranks of the command's pseudo-channel (the ranks sharing its data bus).
        const own = r.channel * this.ranks + r.rank;
        const first = own - (r.rank % this.ranksPerBus);
        for (let n = first; n < first + this.ranksPerBus; n++) if (n !== own && (worst < 0 || s.last[n] > s.last[worst])) worst = n;
      } else {
        this.nodes(r, s.rule.scope);
        for (let n = this.lo; n < this.hi; n++) if (worst < 0 || s.last[n] > s.last[worst]) worst = n;
      }
      if (worst < 0) continue;
      const gap = t - s.last[worst];
      if (gap < s.rule.cycles) out.push(violation(r, line, s.rule.text, `${gap} < ${s.rule.cycles} cycles after ${COMMAND_NAMES[s.lastCmd[worst]]} at line ${s.lastLine[worst]}`));
    }
    for (const s of this.pairFrom[cmd]) {
      this.nodes(r, s.rule.scope);
      for (let n = this.lo; n < this.hi; n++) {
        if (t >= s.last[n]) {
          s.last[n] = t;
          s.lastLine[n] = line;
          s.lastCmd[n] = cmd;
        }
      }
    }
    for (const s of this.windowOf[cmd]) {
      const k = s.rule.count;
      this.nodes(r, s.rule.scope);
      let span = Infinity;
      let firstLine = 0;
      for (let n = this.lo; n < this.hi; n++) {
        const at = n * k + s.head[n];
        if (s.filled[n] === k && t - s.times[at] < span) {
          span = t - s.times[at];
          firstLine = s.lines[at];
        }
        s.times[at] = t;
        s.lines[at] = line;
        s.head[n] = (s.head[n] + 1) % k;
        if (s.filled[n] < k) s.filled[n]++;
      }
      if (span < s.rule.cycles) out.push(violation(r, line, s.rule.text, `${k + 1} commands within ${span} < ${s.rule.cycles} cycles (the first at line ${firstLine})`));
    }
    this.bankState(r, line, out);
  }

  private bankState(r: CommandRecord, line: number, out: Violation[]): void {
    const b = this.behaviour[r.command];
    this.nodes(r, 'bank');
    const { lo, hi } = this;
    if (lo === hi) return;
    if (b.requires !== 'any') {
      const wantOpen = b.requires === 'open';
      let bad = -1;
      let count = 0;
      for (let n = lo; n < hi; n++) {
        if (this.openRow[n] >= 0 !== wantOpen && count++ === 0) bad = n;
      }
      if (bad >= 0) {
        const state = wantOpen ? 'closed' : `open (row ${this.openRow[bad]}, opened at line ${this.openLine[bad]})`;
        out.push(violation(r, line, wantOpen ? STATE_RULES.open : STATE_RULES.closed, `${this.bankLabel(bad)} is ${state}${andMore(count)}`));
      }
    }
    if (b.column && r.row >= 0) {
      let bad = -1;
      let count = 0;
      for (let n = lo; n < hi; n++) {
        if (this.openRow[n] >= 0 && this.openRow[n] !== r.row && count++ === 0) bad = n;
      }
      if (bad >= 0) out.push(violation(r, line, STATE_RULES.row, `row ${r.row} named but ${this.bankLabel(bad)} has row ${this.openRow[bad]} open (since line ${this.openLine[bad]})${andMore(count)}`));
    }
    if (b.effect === 'open') {
      for (let n = lo; n < hi; n++) {
        this.openRow[n] = r.row;
        this.openLine[n] = line;
      }
    } else if (b.effect === 'close') {
      for (let n = lo; n < hi; n++) this.openRow[n] = -1;
    }
  }
}

function violation(r: CommandRecord, line: number, rule: string, message: string): Violation {
  return { line, cycle: r.cycle, command: r.command, rule, message };
}

function andMore(count: number): string {
  return count > 1 ? ` (and ${count - 1} more)` : '';
}

function bad(v: number, n: number): boolean {
  return !Number.isSafeInteger(v) || v < 0 || v >= n;
}

/** Check a whole log. Record i is reported as line i + 2 (line 1 is the CSV header). */
export function checkCommandLog(records: readonly CommandRecord[], spec: MemorySpec, options: CheckOptions = {}): Violation[] {
  const checker = new ProtocolChecker(spec);
  const out: Violation[] = [];
  const max = options.maxViolations ?? Infinity;
  for (let i = 0; i < records.length && out.length < max; i++) checker.check(records[i], i + 2, out);
  if (out.length > max) out.length = max;
  return out;
}

export interface LogCheck {
  /** Commands checked. */
  readonly commands: number;
  /** Violations found in all. */
  readonly total: number;
  /** The first `keep` of them. */
  readonly violations: readonly Violation[];
}

/**
 * Check a command-log file (plain or gzip-compressed) as it is read, in bounded memory whatever
 * its size; keeps the first `keep` violations and counts the rest.
 */
export async function checkCommandLogFile(file: string, spec: MemorySpec, keep = 50): Promise<LogCheck> {
  const checker = new ProtocolChecker(spec);
  const kept: Violation[] = [];
  const found: Violation[] = [];
  let total = 0;
  const commands = await forEachCommand(file, (r, line) => {
    checker.check(r, line, found);
    if (found.length === 0) return;
    total += found.length;
    for (const v of found) if (kept.length < keep) kept.push(v);
    found.length = 0;
  });
  return { commands, total, violations: kept };
}

/** `cmd.csv:17: RD at cycle 40 violates ["ACT"] -> ["RD"] >= nRCDRD (bank): 12 < 27 cycles after ACT at line 5` */
export function formatViolation(v: Violation, file: string): string {
  return `${file}:${v.line}: ${v.command} at cycle ${v.cycle} violates ${v.rule}: ${v.message}`;
}
