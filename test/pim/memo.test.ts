/**
 * The instruction memo (src/pim/memo.ts) never changes a result: programs whose blocks repeat (so
 * the memo hits, on other channels, rows and refresh phases) and whole models give statistics
 * identical to runs without the memo and to command fidelity; a memo shared across runs and models
 * gives the same results as a fresh one. Each test also checks the memo was used, so it cannot
 * pass by the memo silently turning off.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, type InstructionInput, type Program } from '../../src/pim/program.js';
import { PimMachine, runProgram, type PimStats } from '../../src/pim/run.js';
import { InstructionMemo } from '../../src/pim/memo.js';
import { ChannelTiming } from '../../src/dram/timing.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';
import { simulate, type Simulation } from '../../src/simulate.js';
import { loadModel } from '../../src/model/spec.js';
import { mulberry32 } from '../../src/util/rng.js';
import { randomProgram } from '../helpers/randomProgram.js';

const noLabel = (s: PimStats) => ({ ...s, fidelity: undefined });

/**
 * A program of `blocks` copies of one random block of instructions (MAC blocks, vector loads,
 * readouts, row writes), each copy on other rows and, sometimes, another channel, with
 * dependencies inside a copy and on the previous copy, and an ASIC op between copies.
 */
function repeatedProgram(system: SystemSpec, seed: number, blocks: number): Program {
  const rng = mulberry32(seed);
  const int = (k: number) => Math.floor(rng() * k);
  const m = system.memory;
  const cols = m.burstsPerRow;
  const shape: ((b: number, ch: number) => InstructionInput)[] = [];
  const n = 3 + int(8);
  for (let k = 0; k < n; k++) {
    const u = rng();
    // Short single-bank blocks wait for their PRE and ACT: refreshes then fall due in those waits.
    const rows = 1 + int(6), col = int(cols / 2), width = rng() < 0.4 ? 8 + int(8) : 4 + int(cols / 2 - 4);
    const segs = 1 + int(3), seg = Math.max(1, Math.floor(width / segs));
    const readout = rng() < 0.7, group = 1 + int(system.pu.accumulators);
    const banks = rng() < 0.5 ? 'all' as const : [int(m.org.bankGroups), int(m.org.banksPerGroup)] as [number, number];
    const rowOf = (b: number) => (b * 7 + k * 97) % (m.org.rows - rows);
    if (u < 0.25) shape.push((_b, ch) => ({ op: 'WR_GB', channel: ch, bytes: 32 * (1 + int(system.globalBufferBytes / 32)) }));
    else if (u < 0.8) {
      shape.push((b, ch) => ({
        op: 'MAC', channel: ch, banks, row: rowOf(b), col, cols: seg, rows, segments: segs, lastSegments: 1 + ((b + k) % segs),
        ...(readout ? { readout: true, readoutGroup: group } : { acc: 0 }),
      }));
    } else if (u < 0.9) shape.push((b, ch) => ({ op: 'WR', channel: ch, banks: 'all', row: rowOf(b), col: 0, count: 1 + int(2), rows: 1 + int(3) }));
    else shape.push((_b, ch) => ({ op: 'RD_MAC', channel: ch }));
  }
  const items: InstructionInput[] = [];
  for (let b = 0; b < blocks; b++) {
    const ch = rng() < 0.3 ? int(m.org.channels) : 'all';
    shape.forEach((make, k) => {
      const deps = k > 0 ? [`b${b}i${k - 1}`] : b > 0 ? [`a${b - 1}`] : [];
      items.push({ ...make(b, ch as number), id: `b${b}i${k}`, deps } as InstructionInput);
    });
    items.push({ id: `a${b}`, op: 'ASIC', kind: 'softmax', elements: 64 * (1 + int(8)), deps: [`b${b}i${shape.length - 1}`] });
  }
  return buildProgram(items, system, `repeated-${seed}`);
}

const SYSTEMS = [loadSystem('pim-gpt'), loadSystem('pim-gpt', ['pu.accumulators=4', 'memoryOverrides.timing.nMODCH=9']), loadSystem('hbm-pim'), loadSystem('hbm3-pim'), loadSystem('lpddr5-pim')];

describe('the instruction memo gives the results of a run without it', () => {
  for (const system of SYSTEMS) {
    it(`${system.name}: repeated random blocks crossing many refreshes: memo = no memo = command fidelity`, () => {
      let hits = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const prog = repeatedProgram(system, seed * 104729 + system.memory.org.channels, 60);
        const machine = new PimMachine(system, { fidelity: 'fast' });
        machine.run(prog);
        const memo = noLabel(machine.stats());
        hits += machine.memo!.stats.hits;
        expect(memo.commands.REFab ?? 0).toBeGreaterThan(20);
        expect(memo).toEqual(noLabel(runProgram(system, prog, { fidelity: 'fast', memo: false })));
        expect(memo).toEqual(noLabel(runProgram(system, prog, { fidelity: 'command' })));
      }
      expect(hits).toBeGreaterThan(50);
    });
  }
});

describe('random programs of every instruction kind: memo = no memo', () => {
  // Short single-bank rows make refreshes fall due while a PRE or ACT waits (a boundary decided
  // again when the refresh is due): such a decision must not become a checkpoint (it once did).
  for (const system of SYSTEMS) {
    it(`${system.name}: 24 programs`, () => {
      let hits = 0;
      for (let k = 0; k < 24; k++) {
        const prog = randomProgram(system, (k + 1) * 7919 + 1, 400 * Math.max(1, system.memory.org.channels / 16));
        const machine = new PimMachine(system);
        machine.run(prog);
        hits += machine.memo!.stats.hits;
        expect(noLabel(machine.stats())).toEqual(noLabel(runProgram(system, prog, { memo: false })));
      }
      expect(hits).toBeGreaterThan(0);
    });
  }
});

/** Everything a simulation reports that a result depends on. */
const essence = (s: Simulation) => ({ tokens: s.tokens, stats: noLabel(s.stats), breakdown: s.breakdownNs, formats: s.formats, asicOps: s.asicOps.length });

describe('whole models: memo = no memo = command fidelity', () => {
  const cases: [string, string, number][] = [['test-tiny', 'pim-gpt', 40], ['test-tiny-llama', 'pim-gpt', 40], ['gpt2-small', 'pim-gpt', 3]];
  for (const [model, system, tokens] of cases) {
    it(`${model}, ${tokens} tokens`, () => {
      const memo = simulate({ model, system, tokens });
      const plain = simulate({ model, system, tokens, memo: false });
      const command = simulate({ model, system, tokens, fidelity: 'command' });
      expect(essence(memo)).toEqual(essence(plain));
      expect(essence(memo)).toEqual(essence(command));
    });
  }

  it('random small models (seeded shapes, GPT and LLaMA families): memo = command fidelity over 24 tokens', () => {
    const rng = mulberry32(4242);
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    for (let k = 0; k < 4; k++) {
      const llama = k % 2 === 1;
      const heads = 2 ** int(1, 3), hd = 16 * int(1, 4);
      const sets = [`layers=${int(1, 3)}`, `dModel=${heads * hd}`, `heads=${heads}`, `dFF=${heads * hd * int(2, 4)}`, `vocab=${64 * int(2, 12)}`,
        ...(llama ? [`kvHeads=${heads / 2}`] : [])];
      const model = loadModel(llama ? 'test-tiny-llama' : 'test-tiny', sets);
      const opts = { model, system: 'pim-gpt', tokens: 24 };
      const memo = simulate(opts);
      expect(memo.memo!.hits, sets.join(' ')).toBeGreaterThan(0);
      expect(essence(memo), sets.join(' ')).toEqual(essence(simulate({ ...opts, fidelity: 'command' })));
    }
  });

  it('low-bit precisions (ternary, lm-head bf16) on pim-gpt-lowbit-16ch', () => {
    const opts = { model: 'test-tiny', system: 'pim-gpt-lowbit-16ch', tokens: 20, precision: 'ternary,lm-head=bf16' };
    expect(essence(simulate(opts))).toEqual(essence(simulate({ ...opts, fidelity: 'command' })));
  });
});

describe('a shared memo', () => {
  it('with tiny generations (entries retired all the time), results stay those of no memo', () => {
    const system = loadSystem('pim-gpt');
    const m = system.memory;
    const small = new InstructionMemo(new ChannelTiming(m), m.banksPerRank, 8);
    for (let seed = 1; seed <= 4; seed++) {
      const prog = repeatedProgram(system, seed * 31, 40);
      expect(noLabel(runProgram(system, prog, { memo: small }))).toEqual(noLabel(runProgram(system, prog, { memo: false })));
    }
    expect(small.stats.retired).toBeGreaterThan(10);
    expect(small.stats.entries).toBeLessThanOrEqual(16);
    expect(small.stats.hits).toBeGreaterThan(0);
  });

  it('serves a second run of the same programs, with the same results as fresh runs', () => {
    const system = loadSystem('pim-gpt');
    const m = system.memory;
    const shared = new InstructionMemo(new ChannelTiming(m), m.banksPerRank);
    const progs = [repeatedProgram(system, 11, 40), repeatedProgram(system, 12, 40)];
    const fresh = progs.map((p) => noLabel(runProgram(system, p, { memo: false })));
    const first = progs.map((p) => noLabel(runProgram(system, p, { memo: shared })));
    const hitsAfterFirst = shared.stats.hits;
    const second = progs.map((p) => noLabel(runProgram(system, p, { memo: shared })));
    expect(first).toEqual(fresh);
    expect(second).toEqual(fresh);
    // The second pass found the outcomes the first recorded.
    expect(shared.stats.hits - hitsAfterFirst).toBeGreaterThan(hitsAfterFirst);
  });
});
