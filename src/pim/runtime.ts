/**
 * Shared state of one program run: dependency tracking between instructions, and the per-channel
 * time accounting that turns into the latency breakdown.
 */
import type { Instruction, Program } from './program.js';

/**
 * Where a channel's time goes: each gap before a command is charged to the command waited out
 * ('mode': the register-mode switches, TMOD).
 */
export const CATEGORIES = ['mac', 'activate', 'precharge', 'load', 'readout', 'mode', 'refresh', 'waiting'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CAT: Readonly<Record<Category, number>> = Object.fromEntries(CATEGORIES.map((c, i) => [c, i])) as Record<Category, number>;

export interface Executor {
  /** An instruction this executor owns became ready at `at`. */
  ready(index: number, at: number): void;
}

/**
 * Per instruction, the instructions that depend on it. Programs patched from one another share
 * their structure (itemStart, dependencies), so it is computed once per structure.
 */
const usersCache = new WeakMap<Int32Array, number[][]>();
function usersOf(program: Program): number[][] {
  const key = program.itemStart;
  const hit = key && usersCache.get(key);
  if (hit) return hit;
  const users: number[][] = program.instructions.map(() => []);
  for (const ins of program.instructions) for (const d of ins.deps) users[d].push(ins.index);
  if (key) usersCache.set(key, users);
  return users;
}

export class Runtime {
  readonly doneAt: Float64Array;
  readonly readyAt: Float64Array;
  readonly remaining: Int32Array;
  private readonly users: number[][];
  private readonly owner: (Executor | null)[];
  completed = 0;
  lastDone = 0;

  constructor(
    readonly program: Program,
    /** Cycle before which no instruction starts (the previous program's end). */
    readonly startAt = 0,
  ) {
    const n = program.instructions.length;
    this.doneAt = new Float64Array(n).fill(-1);
    this.readyAt = new Float64Array(n);
    this.remaining = new Int32Array(n);
    this.owner = new Array(n).fill(null);
    for (const ins of program.instructions) this.remaining[ins.index] = ins.deps.length;
    this.users = usersOf(program);
  }

  get instructions(): readonly Instruction[] {
    return this.program.instructions;
  }

  setOwner(index: number, ex: Executor): void {
    this.owner[index] = ex;
  }

  /** Announce the instructions with no dependencies (after every executor registered). */
  start(): void {
    for (const ins of this.program.instructions) if (ins.deps.length === 0) this.becomeReady(ins.index, this.startAt);
  }

  get finished(): boolean {
    return this.completed === this.program.instructions.length;
  }

  /**
   * Instruction `index` finished: its results are available at `at`. A dependent on the same
   * channel may start at `localAt` (when the last command issued): it issues after it in program
   * order anyway, and the timing rules (e.g. WRGB -> MAC16) already hold data hazards there.
   */
  complete(index: number, at: number, localAt = at): void {
    this.doneAt[index] = at;
    this.completed++;
    if (at > this.lastDone) this.lastDone = at;
    const ch = this.program.instructions[index].channel;
    for (const u of this.users[index]) {
      const t = ch >= 0 && this.program.instructions[u].channel === ch ? localAt : at;
      if (t > this.readyAt[u]) this.readyAt[u] = t;
      if (--this.remaining[u] === 0) this.becomeReady(u, this.readyAt[u]);
    }
  }

  private becomeReady(index: number, at: number): void {
    this.readyAt[index] = at;
    const ins = this.program.instructions[index];
    if (ins.op === 'BARRIER') {
      this.complete(index, at);
      return;
    }
    this.owner[index]!.ready(index, at);
  }
}
