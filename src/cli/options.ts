/**
 * Option declarations shared by the commands. Every option value is checked by commander when it
 * is parsed (choices, or an argument parser), so a malformed value is a usage error (exit 2) with
 * one message wherever the option appears, and an action only ever sees valid values.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { PimsimError } from '../util/errors.js';
import { parseSetting } from '../spec/load.js';
import { parsePrecisionPlan } from '../model/precision.js';
import { BASELINE_WEIGHT_FORMATS, type BaselineFormat } from '../baselines/index.js';

/** Turns a library validation error into commander's "invalid argument" (usage error, exit 2). */
export function asArgParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value: string) => {
    try {
      return parse(value);
    } catch (e) {
      if (e instanceof PimsimError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

/** An integer parser: decimal digits only (no 1e3, 0x10, 2.5), within [min, max]. */
export function intParser(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  return (value: string) => {
    const s = value.trim();
    const n = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`Expected an integer ${range}.`);
    return n;
  };
}

/** `--name <value>` taking an integer in [min, max]. */
export function intOption(flags: string, description: string, min: number, defaultValue?: number, max?: number): Option {
  const o = new Option(flags, description).argParser(intParser(min, max));
  return defaultValue === undefined ? o : o.default(defaultValue);
}

/** `--name <value>` taking one of `choices`. */
export function choiceOption(flags: string, description: string, choices: readonly string[], defaultValue?: string): Option {
  const o = new Option(flags, description).choices(choices);
  return defaultValue === undefined ? o : o.default(defaultValue);
}

export const FIDELITIES = ['fast', 'command'] as const;
export type FidelityChoice = (typeof FIDELITIES)[number];

export function fidelityOption(description = 'fast (exact, skips repeated work) | command (one event per command)'): Option {
  return choiceOption('--fidelity <mode>', description, FIDELITIES, 'fast');
}

/** A comma-separated list of names (baseline devices, models). */
export function listParser(what: string): (value: string) => string[] {
  return (value: string) => {
    const items = value.split(',').map((s) => s.trim());
    if (items.some((s) => s === '')) throw new InvalidArgumentError(`Expected a comma-separated list of ${what} without empty entries.`);
    return items;
  };
}

/** Repeatable `--set path=value` (or `--model-set`), each checked for form when parsed. */
export function addSetOption(cmd: Command, what = 'preset', flag = '--set'): Command {
  const check = asArgParser((v: string) => parseSetting(v, flag));
  return cmd.addOption(
    new Option(`${flag} <path=value>`, `override a ${what} field, e.g. ${flag === '--set' ? 'timing.nCL=24' : 'heads=24'} (repeatable)`)
      .argParser((v: string, prev: string[]) => {
        check(v);
        return [...prev, v];
      })
      .default([] as string[]),
  );
}

/** `--precision <plan>`: weight formats per role, checked when parsed (the value is the parsed plan). */
export function precisionPlanOption(): Option {
  return new Option('--precision <plan>', 'weight formats: bf16 | int8 | ternary | binary, with per-role overrides, e.g. ternary,lm-head=bf16,attention=bf16 (roles: qkv, attn-out, ffn-up, ffn-down, lm-head, attention)')
    .argParser(asArgParser((v: string) => parsePrecisionPlan(v)))
    .default(parsePrecisionPlan('bf16'), 'bf16');
}

/** `--baseline-format` values: the tier's runtime default, the model's own formats, or one weight format. */
export const BASELINE_FORMAT_CHOICES = ['runtime', 'ops', ...BASELINE_WEIGHT_FORMATS] as const;
export type BaselineFormatChoice = (typeof BASELINE_FORMAT_CHOICES)[number];

/** `--baseline-format <format>`: weight format of the GPU/CPU baselines (checked when parsed). */
export function baselineFormatOption(): Option {
  return choiceOption(
    '--baseline-format <format>',
    "GPU/CPU baseline weight format: runtime (each tier's runtime default: the model's formats for tiers A and B, fp32 for tier C) | ops (the model's formats) | fp32 | fp16 | bf16 | int8 | q4_0 (llama.cpp, 4.5 bits/weight) | q4_K_M (about 4.8 bits/weight) | ternary | binary (packed codes)",
    BASELINE_FORMAT_CHOICES,
    'runtime',
  );
}

/** The library's format option for a choice ('runtime': undefined, each tier's default). */
export function baselineFormatOf(choice: BaselineFormatChoice): BaselineFormat | undefined {
  return choice === 'runtime' ? undefined : choice;
}
