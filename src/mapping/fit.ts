/**
 * When a model does not fit a system: how much it needs (weights at their precision, biases and
 * norm gains, and the KV cache for the model's whole context) against what the banks hold, and
 * which shipped systems do fit it (each tried with the real placement).
 */
import { listPresets } from '../spec/load.js';
import { loadSystem, type SystemSpec } from '../spec/system.js';
import type { ModelSpec } from '../model/spec.js';
import { opsPerToken, summarizeOps } from '../model/decode.js';
import { precisionFor, type PrecisionPlan } from '../model/precision.js';

const GB = 1e9;

/** Bytes the banks of a system hold. */
export function systemBytes(s: SystemSpec): number {
  const m = s.memory;
  return m.org.channels * m.banksPerChannel * m.org.rows * m.burstsPerRow * m.accessBytes;
}

/** Bytes a model needs in the banks: weights, biases and gains, and the bf16 KV cache for `context` tokens. */
export function modelBytes(model: ModelSpec, plan: PrecisionPlan): { weights: number; kv: number; total: number } {
  const s = summarizeOps(opsPerToken(model, { position: 0, precision: plan }));
  const weights = s.weightBytes + s.biasBytes + s.normBytes;
  // The PIM mapping keeps the KV cache in bf16 (layout.ts pimPrecisionPlan).
  const kv = 2 * model.layers * model.kvWidth * model.context * 2;
  return { weights, kv, total: weights + kv };
}

/**
 * The advice appended to a does-not-fit error. `fits(system)` tries the placement (passed in to
 * avoid a cycle with layout.ts).
 */
export function fitAdvice(model: ModelSpec, system: SystemSpec, plan: PrecisionPlan, fits: (s: SystemSpec) => boolean): string {
  const need = modelBytes(model, plan);
  const lines = [
    `${model.name} needs about ${(need.total / GB).toFixed(2)} GB (weights ${(need.weights / GB).toFixed(2)} GB, KV cache ${(need.kv / GB).toFixed(2)} GB for ${model.context} tokens); ${system.name} holds ${(systemBytes(system) / GB).toFixed(2)} GB`,
  ];
  // Enough bytes in all, yet no placement: a per-bank limit (rows a bank must hold) binds, as said above.
  if (need.total <= systemBytes(system)) lines[0] += ' in all, but the placement needs more rows per bank than it has (above)';
  const ok: string[] = [];
  for (const name of listPresets('systems')) {
    if (name === system.name) continue;
    let s: SystemSpec;
    try {
      s = loadSystem(name);
    } catch {
      continue;
    }
    if (systemBytes(s) < need.total || !s.pu.formats.includes(precisionFor(plan, 'qkv'))) continue;
    if (fits(s)) ok.push(name);
  }
  lines.push(ok.length ? `shipped systems that fit it: ${ok.join(', ')} (--system ${ok[0]})` : 'no shipped system fits it at this precision; try a low-bit --precision or fewer cached tokens');
  if (need.kv > need.weights / 4) lines.push(`or reserve fewer KV-cache positions, e.g. --model-set context=4096`);
  return lines.join('; ');
}
