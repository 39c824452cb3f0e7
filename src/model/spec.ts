/**
 * GPT model presets: the zod schema (the source of the types), loading by name or path, and
 * parameter counting. A preset holds only the shape; the decode step's ops come from decode.ts.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { listPresets, loadPreset } from '../spec/load.js';

const posInt = z.number().int().positive();

/** Numeric shape fields; each must be cited in `sources` (a number is never invented silently). */
const SHAPE_FIELDS = ['layers', 'dModel', 'heads', 'kvHeads', 'headDim', 'dFF', 'vocab', 'context', 'ropeTheta'] as const;

/** The model family as data (defaults: GPT-2). */
export const NORMS = ['layernorm', 'rmsnorm'] as const;
export const MLPS = ['gelu', 'swiglu'] as const;
export const POSITIONS = ['learned', 'rope'] as const;
export type NormKind = (typeof NORMS)[number];
export type MlpKind = (typeof MLPS)[number];
export type PositionKind = (typeof POSITIONS)[number];

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
     * K/V heads (grouped-query attention): each K/V head serves heads / kvHeads query heads.
     * Omit it (or give heads) for multi-head attention; 1 is multi-query attention.
     */
    kvHeads: posInt.optional(),
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
    /** Kept for GPT presets: the FFN activation; must agree with `mlp` (gelu -> gelu, swiglu -> silu). */
    activation: z.enum(['gelu', 'silu']).optional(),
    norm: z.enum(NORMS),
    /** gelu: up, GELU, down (GPT); swiglu: SiLU(gate) x up, then down (LLaMA). Default gelu. */
    mlp: z.enum(MLPS).optional(),
    /** learned: a position-embedding table (GPT); rope: rotary embeddings on q and k (LLaMA). Default learned. */
    position: z.enum(POSITIONS).optional(),
    /** RoPE base (theta); required with position rope. */
    ropeTheta: z.number().positive().optional(),
    /** Linear layers carry biases (GPT-2/GPT-3 do; the LM head never does). */
    bias: z.boolean(),
    /** The LM head reuses the token-embedding matrix (it is still read once per token). */
    tiedEmbeddings: z.boolean(),
    /** Where each value comes from: field name -> REFERENCE key or "assumed: why". */
    sources: z.record(z.string(), z.string()),
    assumptions: z.array(z.string()),
  })
  .superRefine((m, ctx) => {
    const kvHeads = m.kvHeads ?? m.heads;
    if (m.heads % kvHeads !== 0) {
      ctx.addIssue({ code: 'custom', path: ['kvHeads'], message: `heads (${m.heads}) must be divisible by kvHeads (${kvHeads}): each K/V head serves an equal group of query heads` });
    }
    const mlp = m.mlp ?? 'gelu';
    if (m.activation !== undefined && m.activation !== (mlp === 'gelu' ? 'gelu' : 'silu')) {
      ctx.addIssue({ code: 'custom', path: ['activation'], message: `activation ${m.activation} does not match mlp ${mlp} (gelu uses gelu, swiglu uses silu); drop activation or fix mlp` });
    }
    if ((m.position ?? 'learned') === 'rope' && m.ropeTheta === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ropeTheta'], message: 'position rope needs ropeTheta (the rotary base, e.g. 10000 or 500000)' });
    }
    if ((m.position ?? 'learned') === 'learned' && m.ropeTheta !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['ropeTheta'], message: 'ropeTheta is only used with position rope' });
    }
    const headDim = m.headDim ?? m.dModel / m.heads;
    if ((m.position ?? 'learned') === 'rope' && Number.isInteger(headDim) && headDim % 2 !== 0) {
      ctx.addIssue({ code: 'custom', path: ['headDim'], message: `RoPE rotates pairs of elements: the head dim (${headDim}) must be even` });
    }
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
  /** K/V heads (= heads for multi-head attention). */
  readonly kvHeads: number;
  readonly headDim: number;
  /** heads x headDim: the width of Q and of the attention output before projection. */
  readonly attnWidth: number;
  /** kvHeads x headDim: the width of K and V. */
  readonly kvWidth: number;
  readonly dFF: number;
  readonly vocab: number;
  readonly context: number;
  readonly activation: 'gelu' | 'silu';
  readonly norm: NormKind;
  readonly mlp: MlpKind;
  readonly position: PositionKind;
  /** RoPE base; 0 with learned positions. */
  readonly ropeTheta: number;
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
  const kvHeads = preset.kvHeads ?? preset.heads;
  const mlp = preset.mlp ?? 'gelu';
  return {
    name: preset.name,
    description: preset.description,
    layers: preset.layers,
    dModel: preset.dModel,
    heads: preset.heads,
    kvHeads,
    headDim,
    attnWidth: preset.heads * headDim,
    kvWidth: kvHeads * headDim,
    dFF: preset.dFF,
    vocab: preset.vocab,
    context: preset.context,
    activation: mlp === 'gelu' ? 'gelu' : 'silu',
    norm: preset.norm,
    mlp,
    position: preset.position ?? 'learned',
    ropeTheta: preset.ropeTheta ?? 0,
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
  const qkvRows = a + 2 * m.kvWidth;
  // Layernorm has a gain and a shift; RMSNorm only a gain.
  const layernorm = (m.norm === 'layernorm' ? 2 : 1) * d;
  const qkv = d * qkvRows + b * qkvRows;
  const attnOut = a * d + b * d;
  const ffnUp = (m.mlp === 'swiglu' ? 2 : 1) * (d * m.dFF + b * m.dFF);
  const ffnDown = m.dFF * d + b * d;
  const perLayer = 2 * layernorm + qkv + attnOut + ffnUp + ffnDown;
  const tokenEmbedding = m.vocab * d;
  const positionEmbedding = m.position === 'learned' ? m.context * d : 0;
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
