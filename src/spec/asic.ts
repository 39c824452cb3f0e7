/**
 * ASIC presets: clock, vector units (lanes and fixed per-pass latency), the numeric approximations
 * it runs, its SRAM and its link to each PIM channel. The zod schema is the source of the types;
 * `resolveAsic` turns units ("1 GHz", "32 GB/s") into plain numbers once.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { listPresets, loadPreset, type Override } from './load.js';
import { toBytesPerSecond, toHertz } from './units.js';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();

/** A SIMD vector unit: `lanes` elements enter per cycle; each pass also pays `pipelineCycles`. */
export const UnitSchema = z.strictObject({
  lanes: posInt,
  /** Fixed cycles per pass besides the arithmetic stages: SRAM read, issue, write-back. */
  pipelineCycles: nonNegInt,
});
export type AsicUnit = z.infer<typeof UnitSchema>;

export const UNIT_NAMES = ['softmax', 'layernorm', 'gelu', 'add', 'special'] as const;
export type UnitName = (typeof UNIT_NAMES)[number];

export const ApproximationsSchema = z.strictObject({
  /** exp(r) on the reduced range |r| <= ln2/2 by a Taylor polynomial of this degree (degree + 1 terms). */
  expTaylorDegree: z.number().int().min(1).max(12),
  /** Newton-Raphson steps after the bit-trick initial guess of 1/x. */
  reciprocalNewtonIterations: z.number().int().min(0).max(6),
  /** Newton steps after the 0x5f3759df initial guess of 1/sqrt(x). */
  rsqrtNewtonIterations: z.number().int().min(0).max(6),
});
export type ApproxParams = z.infer<typeof ApproximationsSchema>;

export const AsicPresetSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string(),
    /** "1 GHz", or a number in Hz. */
    clock: z.union([z.number().positive(), z.string()]),
    /**
     * pipelined: each approximation's stages are unrolled, so a lane accepts a new element every
     * cycle and the stages add latency once per pass. iterative: a lane runs the stages one after
     * another, so an element costs `stages` cycles of that lane.
     */
    execution: z.enum(['pipelined', 'iterative']),
    units: z.strictObject({
      /** exp, subtract-max, sum and scale. */
      softmax: UnitSchema,
      layernorm: UnitSchema,
      gelu: UnitSchema,
      /** Residual adds and partial-sum reduction. */
      add: UnitSchema,
      /** Per-row scalars: reciprocal of a softmax sum, 1/sqrt of a variance. */
      special: UnitSchema,
    }),
    approximations: ApproximationsSchema,
    /** On-chip SRAM holding vectors between ops. */
    sramBufferBytes: posInt,
    /** Link from the ASIC to each PIM channel ("32 GB/s", or a number in B/s). */
    linkBandwidthPerChannel: z.union([z.number().positive(), z.string()]),
    sources: z.record(z.string(), z.string()),
    assumptions: z.array(z.string()),
  })
  .superRefine((a, ctx) => {
    // Every numeric field must be cited, by its own path or a parent section.
    const paths = ['clock', 'execution', 'sramBufferBytes', 'linkBandwidthPerChannel'];
    for (const u of UNIT_NAMES) paths.push(`units.${u}.lanes`, `units.${u}.pipelineCycles`);
    for (const k of Object.keys(a.approximations)) paths.push(`approximations.${k}`);
    for (const p of paths) {
      const parts = p.split('.');
      const cited = parts.some((_, i) => a.sources[parts.slice(0, i + 1).join('.')] !== undefined);
      if (!cited) ctx.addIssue({ code: 'custom', path: ['sources', p], message: `no source for ${p}; cite a REFERENCE key or say "assumed: why" (a parent section also counts)` });
    }
  });
export type AsicPreset = z.infer<typeof AsicPresetSchema>;

export interface AsicSpec {
  readonly name: string;
  readonly description: string;
  readonly clockHz: number;
  /** Clock period in picoseconds (may be fractional, e.g. 300 MHz). */
  readonly periodPs: number;
  readonly execution: 'pipelined' | 'iterative';
  readonly units: Readonly<Record<UnitName, AsicUnit>>;
  readonly approximations: ApproxParams;
  readonly sramBufferBytes: number;
  readonly linkBytesPerSecond: number;
  readonly linkBandwidthGBs: number;
  readonly sources: Readonly<Record<string, string>>;
  readonly assumptions: readonly string[];
  readonly file: string;
}

export function resolveAsic(p: AsicPreset, file = ''): AsicSpec {
  const clockHz = toHertz(p.clock, `${file}: clock`);
  if (!(clockHz > 0)) throw new InputError(`clock must be positive, got ${p.clock}`, file);
  const linkBytesPerSecond = toBytesPerSecond(p.linkBandwidthPerChannel, `${file}: linkBandwidthPerChannel`);
  if (!(linkBytesPerSecond > 0)) throw new InputError(`linkBandwidthPerChannel must be positive, got ${p.linkBandwidthPerChannel}`, file);
  return {
    name: p.name,
    description: p.description,
    clockHz,
    periodPs: 1e12 / clockHz,
    execution: p.execution,
    units: p.units,
    approximations: p.approximations,
    sramBufferBytes: p.sramBufferBytes,
    linkBytesPerSecond,
    linkBandwidthGBs: linkBytesPerSecond / 1e9,
    sources: p.sources,
    assumptions: p.assumptions,
    file,
  };
}

/** Load an ASIC preset by name ("pim-gpt-asic") or path, with `--set field=value` overrides. */
export function loadAsic(nameOrPath: string, sets: readonly Override[] = []): AsicSpec {
  const { file, value } = loadPreset('asic', nameOrPath, AsicPresetSchema, sets);
  return resolveAsic(value, file);
}

export function listAsics(): string[] {
  return listPresets('asic');
}
