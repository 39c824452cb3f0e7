import { describe, expect, it } from 'vitest';
import { asicLaneOps, type AsicOp } from '../../src/asic/latency.js';
import { asicOpEnergy } from '../../src/energy/figures.js';
import { asicOpsOf, energyOf, ENERGY_COMPONENTS, formatEnergyReport, type EnergyReport } from '../../src/energy/model.js';
import { loadEnergy, type EnergyTable } from '../../src/energy/table.js';
import { buildProgram, type InstructionInput } from '../../src/pim/program.js';
import { runProgram, type PimStats } from '../../src/pim/run.js';
import { InputError } from '../../src/util/errors.js';
import { loadSystem } from '../../src/spec/system.js';

const system = loadSystem('pim-gpt');
const aim = loadEnergy('aim-gddr6');

// Hand figures from [ENERGY-GDDR6] and the preset's stated rules (pJ, mW).
const E_ACT = 66.3 * 44.5; // P_ACT x tRC (89 x 0.5 ns)
const E_MAC16 = 3 * 438.15 * 1.0; // 3 x P_RD x tCCDL (2 x 0.5 ns)
const E_RD = 438.15 * 1.25; // P_RD x tBL
const DQ = 5.5, GB = 0.078, ACT_STBY = 263.75, PRE_STBY = 183.15, STATIC = 20, BUSY = 940;
const FP32_ADD = 0.72, FMA = 0.72 + 2.84, SRAM = 0.125;

/** One channel: write 64 B of input, MAC a whole row in all banks, read the results, softmax on the ASIC. */
const tiny: InstructionInput[] = [
  { id: 'gb', op: 'WR_GB', channel: 0, bytes: 64 },
  { id: 'm', op: 'MAC', channel: 0, banks: 'all', row: 0, col: 0, cols: 64, deps: ['gb'] },
  { id: 'r', op: 'RD_MAC', channel: 0, deps: ['m'] },
  { id: 's', op: 'ASIC', kind: 'softmax', elements: 64, rows: 1, deps: ['r'] },
];

function component(r: EnergyReport, name: (typeof ENERGY_COMPONENTS)[number]): number {
  return r.byComponent[name];
}

function without(table: EnergyTable, edit: (p: any) => void): EnergyTable {
  const preset = structuredClone(table.preset);
  edit(preset);
  return { ...table, preset };
}

describe('energyOf on a tiny pim-gpt run, recomputed by hand', () => {
  const program = buildProgram(tiny, system, 'tiny');
  const stats = runProgram(system, program);

  it('has the expected command counts', () => {
    // Three register-mode switches: into register mode for WR_GB, out for the MAC, in for RD_MAC.
    expect(stats.commands).toEqual({ WRGB: 2, ACT16: 1, MAC16: 64, RDMAC16: 1, TMOD: 3 });
    expect(stats.activations).toBe(16);
    expect(stats.externalBytes).toBe(3 * 32);
  });

  it('each component and the total match the hand computation (ASIC from op counts)', () => {
    const r = energyOf(stats, system, aim, { asicOps: asicOpsOf(program) });
    const b = stats.breakdownNs;
    const activeNs = b.mac + b.activate + b.readout + b.load + b.mode;
    // Softmax over 64 elements (exp: 10 stages with a degree-6 Taylor; reciprocal: 7 stages):
    // max pass 64 FMA-class stages + 63 tree adds; exp/sum pass 64 x 12 + 63; 1/sum 7; scale 64.
    // SRAM: (64 in + 1 out) + (64 + 1) + (1 + 1) + (64 + 64) = 260 fp32 elements.
    const asic = (64 + 64 * 12 + 7 + 64) * FMA + 2 * 63 * FP32_ADD + 260 * 32 * SRAM;
    const hand = {
      dramActiveStandby: 8 * ACT_STBY * activeNs,
      dramPrechargeStandby: 8 * PRE_STBY * (stats.ns - activeNs),
      activation: 16 * E_ACT,
      columnRead: 1 * E_RD,
      columnWrite: 0,
      pimMac: 64 * E_MAC16,
      globalBufferWrite: 2 * 256 * GB,
      globalBufferRead: 64 * 256 * GB,
      link: 96 * 8 * DQ,
      // The preset charges a switch no energy of its own (its wait is standby time).
      modeSwitch: 0,
      refresh: 0,
      asicDynamic: asic,
      asicStatic: STATIC * stats.ns,
    };
    for (const [k, v] of Object.entries(hand)) expect(component(r, k as keyof typeof hand), k).toBeCloseTo(v, 6);
    expect(r.totalPj).toBeCloseTo(Object.values(hand).reduce((a, x) => a + x, 0), 6);
    expect(r.averagePowerMw).toBeCloseTo(r.totalPj / stats.ns, 9);
    expect(r.components.map((c) => c.name)).toEqual([...ENERGY_COMPONENTS]);
  });

  it('without an op list, ASIC dynamic energy is busy power x busy time', () => {
    const r = energyOf(stats, system, aim);
    expect(component(r, 'asicDynamic')).toBeCloseTo(BUSY * stats.asicBusyNs, 6);
    expect(r.components.find((c) => c.name === 'asicDynamic')!.formula).toContain(`0.94 W x ${stats.asicBusyNs} ns busy`);
  });

  it('reports the formula of each component', () => {
    const r = energyOf(stats, system, aim, { asicOps: asicOpsOf(program) });
    const f = Object.fromEntries(r.components.map((c) => [c.name, c.formula]));
    expect(f.activation).toBe('16 bank activations x 66.3 mW x nRC (89 x 0.5 ns = 44.5 ns) = 2950.35 pJ');
    expect(f.pimMac).toMatch(/1024 bf16 bank columns x all-bank MAC \(438\.15 mW x nCCDL .* x 3 = 1314\.45 pJ\) \/ 16 banks/);
    expect(f.link).toBe('96 B x 8 bits x 5.5 pJ/bit');
    expect(r.components.find((c) => c.name === 'modeSwitch')).toMatchObject({ count: 3, unit: 'TMOD commands', energyPj: 0, formula: '3 TMOD x 0 pJ' });
    expect(formatEnergyReport(r)).toMatch(/^Energy of pim-gpt \(table aim-gddr6\)/);
    expect(r.assumptions.some((a) => /active standby is charged for the mac, activate/.test(a))).toBe(true);
  });

  it('uses a measured row-open time when given', () => {
    const r = energyOf(stats, system, aim, { rowOpenNsPerChannel: stats.ns });
    expect(component(r, 'dramActiveStandby')).toBeCloseTo(8 * ACT_STBY * stats.ns, 6);
    expect(component(r, 'dramPrechargeStandby')).toBeCloseTo(0, 9);
    expect(r.assumptions.some((a) => /active standby is charged/.test(a))).toBe(false);
    expect(() => energyOf(stats, system, aim, { rowOpenNsPerChannel: stats.ns * 2 })).toThrow(InputError);
  });

  it('prices low-bit bank columns with their own PU arithmetic', () => {
    const ternary = (3 * 438.15) / 16 - 32 + (128 * 0.03 + 127 * 0.053 + 0.1);
    const r = energyOf(stats, system, aim, { bankColumnsByFormat: { 'ternary-2bit': 1000, bf16: 24 } });
    expect(component(r, 'pimMac')).toBeCloseTo(1000 * ternary + (24 * E_MAC16) / 16, 6);
    expect(() => energyOf(stats, system, aim, { bankColumnsByFormat: { bf16: 1000 } })).toThrow(/sums to 1000 bank columns, but the run MACed 1024/);
  });
});

describe('missing figures and mismatches', () => {
  const program = buildProgram(tiny, system, 'tiny');
  const stats = runProgram(system, program);

  it('a run with register-mode switches needs pim.modeSwitch', () => {
    const t = without(aim, (p) => delete p.pim.modeSwitch);
    expect(() => energyOf(stats, system, t)).toThrow(/field pim\.modeSwitch \(needed for 3 register-mode switches \(TMOD\)\)/);
  });

  it('a table missing a needed figure throws, naming the preset and field', () => {
    const t = without(aim, (p) => delete p.dram.activation);
    expect(() => energyOf(stats, system, t)).toThrow(InputError);
    expect(() => energyOf(stats, system, t)).toThrow(/energy preset "aim-gddr6" lacks .*\n.*field dram\.activation \(needed for 16 bank activations\)/);
  });

  it('lists every missing figure at once', () => {
    const t = without(aim, (p) => {
      delete p.link.perBit;
      delete p.pim.mac;
      delete p.asic.busyPower;
    });
    let message = '';
    try {
      energyOf(stats, system, t);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/aim-gddr6\.json/);
    expect(message).toMatch(/field link\.perBit/);
    expect(message).toMatch(/field pim\.mac\.allBankCommand or pim\.mac\.bankColumn/);
    expect(message).toMatch(/field asic\.busyPower/);
  });

  it('ASIC op energies are needed only when ops are given', () => {
    const t = without(aim, (p) => delete p.asic.fp32Mult);
    expect(() => energyOf(stats, system, t)).not.toThrow();
    expect(() => energyOf(stats, system, t, { asicOps: asicOpsOf(program) })).toThrow(/field asic\.fp32Mult/);
  });

  it('a figure for an action the run never took is not needed', () => {
    expect(stats.commands.REFab ?? 0).toBe(0);
    const t = without(aim, (p) => delete p.dram.refresh);
    expect(component(energyOf(stats, system, t), 'refresh')).toBe(0);
  });

  it('column commands must be listed where the table prices them', () => {
    const withRd: PimStats = { ...stats, commands: { ...stats.commands, RD: 2 } };
    const t = without(aim, (p) => (p.dram.columnRead.commands = ['RDMAC16']));
    expect(() => energyOf(withRd, system, t)).toThrow(/dram\.columnRead\.commands \(must include RD\)/);
  });

  it('rejects a table written for another memory, and stats of another system', () => {
    expect(() => energyOf(stats, system, loadEnergy('hbm-pim'))).toThrow(/written for memory "hbm2-pim", but system "pim-gpt" uses "gddr6-aim"/);
    expect(() => energyOf({ ...stats, system: 'hbm-pim' }, system, aim)).toThrow(/stats come from system "hbm-pim"/);
  });
});

describe('linearity', () => {
  function scaled(s: PimStats, k: number): PimStats {
    const commands = Object.fromEntries(Object.entries(s.commands).map(([n, v]) => [n, v! * k]));
    const breakdownNs = Object.fromEntries(Object.entries(s.breakdownNs).map(([n, v]) => [n, v * k])) as PimStats['breakdownNs'];
    return { ...s, commands, cycles: s.cycles * k, ns: s.ns * k, activations: s.activations * k, macCommands: s.macCommands * k, externalBytes: s.externalBytes * k, asicBusyNs: s.asicBusyNs * k, breakdownNs };
  }

  it('k times every count and time gives k times every component', () => {
    const stats = runProgram(system, buildProgram(tiny, system, 'tiny'));
    const one = energyOf(stats, system, aim);
    const three = energyOf(scaled(stats, 3), system, aim);
    for (const n of ENERGY_COMPONENTS) expect(three.byComponent[n], n).toBeCloseTo(3 * one.byComponent[n], 6);
    expect(three.totalPj).toBeCloseTo(3 * one.totalPj, 6);
  });

  it('a program doing twice the rows on every channel costs twice the dynamic energy and about twice in all', () => {
    const rows = (n: number): InstructionInput[] => {
      const out: InstructionInput[] = [{ id: 'gb', op: 'WR_GB', channel: 'all', bytes: 2048 }];
      for (let r = 0; r < n; r++) out.push({ id: `m${r}`, op: 'MAC', channel: 'all', banks: 'all', row: r, col: 0, cols: 64, deps: [r === 0 ? 'gb' : `r${r - 1}`] }, { id: `r${r}`, op: 'RD_MAC', channel: 'all', deps: [`m${r}`] });
      return out;
    };
    const run = (n: number) => {
      const p = buildProgram(rows(n), system, `rows${n}`);
      return energyOf(runProgram(system, p), system, aim, { asicOps: asicOpsOf(p) });
    };
    const a = run(8), b = run(16);
    for (const n of ['activation', 'pimMac', 'globalBufferRead', 'columnRead'] as const) expect(b.byComponent[n], n).toBeCloseTo(2 * a.byComponent[n], 6);
    expect(b.byComponent.activation).toBeCloseTo(16 * 8 * 16 * E_ACT, 6);
    expect(b.totalPj / a.totalPj).toBeGreaterThan(1.9);
    expect(b.totalPj / a.totalPj).toBeLessThan(2.05);
  });
});

describe('ASIC op energy', () => {
  const asic = system.asic;
  const ops: AsicOp[] = [
    { kind: 'softmax', elements: 12 * 100, rows: 12 },
    { kind: 'layernorm', elements: 768, rows: 1 },
    { kind: 'gelu', elements: 3072, rows: 1 },
    { kind: 'residual', elements: 768, rows: 1 },
    { kind: 'reduce', elements: 768 },
  ];

  it('counts the same lane operations as the latency model', () => {
    for (const op of ops) expect(asicOpEnergy(aim, op, asic).laneOps, op.kind).toBe(asicLaneOps(op, asic));
  });

  it('a residual add: one fp32 add, two operand reads and one write per element', () => {
    const e = asicOpEnergy(aim, { kind: 'residual', elements: 768, rows: 1 }, asic);
    expect(e.arithmeticPj).toBeCloseTo(768 * FP32_ADD, 9);
    expect(e.sramPj).toBeCloseTo(3 * 768 * 32 * SRAM, 9);
  });

  it('asicOpsOf lists the ASIC instructions of a program', () => {
    const p = buildProgram([
      { op: 'ASIC', kind: 'reduce', elements: 256 },
      { op: 'ASIC', kind: 'softmax', elements: 1024, rows: 4 },
      { op: 'WR_GB', channel: 0, bytes: 32 },
    ], system);
    expect(asicOpsOf(p)).toEqual([{ kind: 'reduce', elements: 256 }, { kind: 'softmax', elements: 1024, rows: 4 }]);
  });
});
