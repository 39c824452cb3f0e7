/**
 * Exact memoization of instruction outcomes (fast fidelity, no datapath, no command log).
 *
 * What a channel does with an instruction depends only on the instruction's shape, the channel's
 * state relative to the cycle it starts (timing bounds and windows as cycles still to wait, which
 * rows are open relative to the instruction's rows, register mode, the category the next wait is
 * charged to) and on whether a refresh falls due inside it. Row numbers, columns, accumulators and
 * the channel index change no timing. So an outcome recorded once (its duration, the counters it
 * added, the state it left, all relative to its start) is replayed wherever the same key comes
 * back, on any channel, in any token, provided the channel's next refresh is due after the
 * instruction's last command (then no refresh decision inside it could have gone the other way).
 * Tests compare runs with and without the memo, and against command fidelity.
 */
import type { Instruction } from './program.js';
import { PRECISIONS } from '../model/ops.js';
import type { ChannelTiming } from '../dram/timing.js';
import { TimingSnapshot } from '../dram/snapshot.js';

const OP_CODE: Readonly<Record<string, number>> = { MAC: 1, WR: 2, RD: 3 };
/** Open-row encodings in a key: the bank's row is not one the instruction uses / the bank is closed. */
const OTHER_ROW = -2, CLOSED_ROW = -1;
/** Final open row: the bank kept the row it had at the start. */
export const UNCHANGED_ROW = -3;
/** Instructions issuing fewer commands than this run live: a lookup would cost about as much. */
const MIN_COMMANDS = 24;
const SIG = 14;

export interface Outcome {
  /** Counter deltas: commands, then time categories, then row-open cycles (the sequencer's layout). */
  readonly deltas: Float64Array;
  /** Indices of the non-zero deltas. */
  readonly touched: Int32Array;
  /** Timing state at the end, relative to the start (pending bounds: those pending at the end). */
  readonly state: TimingSnapshot;
  /** Per bank: final open row relative to the instruction's first row, CLOSED_ROW or UNCHANGED_ROW. */
  readonly rows: Int32Array;
  readonly mode: number;
  readonly lastCat: number;
  /** Cycles from the start to the last command issued. */
  readonly lastIssue: number;
  /** Cycles from the start to where the open-row interval began; -1 all rows closed; -2 the start's interval goes on. */
  readonly openSince: number;
}

/** A recorded key: the instruction signature and context, and the timing state at the start. */
interface Key {
  readonly sig: Float64Array;
  readonly state: TimingSnapshot;
}

interface Entry {
  readonly key: Key;
  readonly outcome: Outcome;
}

export interface MemoStats {
  lookups: number;
  hits: number;
  entries: number;
}

export class InstructionMemo {
  private readonly table = new Map<number, Entry[]>();
  readonly stats: MemoStats = { lookups: 0, hits: 0, entries: 0 };
  /** The key of the last lookup (scratch), its hash and the channel timing it was taken from. */
  private readonly sig: Float64Array;
  private state: TimingSnapshot | null = null;
  private readonly scratch: Float64Array;
  private hash = 0;

  constructor(
    timing: ChannelTiming,
    private readonly banks: number,
    /** Bounds the memory a long sweep can use; beyond it outcomes are no longer recorded. */
    private readonly maxEntries = 100_000,
  ) {
    this.sig = new Float64Array(SIG + banks);
    this.state = new TimingSnapshot(timing);
    this.scratch = new Float64Array(timing.denseSize);
  }

  /** Whether an instruction is long enough to be worth a lookup. */
  static eligible(ins: Instruction): boolean {
    if (OP_CODE[ins.op] === undefined) return false;
    const perRow = ins.op === 'MAC' ? ins.segments * ins.count : ins.count * (ins.allBanks ? 16 : 1);
    return ins.rowCount * perRow >= MIN_COMMANDS;
  }

  /** Take the key of `ins` starting at `now` on a channel in the given state. */
  makeKey(ins: Instruction, mode: number, lastCat: number, timing: ChannelTiming, now: number): void {
    const k = this.sig;
    k[0] = OP_CODE[ins.op];
    k[1] = ins.allBanks ? 1 : 0;
    k[2] = ins.allBanks ? 0 : ins.bankgroup;
    k[3] = ins.allBanks ? 0 : ins.bank;
    k[4] = ins.count;
    k[5] = ins.rowCount;
    k[6] = ins.segments;
    k[7] = ins.lastSegments;
    k[8] = ins.readout ? 1 : 0;
    k[9] = ins.readoutWords;
    k[10] = ins.readoutGroup;
    k[11] = PRECISIONS.indexOf(ins.precision);
    k[12] = mode;
    k[13] = lastCat;
    const openRow = timing.openRow;
    for (let b = 0; b < this.banks; b++) {
      const r = openRow[b];
      const rel = r - ins.row;
      k[SIG + b] = r < 0 ? CLOSED_ROW : rel >= 0 && rel < ins.rowCount ? rel : OTHER_ROW;
    }
    const st = this.state!;
    st.capture(timing, now, now);
    let h = st.hash();
    for (let i = 0; i < k.length; i++) h = Math.imul(h ^ (k[i] | 0), 0x01000193);
    this.hash = h;
  }

  /** The outcome recorded for the current key, if any (`timing` and `now` as given to makeKey). */
  lookup(timing: ChannelTiming, now: number): Outcome | undefined {
    this.stats.lookups++;
    const list = this.table.get(this.hash);
    if (!list) return undefined;
    const k = this.sig;
    outer: for (const e of list) {
      const ek = e.key.sig;
      for (let i = 0; i < ek.length; i++) if (ek[i] !== k[i]) continue outer;
      if (e.key.state.n !== this.state!.n || !e.key.state.matches(timing, now, this.scratch)) continue;
      this.stats.hits++;
      return e.outcome;
    }
    return undefined;
  }

  /** A copy of the current key and its hash, to record an outcome for once the instruction ends. */
  pending(): { key: Key; hash: number } | undefined {
    if (this.stats.entries >= this.maxEntries) return undefined;
    return { key: { sig: this.sig.slice(), state: this.state!.compact() }, hash: this.hash };
  }

  record(p: { key: Key; hash: number }, outcome: Outcome): void {
    const list = this.table.get(p.hash);
    if (list) list.push({ key: p.key, outcome });
    else this.table.set(p.hash, [{ key: p.key, outcome }]);
    this.stats.entries++;
  }

  /** Relative open-row encoding of a bank's final row (see Outcome.rows). */
  static encodeRow(start: number, end: number, firstRow: number): number {
    if (end === start) return UNCHANGED_ROW;
    return end < 0 ? CLOSED_ROW : end - firstRow;
  }
}
