/**
 * Device-timing tests of the PIM rules, generated from the rule table of each PIM system's resolved
 * memory (system.memory: the memory preset's rules plus the rules loadSystem derives from the PU
 * clock and the link).
 *
 * For every pair rule that names a PIM command (ACT4, ACT16, MAC, MAC16, WRGB, RDMAC16, WRBIAS, TMOD), for
 * every (P, C) of its from x to lists with P or C a PIM command, and for C placed in the same bank,
 * the same bank group or another bank group than P: issue P at T0 and expect
 *   ChannelTiming.earliest(C) === T0 + the largest `cycles` of any pair rule that holds P and C and
 *   whose scope node P and C share,
 * i.e. C is legal exactly at the limit and illegal one cycle earlier. The expectation comes from
 * the rule list and each command's reach, not from the compiled tables.
 *
 * The same edge is then checked with the protocol checker (a second, independent implementation):
 * a log with P at T0 and C at the limit has no timing violation, and C one cycle earlier has one,
 * naming a rule of exactly that many cycles. Bank state is set up (an ACT16 at cycle 0) when P or C
 * needs open banks; where bank state cannot allow C after P (C needs closed banks that P opened),
 * only the timing half is asserted: the state violation is the checker's business elsewhere. The
 * register mode (a register and a bank command always have a switch between them) is left out
 * here: test/pim/mode.test.ts pins it.
 */
import { describe, expect, it } from 'vitest';
import { checkCommandLog, STATE_RULES } from '../../src/dram/checker.js';
import { commandFields, type CommandRecord } from '../../src/dram/commandLog.js';
import { COMMANDS, COMMAND_ID, type CommandName } from '../../src/spec/commands.js';
import { ChannelTiming } from '../../src/dram/timing.js';
import type { MemorySpec, ResolvedRule, Scope } from '../../src/spec/memory.js';
import { loadSystem } from '../../src/spec/system.js';

const PIM: ReadonlySet<CommandName> = new Set<CommandName>(['ACT4', 'ACT16', 'MAC', 'MAC16', 'WRGB', 'RDMAC16', 'WRBIAS', 'TMOD']);
/** Far past every rule (the longest, nRFC, is 260 on hbm-pim), so setup never binds. */
const T0 = 10_000;

interface Bank {
  readonly group: number;
  readonly bank: number;
}
const P_AT: Bank = { group: 0, bank: 0 };
const PLACES: Readonly<Record<string, Bank>> = {
  'same bank': P_AT,
  'same bank group': { group: 0, bank: 1 },
  'other bank group': { group: 1, bank: 0 },
};

/** Scope nodes (one rank, one channel) a command at `t` is in: through the banks it reaches. */
function nodes(spec: MemorySpec, scope: Scope, cmd: CommandName, t: Bank): Set<string> {
  if (scope === 'channel' || scope === 'rank') return new Set(['rank0']);
  const reach = COMMANDS[cmd].reach;
  const out = new Set<string>();
  for (let g = 0; g < spec.org.bankGroups; g++) {
    for (let b = 0; b < spec.org.banksPerGroup; b++) {
      const hit = reach === 'rank' || (reach === 'bankgroup' && g === t.group) || (reach === 'bank' && g === t.group && b === t.bank);
      if (hit) out.add(scope === 'bankgroup' ? `g${g}` : `g${g}b${b}`);
    }
  }
  return out;
}

function shares(spec: MemorySpec, r: ResolvedRule, p: CommandName, tp: Bank, c: CommandName, tc: Bank): boolean {
  if (r.scope === 'other-rank') return false; // one rank: no rank switch
  const a = nodes(spec, r.scope, p, tp);
  return [...nodes(spec, r.scope, c, tc)].some((n) => a.has(n));
}

/**
 * The expected P -> C distance and the rules that give it (all applicable pair rules, max), at
 * least P's occupancy of its command bus when C is on the same bus.
 */
function expectedGap(spec: MemorySpec, p: CommandName, tp: Bank, c: CommandName, tc: Bank): { cycles: number; binding: ResolvedRule[] } {
  const applicable = spec.rules.filter((r) => r.kind === 'pair' && r.from.includes(p) && r.to.includes(c) && shares(spec, r, p, tp, c, tc));
  const b = spec.buses;
  const bus = b.busOf[COMMAND_ID[p]] === b.busOf[COMMAND_ID[c]] ? b.cycles[COMMAND_ID[p]] : 0;
  const cycles = Math.max(bus, ...applicable.map((r) => r.cycles));
  return { cycles, binding: applicable.filter((r) => r.cycles === cycles) };
}

/** A log record as the sequencer's sink writes it (fields a command does not take are -1). */
function rec(cmd: CommandName, t: Bank, cycle: number): CommandRecord {
  const f = commandFields(cmd);
  return {
    cycle, channel: 0, rank: 0, command: cmd,
    bankgroup: f.bankgroup === 'absent' ? -1 : t.group,
    bank: f.bank === 'absent' ? -1 : t.bank,
    row: f.row === 'absent' ? -1 : 0,
    column: f.column === 'absent' ? -1 : 0,
  };
}

const needsOpen = (c: CommandName) => COMMANDS[c].requires === 'open';

/** Setup: open every bank (row 0) when P or C needs open banks and P does not need them closed. */
function setup(p: CommandName, c: CommandName): CommandRecord[] {
  if (COMMANDS[p].requires === 'closed' || !(needsOpen(p) || needsOpen(c))) return [];
  return [rec('ACT16', P_AT, 0)];
}

const timingViolations = (records: CommandRecord[], spec: MemorySpec) => {
  // The command bus is a timing constraint: it stays in.
  const state = new Set<string>(Object.values(STATE_RULES).filter((r) => r !== STATE_RULES.bus));
  return checkCommandLog(records, spec).filter((v) => !state.has(v.rule));
};

for (const name of ['pim-gpt', 'hbm-pim'] as const) {
  describe(`${name}: every PIM rule is legal exactly at its limit and illegal one cycle earlier`, () => {
    const system = loadSystem(name);
    const spec = system.memory;
    const pimRules = spec.rules.filter((r) => r.kind === 'pair' && [...r.from, ...r.to].some((c) => PIM.has(c)));
    const derived = spec.rules.filter((r) => r.text.includes('derived'));

    it('the system adds the four derived rules (PU clock, link) to the memory rules', () => {
      expect(derived.map((r) => r.from.join('/') + '->' + r.to.join('/'))).toEqual([
        'MAC16->MAC16', 'MAC->MAC', 'WRGB/WRBIAS/WR->WRGB/WRBIAS/WR', 'RDMAC16/RD->RDMAC16/RD',
      ]);
      // pim-gpt: a 1 GHz PU consumes 16 BF16 (one 32 B column) per ns = 2 tCK of 0.5 ns; the 32 GB/s
      // link moves 32 B per ns = 2 tCK. hbm-pim: one 300 MHz PU per 2 banks, so a bank's column
      // every 2 / 300 MHz = 6.67 ns -> 7 tCK of 1 ns; 16 GB/s moves 32 B in 2 ns = 2 tCK.
      const want = name === 'pim-gpt' ? { mac: 2, link: 2 } : { mac: 7, link: 2 };
      expect(derived.map((r) => r.cycles)).toEqual([want.mac, want.mac, want.link, want.link]);
      expect(system.pu.macSpacingCycles).toBe(want.mac);
      expect(system.linkCyclesPerAccess).toBe(want.link);
    });

    // Every (rule, P, C) case, grouped per rule so a failure names the rule.
    const bound = new Set<ResolvedRule>();
    const cases: { p: CommandName; c: CommandName; place: string; tc: Bank }[] = [];
    const pairs = new Set<string>();
    for (const r of [...pimRules, ...derived]) {
      for (const p of r.from) for (const c of r.to) {
        if (!PIM.has(p) && !PIM.has(c)) continue;
        if (pairs.has(`${p}>${c}`)) continue;
        pairs.add(`${p}>${c}`);
        for (const [place, tc] of Object.entries(PLACES)) cases.push({ p, c, place, tc });
      }
    }

    it(`ChannelTiming.earliest matches the rule table for all ${cases.length} (P, C, placement) cases`, () => {
      const wrong: string[] = [];
      for (const { p, c, place, tc } of cases) {
        const tm = new ChannelTiming(spec);
        tm.issue(COMMAND_ID[p], 0, P_AT.group, P_AT.bank, 0, T0);
        const want = expectedGap(spec, p, P_AT, c, tc);
        want.binding.forEach((r) => bound.add(r));
        const got = tm.earliest(COMMAND_ID[c], 0, tc.group, tc.bank);
        if (got !== T0 + want.cycles) wrong.push(`${p} -> ${c} (${place}): earliest ${got - T0}, rules say ${want.cycles} (${want.binding.map((r) => r.text).join('; ')})`);
      }
      expect(wrong).toEqual([]);
    });

    it('every PIM rule and every derived rule binds in at least one case', () => {
      // (Filled by the test above; vitest runs a file's tests in order.)
      const notBinding = [...pimRules, ...derived].filter((r) => !bound.has(r)).map((r) => r.text);
      expect(notBinding).toEqual(Object.keys(DOMINATED[name]));
    });

    it('the protocol checker agrees: no timing violation at the limit, one naming the limit a cycle earlier', () => {
      const wrong: string[] = [];
      let stateLegal = 0;
      for (const { p, c, place, tc } of cases) {
        const { cycles } = expectedGap(spec, p, P_AT, c, tc);
        const pre = [...setup(p, c), rec(p, P_AT, T0)];
        const atLimit = [...pre, rec(c, tc, T0 + cycles)];
        const early = [...pre, rec(c, tc, T0 + cycles - 1)];
        const ok = timingViolations(atLimit, spec);
        if (ok.length) wrong.push(`${p} -> ${c} (${place}) at +${cycles}: ${ok.map((v) => v.message).join('; ')}`);
        const bad = timingViolations(early, spec).filter((v) => v.line === early.length + 1);
        const busGap = spec.buses.busOf[COMMAND_ID[p]] === spec.buses.busOf[COMMAND_ID[c]] ? spec.buses.cycles[COMMAND_ID[p]] : 0;
        const named = (v: { rule: string }) => spec.rules.some((r) => r.text === v.rule && r.cycles === cycles) || (v.rule === STATE_RULES.bus && busGap === cycles);
        // Gap 0: a row and a column command of HBM's two buses may share a clock; nothing is earlier.
        if (cycles > 0 && !bad.some(named)) {
          wrong.push(`${p} -> ${c} (${place}) at +${cycles - 1}: expected a violation of a ${cycles}-cycle rule, got ${JSON.stringify(bad.map((v) => v.rule))}`);
        }
        if (checkCommandLog(atLimit, spec).filter((v) => v.rule !== STATE_RULES.mode).length === 0) stateLegal++;
      }
      expect(wrong).toEqual([]);
      // Most cases are fully legal at the limit, bank state included (the register mode aside).
      expect(stateLegal).toBeGreaterThan(cases.length / 2);
    });
  });
}

/**
 * PIM rules that never bind in the cases above, and why. (Plain pairs such as ACT -> ACT are pinned
 * by test/dram/timing.test.ts on the memory presets.)
 */
const DOMINATED: Readonly<Record<'pim-gpt' | 'hbm-pim', Readonly<Record<string, string>>>> = {
  'pim-gpt': {
    '["ACT","ACT4","ACT16"] -> ["ACT","ACT4","ACT16"] >= nRRDL (bankgroup)':
      'an ACT4/ACT16 that shares a bank group with another activate also shares a bank with it, so nRC (89) binds; only ACT -> ACT (plain) is left',
  },
  'hbm-pim': {},
};
