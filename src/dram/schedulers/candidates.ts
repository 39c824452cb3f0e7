/**
 * Which requests of one queue can be a scheduler's next choice, sorted by the command they need.
 *
 * Every request of a bank that needs the same command becomes legal at the same cycle, so among
 * them only the oldest can be chosen: a scheduler keeps, per kind of choice (say "row hit", "ACT",
 * "PRE") and per bank, at most one request, its candidate. Candidates change only when something
 * about their bank changes (RequestQueue.dirty), so a scheduler re-derives the changed banks and
 * then looks at each kind's candidates with a few typed-array reads each: a kind whose command
 * cannot issue anywhere in the rank yet is skipped as a whole.
 */
import type { RequestQueue } from '../requestQueue.js';
import type { SchedulerContext } from './index.js';
export class Candidates {
  /** Slot of the candidate of kind k for bank f, at [k * banks + f] (valid where `members` has the bit). */
  readonly slot: Int32Array;
  /** Per kind: banks with a candidate, bit (f & 31) of word k * words + (f >> 5). */
  readonly members: Uint32Array;
  /** Per kind: number of banks with a candidate. */
  readonly count: Int32Array;
  readonly words: number;

  constructor(
    readonly kinds: number,
    readonly banks: number,
  ) {
    this.words = (banks + 31) >> 5;
    this.slot = new Int32Array(kinds * banks);
    this.members = new Uint32Array(kinds * this.words);
    this.count = new Int32Array(kinds);
  }

  /** Drop every candidate of bank f. */
  clear(f: number): void {
    const bit = 1 << (f & 31);
    for (let k = 0, w = f >> 5; k < this.kinds; k++, w += this.words) {
      if (this.members[w] & bit) {
        this.members[w] &= ~bit;
        this.count[k]--;
      }
    }
  }

  /** Make slot s bank f's candidate of kind k (bank f has none of that kind). */
  set(k: number, f: number, s: number): void {
    this.slot[k * this.banks + f] = s;
    this.members[k * this.words + (f >> 5)] |= 1 << (f & 31);
    this.count[k]++;
  }
}

/**
 * A scan's running result over candidate kinds: the oldest candidate ready now (slot, age, command)
 * and, among those not ready, the one ready soonest (the oldest on a tie). Kinds are scanned in
 * priority order into one Scan, so a later kind's candidate wins only by being older.
 */
export class Scan {
  ready = -1;
  readySeq = Infinity;
  readyCmd = 0;
  soonAt = Infinity;
  soonSlot = -1;
  soonSeq = Infinity;
  soonCmd = 0;

  reset(): this {
    this.ready = this.soonSlot = -1;
    this.readySeq = this.soonAt = this.soonSeq = Infinity;
    this.readyCmd = this.soonCmd = 0;
    return this;
  }
}

/**
 * Scan kind k's candidates of `c` (queue `q`) for command `cmd` at `now` into `out`: each bank's
 * candidate that is not older-than-ready-skippable and not blocked (a rank owing a refresh) is
 * timed by its bank and rank bounds (`shared`: the rank part when the channel has one rank, else
 * -1 to read it per request).
 */
export function scanKind(c: Candidates, k: number, cmd: number, q: RequestQueue, ctx: SchedulerContext, shared: number, now: number, out: Scan): void {
  const tm = ctx.timing, banks = c.banks, words = c.words, members = c.members, slots = c.slot, seq = q.seq, rank = q.rank;
  const blocking = ctx.owesRefresh;
  for (let w = 0; w < words; w++) {
    for (let bits = members[k * words + w]; bits !== 0; bits &= bits - 1) {
      const f = (w << 5) | (31 - Math.clz32(bits & -bits));
      const s = slots[k * banks + f];
      if (seq[s] > out.readySeq) continue; // cannot beat the ready one already found
      if (blocking && ctx.blocked(rank[s], f)) continue;
      let t = tm.bankReady(cmd, f);
      const r = shared >= 0 ? shared : tm.rankReady(cmd, rank[s]);
      if (r > t) t = r;
      if (t <= now) {
        out.ready = s;
        out.readySeq = seq[s];
        out.readyCmd = cmd;
      } else if (t < out.soonAt || (t === out.soonAt && seq[s] < out.soonSeq)) {
        out.soonAt = t;
        out.soonSlot = s;
        out.soonSeq = seq[s];
        out.soonCmd = cmd;
      }
    }
  }
}
