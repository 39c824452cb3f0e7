/**
 * One graph, every consumer: each op kind the graph can emit has a lowering in the PIM mapping,
 * the float32 forward pass, the GPU/CPU op costs, the ASIC timing/energy model and the op summary;
 * and the two families together emit every kind.
 */
import { describe, expect, it } from 'vitest';
import { OP_KINDS, type Op } from '../../src/model/ops.js';
import { opsPerToken, summarizeOps } from '../../src/model/decode.js';
import { loadModel } from '../../src/model/spec.js';
import { LOWERINGS } from '../../src/mapping/token.js';
import { EVALUATIONS } from '../../src/functional/forward.js';
import { opWork } from '../../src/baselines/opcost.js';
import { loadDevice } from '../../src/baselines/device.js';
import { asicLatencyCycles } from '../../src/asic/latency.js';
import { loadAsic } from '../../src/spec/asic.js';

const llama = loadModel('test-tiny-llama');
const gpt = loadModel('test-tiny');
const sample = (): Map<string, Op> => {
  const byKind = new Map<string, Op>();
  for (const m of [gpt, llama]) for (const op of opsPerToken(m, { position: 3 })) if (!byKind.has(op.kind)) byKind.set(op.kind, op);
  return byKind;
};

describe('the workload graph and its consumers', () => {
  it('GPT and LLaMA graphs together emit every op kind', () => {
    expect([...sample().keys()].sort()).toEqual([...OP_KINDS].sort());
  });

  it('the LLaMA graph has no GPT-only kinds and vice versa', () => {
    const kinds = (m: typeof gpt) => new Set(opsPerToken(m, { position: 0 }).map((o) => o.kind));
    expect([...kinds(llama)].filter((k) => ['layernorm', 'gelu'].includes(k))).toEqual([]);
    expect([...kinds(gpt)].filter((k) => ['rmsnorm', 'swiglu', 'rope'].includes(k))).toEqual([]);
  });

  it('every kind has a lowering in the mapping and the forward pass', () => {
    for (const k of OP_KINDS) {
      expect(typeof LOWERINGS[k], k).toBe('function');
      expect(typeof EVALUATIONS[k], k).toBe('function');
    }
  });

  it('every kind has a cost on a GPU, and every element-wise kind an ASIC latency', () => {
    const dev = loadDevice('a100-80gb');
    const asic = loadAsic('pim-gpt-asic');
    for (const op of sample().values()) {
      const w = opWork(op, dev, { format: 'ops', lowBitStorage: 'int8' });
      expect(w.bytes, op.kind).toBeGreaterThan(0);
      if ('elements' in op) expect(asicLatencyCycles({ kind: op.kind, elements: op.elements, rows: op.rows }, asic), op.kind).toBeGreaterThan(0);
    }
    const s = summarizeOps([...sample().values()]);
    expect(s.asicElements.rope + s.asicElements.swiglu + s.asicElements.rmsnorm).toBeGreaterThan(0);
  });
});
