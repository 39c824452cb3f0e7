import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionField, energyField, macBankColumnFigure, puColumnFigure } from '../../src/energy/figures.js';
import { ENERGY_DIR, energyTableFor, listEnergyTables, loadEnergy } from '../../src/energy/table.js';
import { InputError } from '../../src/util/errors.js';
import { loadSystem } from '../../src/spec/system.js';

const pimGpt = loadSystem('pim-gpt');
const hbmPim = loadSystem('hbm-pim');
const aim = loadEnergy('aim-gddr6');
const hbm = loadEnergy('hbm-pim');

/** `value` rounds to `published` at the published number of decimals. */
function expectRounds(value: number, published: number, decimals: number): void {
  expect(Math.abs(value - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

describe('energy presets', () => {
  it('ship one table per PIM system, every figure cited', () => {
    expect(listEnergyTables()).toEqual(['aim-gddr6', 'hbm-pim', 'hbm3-pim', 'lpddr5-pim']);
    expect(aim.preset.memory).toBe('gddr6-aim');
    expect(hbm.preset.memory).toBe('hbm2-pim');
    expect(loadEnergy('hbm3-pim').preset.memory).toBe('hbm3-pim');
    expect(loadEnergy('lpddr5-pim').preset.memory).toBe('lpddr5-pim');
    // The new systems find theirs through their memory preset.
    expect(energyTableFor(loadSystem('hbm3-pim')).name).toBe('hbm3-pim');
    expect(energyTableFor(loadSystem('lpddr5-pim')).name).toBe('lpddr5-pim');
  });

  it('map systems to tables by name, else by memory', () => {
    expect(energyTableFor(pimGpt).name).toBe('aim-gddr6');
    expect(energyTableFor(hbmPim).name).toBe('hbm-pim');
    expect(energyTableFor({ name: 'my-aim', memory: pimGpt.memory }).name).toBe('aim-gddr6');
    const ddr4 = { name: 'ddr4-pim', memory: { ...pimGpt.memory, name: 'ddr4-3200' } };
    expect(() => energyTableFor(ddr4)).toThrow(InputError);
    expect(() => energyTableFor(ddr4)).toThrow(/no energy table for system "ddr4-pim".*pim-gpt -> aim-gddr6/);
  });

  it('reject unknown names, bad values and uncited figures, naming the field', () => {
    expect(() => loadEnergy('gddr7')).toThrow(/unknown energy preset "gddr7".*aim-gddr6, hbm-pim, hbm3-pim, lpddr5-pim/);
    expect(() => loadEnergy('aim-gddr6', ['link.perBit=fast'])).toThrow(/link\.perBit.*pJ/);
    expect(() => loadEnergy('aim-gddr6', ['asic.staticPower="5 pJ"'])).toThrow(/asic\.staticPower/);
    expect(() => loadEnergy('aim-gddr6', ['dram.bogus=1'])).toThrow(/field dram/);
    expect(() => loadEnergy('aim-gddr6', ['dram.columnWrite.commands=["RD"]'])).toThrow(/RD is priced as both/);
    const raw = JSON.parse(readFileSync(join(ENERGY_DIR, 'aim-gddr6.json'), 'utf8'));
    delete raw.sources['link.perBit'];
    const dir = mkdtempSync(join(tmpdir(), 'pimsim-energy-'));
    const file = join(dir, 'uncited.json');
    writeFileSync(file, JSON.stringify(raw));
    expect(() => loadEnergy(file)).toThrow(/no source for link\.perBit/);
  });
});

describe('[ENERGY-GDDR6] derived figures from the aim-gddr6 preset on pim-gpt', () => {
  const act = actionField(aim, 'dram.activation', pimGpt, 'test').pj;
  const mac16 = actionField(aim, 'pim.mac.allBankCommand', pimGpt, 'test').pj;
  const rd = actionField(aim, 'dram.columnRead.energy', pimGpt, 'test').pj;
  const io = energyField(aim, 'link.perBit', 'test').pj;
  const bankColumnBits = 32 * 8;

  it('E_ACT = P_ACT x tRC: about 2.95 nJ per bank activation', () => {
    expect(act).toBeCloseTo(66.3 * 44.5, 6);
    expectRounds(act / 1000, 2.95, 2);
  });

  it('E_MAC16 = 3 x P_RD x tCCDL: about 1.31 nJ, about 0.32 pJ per weight bit', () => {
    expect(mac16).toBeCloseTo(3 * 438.15 * 1, 6);
    expectRounds(mac16 / 1000, 1.31, 2);
    expectRounds(mac16 / (16 * bankColumnBits), 0.32, 2);
  });

  it('internal read about 2.1 pJ/bit; external read about 7.6 pJ/bit, about 24x an all-bank PIM read', () => {
    expectRounds(rd / bankColumnBits, 2.1, 1);
    const external = rd / bankColumnBits + io;
    expectRounds(external, 7.6, 1);
    expectRounds(external / (mac16 / (16 * bankColumnBits)), 24, 0);
  });

  it('refresh activates one row per bank', () => {
    expect(actionField(aim, 'dram.refresh.allBank', pimGpt, 'test').pj).toBeCloseTo(16 * act, 6);
    expect(actionField(aim, 'dram.refresh.perBank', pimGpt, 'test').pj).toBeCloseTo(act, 6);
  });
});

describe('[ENERGY-HBM] derived figures from the hbm-pim preset on hbm-pim', () => {
  const rowBits = 1024 * 8;
  const act = actionField(hbm, 'dram.activation', hbmPim, 'test').pj;
  const cell = actionField(hbm, 'pim.mac.bankColumn', hbmPim, 'test').pj;
  const link = energyField(hbm, 'link.perBit', 'test').pj;

  it('activation 0.11 pJ per bit of a 1 KB row (about 0.9 nJ)', () => {
    expect(act).toBeCloseTo(0.11 * rowBits, 6);
  });

  it('streaming a whole row: bank-level PIM 0.55 pJ/bit, to the host 3.59 pJ/bit', () => {
    const perBitPim = (act + 32 * cell) / rowBits;
    expect(perBitPim).toBeCloseTo(0.55, 9);
    const rd = actionField(hbm, 'dram.columnRead.energy', hbmPim, 'test').pj;
    expect((act + 32 * rd) / rowBits + link).toBeCloseTo(3.59, 9);
  });
});

describe('derived preset figures reproduce their stated rules', () => {
  // [ENERGY-OPS]: 45 nm and 7 nm figures; the rule: E(28) = E45 x (28/45)^k, k = ln(E45/E7) / ln(45/7).
  const to28 = (e45: number, e7: number) => e45 * (28 / 45) ** (Math.log(e45 / e7) / Math.log(45 / 7));
  const kAdd = Math.log(0.9 / 0.38) / Math.log(45 / 7);

  for (const t of [aim, hbm]) {
    it(`${t.name}: ASIC arithmetic and SRAM at 28 nm`, () => {
      expectRounds(to28(0.9, 0.38), energyField(t, 'asic.fp32Add', 'test').pj, 2);
      expectRounds(to28(3.7, 1.31), energyField(t, 'asic.fp32Mult', 'test').pj, 2);
      expectRounds((10 * (28 / 45) ** kAdd) / 64, energyField(t, 'asic.sramPerBit', 'test').pj, 3);
      // Busy-power fallback: 32 lanes x (6 FMA stages + 64 SRAM bits) at 1 GHz, in mW.
      const busyMw = 32 * (6 * (to28(0.9, 0.38) + to28(3.7, 1.31)) + 64 * (10 * (28 / 45) ** kAdd) / 64);
      expectRounds(busyMw / 1000, 0.94, 2);
    });

    it(`${t.name}: PU arithmetic per column from columnOps and [ENERGY-OPS] 45 nm`, () => {
      const treeAdd = 0.03 + ((16 - 8) / 24) * (0.1 - 0.03);
      expectRounds(treeAdd, energyField(t, 'pim.puOps.intTreeAdd', 'test').pj, 3);
      expect(puColumnFigure(t, 'bf16').pj).toBeCloseTo(16 * 1.1 + 15 * 0.9 + 0.9, 9);
      expect(puColumnFigure(t, 'int8').pj).toBeCloseTo(32 * 0.2 + 31 * 0.053 + 0.1, 9);
      expect(puColumnFigure(t, 'ternary-2bit').pj).toBeCloseTo(128 * 0.03 + 127 * 0.053 + 0.1, 9);
      expect(puColumnFigure(t, 'ternary-base3').pj).toBeCloseTo(160 * 0.03 + 159 * 0.053 + 0.1, 9);
      expect(puColumnFigure(t, 'binary').pj).toBeCloseTo(256 * 0.03 + 255 * 0.053 + 0.1, 9);
    });
  }

  it('global buffers: 8 KB SRAM figure scaled by sqrt(capacity)', () => {
    expectRounds((10 * Math.sqrt(2 / 8)) / 64, energyField(aim, 'pim.globalBuffer.readPerBit', 'test').pj, 3);
    expectRounds((10 * Math.sqrt(0.5 / 8)) / 64, energyField(hbm, 'pim.globalBuffer.readPerBit', 'test').pj, 3);
  });

  it('HBM background is the GDDR6-AiM figure scaled by channel bandwidth (16 / 32 GB/s)', () => {
    expect(hbmPim.linkBytesPerSecond / pimGpt.linkBytesPerSecond).toBe(0.5);
    expect(hbm.preset.dram.background).toEqual({ activeStandbyPerChannel: `${263.75 / 2} mW`, prechargeStandbyPerChannel: `${183.15 / 2} mW` });
  });
});

describe('MAC energy per bank column by format', () => {
  it('lumped AiM figure: bf16 is E_MAC16 / 16; other formats swap the bf16 arithmetic for their own', () => {
    const perBank = (3 * 438.15) / 16;
    expect(macBankColumnFigure(aim, pimGpt, 'bf16').pj).toBeCloseTo(perBank, 9);
    expect(macBankColumnFigure(aim, pimGpt, 'ternary-2bit').pj).toBeCloseTo(perBank - 32 + (128 * 0.03 + 127 * 0.053 + 0.1), 9);
  });

  it('per-bit HBM figure: cell access plus the format arithmetic', () => {
    expect(macBankColumnFigure(hbm, hbmPim, 'bf16').pj).toBeCloseTo(0.44 * 256 + 32, 9);
    expect(macBankColumnFigure(hbm, hbmPim, 'int8').pj).toBeCloseTo(0.44 * 256 + 32 * 0.2 + 31 * 0.053 + 0.1, 9);
  });
});
