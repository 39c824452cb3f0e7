/**
 * Exact memoization of instruction outcomes (fast fidelity, no datapath, no command log).
 *
 * What a channel does with the rest of an instruction depends only on the instruction's shape, its
 * progress (rows left, segment, column, readouts, the readout-group phase), the channel's state
 * relative to the current cycle (timing bounds and windows as cycles still to wait, which rows are
 * open relative to the rows still to come, register mode, the category the next wait is charged
 * to) and on where a refresh falls due. Row numbers, columns, accumulators and the channel index
 * change no timing. So the run of an instruction from such a point (a piece) is recorded once, all
 * relative to its start, and replayed wherever the same key comes back: on any channel, row or
 * token.
 *
 * Refresh: a refresh can only cut in at a boundary (before a row's first command), and it does so
 * exactly when the command there would issue at or after the refresh's due cycle. A piece records
 * the channel's whole state at each of its boundaries (a checkpoint) with that issue cycle. A
 * replay finds the first checkpoint a refresh due at R would cut, restores it and lets the channel
 * go on (it refreshes there); with none, it replays the piece to its end.
 *
 * After a refresh inside an instruction a piece starts that runs to the instruction's end through
 * every later refresh: its key includes the cycles to the next refresh due, and refreshes then
 * follow every nREFI, so they fall at the same places in every replay. (An instruction's start is
 * keyed without it: refresh phases there take thousands of values; just after a refresh, few.)
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
/** One-row instructions with fewer columns than this run live: a lookup would cost about as much. */
const MIN_COLUMNS = 8;
const SIG = 20;
// A module-local copy: imported bindings are getters under some loaders.
const PRECISION_LIST: readonly string[] = PRECISIONS.slice();

/** The channel's state at a point of a piece, relative to the piece's start. */
export interface Point {
  /** Counter deltas since the start: commands, then time categories, then row-open cycles. */
  readonly deltas: Float64Array;
  /** Indices of the non-zero deltas. */
  readonly touched: Int32Array;
  /** Timing state (pending bounds: those pending at this point), relative to the start. */
  readonly state: TimingSnapshot;
  /** Per bank: open row relative to the piece's first row, CLOSED_ROW or UNCHANGED_ROW. */
  readonly rows: Int32Array;
  readonly mode: number;
  readonly lastCat: number;
  /** Cycles from the start to the last command issued. */
  readonly lastIssue: number;
  /** Cycles from the start to where the open-row interval began; -1 all rows closed; -2 the start's interval goes on. */
  readonly openSince: number;
}

/** A boundary inside a piece: the point, the decoder's progress, and when its command would issue. */
export interface Checkpoint {
  readonly point: Point;
  /** Cycles from the start to the command the boundary decides on: a refresh due by then cuts in. */
  readonly tau: number;
  /** Cycles from the start to the decision (the channel's clock there). */
  readonly at: number;
  /** Rows done since the piece's start; segment, column and readouts within the row. */
  readonly rowsDone: number;
  readonly seg: number;
  readonly k: number;
  readonly reads: number;
  /** A pending register-mode switch: the command it was for (-1 none), its bank, its cycle (relative). */
  readonly switchedFor: number;
  readonly switchedBank: number;
  readonly switchedAt: number;
}

/** A recorded piece. */
export interface Outcome {
  /** Cycles from the start to the piece's first command (a refresh due by then comes first). */
  readonly firstTau: number;
  /** The boundaries inside the piece, in order, and their tau (a flat copy: the scan of every replay). */
  readonly checkpoints: readonly Checkpoint[];
  readonly taus: Float64Array;
  /** The instruction's end, when the piece ran to it (null: a refresh cut the recording). */
  readonly end: Point | null;
  /** Refreshes (REFab) inside the piece: a piece keyed by the refresh due runs through them. */
  readonly refreshes: number;
}

/** A recorded key: the instruction signature, progress and context, and the timing state at the start. */
interface Key {
  readonly sig: Float64Array;
  readonly state: TimingSnapshot;
}

interface Entry {
  readonly key: Key;
  outcome: Outcome;
}

export interface MemoStats {
  lookups: number;
  /** Lookups that found the key (replayed, or resumed from the last checkpoint to record further). */
  hits: number;
  /** Entries held now (both generations). */
  entries: number;
  /** Generations retired (each drops the entries not used since the one before). */
  retired: number;
  /** Pieces recorded (fresh or extended). */
  recordings: number;
}

export class InstructionMemo {
  /**
   * Two generations bound the memory: entries are recorded in the young one; when it is full the
   * old one is dropped and the young one becomes old. An entry found in the old generation moves to
   * the young one, so what is still used survives (attention shapes of past positions do not).
   */
  private young = new Map<number, Entry[]>();
  private youngEntries = 0;
  private old = new Map<number, Entry[]>();
  private oldEntries = 0;
  readonly stats: MemoStats = { lookups: 0, hits: 0, entries: 0, retired: 0, recordings: 0 };
  /** The key of the last lookup (scratch), its hash and the channel timing it was taken from. */
  private readonly sig: Float64Array;
  private state: TimingSnapshot | null = null;
  private hash = 0;

  constructor(
    timing: ChannelTiming,
    private readonly banks: number,
    /** Entries per generation (about 5 KB each): bounds the memory of long runs. */
    private readonly generation = 16_384,
  ) {
    this.sig = new Float64Array(SIG + banks);
    this.state = new TimingSnapshot(timing);
  }

  /**
   * Whether an instruction is worth a lookup: row instructions (each row costs several commands:
   * PRE, ACT, the column run, readouts, mode switches), but not a lone burst.
   */
  static eligible(ins: Instruction): boolean {
    if (OP_CODE[ins.op] === undefined) return false;
    return ins.rowCount > 1 || ins.count * ins.segments >= MIN_COLUMNS;
  }

  /**
   * Take the key of `ins` at progress (rowIdx, seg, k, reads; started) at `now` on a channel in the
   * given state. The rows are keyed relative to the current row, and by the rows left. `due`: the
   * cycles to the next refresh for a piece that runs through refreshes, or -1.
   */
  makeKey(ins: Instruction, rowIdx: number, seg: number, k: number, reads: number, started: boolean, mode: number, lastCat: number, timing: ChannelTiming, now: number, due: number): void {
    const key = this.sig;
    const rowsLeft = ins.rowCount - rowIdx;
    key[0] = OP_CODE[ins.op];
    key[1] = ins.allBanks ? 1 : 0;
    key[2] = ins.allBanks ? 0 : ins.bankgroup;
    key[3] = ins.allBanks ? 0 : ins.bank;
    key[4] = ins.count;
    key[5] = rowsLeft;
    key[6] = ins.segments;
    key[7] = ins.lastSegments;
    key[8] = ins.readout ? 1 : 0;
    key[9] = ins.readoutWords;
    key[10] = ins.readoutGroup;
    key[11] = PRECISION_LIST.indexOf(ins.precision);
    key[12] = mode;
    key[13] = lastCat;
    key[14] = started ? 1 : 0;
    key[15] = seg;
    key[16] = k;
    key[17] = reads;
    // Readouts close every readoutGroup segments counted from the block's first.
    key[18] = (rowIdx * ins.segments) % ins.readoutGroup;
    // Cycles to the next refresh due, for pieces that run through refreshes (-1: cut at them).
    key[19] = due;
    const openRow = timing.openRow, row0 = ins.row + rowIdx;
    for (let b = 0; b < this.banks; b++) {
      const r = openRow[b];
      const rel = r - row0;
      key[SIG + b] = r < 0 ? CLOSED_ROW : rel >= 0 && rel < rowsLeft ? rel : OTHER_ROW;
    }
    const st = this.state!;
    st.capture(timing, now, now);
    let h = st.hash();
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ (key[i] | 0), 0x01000193);
    this.hash = h;
  }

  /** The outcome recorded for the current key, if any (`timing` and `now` as given to makeKey). */
  lookup(timing: ChannelTiming, now: number): Outcome | undefined {
    this.stats.lookups++;
    let e = this.find(this.young, timing, now);
    if (e === undefined) {
      e = this.find(this.old, timing, now);
      if (e === undefined) return undefined;
      this.insert(this.hash, e);
    }
    this.stats.hits++;
    return e.outcome;
  }

  private find(table: Map<number, Entry[]>, timing: ChannelTiming, now: number): Entry | undefined {
    const list = table.get(this.hash);
    if (!list) return undefined;
    const k = this.sig;
    outer: for (const e of list) {
      const ek = e.key.sig;
      for (let i = 0; i < ek.length; i++) if (ek[i] !== k[i]) continue outer;
      if (e.key.state.equalsCurrent(this.state!, timing, now)) return e;
    }
    return undefined;
  }

  /** Add an entry to the young generation, retiring the old one when the young one is full. */
  private insert(hash: number, e: Entry): void {
    if (this.youngEntries >= this.generation) {
      this.old = this.young;
      this.oldEntries = this.youngEntries;
      this.young = new Map();
      this.youngEntries = 0;
      this.stats.retired++;
    }
    const list = this.young.get(hash);
    if (list) list.push(e);
    else this.young.set(hash, [e]);
    this.youngEntries++;
    this.stats.entries = this.youngEntries + this.oldEntries;
  }

  /** A copy of the current key and its hash, to record an outcome for once the instruction ends. */
  pending(): { key: Key; hash: number } {
    return { key: { sig: this.sig.slice(), state: this.state!.compact() }, hash: this.hash };
  }

  /** Keep an outcome for a pending key (replacing one recorded for the same key). */
  record(p: { key: Key; hash: number }, outcome: Outcome): void {
    this.stats.recordings++;
    // An extended recording replaces its entry (found again by lookup, so it is young).
    for (const e of this.young.get(p.hash) ?? []) {
      if (sameKey(e.key, p.key)) {
        e.outcome = outcome;
        return;
      }
    }
    this.insert(p.hash, { key: p.key, outcome });
  }

  /** Relative open-row encoding of a bank's final row (see Outcome.rows). */
  static encodeRow(start: number, end: number, firstRow: number): number {
    if (end === start) return UNCHANGED_ROW;
    return end < 0 ? CLOSED_ROW : end - firstRow;
  }
}

function same(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): boolean {
  if (a.length < n || b.length < n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Key equality between two recorded keys (pairs in the same capture order only: a repeat is rare and harmless). */
function sameKey(a: Key, b: Key): boolean {
  return same(a.sig, b.sig) && a.state.n === b.state.n && same(a.state.dense, b.state.dense) && same(a.state.idx, b.state.idx, a.state.n) && same(a.state.rel, b.state.rel, a.state.n);
}
