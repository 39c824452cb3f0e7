/**
 * Per-format MAC pacing for one channel's sequencer. The timing rules space MACs by the base
 * (fastest format's) spacing; a slower format (e.g. ternary on 8-bit activations: four global-
 * buffer reads per column, system.pu.byFormat) holds its PU longer. This keeps that extra bound per
 * bank (when the PU takes the next column) and for the readout (when the last column's sum is
 * final: its extra cycles plus nRDMAC), in both fidelities and for MAC runs, and exposes it as
 * state relative to now, so the fast path's repeat detection stays exact.
 */
import { COMMAND_ID } from '../spec/commands.js';
import { PRECISIONS, type Precision } from '../model/ops.js';
import type { SystemSpec } from '../spec/system.js';

const MAC = COMMAND_ID.MAC, MAC16 = COMMAND_ID.MAC16, RDMAC16 = COMMAND_ID.RDMAC16;

export class PuPacer {
  /** The selected format's MAC spacing (DRAM cycles) and its excess over the base spacing. */
  spacing = 0;
  private extra = 0;
  private readonly spacingOf: Float64Array;
  private readonly baseSpacing: number;
  private readonly nRDMAC: number;
  /** Earliest next MAC per bank (and over all banks), earliest RDMAC16. */
  private readonly free: Float64Array;
  private freeAll = 0;
  private readReady = 0;
  private readonly now: Float64Array;
  /** The relative state at the last boundary each repeat detector (0 rows, 1 segments) observed. */
  private readonly marks: [Float64Array, Float64Array];

  constructor(system: SystemSpec, banks: number) {
    this.baseSpacing = system.pu.macSpacingCycles;
    this.spacingOf = Float64Array.from(PRECISIONS, (p) => system.pu.byFormat[p]?.macSpacingCycles ?? this.baseSpacing);
    this.nRDMAC = system.memory.timing.nRDMAC ?? 0;
    this.free = new Float64Array(banks);
    this.now = new Float64Array(banks + 1);
    this.marks = [new Float64Array(banks + 1), new Float64Array(banks + 1)];
  }

  /** The format of the instruction being decoded. */
  select(precision: Precision): void {
    this.spacing = this.spacingOf[PRECISIONS.indexOf(precision)];
    this.extra = Math.max(0, this.spacing - this.baseSpacing);
  }

  /** `t` (the rules' earliest cycle for cmd) raised to the PU bounds. */
  bound(cmd: number, flatBank: number, t: number): number {
    if (cmd === MAC16) return t > this.freeAll ? t : this.freeAll;
    if (cmd === MAC) return Math.max(t, this.free[flatBank]);
    if (cmd === RDMAC16) return t > this.readReady ? t : this.readReady;
    return t;
  }

  /** A MAC (or the last of a run) of the selected format issued at t. */
  note(cmd: number, flatBank: number, t: number): void {
    if (this.extra <= 0) return;
    const free = t + this.spacing;
    if (cmd === MAC16) {
      this.free.fill(free);
      this.freeAll = free;
    } else {
      this.free[flatBank] = free;
      if (free > this.freeAll) this.freeAll = free;
    }
    const read = t + this.extra + this.nRDMAC;
    if (read > this.readReady) this.readReady = read;
  }

  /** Skipped work moves the bounds with the clock. */
  shift(delta: number): void {
    for (let b = 0; b < this.free.length; b++) this.free[b] += delta;
    this.freeAll += delta;
    this.readReady += delta;
  }

  /**
   * Whether the bounds relative to `now` equal those at detector `which`'s last boundary; this
   * boundary becomes its mark (a skip shifts the bounds with the clock, keeping them relative).
   */
  repeats(now: number, which: 0 | 1): boolean {
    const x = this.now, n = this.free.length, mark = this.marks[which];
    for (let b = 0; b < n; b++) x[b] = this.free[b] > now ? this.free[b] - now : 0;
    x[n] = this.readReady > now ? this.readReady - now : 0;
    let same = true;
    for (let j = 0; j <= n; j++) if (x[j] !== mark[j]) same = false;
    mark.set(x);
    return same;
  }
}
