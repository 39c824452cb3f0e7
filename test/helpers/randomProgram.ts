/**
 * Seeded random PIM programs for property tests: every instruction kind, all-bank and single-bank,
 * hits and misses on open rows, dependencies on earlier ids only (acyclic), ASIC ops and barriers.
 */
import { buildProgram, type InstructionInput, type Program } from '../../src/pim/program.js';
import type { SystemSpec } from '../../src/spec/system.js';
import { mulberry32 } from '../../src/util/rng.js';

const ASIC_KINDS = ['softmax', 'layernorm', 'gelu', 'residual', 'reduce'] as const;

export /** A random program of n instructions; deps only on earlier ids, so it is acyclic. */
function randomProgram(system: SystemSpec, seed: number, n: number): Program {
  const rng = mulberry32(seed);
  const int = (k: number) => Math.floor(rng() * k);
  const m = system.memory;
  const cols = m.burstsPerRow;
  const items: InstructionInput[] = [];
  // Few rows, so instructions hit and miss open rows; sometimes the last row of the bank.
  const row = () => (rng() < 0.05 ? m.org.rows - 1 : int(4));
  const channel = () => (rng() < 0.2 ? ('all' as const) : int(m.org.channels));
  const bank = (): 'all' | [number, number] => (rng() < 0.4 ? 'all' : [int(m.org.bankGroups), int(m.org.banksPerGroup)]);
  for (let k = 0; k < n; k++) {
    const deps: string[] = [];
    for (let d = 0; d < 3 && k > 0; d++) if (rng() < 0.4) deps.push(`i${int(k)}`);
    const id = `i${k}`;
    const u = rng();
    if (u < 0.14) items.push({ id, deps, op: 'WR_GB', channel: channel(), bytes: 1 + int(system.globalBufferBytes) });
    else if (u < 0.44) {
      const col = int(cols);
      const seg = 1 + int(3);
      const width = 1 + int(Math.max(1, Math.floor((cols - col) / seg)));
      const segments = col + width * seg <= cols ? seg : 1;
      const rows = rng() < 0.3 ? 1 + int(3) : 1;
      const r = Math.min(row(), m.org.rows - rows);
      const readout = rng() < 0.5;
      const acc = system.pu.accumulators;
      items.push({
        id, deps, op: 'MAC', channel: channel(), banks: rng() < 0.6 ? 'all' : ([int(m.org.bankGroups), int(m.org.banksPerGroup)] as [number, number]),
        row: r, col, cols: Math.min(width, cols - col), rows, segments, lastSegments: 1 + int(segments), readout,
        ...(readout ? { readoutGroup: 1 + int(acc) } : { acc: int(acc) }),
      });
    } else if (u < 0.54) items.push({ id, deps, op: 'RD_MAC', channel: channel(), acc: int(system.pu.accumulators) });
    else if (u < 0.58) items.push({ id, deps, op: 'WR_BIAS', channel: channel(), acc: int(system.pu.accumulators) });
    else if (u < 0.76) {
      const col = int(cols);
      const b = bank();
      items.push({ id, deps, op: rng() < 0.5 ? 'WR' : 'RD', channel: channel(), banks: b, row: row(), col, count: 1 + int(Math.min(b === 'all' ? 2 : 8, cols - col)) });
    } else if (u < 0.9) {
      const kind = ASIC_KINDS[int(ASIC_KINDS.length)];
      const rows = 1 + int(4);
      items.push(kind === 'reduce' ? { id, deps, op: 'ASIC', kind, elements: 1 + int(4096) } : { id, deps, op: 'ASIC', kind, elements: rows * (1 + int(512)), rows });
    } else items.push({ id, deps, op: 'BARRIER' });
  }
  return buildProgram(items, system, `random-${seed}`);
}

