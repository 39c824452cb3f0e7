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
