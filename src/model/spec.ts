/**
 * GPT model presets: the zod schema (the source of the types), loading by name or path, and
 * parameter counting. A preset holds only the shape; the decode step's ops come from decode.ts.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { listPresets, loadPreset } from '../spec/load.js';

const posInt = z.number().int().positive();

/** Numeric shape fields; each must be cited in `sources` (a number is never invented silently). */
const SHAPE_FIELDS = ['layers', 'dModel', 'heads', 'headDim', 'dFF', 'vocab', 'context'] as const;

export const ModelPresetSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string(),
    /** Decoder blocks. */
    layers: posInt,
    /** Residual-stream width. */
    dModel: posInt,
    heads: posInt,
    /**
     * Per-head width. Omit it to use dModel / heads (GPT-2 and most GPT-3 sizes). Give it only when
     * the attention width heads x headDim differs from dModel; Q, K, V then have that width.
     */
    headDim: posInt.optional(),
    /** FFN hidden width. */
    dFF: posInt,
    vocab: posInt,
    /** Maximum positions (learned positional embeddings); also the KV-cache capacity. */
    context: posInt,
    activation: z.enum(['gelu']),
    norm: z.enum(['layernorm']),
    /** Linear layers carry biases (GPT-2/GPT-3 do; the LM head never does). */
    bias: z.boolean(),
    /** The LM head reuses the token-embedding matrix (it is still read once per token). */
    tiedEmbeddings: z.boolean(),
    /** Where each value comes from: field name -> REFERENCE key or "assumed: why". */
    sources: z.record(z.string(), z.string()),
    assumptions: z.array(z.string()),
  })
  .superRefine((m, ctx) => {
    if (m.headDim === undefined && m.dModel % m.heads !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['heads'],
        message: `dModel (${m.dModel}) must be divisible by heads (${m.heads}); or give headDim explicitly`,
      });
    }
    for (const f of SHAPE_FIELDS) {
      if (m[f] !== undefined && m.sources[f] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['sources', f], message: `every numeric field needs a source; add sources.${f} (a REFERENCE key or "assumed: ...")` });
      }
    }
  });
export type ModelPreset = z.infer<typeof ModelPresetSchema>;

/** A validated model with its derived widths. */
export interface ModelSpec {
  readonly name: string;
  readonly description: string;
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly headDim: number;
  /** heads x headDim: the width of Q, K, V and the attention output before projection. */
  readonly attnWidth: number;
  readonly dFF: number;
  readonly vocab: number;
  readonly context: number;
  readonly activation: 'gelu';
  readonly norm: 'layernorm';
  readonly bias: boolean;
  readonly tiedEmbeddings: boolean;
  readonly sources: Readonly<Record<string, string>>;
  readonly assumptions: readonly string[];
  /** The preset file it came from ("" when built in code). */
  readonly file: string;
}

/** Validated preset -> ModelSpec. */
export function resolveModel(preset: ModelPreset, file = ''): ModelSpec {
  const headDim = preset.headDim ?? preset.dModel / preset.heads;
  return {
    name: preset.name,
    description: preset.description,
    layers: preset.layers,
    dModel: preset.dModel,
    heads: preset.heads,
    headDim,
    attnWidth: preset.heads * headDim,
    dFF: preset.dFF,
    vocab: preset.vocab,
    context: preset.context,
    activation: preset.activation,
    norm: preset.norm,
    bias: preset.bias,
    tiedEmbeddings: preset.tiedEmbeddings,
    sources: preset.sources,
    assumptions: preset.assumptions,
    file,
  };
}

/** Load a model preset by name ("gpt2-small") or path, with `--model-set field=value` overrides. */
export function loadModel(nameOrPath: string, sets: readonly string[] = []): ModelSpec {
  const { file, value } = loadPreset('models', nameOrPath, ModelPresetSchema, sets, '--model-set');
  return resolveModel(value, file);
}

/** Names of the model presets that ship with pimsim. */
export function listModels(): string[] {
  return listPresets('models');
}

/** Parameters by part. Biases and layernorm gain/shift included; a tied LM head adds nothing. */
export interface ParameterBreakdown {
  readonly tokenEmbedding: number;
  readonly positionEmbedding: number;
  /** One decoder block. */
  readonly perLayer: number;
  readonly layers: number;
  readonly finalNorm: number;
  /** 0 when tied to the token embedding. */
  readonly lmHead: number;
  readonly total: number;
}

export function parameterBreakdown(m: ModelSpec): ParameterBreakdown {
  const b = m.bias ? 1 : 0;
  const d = m.dModel;
  const a = m.attnWidth;
  const layernorm = 2 * d;
  const qkv = d * 3 * a + b * 3 * a;
  const attnOut = a * d + b * d;
  const ffnUp = d * m.dFF + b * m.dFF;
  const ffnDown = m.dFF * d + b * d;
  const perLayer = 2 * layernorm + qkv + attnOut + ffnUp + ffnDown;
  const tokenEmbedding = m.vocab * d;
  const positionEmbedding = m.context * d;
  const lmHead = m.tiedEmbeddings ? 0 : m.vocab * d;
  const layers = m.layers * perLayer;
  return {
    tokenEmbedding,
    positionEmbedding,
    perLayer,
    layers,
    finalNorm: layernorm,
    lmHead,
    total: tokenEmbedding + positionEmbedding + layers + layernorm + lmHead,
  };
}

/** Total parameters, counted as the GPT-2 checkpoints count them (embeddings included). */
export function parameterCount(m: ModelSpec): number {
  return parameterBreakdown(m).total;
}

/** Check a decode position against the model's context (user input: CLI --tokens, --position). */
export function checkPosition(m: ModelSpec, position: number, where = 'position'): void {
  if (!Number.isInteger(position) || position < 0) {
    throw new InputError(`expected a non-negative integer token position, got ${position}`, where);
  }
  if (position >= m.context) {
    throw new InputError(`position ${position} is beyond model ${m.name}'s context of ${m.context} tokens (positions 0..${m.context - 1})`, where);
  }
}
