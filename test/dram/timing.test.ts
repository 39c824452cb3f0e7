/**
 * Device-timing tests of ChannelTiming (the scheduler's compiled rule tables), driven directly.
 *
 * 1. Generated from every shipped preset: for every pair of plain DRAM commands (P, C) and every
 *    placement of C relative to P (same bank, same bank group, same rank, other rank), issue P at
 *    T0 and check earliest(C) === T0 + the largest `cycles` of any pair rule whose from/to lists
 *    hold P and C and whose scope node P and C share (other-rank: P and C in different ranks), and
 *    of P's bus occupancy when P and C share a command bus. That expectation is computed here from
 *    the rule list, the bus table and the reach of each command (a rank-wide command is in every
 *    bank node of its rank), independently of the tables. earliest() being exactly that cycle
 *    means C is legal at the limit and illegal one cycle earlier.
 * 2. Hand-computed constants for gddr6 (and a few for ddr4-3200), with the arithmetic written out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, COMMAND_ID, COMMAND_NAMES, type CommandName } from '../../src/spec/commands.js';
import { ChannelTiming, CLOSED } from '../../src/dram/timing.js';
import type { MemorySpec, RuleScope } from '../../src/spec/memory.js';
import { listPresets } from '../../src/spec/load.js';
import { loadMemory } from '../../src/spec/presets.js';

/** Every shipped memory preset (abstract bases starting with "_" are not presets). */
const PRESETS = listPresets('memory');
/** Well past every rule (the longest is ddr4-3200's nRFC = 560), so setup commands never bind. */
const T0 = 10_000;

interface Target {
  readonly rank: number;
  readonly group: number;
  readonly bank: number;
}
const P_AT: Target = { rank: 0, group: 0, bank: 0 };
const PLACES: Readonly<Record<string, Target>> = {
  'same bank': P_AT,
  'same bank group': { rank: 0, group: 0, bank: 1 },
  'same rank': { rank: 0, group: 1, bank: 0 },
  'other rank': { rank: 1, group: 0, bank: 0 },
};

/** The banks a command at `t` reaches, as [rank, group, bank]. */
function banksReached(spec: MemorySpec, cmd: CommandName, t: Target): [number, number, number][] {
  const reach = COMMANDS[cmd].reach;
  if (reach === 'none') return [];
  if (reach === 'bank') return [[t.rank, t.group, t.bank]];
  const out: [number, number, number][] = [];
  for (let g = 0; g < spec.org.bankGroups; g++) {
    if (reach === 'bankgroup' && g !== t.group) continue;
    for (let b = 0; b < spec.org.banksPerGroup; b++) out.push([t.rank, g, b]);
  }
  return out;
}

/**
 * The nodes of `scope` a command is in: its channel (there is one here) and rank always; bank
 * groups and banks through the banks it reaches (a command that reaches no bank is in none).
 */
function nodesOf(spec: MemorySpec, scope: Exclude<RuleScope, 'other-rank'>, cmd: CommandName, t: Target): Set<string> {
  if (scope === 'channel') return new Set(['channel']);
  if (scope === 'rank') return new Set([`${t.rank}`]);
  return new Set(banksReached(spec, cmd, t).map(([r, g, b]) => (scope === 'bankgroup' ? `${r}.${g}` : `${r}.${g}.${b}`)));
}

function share(spec: MemorySpec, scope: RuleScope, p: CommandName, tp: Target, c: CommandName, tc: Target): boolean {
  // Rank switching: ranks of one data bus (the shipped presets have one pseudo-channel).
  if (scope === 'other-rank') return tp.rank !== tc.rank;
  const pNodes = nodesOf(spec, scope, p, tp);
  return [...nodesOf(spec, scope, c, tc)].some((n) => pNodes.has(n));
}

/** The expected minimum distance P -> C, and the rules that give it. */
function expectedGap(spec: MemorySpec, p: CommandName, tp: Target, c: CommandName, tc: Target): { cycles: number; rules: string[] } {
  let cycles = 0;
  const rules: string[] = [];
  const b = spec.buses;
  if (b.busOf[id(p)] === b.busOf[id(c)]) {
    cycles = b.cycles[id(p)];
    rules.push(`command bus "${b.names[b.busOf[id(p)]]}"`);
  }
  for (const r of spec.rules) {
    // A window of one command is a pair rule; longer windows cannot bind after a single command.
    if ((r.kind === 'window' && r.count > 1) || !r.from.includes(p) || !r.to.includes(c) || !share(spec, r.scope, p, tp, c, tc)) continue;
    rules.push(r.text);
    cycles = Math.max(cycles, r.cycles);
  }
  return { cycles, rules };
}

const id = (c: CommandName) => COMMAND_ID[c];

/** Issue `cmd` at `now` after checking it is legal there (timing and bank state). */
function issue(tm: ChannelTiming, cmd: CommandName, t: Target, now: number, row = 0): void {
  expect(tm.earliest(id(cmd), t.rank, t.group, t.bank), `${cmd} is not legal at ${now}`).toBeLessThanOrEqual(now);
  expect(tm.stateAllows(id(cmd), t.rank, t.group, t.bank, -1), `${cmd}: wrong bank state`).toBe(true);
  tm.issue(id(cmd), t.rank, t.group, t.bank, row, now);
}

/** Activate (row 0) every bank `cmd` reaches, each at its earliest legal cycle from 0 on. */
function openBanks(tm: ChannelTiming, spec: MemorySpec, cmd: CommandName, t: Target): void {
  let now = 0;
  for (const [rank, group, bank] of banksReached(spec, cmd, t)) {
    now = Math.max(now, tm.earliest(id('ACT'), rank, group, bank));
    issue(tm, 'ACT', { rank, group, bank }, now);
  }
  expect(now, 'setup ends well before T0').toBeLessThan(T0 / 2);
}

const earliest = (tm: ChannelTiming, cmd: CommandName, t: Target) => tm.earliest(id(cmd), t.rank, t.group, t.bank);
const at = (group: number, bank: number, rank = 0): Target => ({ rank, group, bank });

for (const preset of PRESETS) {
  describe(`${preset}: earliest(C) after P is P's cycle + the largest applicable rule`, () => {
    const shipped = loadMemory(preset);
    // The shipped presets have one rank; a second rank separates channel-scope from rank-scope rules.
    const twoRanks = loadMemory(preset, ['organization.ranks=2']);
    const covered = new Set<string>();

    for (const p of COMMAND_NAMES) {
      for (const c of COMMAND_NAMES) {
        it(`${p} -> ${c}`, () => {
          for (const [place, tc] of Object.entries(PLACES)) {
            const spec = tc.rank > 0 ? twoRanks : shipped;
            const tm = new ChannelTiming(spec);
            // Bank state P needs: column commands need their banks open; everything starts closed.
            if (COMMANDS[p].requires === 'open') openBanks(tm, spec, p, P_AT);
            issue(tm, p, P_AT, T0);
            const want = expectedGap(spec, p, P_AT, c, tc);
            want.rules.forEach((r) => covered.add(r));
            // A gap of 0 (a row and a column command of HBM's two buses): legal in P's own clock.
            expect(Math.max(T0, earliest(tm, c, tc)), `${p} -> ${c}, ${place}: ${want.rules.join('; ')}`).toBe(T0 + want.cycles);
          }
        });
      }
    }

    // Rolling windows (tFAW): `count` member commands as early as the tables allow, in different
    // banks of one rank; the next one must wait for max(first + cycles, every pair rule from the
    // earlier ones). Written for rank-scope windows of single-bank commands, which is what ships.
    for (const rule of shipped.rules.filter((r) => r.kind === 'window')) {
      it(`window: ${rule.text}`, () => {
        expect(rule.scope, 'extend this test for other window scopes').toBe('rank');
        for (const x of rule.from) {
          expect(COMMANDS[x].reach, `extend this test for multi-bank ${x}`).toBe('bank');
          const tm = new ChannelTiming(shipped);
          const G = shipped.org.bankGroups;
          const targets = Array.from({ length: rule.count + 1 }, (_, i) => at(i % G, Math.floor(i / G) % shipped.org.banksPerGroup));
          expect(new Set(targets.map((t) => `${t.group}.${t.bank}`)).size).toBe(rule.count + 1);
          if (COMMANDS[x].requires === 'open') targets.forEach((t) => openBanks(tm, shipped, x, t));
          const times: number[] = [];
          for (let i = 0; i < rule.count; i++) {
            const t = Math.max(T0, earliest(tm, x, targets[i]));
            issue(tm, x, targets[i], t);
            times.push(t);
          }
          const next = targets[rule.count];
          let want = times[0] + rule.cycles;
          for (let i = 0; i < rule.count; i++) want = Math.max(want, times[i] + expectedGap(shipped, x, targets[i], x, next).cycles);
          expect(earliest(tm, x, next), `${x}: issued at ${times.join(', ')}`).toBe(want);
        }
      });
    }

    it('every pair rule of the preset was exercised', () => {
      const pairRules = shipped.rules.filter((r) => r.kind === 'pair').map((r) => r.text);
      expect(pairRules.filter((r) => !covered.has(r))).toEqual([]);
    });
  });
}

describe('gddr6 hand-computed constraints', () => {
  const g = loadMemory('gddr6', ['controller.refresh=off']);
  // gddr6: nRCDRD 27, nRCDWR 16, nCCDL 4, nCCDS 2, nBL 2, nRRDL 8, nRRDS 8, nFAW 29, nCL 24, nCWL 6,
  // nWTRL 11, nWTRS 9, nWR 27, nRTP 4, nRAS 53, nRP 27, nRC 80.
  it('the preset holds the numbers these cases are computed from', () => {
    expect(g.timing).toMatchObject({ nRCDRD: 27, nRCDWR: 16, nCCDL: 4, nCCDS: 2, nBL: 2, nRRDL: 8, nRRDS: 8, nFAW: 29, nCL: 24, nCWL: 6, nWTRL: 11, nWTRS: 9, nWR: 27, nRTP: 4, nRAS: 53, nRP: 27, nRC: 80 });
  });

  it('ACT -> RD same bank = nRCDRD = 27; ACT -> WR = nRCDWR = 16', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(0, 0), 100);
    expect(earliest(tm, 'RD', at(0, 0))).toBe(127);
    expect(earliest(tm, 'WR', at(0, 0))).toBe(116);
    // Another bank is not held back by this ACT beyond the command bus (1 cycle).
    expect(earliest(tm, 'RD', at(0, 1))).toBe(101);
  });

  it('RD -> RD: same bank group max(nCCDL 4, nCCDS 2, nBL 2) = 4; other group max(nCCDS 2, nBL 2) = 2', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(0, 0), 0);
    issue(tm, 'ACT', at(0, 1), 8);
    issue(tm, 'ACT', at(1, 0), 16);
    issue(tm, 'RD', at(0, 0), 100);
    expect(earliest(tm, 'RD', at(0, 0))).toBe(104);
    expect(earliest(tm, 'RD', at(0, 1))).toBe(104);
    expect(earliest(tm, 'RD', at(1, 0))).toBe(102);
  });

  it('ACT -> ACT: same bank nRC = 80; same group max(nRRDL, nRRDS) = 8; other group nRRDS = 8', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(0, 0), 0);
    expect(earliest(tm, 'ACT', at(0, 0))).toBe(80);
    expect(earliest(tm, 'ACT', at(0, 1))).toBe(8);
    expect(earliest(tm, 'ACT', at(2, 3))).toBe(8);
  });

  it('a fifth ACT: gddr6 nRRDS 8 x 4 = 32 > nFAW 29, so tRRD binds first', () => {
    const tm = new ChannelTiming(g);
    [0, 8, 16, 24].forEach((t, i) => issue(tm, 'ACT', at(i, 0), t));
    expect(earliest(tm, 'ACT', at(0, 1))).toBe(32);
  });

  it('a fifth ACT inside nFAW (29) is blocked when tRRD allows it (nRRDS = nRRDL = 1)', () => {
    const fast = loadMemory('gddr6', ['controller.refresh=off', 'timing.nRRDS=1', 'timing.nRRDL=1']);
    const tm = new ChannelTiming(fast);
    [0, 1, 2, 3].forEach((t, i) => issue(tm, 'ACT', at(i, 0), t));
    // The window holds ACTs at 0, 1, 2, 3: the fifth waits for 0 + 29; the sixth for 1 + 29.
    expect(earliest(tm, 'ACT', at(0, 1))).toBe(29);
    issue(tm, 'ACT', at(0, 1), 29);
    expect(earliest(tm, 'ACT', at(1, 1))).toBe(30);
  });

  it('WR -> RD: same group nCWL + nBL + nWTRL = 6 + 2 + 11 = 19; other group 6 + 2 + nWTRS 9 = 17', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(0, 0), 0);
    issue(tm, 'ACT', at(0, 1), 8);
    issue(tm, 'ACT', at(1, 0), 16);
    issue(tm, 'WR', at(0, 0), 100);
    expect(earliest(tm, 'RD', at(0, 0))).toBe(119);
    expect(earliest(tm, 'RD', at(0, 1))).toBe(119);
    expect(earliest(tm, 'RD', at(1, 0))).toBe(117);
  });

  it('RD -> WR = nCL + nBL + 2 - nCWL = 24 + 2 + 2 - 6 = 22 (whole rank)', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(0, 0), 0);
    issue(tm, 'ACT', at(3, 3), 8);
    issue(tm, 'RD', at(0, 0), 100);
    expect(earliest(tm, 'WR', at(0, 0))).toBe(122);
    expect(earliest(tm, 'WR', at(3, 3))).toBe(122);
  });

  it('PRE: after ACT nRAS 53, after RD nRTP 4, after WR nCWL + nBL + nWR = 6 + 2 + 27 = 35', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(0, 0), 0);
    expect(earliest(tm, 'PRE', at(0, 0))).toBe(53);
    issue(tm, 'RD', at(0, 0), 100);
    expect(earliest(tm, 'PRE', at(0, 0))).toBe(104);
    issue(tm, 'WR', at(0, 0), 200); // 100 + 22 (RD -> WR) <= 200
    expect(earliest(tm, 'PRE', at(0, 0))).toBe(235);
    issue(tm, 'PRE', at(0, 0), 235);
    expect(tm.openRow[tm.bankIndex(0, 0, 0)]).toBe(CLOSED);
    // PRE -> ACT nRP 27; nRC from the ACT at 0 (80) is long past.
    expect(earliest(tm, 'ACT', at(0, 0))).toBe(262);
  });

  it('PREA waits for nRAS of every bank\'s ACT, and for write recovery in any bank', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(0, 0), 0);
    issue(tm, 'ACT', at(3, 3), 8);
    issue(tm, 'ACT', at(1, 2), 16);
    expect(tm.openCount[0]).toBe(3);
    // The last ACT (16) binds: 16 + nRAS 53 = 69.
    expect(earliest(tm, 'PREA', at(0, 0))).toBe(69);
    issue(tm, 'WR', at(3, 3), 40); // 8 + nRCDWR 16 <= 40
    // Write recovery of bank (3,3): 40 + 6 + 2 + 27 = 75.
    expect(earliest(tm, 'PREA', at(0, 0))).toBe(75);
    issue(tm, 'PREA', at(0, 0), 75);
    expect(tm.openCount[0]).toBe(0);
    expect(Array.from(tm.openRow).every((r) => r === CLOSED)).toBe(true);
    // PREA -> ACT nRP = 27 in every bank; PREA -> REFab nRP = 27.
    expect(earliest(tm, 'ACT', at(2, 1))).toBe(102);
    expect(earliest(tm, 'REFab', at(0, 0))).toBe(102);
  });

  it('REFab blocks every bank for nRFC = 211; REFpb blocks its bank nRFCpb = 106, others nRREFD = 8', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'REFab', at(0, 0), 1000);
    expect(earliest(tm, 'ACT', at(0, 0))).toBe(1211);
    expect(earliest(tm, 'ACT', at(3, 2))).toBe(1211);
    expect(earliest(tm, 'REFpb', at(1, 1))).toBe(1211);
    issue(tm, 'REFpb', at(1, 1), 2000);
    expect(earliest(tm, 'ACT', at(1, 1))).toBe(2106);
    expect(earliest(tm, 'REFpb', at(1, 1))).toBe(2106);
    expect(earliest(tm, 'ACT', at(1, 2))).toBe(2008);
    expect(earliest(tm, 'REFpb', at(2, 0))).toBe(2008);
    // An all-bank refresh waits for the per-bank refresh to finish (assumed rule): 2000 + 106.
    expect(earliest(tm, 'REFab', at(0, 0))).toBe(2106);
  });

  it('bank state: ACT opens its row, stateAllows follows it', () => {
    const tm = new ChannelTiming(g);
    issue(tm, 'ACT', at(2, 1), 0, 77);
    expect(tm.openRow[tm.bankIndex(0, 2, 1)]).toBe(77);
    expect(tm.stateAllows(id('RD'), 0, 2, 1, 77)).toBe(true);
    expect(tm.stateAllows(id('RD'), 0, 2, 1, 78)).toBe(false);
    expect(tm.stateAllows(id('ACT'), 0, 2, 1, 5)).toBe(false);
    expect(tm.stateAllows(id('REFab'), 0, 0, 0, -1)).toBe(false);
    expect(tm.stateAllows(id('REFpb'), 0, 2, 0, -1)).toBe(true);
  });
});

describe('ddr4-3200 hand-computed constraints', () => {
  const d = loadMemory('ddr4-3200', ['controller.refresh=off']);
  it('a fifth ACT waits for nFAW: ACTs at 0, 4, 8, 12 (nRRDS 4, other groups) -> fifth at max(16, 0 + 34) = 34', () => {
    expect(d.timing).toMatchObject({ nRRDS: 4, nRRDL: 8, nFAW: 34 });
    const tm = new ChannelTiming(d);
    [0, 4, 8, 12].forEach((t, i) => issue(tm, 'ACT', at(i, 0), t));
    expect(earliest(tm, 'ACT', at(0, 1))).toBe(34);
  });
  it('REFab -> ACT = nRFC = 560', () => {
    const tm = new ChannelTiming(d);
    issue(tm, 'REFab', at(0, 0), 0);
    expect(earliest(tm, 'ACT', at(3, 3))).toBe(560);
  });
});

describe('a bank-scope rule on a rank-wide command reaches every bank', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimsim-timing-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('ACT -> PREA at bank scope (nRAS + 7) binds through whichever bank was activated', () => {
    const file = join(dir, 'gddr6-bank-prea.json');
    writeFileSync(file, JSON.stringify({
      extends: 'gddr6',
      name: 'gddr6-bank-prea',
      '+rules': [{ from: 'ACT', to: 'PREA', scope: 'bank', cycles: 'nRAS + 7', source: 'test' }],
    }));
    const spec = loadMemory(file, ['controller.refresh=off']);
    const tm = new ChannelTiming(spec);
    issue(tm, 'ACT', at(0, 0), 0);
    issue(tm, 'ACT', at(3, 3), 8);
    // max(rank rule 8 + 53, bank rule 0 + 60, bank rule 8 + 60) = 68
    expect(earliest(tm, 'PREA', at(0, 0))).toBe(68);
  });
});
