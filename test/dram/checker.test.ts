/**
 * Protocol checker tests.
 *
 * Generated from the rule tables of every shipped memory preset: for each pair rule (each from x to
 * command pair of it) and each window rule, a minimal legal log puts the `to` command exactly
 * `cycles` after the `from` command (the window's last command `cycles` after the one `count`
 * before it) and checks: the rule is not reported at the limit and is reported, on the `to`
 * command's line, one cycle earlier. When no other rule binds, the log at the limit must be clean.
 * Where another constraint is tighter in the same situation ("dominated"), the test says which
 * cases those are (DOMINATED below, with the reason), checks that only the `to` command is
 * reported, and that the earliest clean cycle is later than the limit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCommandLog, formatViolation, STATE_RULES, type Violation } from '../../src/dram/checker.js';
import { parseCommandLog, type CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_NAMES, type CommandName } from '../../src/spec/commands.js';
import type { MemorySpec, ResolvedRule, RuleScope, Scope } from '../../src/spec/memory.js';
import { COMMAND_ID } from '../../src/spec/commands.js';
import { loadMemory } from '../../src/spec/presets.js';
import { A0, buildScenario, modeOf, rec, type Addr, type Key, type Scenario } from '../fixtures/checker/scenario.js';

const PRESETS = ['gddr6', 'gddr6-aim', 'ddr4-3200', 'hbm2'] as const;
const PLAIN: readonly CommandName[] = ['ACT', 'PRE', 'PREA', 'RD', 'WR', 'REFab', 'REFpb'];
const PIM_ONLY = new Set<CommandName>(COMMAND_NAMES.filter((c) => !PLAIN.includes(c)));
const MULTI_BANK_PIM = new Set<CommandName>(['ACT4', 'ACT16', 'MAC16']);

/**
 * Cases where the rule is not the binding constraint at its own limit, and why. Keys are
 * `rule text | from -> to` (windows: `rule text | command`).
 */
const DOMINATED: Record<string, Record<string, string>> = Object.fromEntries(
  PRESETS.map((p) => {
    const spec = loadMemory(p);
    const entries: Record<string, string> = p === 'gddr6' || p === 'gddr6-aim'
      ? { '4 x "ACT" within nFAW (rank) | ACT': '4 x nRRDS > nFAW: five ACTs nRRDS apart never fit in one nFAW window' }
      : {};
    // Channel-scope data-bus rules are tested across two ranks, where the rank switch is longer.
    for (const r of spec.rules) {
      if (r.kind !== 'pair' || r.scope !== 'channel') continue;
      for (const [a, b] of pairsOf(r)) {
        const sw = spec.rules.find((x) => x.scope === 'other-rank' && x.from.includes(a) && x.to.includes(b));
        if (sw && sw.cycles > r.cycles) entries[`${r.text} | ${a} -> ${b}`] = 'between two ranks the rank switch is longer';
      }
    }
    // A rank switch whose latency difference comes out at 0 (WR -> RD where RL >= WL + tBL + tRTRS)
    // is shorter than the command bus's one command per clock.
    for (const r of spec.rules) {
      if (r.kind !== 'pair' || r.scope !== 'other-rank') continue;
      for (const [a, b] of pairsOf(r)) {
        if (r.cycles < busGap(spec, a, b)) entries[`${r.text} | ${a} -> ${b}`] = 'the command bus carries one command at a time';
      }
    }
    return [p, entries];
  }),
);

/** Clocks a command bus keeps `b` after `a` (0 if they are on different buses). */
function busGap(spec: MemorySpec, a: CommandName, b: CommandName): number {
  const x = spec.buses;
  return x.busOf[COMMAND_ID[a]] === x.busOf[COMMAND_ID[b]] ? x.cycles[COMMAND_ID[a]] : 0;
}

/** Where the `to` command goes relative to the `from` command (at A0): in the same scope node, but
 * in a different finer node where possible, so finer-scope rules stay out of the way. */
function insideAddr(scope: RuleScope): Addr {
  if (scope === 'other-rank') return { ...A0, rank: 1 };
  if (scope === 'bank') return A0;
  if (scope === 'bankgroup') return { ...A0, bank: 1 };
  if (scope === 'rank') return { ...A0, bankgroup: 1 };
  return { ...A0, rank: 1 };
}
/** ... and a node of the same scope that the `from` command is not in. */
function outsideAddr(scope: RuleScope): Addr {
  // A rank switch does not apply within a rank.
  if (scope === 'other-rank') return { ...A0, bankgroup: 1 };
  if (scope === 'bank') return { ...A0, bank: 1 };
  if (scope === 'bankgroup') return { ...A0, bankgroup: 1 };
  if (scope === 'rank') return { ...A0, rank: 1 };
  return { ...A0, channel: 1 };
}

function pairsOf(rule: ResolvedRule): [CommandName, CommandName][] {
  // '*' expands to every command; PIM-only commands are skipped there (their rules come with the PIM layer).
  const wild = (list: readonly CommandName[]) => (list.length === COMMAND_NAMES.length ? list.filter((c) => !PIM_ONLY.has(c)) : list);
  // The scenario builder sets up bank state for single-bank commands only; pairs involving the
  // multi-bank PIM commands are pinned by the ChannelTiming edge tests (test/dram/timing.test.ts)
  // and the PIM command-sequence tests (test/pim/), and their logs are checked there.
  const buildable = (c: CommandName) => !MULTI_BANK_PIM.has(c);
  return wild(rule.from).filter(buildable).flatMap((p) => wild(rule.to).filter(buildable).map((c): [CommandName, CommandName] => [p, c]));
}

const named = (vs: readonly Violation[], rule: ResolvedRule, line: number) => vs.some((v) => v.rule === rule.text && v.line === line);
const naming = (vs: readonly Violation[], rule: ResolvedRule) => vs.filter((v) => v.rule === rule.text);

/** Every pair/window rule that constrains command `c` (in its `to`), by text. */
const constrainsC = (spec: MemorySpec, c: CommandName) => new Set(spec.rules.filter((r) => r.to.includes(c)).map((r) => r.text));

for (const preset of PRESETS) {
  describe(`${preset}: every rule is legal at its limit and illegal one cycle earlier`, () => {
    const shipped = loadMemory(preset);
    // Channel-scope rules need a second rank to be seen apart from rank-scope rules (the shipped
    // presets are single-rank); the rules themselves are unchanged.
    const twoRanks = loadMemory(preset, ['organization.ranks=2']);
    const isolated = loadMemory(preset, ['organization.ranks=2', 'organization.channels=2']);
    const dominated = { ...DOMINATED[preset] };
    // A register command and a bank command have a mode switch between them (the next command
    // waits nMODCH after it, one cycle after the first at the earliest): it binds below nMODCH + 1.
    const switchWait = (shipped.timing.nMODCH ?? 0) + 1;
    for (const rule of shipped.rules) {
      if (rule.kind !== 'pair' || rule.cycles >= switchWait) continue;
      for (const [p, c] of pairsOf(rule)) {
        const mp = modeOf(shipped, p), mc = modeOf(shipped, c);
        if (mp >= 0 && mc >= 0 && mp !== mc) dominated[`${rule.text} | ${p} -> ${c}`] = 'a register-mode switch (TMOD, then nMODCH) separates a register command from a bank command';
      }
    }
    const seen = new Set<string>();

    /** `build(at)` lays out the case with the `to` command at `at(cycle of the first key)`, or at
     * the earliest legal cycle when `at` is undefined. */
    const expectEdge = (spec: MemorySpec, rule: ResolvedRule, key: string, build: (at?: (t0: number) => number) => Scenario, c: CommandName) => {
      seen.add(key);
      const atLimit = build((t0) => t0 + rule.cycles);
      const vLimit = checkCommandLog(atLimit.records, spec);
      const cLine = atLimit.keyLines[atLimit.keyLines.length - 1];
      expect(naming(vLimit, rule), 'not reported at the limit').toEqual([]);
      if (rule.cycles > 0) {
        const early = build((t0) => t0 + rule.cycles - 1);
        const vEarly = checkCommandLog(early.records, spec);
        expect(named(vEarly, rule, early.keyLines[early.keyLines.length - 1]), `reported one cycle early: ${JSON.stringify(vEarly)}`).toBe(true);
      }
      if (!(key in dominated)) {
        expect(vLimit.map((v) => formatViolation(v, 'log'))).toEqual([]);
        return;
      }
      // Dominated: only the `to` command is reported, by other rules that constrain it, and the
      // earliest clean cycle for it is later than the limit.
      expect(vLimit.length).toBeGreaterThan(0);
      const others = constrainsC(spec, c);
      for (const v of vLimit) {
        expect(v.line).toBe(cLine);
        expect(others.has(v.rule) || v.rule === STATE_RULES.bus).toBe(true);
      }
      const free = build();
      expect(checkCommandLog(free.records, spec)).toEqual([]);
      expect(free.keyCycles[free.keyCycles.length - 1]).toBeGreaterThan(free.keyCycles[0] + rule.cycles);
    };

    shipped.rules.forEach((rule, ri) => {
      if (rule.kind === 'pair') {
        for (const [p, c] of pairsOf(rule)) {
          const key = `${rule.text} | ${p} -> ${c}`;
          it(key, () => {
            const spec = rule.scope === 'channel' || rule.scope === 'other-rank' ? twoRanks : shipped;
            expect(spec.rules[ri]).toEqual(rule);
            const build = (at?: (t0: number) => number) =>
              buildScenario(spec, [
                { command: p, addr: A0 },
                { command: c, addr: insideAddr(rule.scope), at: at && ((ts) => at(ts[0])) },
              ]);
            expectEdge(spec, rule, key, build, c);
          });
          // A rank-wide command is in every bank group and bank node of its rank, a bank-group-wide
          // one in every bank node of its group: there is no "outside" for them at those scopes.
          const rp = COMMANDS[p].reach;
          const rc = COMMANDS[c].reach;
          const noOutside = (rule.scope === 'bank' && (rp !== 'bank' || rc !== 'bank')) || (rule.scope === 'bankgroup' && (rp === 'rank' || rc === 'rank'));
          if (!noOutside && rule.cycles > 0) it(`${key}: not applied outside the ${rule.scope} node`, () => {
            const s = buildScenario(isolated, [
              { command: p, addr: A0 },
              { command: c, addr: outsideAddr(rule.scope), at: (ts) => ts[0] + rule.cycles - 1 },
            ]);
            expect(naming(checkCommandLog(s.records, isolated), rule)).toEqual([]);
          });
        }
      } else {
        const isStar = rule.from.length === COMMAND_NAMES.length;
        for (const x of rule.from.filter((c) => !(isStar && PIM_ONLY.has(c)))) {
          const key = `${rule.text} | ${x}`;
          it(key, () => {
            const spec = rule.scope === 'channel' ? twoRanks : shipped;
            // count + 1 commands in one scope node, spread over different finer nodes where possible.
            const addrAt = (i: number): Addr => {
              const g = spec.org.bankGroups;
              const b = spec.org.banksPerGroup;
              if (rule.scope === 'bank') return A0;
              if (rule.scope === 'bankgroup') return { ...A0, bank: i % b };
              if (rule.scope === 'rank') return { ...A0, bankgroup: i % g, bank: Math.floor(i / g) % b };
              return { ...A0, rank: i % spec.org.ranks, bankgroup: Math.floor(i / spec.org.ranks) % g };
            };
            const build = (at?: (t0: number) => number) => {
              const keys: Key[] = [];
              for (let i = 0; i < rule.count; i++) keys.push({ command: x, addr: addrAt(i) });
              keys.push({ command: x, addr: addrAt(rule.count), at: at && ((ts) => at(ts[0])) });
              return buildScenario(spec, keys);
            };
            expectEdge(spec, rule, key, build, x);
          });
        }
      }
    });

    it('every DOMINATED entry names a case that exists', () => {
      for (const key of Object.keys(dominated)) expect(seen.has(key), key).toBe(true);
    });
  });
}

describe('rule coverage', () => {
  it("a '*' rule is exercised with every pair of plain commands", () => {
    const star: ResolvedRule = { kind: 'pair', from: COMMAND_NAMES, to: COMMAND_NAMES, scope: 'channel', count: 1, cycles: 1, text: '"*" -> "*"' };
    expect(pairsOf(star)).toHaveLength(PLAIN.length * PLAIN.length);
  });
  it('the shipped presets have rank-switch rules for both directions of the data bus', () => {
    for (const p of PRESETS) {
      const pairs = loadMemory(p).rules.filter((r) => r.scope === 'other-rank').flatMap(pairsOf).map(([a, b]) => `${a}->${b}`);
      expect(pairs.sort(), p).toEqual(['RD->RD', 'RD->WR', 'WR->RD', 'WR->WR']);
    }
  });
});

// Hand-written cases on gddr6 (nRCDRD 27, nRRDS 8, nFAW 29) and ddr4-3200 (nRRDS 4, nRRDL 8, nFAW 34).
const gddr6 = loadMemory('gddr6');
const ddr4 = loadMemory('ddr4-3200');
const bank = (bankgroup: number, b: number): Addr => ({ ...A0, bankgroup, bank: b });
const rulesOf = (vs: readonly Violation[]) => vs.map((v) => `${v.line} ${v.rule}`);

describe('bank state and order', () => {
  it('RD to a closed bank', () => {
    const vs = checkCommandLog([rec('RD', bank(1, 2), 100)], gddr6);
    expect(vs).toEqual([{ line: 2, cycle: 100, command: 'RD', rule: STATE_RULES.open, message: expect.stringContaining('bank 0.0.1.2') }]);
  });
  it('ACT to an open bank', () => {
    const vs = checkCommandLog([rec('ACT', A0, 0, 5), rec('ACT', A0, 500, 6)], gddr6);
    expect(rulesOf(vs)).toEqual([`3 ${STATE_RULES.closed}`]);
    expect(vs[0].message).toContain('row 5, opened at line 2');
  });
  it('RD with the wrong row; a RD with row "-" is not checked for it', () => {
    const log = [rec('ACT', A0, 0, 5), rec('RD', A0, 100, 6), { ...rec('RD', A0, 200), row: -1 }, rec('RD', A0, 300, 5)];
    expect(rulesOf(checkCommandLog(log, gddr6))).toEqual([`3 ${STATE_RULES.row}`]);
  });
  it('REFab with one bank of the rank open; fine once it is precharged', () => {
    const open = [rec('ACT', bank(3, 3), 0, 1), rec('REFab', A0, 500)];
    expect(rulesOf(checkCommandLog(open, gddr6))).toEqual([`3 ${STATE_RULES.closed}`]);
    const closed = [rec('ACT', bank(3, 3), 0, 1), rec('PRE', bank(3, 3), 100), rec('REFab', A0, 500)];
    expect(checkCommandLog(closed, gddr6)).toEqual([]);
  });
  it('PREA closes every bank of its rank; ACT16 opens them all', () => {
    const log = [rec('ACT', bank(0, 1), 0), rec('ACT', bank(2, 3), 10), rec('PREA', A0, 200), rec('ACT16', A0, 400, 7), rec('RD', bank(3, 0), 500, 7)];
    expect(checkCommandLog(log, gddr6)).toEqual([]);
  });
  it('cycles going backwards on a channel; other channels have their own order', () => {
    const log = [rec('ACT', A0, 100), rec('ACT', { ...A0, channel: 1 }, 50), rec('ACT', bank(1, 0), 90)];
    const vs = checkCommandLog(log, gddr6);
    expect(vs.filter((v) => v.rule === STATE_RULES.order).map((v) => v.line)).toEqual([4]);
  });
  it('addresses outside the organization are reported and otherwise ignored', () => {
    const log = [rec('ACT', { ...A0, channel: 2 }, 0), rec('RD', bank(4, 0), 10), rec('ACT', A0, 20, 16384)];
    expect(rulesOf(checkCommandLog(log, gddr6))).toEqual([2, 3, 4].map((l) => `${l} ${STATE_RULES.address}`));
  });
});

describe('windows', () => {
  const fawRule = ddr4.rules.find((r) => r.kind === 'window')!;
  // Five ACTs to banks in different bank groups, nRRDS (4) apart; ACTs 0 and 4 share bank group 0.
  const five = (last: number): CommandRecord[] => [0, 4, 8, 12].map((t, i) => rec('ACT', bank(i, 0), t)).concat(rec('ACT', bank(0, 1), last));
  it('a fifth ACT inside nFAW is reported; at nFAW it is legal', () => {
    expect(checkCommandLog(five(34), ddr4)).toEqual([]);
    const vs = checkCommandLog(five(33), ddr4);
    expect(vs).toEqual([{ line: 6, cycle: 33, command: 'ACT', rule: fawRule.text, message: '5 commands within 33 < 34 cycles (the first at line 2)' }]);
  });
  it('the window slides: the sixth ACT is measured from the second', () => {
    // ACTs at 0, 10, 14, 18, 34: the sixth must wait for 10 + nFAW = 44 (nRRDS alone allows 38).
    const six = (last: number) => [0, 10, 14, 18].map((t, i) => rec('ACT', bank(i, 0), t)).concat(rec('ACT', bank(0, 1), 34), rec('ACT', bank(1, 1), last));
    expect(rulesOf(checkCommandLog(six(43), ddr4))).toEqual([`7 ${fawRule.text}`]);
    expect(checkCommandLog(six(44), ddr4)).toEqual([]);
  });
  it('ranks have separate windows', () => {
    const twoRanks = loadMemory('ddr4-3200', ['organization.ranks=2']);
    const log = [0, 4, 8, 12].map((t, i) => rec('ACT', bank(i, 0), t)).concat(rec('ACT', { ...A0, rank: 1 }, 16));
    expect(checkCommandLog(log, twoRanks)).toEqual([]);
  });
});

describe('scope of multi-bank and bankless commands', () => {
  // Synthetic rules (not in any preset) to pin down which scope nodes a command is in.
  const withRules = (rules: ResolvedRule[]): MemorySpec => ({ ...gddr6, rules });
  const rule = (from: CommandName, to: CommandName, scope: Scope, cycles: number): ResolvedRule => ({ kind: 'pair', from: [from], to: [to], scope, count: 1, cycles, text: `${from}->${to} ${scope}` });
  it('PREA is in the bank node of every bank of its rank', () => {
    const spec = withRules([rule('ACT', 'PREA', 'bank', 50)]);
    expect(checkCommandLog([rec('ACT', bank(2, 3), 0), rec('PREA', A0, 49)], spec).map((v) => v.message)).toEqual(['49 < 50 cycles after ACT at line 2']);
    expect(checkCommandLog([rec('ACT', bank(2, 3), 0), rec('PREA', A0, 50)], spec)).toEqual([]);
  });
  it('ACT4 is in the bank node of each bank of its group, and of no other', () => {
    const spec = withRules([rule('ACT4', 'RD', 'bank', 20)]);
    expect(rulesOf(checkCommandLog([rec('ACT4', bank(1, 0), 0, 5), rec('RD', bank(1, 2), 19, 5)], spec))).toEqual(['3 ACT4->RD bank']);
    expect(checkCommandLog([rec('ACT4', bank(1, 0), 0, 5), rec('ACT', bank(2, 2), 1, 5), rec('RD', bank(2, 2), 19, 5)], spec)).toEqual([]);
  });
  it('WRGB (no bank) is in its channel and rank nodes only', () => {
    const bankRule = withRules([rule('ACT', 'WRGB', 'bank', 20), rule('ACT', 'WRGB', 'bankgroup', 20)]);
    expect(checkCommandLog([rec('ACT', A0, 0), rec('WRGB', A0, 1)], bankRule)).toEqual([]);
    const rankRule = withRules([rule('ACT', 'WRGB', 'rank', 20), rule('WRGB', 'ACT', 'channel', 5)]);
    expect(rulesOf(checkCommandLog([rec('ACT', A0, 0), rec('WRGB', A0, 19), rec('ACT', bank(1, 0), 23)], rankRule))).toEqual(['3 ACT->WRGB rank', '4 WRGB->ACT channel']);
  });
  it('MAC16 needs every bank of the rank open', () => {
    const vs = checkCommandLog([rec('ACT', A0, 0), rec('MAC16', A0, 200)], withRules([]));
    expect(vs.map((v) => [v.rule, v.message])).toEqual([[STATE_RULES.open, 'bank 0.0.0.1 (channel.rank.bankgroup.bank) is closed (and 14 more)']]);
  });
});

describe('reporting', () => {
  it('parses and checks a hand-written log, reporting file:line', () => {
    const file = 'test/fixtures/checker/gddr6-bad.csv';
    const vs = checkCommandLog(parseCommandLog(readFileSync(file, 'utf8'), file), gddr6);
    expect(vs.map((v) => formatViolation(v, file))).toEqual([
      `${file}:4: RD at cycle 20 violates "ACT" -> "RD" >= nRCDRD (bank): 20 < 27 cycles after ACT at line 2`,
      `${file}:6: RD at cycle 40 violates ${STATE_RULES.row}: row 7 named but bank 0.0.1.0 (channel.rank.bankgroup.bank) has row 6 open (since line 3)`,
      `${file}:7: RD at cycle 45 violates ${STATE_RULES.open}: bank 0.0.2.0 (channel.rank.bankgroup.bank) is closed`,
    ]);
  });

  it('formats a violation as file:line with the rule text', () => {
    const vs = checkCommandLog([rec('ACT', A0, 28), rec('RD', A0, 40)], gddr6);
    expect(vs.map((v) => formatViolation(v, 'cmd.csv'))).toEqual(['cmd.csv:3: RD at cycle 40 violates "ACT" -> "RD" >= nRCDRD (bank): 12 < 27 cycles after ACT at line 2']);
  });
  it('maxViolations caps the list', () => {
    const log = Array.from({ length: 100 }, (_, i) => rec('RD', A0, i * 10));
    expect(checkCommandLog(log, gddr6)).toHaveLength(100);
    expect(checkCommandLog(log, gddr6, { maxViolations: 7 })).toHaveLength(7);
  });
});
