/**
 * Exact skipping of repeated work (fast fidelity). A MAC block repeats the same commands row
 * after row, and segment after segment within a row. If the channel's timing state, relative to
 * the current cycle, is the same at two consecutive boundaries of the same kind, the channel is in
 * a periodic steady state: the deterministic scheduler will do exactly the same thing in the next
 * period, shifted in time. So m periods can be replaced by shifting the timing state m periods
 * forward and adding m times the counts of one period. The fidelity tests check that the result
 * equals a command-by-command run.
 */
import type { ChannelTiming } from '../dram/timing.js';
import { TimingSnapshot } from '../dram/snapshot.js';

/** The counters a skip must advance (per channel). */
export interface Counters {
  readonly commands: Float64Array;
  readonly time: Float64Array;
  readonly rowOpen: Float64Array;
}

export class RepeatDetector {
  private markIndex = -Infinity;
  private markT = 0;
  private readonly markCounts: Float64Array;
  private readonly delta: Float64Array;
  private readonly mark: TimingSnapshot;
  private readonly scratch: Float64Array;

  constructor(
    private readonly counters: Counters,
    private readonly timing: ChannelTiming,
    /** Commands whose presence in a period disqualifies it (refresh follows its own schedule). */
    private readonly aperiodic: readonly number[] = [],
  ) {
    const n = counters.commands.length + counters.time.length + counters.rowOpen.length;
    this.markCounts = new Float64Array(n);
    this.delta = new Float64Array(n);
    this.mark = new TimingSnapshot(timing);
    this.scratch = new Float64Array(timing.denseSize);
  }

  reset(): void {
    this.markIndex = -Infinity;
  }

  private readCounts(out: Float64Array): void {
    const { commands, time, rowOpen } = this.counters;
    out.set(commands, 0);
    out.set(time, commands.length);
    out.set(rowOpen, commands.length + time.length);
  }

  /**
   * Boundary number `index` reached at cycle `now`. If the previous boundary was index - 1 and the
   * state then matched the state now, returns the period (cycles) after applying `maxPeriods(period)`
   * skipped periods to the counters and the timing state; the caller advances its own clock and
   * indexes by the returned `skipped` periods. Otherwise records a mark and returns skipped 0.
   */
  observe(index: number, now: number, maxPeriods: (period: number) => number): { skipped: number; period: number } {
    let skipped = 0, period = 0;
    if (index === this.markIndex + 1) {
      period = now - this.markT;
      let same = period > 0 && this.mark.matches(this.timing, now, this.scratch);
      if (same) {
        this.readCounts(this.delta);
        for (let i = 0; i < this.delta.length; i++) this.delta[i] -= this.markCounts[i];
        for (const c of this.aperiodic) if (this.delta[c] !== 0) same = false;
      }
      if (same) {
        const m = maxPeriods(period);
        if (m >= 1) {
          const { commands, time, rowOpen } = this.counters;
          const nc = commands.length, nt = time.length;
          for (let i = 0; i < nc; i++) commands[i] += m * this.delta[i];
          for (let i = 0; i < nt; i++) time[i] += m * this.delta[nc + i];
          for (let i = 0; i < rowOpen.length; i++) rowOpen[i] += m * this.delta[nc + nt + i];
          this.timing.shiftLive(m * period);
          skipped = m;
          now += m * period;
          index += m;
        }
      }
    }
    this.markIndex = index;
    this.markT = now;
    this.readCounts(this.markCounts);
    this.mark.capture(this.timing, now, now);
    return { skipped, period };
  }
}
