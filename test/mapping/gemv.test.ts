/**
 * GEMV placement (planGemv): chunking of K, whole-row filling, and that every (output row, chunk)
 * segment has its own place in DRAM. Expectations are hand-computed from the organization:
 *   pim-gpt: 8 channels x 16 banks = 128 banks, 2 KB rows = 64 columns of 32 B (16 BF16 each),
 *            2 KB global buffer = 64 columns, 16384 rows per bank;
 *   hbm-pim: 16 pseudo-channels x 16 banks = 256 banks, 1 KB rows = 32 columns, 512 B global
 *            buffer = 16 columns, 16384 rows per bank.
 */
import { describe, expect, it } from 'vitest';
import { densestChunks, gemvProgram, planGemv, type GemvPlan } from '../../src/mapping/gemv.js';
import { InputError } from '../../src/util/errors.js';
import { loadSystem, type SystemSpec } from '../../src/spec/system.js';
import { mulberry32 } from '../../src/util/rng.js';

const pimGpt = loadSystem('pim-gpt');
const hbmPim = loadSystem('hbm-pim');

/** BF16 elements per 32 B column. */
const E = 16;

describe('chunks and segments (hand-computed)', () => {
  it('pim-gpt: a chunk is at most min(64 row columns, 64 buffer columns) = 1024 elements', () => {
    // K = 4096: 256 columns -> 4 chunks of 64, one segment per row.
    expect(pick(planGemv(pimGpt, 4096, 4096))).toEqual({ chunks: 4, chunkCols: 64, segmentsPerRow: 1, slotsPerBank: 32, dramRowsPerChunk: 32, dramRowsPerBank: 128 });
    // K = 4100: 257 columns -> ceil(257 / 64) = 5 chunks of ceil(257 / 5) = 52 columns.
    expect(pick(planGemv(pimGpt, 2048, 4100))).toEqual({ chunks: 5, chunkCols: 52, segmentsPerRow: 1, slotsPerBank: 16, dramRowsPerChunk: 16, dramRowsPerBank: 80 });
  });

  it('pim-gpt: short K shares a DRAM row between output rows (segments), filling it whole', () => {
    // K = 256: 16 columns, floor(64 / 16) = 4 segments = the whole 64-column row.
    // M = 1024 over 128 banks: 8 slots per bank -> 8 / 4 = 2 DRAM rows.
    const a = planGemv(pimGpt, 1024, 256);
    expect(pick(a)).toEqual({ chunks: 1, chunkCols: 16, segmentsPerRow: 4, slotsPerBank: 8, dramRowsPerChunk: 2, dramRowsPerBank: 2 });
    expect(a.segmentsPerRow * a.chunkCols).toBe(pimGpt.memory.burstsPerRow);
    // K = 512: 32 columns, 2 segments = 64 columns.
    const b = planGemv(pimGpt, 1024, 512);
    expect(pick(b)).toEqual({ chunks: 1, chunkCols: 32, segmentsPerRow: 2, slotsPerBank: 8, dramRowsPerChunk: 4, dramRowsPerBank: 4 });
    expect(b.segmentsPerRow * b.chunkCols).toBe(64);
  });

  it('hbm-pim: the 512 B buffer (16 columns) caps a chunk below the 32-column row', () => {
    // K = 256: 16 columns = one buffer; floor(16 / 16) = 1 segment (the buffer, not the row, binds).
    expect(pick(planGemv(hbmPim, 1024, 256))).toEqual({ chunks: 1, chunkCols: 16, segmentsPerRow: 1, slotsPerBank: 4, dramRowsPerChunk: 4, dramRowsPerBank: 4 });
    // K = 128: 8 columns, 2 segments fill the 16-column buffer.
    expect(pick(planGemv(hbmPim, 1024, 128))).toMatchObject({ chunks: 1, chunkCols: 8, segmentsPerRow: 2 });
    // K = 1024: 64 columns -> 4 chunks of 16.
    expect(pick(planGemv(hbmPim, 1024, 1024))).toMatchObject({ chunks: 4, chunkCols: 16, segmentsPerRow: 1 });
  });
});

/** Shapes: hand-picked edge cases plus seeded random ones. */
function shapes(seed: number, n: number): [number, number][] {
  const rng = mulberry32(seed);
  const out: [number, number][] = [[1, 1], [17, 33], [128, 16], [129, 17], [300, 1000], [1000, 300], [2048, 4100], [129, 2049], [256, 256], [1024, 512], [4096, 4096]];
  for (let k = 0; k < n; k++) out.push([1 + Math.floor(rng() * 3000), 1 + Math.floor(rng() * 6000)]);
  return out;
}

for (const system of [pimGpt, hbmPim]) {
  describe(`${system.name}: every (i, j) segment has its own place`, () => {
    const m = system.memory;
    const banks = m.banksPerChannel;
    const maxCols = Math.min(m.burstsPerRow, system.globalBufferBytes / m.accessBytes);

    for (const [M, K] of shapes(system.name === 'pim-gpt' ? 11 : 12, 12)) {
      it(`${M} x ${K}`, () => {
        const plan = planGemv(system, M, K, { rowBase: 7 });
        // Chunks cover K exactly, in order, each within a row and the buffer.
        let next = 0;
        for (let j = 0; j < plan.chunks; j++) {
          expect(plan.chunkStart(j)).toBe(next);
          const len = plan.chunkLength(j);
          expect(len).toBeGreaterThan(0);
          expect(len).toBeLessThanOrEqual(plan.chunkCols * E);
          if (j < plan.chunks - 1) expect(len).toBe(plan.chunkCols * E);
          next += len;
        }
        expect(next).toBe(K);
        expect(plan.chunkCols).toBeLessThanOrEqual(maxCols);
        // Fewest chunks: one fewer would not fit.
        expect((plan.chunks - 1) * maxCols * E).toBeLessThan(K);
        // Segments: as many as fit in the row and buffer.
        expect(plan.segmentsPerRow).toBe(Math.floor(maxCols / plan.chunkCols));

        checkPlacement(system, plan, M);
        // Every bank gets ceil or floor of M / banks output rows: all PUs work.
        const perBank = new Map<string, number>();
        for (let i = 0; i < M; i++) {
          const p = plan.place(i, 0);
          perBank.set(`${p.channel}.${p.bank}`, (perBank.get(`${p.channel}.${p.bank}`) ?? 0) + 1);
        }
        const totalBanks = m.org.channels * banks;
        expect(perBank.size).toBe(Math.min(M, totalBanks));
        expect(Math.max(...perBank.values()) - Math.min(...perBank.values())).toBeLessThanOrEqual(1);
      });
    }
  });
}

/**
 * Each (i, j) occupies columns [col, col + ceil(len_j / 16)) of one (channel, bank, row): inside the
 * organization, inside the plan's rows, with no two segments overlapping; and each bank's rows of a
 * chunk are filled whole (segmentsPerRow segments) except possibly its last one.
 */
function checkPlacement(system: SystemSpec, plan: GemvPlan, M: number): void {
  // Plain checks collected into a list: an expect() per segment would dominate the run time.
  const m = system.memory;
  const problems: string[] = [];
  const used = new Map<string, [number, number][]>();
  const rowsOf = new Map<string, Map<number, number>>();
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < plan.chunks; j++) {
      const p = plan.place(i, j);
      const width = Math.ceil(plan.chunkLength(j) / E);
      const inside = p.channel >= 0 && p.channel < m.org.channels && p.bank >= 0 && p.bank < m.banksPerChannel &&
        p.row >= plan.rowBase && p.row < plan.rowBase + plan.dramRowsPerBank && p.row < m.org.rows &&
        p.col >= 0 && p.col + width <= m.burstsPerRow;
      if (!inside) problems.push(`(${i}, ${j}) at ${JSON.stringify(p)} (width ${width}) is outside the plan or the organization`);
      const rowKey = `${p.channel}.${p.bank}.${p.row}`;
      const list = used.get(rowKey) ?? [];
      for (const [a, b] of list) {
        if (p.col < b && a < p.col + width) problems.push(`(${i}, ${j}) columns ${p.col}..${p.col + width - 1} overlap ${a}..${b - 1} in ${rowKey}`);
      }
      list.push([p.col, p.col + width]);
      used.set(rowKey, list);
      const k = `${p.channel}.${p.bank}.${j}`;
      const rows = rowsOf.get(k) ?? new Map<number, number>();
      rows.set(p.row, (rows.get(p.row) ?? 0) + 1);
      rowsOf.set(k, rows);
      if (problems.length > 5) break;
    }
  }
  // Overlap-free with a positive width also means every (channel, bank, row, col) is unique.
  // Whole rows: per (channel, bank, chunk) every DRAM row but the last holds segmentsPerRow
  // segments, and the rows are consecutive.
  for (const [k, rows] of rowsOf) {
    const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([r, n], idx) => {
      if (r !== sorted[0][0] + idx) problems.push(`${k}: rows are not consecutive (${sorted.map((x) => x[0]).join(', ')})`);
      if (idx < sorted.length - 1 && n !== plan.segmentsPerRow) problems.push(`${k}: row ${r} holds ${n} segments, not ${plan.segmentsPerRow}`);
    });
  }
  expect(problems.slice(0, 5).join('\n')).toBe('');
}

/**
 * The (channel, row, first column, width) runs the program's all-bank MAC blocks read, against the
 * segments the plan placed (each slot's place in bank 0 of its channel; all banks share rows).
 */
function macRuns(system: SystemSpec, plan: GemvPlan): { program: string[]; plan: string[] } {
  const fromProgram: string[] = [];
  for (const ins of gemvProgram(system, plan).instructions) {
    if (ins.op !== 'MAC') continue;
    for (let r = 0; r < ins.rowCount; r++) {
      const segs = r === ins.rowCount - 1 ? ins.lastSegments : ins.segments;
      for (let s = 0; s < segs; s++) fromProgram.push(`${ins.channel}:${ins.row + r}:${ins.col + s * ins.segmentStride}+${ins.count}`);
    }
  }
  const fromPlan: string[] = [];
  const B = system.memory.org.channels * system.memory.banksPerChannel;
  for (let c = 0; c < system.memory.org.channels; c++) {
    for (let j = 0; j < plan.chunks; j++) {
      for (let s = 0; s < plan.slotsPerBank; s++) {
        const p = plan.place(s * B + c, j);
        fromPlan.push(`${c}:${p.row}:${p.col}+${Math.ceil(plan.chunkLength(j) / E)}`);
      }
    }
  }
  return { program: fromProgram.sort(), plan: fromPlan.sort() };
}

describe('the program MACs exactly the planned segments', () => {
  for (const system of [pimGpt, hbmPim]) {
    for (const [M, K] of [[1, 1], [300, 1000], [1000, 300], [1024, 256], [2048, 4100], [129, 2049]] as const) {
      it(`${system.name} ${M} x ${K} (fewest chunks)`, () => {
        const r = macRuns(system, planGemv(system, M, K));
        expect(r.program).toEqual(r.plan);
      });
    }
  }

  it('pim-gpt, dense plans whose chunks are all chunkCols long', () => {
    // K = 640 in 2 chunks: 20 columns each, 3 segments per row.
    const r = macRuns(pimGpt, planGemv(pimGpt, 300, 640, { chunks: 2 }));
    expect(r.program).toEqual(r.plan);
  });

  // Was a bug (fixed in 0415f0b): the block stepped between segments by its own `cols` instead of
  // the plan's chunkCols, so a shorter last chunk with several segments per row MACed the
  // neighbouring segment's columns.
  it('pim-gpt, a dense plan whose last chunk is shorter (300 x 624 in 2 chunks)', () => {
    const r = macRuns(pimGpt, planGemv(pimGpt, 300, 624, { chunks: 2 }));
    expect(r.program).toEqual(r.plan);
  });
});

describe('chosen chunk counts', () => {
  it('densestChunks picks a count whose chunks cover K, none empty', () => {
    for (const system of [pimGpt, hbmPim]) {
      for (const [M, K] of shapes(13, 20)) {
        const plan = planGemv(system, M, K, { chunks: densestChunks(system, M, K) });
        let next = 0;
        for (let j = 0; j < plan.chunks; j++) {
          expect(plan.chunkStart(j)).toBe(next);
          expect(plan.chunkLength(j)).toBeGreaterThan(0);
          next += plan.chunkLength(j);
        }
        expect(next).toBe(K);
        checkPlacement(system, plan, M);
      }
    }
  });

  // Was a bug (fixed in 0415f0b): planGemv(pim-gpt, 16, 80, { chunks: 4 }) gave chunkLength(3) = -16.
  it('every accepted chunk count gives non-empty chunks (or an InputError)', () => {
    for (let K = 1; K <= 200; K++) {
      const totalCols = Math.ceil(K / E);
      for (let chunks = 1; chunks <= totalCols; chunks++) {
        let plan: GemvPlan;
        try {
          plan = planGemv(pimGpt, 16, K, { chunks });
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          continue;
        }
        for (let j = 0; j < plan.chunks; j++) expect(plan.chunkLength(j), `K ${K}, ${chunks} chunks, chunk ${j}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('the placement check itself', () => {
  it('catches a plan that puts two segments on the same columns', () => {
    const good = planGemv(pimGpt, 1024, 256);
    const bad: GemvPlan = { ...good, place: (i, j) => ({ ...good.place(i, j), col: 0 }) };
    expect(() => checkPlacement(pimGpt, bad, 1024)).toThrow(/overlap/);
  });
});

function pick(p: GemvPlan) {
  return { chunks: p.chunks, chunkCols: p.chunkCols, segmentsPerRow: p.segmentsPerRow, slotsPerBank: p.slotsPerBank, dramRowsPerChunk: p.dramRowsPerChunk, dramRowsPerBank: p.dramRowsPerBank };
}

describe('bad sizes', () => {
  it('zero, negative and fractional sizes are input errors naming the size', () => {
    for (const [r, c] of [[0, 16], [16, 0], [-1, 16], [16, -5], [1.5, 16], [16, Number.NaN]]) {
      expect(() => planGemv(pimGpt, r, c)).toThrow(InputError);
    }
    expect(() => planGemv(pimGpt, 0, 16)).toThrow(/rows must be a positive integer, got 0/);
    expect(() => planGemv(pimGpt, 16, -5)).toThrow(/cols must be a positive integer, got -5/);
  });

  it('a matrix larger than the memory is an input error', () => {
    // pim-gpt holds 8 x 16 x 16384 rows x 1024 BF16 = 2^31 values; 65536 x 65536 = 2^32 does not fit:
    // 512 slots per bank x 64 chunks = 32768 DRAM rows > 16384.
    expect(() => planGemv(pimGpt, 65536, 65536)).toThrow(InputError);
    expect(() => planGemv(pimGpt, 65536, 65536)).toThrow(/needs 32768 rows in every bank/);
    // Exactly full fits: 128 banks x 16384 rows, one 1024-element chunk each: M = 128 x 16384, K = 1024.
    expect(planGemv(pimGpt, 128 * 16384, 1024).dramRowsPerBank).toBe(16384);
    expect(() => planGemv(pimGpt, 128 * 16384 + 1, 1024)).toThrow(InputError);
    // ... and a row base pushes a fitting matrix past the end.
    expect(() => planGemv(pimGpt, 4096, 4096, { rowBase: 16384 - 127 })).toThrow(InputError);
  });
});
