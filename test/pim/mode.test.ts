/**
 * AiM's register read/write mode (gddr6-aim registerMode): WRGB, WRBIAS and RDMAC16 run in register
 * mode, every other command in bank mode; TMOD switches, and every command waits nMODCH (32) after
 * it. Hand-computed sequences (pim-gpt: nRCDMAC 56, MAC16 every 2, nRDMAC 2, nBL 2, nRTWREG 5,
 * nCLREG 0), the protocol checker's mode and nMODCH checks, the switch count a program records
 * against the simulated one, readout groups (bit-exact results whatever the grouping) and the fast
 * path's exactness with groups.
 */
import { describe, expect, it } from 'vitest';
import { checkCommandLog, STATE_RULES } from '../../src/dram/checker.js';
import type { CommandRecord } from '../../src/dram/commandLog.js';
import { COMMAND_NAMES } from '../../src/spec/commands.js';
import { gemvProgram, planGemv } from '../../src/mapping/gemv.js';
import { layoutModel } from '../../src/mapping/layout.js';
import { tokenItems } from '../../src/mapping/token.js';
import { loadModel } from '../../src/model/spec.js';
import { runGemv } from '../../src/pim/gemvRun.js';
import { modeSwitchesOf } from '../../src/pim/modes.js';
import { buildProgram, type InstructionInput } from '../../src/pim/program.js';
import { Datapath } from '../../src/pim/datapath.js';
import { PimMachine, runProgram, type PimStats } from '../../src/pim/run.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';
import { errorOf } from '../helpers/errors.js';

const sys = loadSystem('pim-gpt');
const noRefresh = loadSystem('pim-gpt', ['memoryOverrides.controller.refresh="off"']);

/** Channel 0's commands as "NAME@cycle", both fidelities compared. */
function run(system: SystemSpec, items: InstructionInput[]): { stats: PimStats; log: string[] } {
  const out: { stats: PimStats; log: string[] }[] = [];
  for (const fidelity of ['command', 'fast'] as const) {
    const log: string[] = [];
    const stats = runProgram(system, buildProgram(items, system, 'hand'), {
      fidelity,
      onCommand: (cmd, ch, _r, _g, _b, _row, _col, cycle) => { if (ch === 0) log.push(`${COMMAND_NAMES[cmd]}@${cycle}`); },
    });
    out.push({ stats, log });
  }
  expect(out[1].log).toEqual(out[0].log);
  expect({ ...out[1].stats, fidelity: 'command' }).toEqual(out[0].stats);
  return out[0];
}

const mac = (id: string, row: number, cols: number, deps: string[] = []): InstructionInput => ({ id, op: 'MAC', channel: 0, banks: 'all', row, col: 0, cols, deps });

describe('hand-computed switches', () => {
  it('a WR_GB after a MAC pays one switch', () => {
    const { stats, log } = run(sys, [mac('m', 0, 4), { id: 'gb', op: 'WR_GB', channel: 0, bytes: 64, deps: ['m'] }]);
    // Bank mode from the start: ACT16 0, MAC16 56 .. 62. The WRGB could issue on the next cycle, 63:
    // TMOD 63, WRGB nMODCH later, 95, 97.
    expect(log).toEqual(['ACT16@0', 'MAC16@56', 'MAC16@58', 'MAC16@60', 'MAC16@62', 'TMOD@63', 'WRGB@95', 'WRGB@97']);
    expect(stats.commands.TMOD).toBe(1);
  });

  it('two RD_MACs in a row pay none between them; a WR_GB after them none either', () => {
    const { stats, log } = run(sys, [
      mac('m', 0, 4),
      { id: 'r1', op: 'RD_MAC', channel: 0, deps: ['m'] },
      { id: 'r2', op: 'RD_MAC', channel: 0, deps: ['r1'] },
      { id: 'gb', op: 'WR_GB', channel: 0, bytes: 32, deps: ['r2'] },
    ]);
    // TMOD at 62 + nRDMAC = 64; RDMAC16 96 and 98 (nBL apart, no switch); WRGB 98 + nRTWREG = 103.
    expect(log).toEqual(['ACT16@0', 'MAC16@56', 'MAC16@58', 'MAC16@60', 'MAC16@62', 'TMOD@64', 'RDMAC16@96', 'RDMAC16@98', 'WRGB@103']);
    expect(stats.commands.TMOD).toBe(1);
    // The last write's data is in the buffer 103 + nCWLREG + nBL = 106.
    expect(stats.cycles).toBe(106);
  });

  it('a MAC after a WR_BIAS pays one switch back; the MAC waits nMODCH, not only WRBIAS -> MAC16', () => {
    const { log } = run(sys, [{ id: 'b', op: 'WR_BIAS', channel: 0 }, mac('m', 3, 1, ['b'])]);
    // TMOD 0, WRBIAS 32; ACT16 could issue at 33: TMOD 33, ACT16 65, MAC16 121.
    expect(log).toEqual(['TMOD@0', 'WRBIAS@32', 'TMOD@33', 'ACT16@65', 'MAC16@121']);
  });

  it('a refresh due in register mode pays two switches (refresh needs bank mode)', () => {
    // 2000 RD_MACs every 2 cycles pass the first refresh at nREFI = 3333.
    const items: InstructionInput[] = Array.from({ length: 2000 }, (_, k) => ({ id: `r${k}`, op: 'RD_MAC', channel: 0, ...(k ? { deps: [`r${k - 1}`] } : {}) }) as InstructionInput);
    const { stats, log } = run(sys, items);
    const ch0 = stats.perChannel[0].commands;
    expect(ch0.REFab).toBeGreaterThanOrEqual(1);
    const at = log.findIndex((c) => c.startsWith('REFab@'));
    const cyc = (s: string) => Number(s.split('@')[1]);
    // ... RDMAC16, TMOD (to bank mode), REFab nMODCH later (the rows are closed), TMOD on the next
    // cycle (RDMAC16 does not wait for nRFC), RDMAC16 nMODCH later.
    expect(log[at - 1]).toMatch(/^TMOD@/);
    expect(cyc(log[at])).toBe(cyc(log[at - 1]) + 32);
    expect(log[at + 1]).toMatch(/^TMOD@/);
    expect(log[at + 2]).toBe(`RDMAC16@${cyc(log[at + 1]) + 32}`);
    expect(ch0.TMOD).toBe(1 + 2 * ch0.REFab!);
  });

  it('hbm-pim has no register mode: no switches', () => {
    const hbm = loadSystem('hbm-pim');
    expect(hbm.memory.registerMode).toBeNull();
    const s = runProgram(hbm, buildProgram([{ id: 'gb', op: 'WR_GB', channel: 0, bytes: 64 }, mac('m', 0, 4, ['gb']), { id: 'r', op: 'RD_MAC', channel: 0, deps: ['m'] }], hbm, 'h'));
    expect(s.commands.TMOD).toBeUndefined();
  });

  it('the switch cannot be a register command itself', () => {
    expect(errorOf(() => loadSystem('pim-gpt', ['memoryOverrides.registerMode.commands=["WRGB","TMOD"]'])).message).toMatch(/gddr6-aim\.json[^:]*: registerMode\.commands must not include the switch command TMOD/);
  });

  it('an empty registerMode.commands list turns switching off', () => {
    const off = loadSystem('pim-gpt', ['memoryOverrides.registerMode.commands=[]']);
    expect(off.memory.registerMode).toBeNull();
    const { log } = run(off, [{ id: 'gb', op: 'WR_GB', channel: 0, bytes: 32 }, mac('m', 0, 1, ['gb'])]);
    expect(log).toEqual(['WRGB@0', 'ACT16@1', 'MAC16@57']);
  });
});

describe('the timing before issue 16 is a --set away', () => {
  it('no register mode, one accumulator, nRDMAC 12, nCLREG = nCL, nRTWREG 48, nCWLREG = nCWL: the earlier cycles and commands', () => {
    // Golden values of the implementation before register mode (commit 103f297), whose 4096 x 4096
    // GEMV test held it within 10% of a hand estimate.
    const before = loadSystem('pim-gpt', ['memoryOverrides.registerMode.commands=[]', 'memoryOverrides.timing.nRDMAC=12', 'memoryOverrides.timing.nCLREG=50', 'memoryOverrides.timing.nRTWREG=48', 'memoryOverrides.timing.nCWLREG=6', 'pu.accumulators=1']);
    const cases: [number, number, number, Record<string, number>][] = [
      [4096, 4096, 31638, { PREA: 1016, REFab: 72, ACT16: 1024, MAC16: 65536, WRGB: 2048, RDMAC16: 1024 }],
      [300, 700, 667, { PREA: 16, ACT16: 24, MAC16: 1056, WRGB: 352, RDMAC16: 24 }],
      [2000, 3000, 11956, { PREA: 376, REFab: 24, ACT16: 384, MAC16: 24064, WRGB: 1512, RDMAC16: 384 }],
    ];
    for (const [M, K, cycles, commands] of cases) {
      const r = runGemv(before, M, K);
      expect(r.stats.cycles).toBe(cycles);
      expect(r.stats.commands).toEqual(commands);
    }
  });
});

describe('the protocol checker and the mode', () => {
  const spec = sys.memory;
  const r = (command: CommandRecord['command'], cycle: number): CommandRecord => ({ cycle, channel: 0, rank: 0, bankgroup: -1, bank: -1, row: -1, column: -1, command });

  it('rejects a register instruction issued before nMODCH has passed, accepts it at nMODCH', () => {
    const early = checkCommandLog([r('TMOD', 100), r('WRGB', 131)], spec);
    expect(early.map((v) => [v.line, v.rule])).toEqual([[3, '"TMOD" -> "*" >= nMODCH (channel)']]);
    expect(early[0].message).toBe('31 < 32 cycles after TMOD at line 2');
    expect(checkCommandLog([r('TMOD', 100), r('WRGB', 132)], spec)).toEqual([]);
  });

  it('rejects a register command in bank mode and a bank command in register mode', () => {
    const v = checkCommandLog([r('RDMAC16', 10), r('TMOD', 20), r('PREA', 60)], spec);
    expect(v.map((x) => [x.line, x.rule])).toEqual([[2, STATE_RULES.mode], [4, STATE_RULES.mode]]);
    expect(v[0].message).toBe('RDMAC16 needs register mode but channel 0 is in bank mode (from the start)');
    expect(v[1].message).toBe('PREA needs bank mode but channel 0 is in register mode (since the TMOD at line 3)');
    // Two switches return to bank mode; the mode is per channel.
    expect(checkCommandLog([r('TMOD', 0), r('WRGB', 32), r('TMOD', 40), r('PREA', 72), { ...r('TMOD', 72), channel: 1 }], loadSystem('pim-gpt').memory)).toEqual([]);
  });
});

describe('the switches a program records equal the simulated ones (refresh off)', () => {
  it('GEMVs: the plan counts two per readout group, plus one from bank mode', () => {
    for (const [M, K, acc] of [[4096, 4096, 2], [300, 700, 2], [300, 700, 1], [2000, 3000, 32]] as const) {
      const system = loadSystem('pim-gpt', ['memoryOverrides.controller.refresh="off"', `pu.accumulators=${acc}`]);
      const plan = planGemv(system, M, K);
      const program = gemvProgram(system, plan);
      const per = modeSwitchesOf(program, system.memory);
      expect(per).toEqual(new Array(8).fill(plan.modeSwitches + 1));
      const stats = runProgram(system, program);
      expect(stats.commands.TMOD).toBe(per.reduce((a, b) => a + b, 0));
    }
  });

  it('GPT token programs, one after another (each starts in the modes the last left)', () => {
    const layout = layoutModel(loadModel('test-tiny'), noRefresh);
    const machine = new PimMachine(noRefresh);
    const state = new Int8Array(8);
    let expected = 0;
    for (let p = 0; p < 3; p++) {
      const program = buildProgram(tokenItems(layout, p).items, noRefresh, `token ${p}`, undefined, true);
      expected += modeSwitchesOf(program, noRefresh.memory, state).reduce((a, b) => a + b, 0);
      machine.run(program);
      expect(machine.stats().commands.TMOD).toBe(expected);
    }
    expect(expected).toBeGreaterThan(0);
  });
});

describe('readout groups', () => {
  it('program checks: readoutGroup and acc within pu.accumulators, readoutGroup only with readout', () => {
    const base = { id: 'm', op: 'MAC', channel: 0, banks: 'all', row: 0, col: 0, cols: 4 } as const;
    expect(errorOf(() => buildProgram([{ ...base, segments: 4, readout: true, readoutGroup: 3 }], sys, 'p')).message)
      .toBe('p: instruction 1: readoutGroup 3 needs 3 accumulators per bank, but the pim-gpt PUs have 2 accumulators per bank (pu.accumulators)');
    expect(errorOf(() => buildProgram([{ ...base, readoutGroup: 2 }], sys, 'p')).message).toMatch(/readoutGroup needs "readout": true/);
    expect(errorOf(() => buildProgram([{ ...base, readout: true, acc: 1 }], sys, 'p')).message).toMatch(/"acc" is for MACs without readout/);
    expect(errorOf(() => buildProgram([{ id: 'r', op: 'RD_MAC', channel: 0, acc: 2 }], sys, 'p')).message).toMatch(/acc 2, but the pim-gpt PUs have 2 accumulators/);
    expect(errorOf(() => planGemv(sys, 256, 256, { readoutGroup: 3 })).message).toMatch(/readout group 3: must be an integer from 1 to the 2 accumulators per bank of pim-gpt/);
  });

  it('MACs into two accumulators, read separately: each RD_MAC returns its own sums', () => {
    // Functional: acc 0 and acc 1 of bank 0 hold different dot products; WR_BIAS clears one.
    const items: InstructionInput[] = [
      { id: 'gb', op: 'WR_GB', channel: 0, bytes: 32, data: { vector: 'x', offset: 0, elements: 16 } },
      { id: 'm0', op: 'MAC', channel: 0, banks: 'all', row: 0, col: 0, cols: 1, deps: ['gb'] },
      { id: 'm1', op: 'MAC', channel: 0, banks: 'all', row: 1, col: 0, cols: 1, acc: 1, deps: ['m0'] },
      { id: 'r1', op: 'RD_MAC', channel: 0, acc: 1, deps: ['m1'], data: { vector: 'y1', index: [0] } },
      { id: 'r0', op: 'RD_MAC', channel: 0, deps: ['r1'], data: { vector: 'y0', index: [0] } },
    ];
    const d = new Datapath(sys);
    d.setVector('x', Float32Array.from({ length: 16 }, () => 1));
    d.setRow(0, 0, 0, Uint16Array.from({ length: 16 }, () => 0x3f80)); // 1.0
    d.setRow(0, 0, 1, Uint16Array.from({ length: 16 }, () => 0x4000)); // 2.0
    runProgram(sys, buildProgram(items, sys, 'acc'), { datapath: d });
    expect(d.vectors.get('y0')![0]).toBe(16);
    expect(d.vectors.get('y1')![0]).toBe(32);
  });

  it('GEMV outputs are bit-exact whatever the group (1, 2, 32 accumulators), BF16 and low-bit', () => {
    const outs = [1, 2, 32].map((acc) => runGemv(loadSystem('pim-gpt', [`pu.accumulators=${acc}`]), 333, 1500, { functional: true, seed: 7 }));
    expect(outs.map((o) => o.plan.readoutGroup)).toEqual([1, 2, 3]);
    for (const o of outs.slice(1)) expect(Array.from(o.output!)).toEqual(Array.from(outs[0].output!));
    for (const precision of ['int8', 'ternary'] as const) {
      for (const acc of [1, 2, 4]) {
        const r = runGemv(loadSystem('pim-gpt-lowbit', [`pu.accumulators=${acc}`]), 200, 2100, { functional: true, seed: 3, precision });
        expect(r.lowBit!.mismatches).toBe(0);
      }
    }
  });

  it('fast = command on long grouped blocks (repeat skipping over row and segment periods), refresh on', () => {
    const four = loadSystem('pim-gpt', ['pu.accumulators=4']);
    for (const [segments, g] of [[1, 2], [3, 2], [16, 4], [2, 4], [5, 3]] as const) {
      const items: InstructionInput[] = [
        { id: 'gb', op: 'WR_GB', channel: 'all', bytes: 2048 },
        { id: 'm', op: 'MAC', channel: 'all', banks: 'all', row: 0, col: 0, cols: Math.floor(64 / segments), rows: 40, segments, lastSegments: Math.max(1, segments - 1), readout: true, readoutGroup: g, deps: ['gb'] },
      ];
      const program = buildProgram(items, four, 'g');
      // Without a log or a datapath, fast fidelity skips repeated periods.
      const fast = runProgram(four, program, { fidelity: 'fast' });
      const cmd = runProgram(four, program, { fidelity: 'command' });
      expect({ ...fast, fidelity: 'command' }, `segments ${segments}, group ${g}`).toEqual(cmd);
      expect(cmd.commands.REFab).toBeGreaterThan(0);
      const total = 39 * segments + Math.max(1, segments - 1);
      expect(cmd.commands.RDMAC16).toBe(8 * total);
    }
  });
});
