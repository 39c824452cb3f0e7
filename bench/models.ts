/**
 * Whole-model token generation: wall time, simulated time and peak memory per model.
 * `npm run bench -- models` runs the 8 paper models on pim-gpt and two LLaMA models on systems that
 * hold them, at 1024 generated tokens (slow: minutes per large model); `npm run bench --
 * models:llama-3.2-1b:16` picks models and a token count.
 */
import { resourceUsage } from 'node:process';
import { simulate } from '../src/simulate.js';
import { loadModel } from '../src/model/spec.js';
import type { Bench } from './run.js';

interface Case {
  readonly model: string;
  readonly system: string;
  /** --model-set overrides the model needs to fit the system. */
  readonly modelSets?: readonly string[];
}

const GPT = ['gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'gpt3-small', 'gpt3-medium', 'gpt3-large', 'gpt3-xl'];
const CASES: readonly Case[] = [
  ...GPT.map((model) => ({ model, system: 'pim-gpt' })),
  // bf16 llama-3.2-1b does not fit pim-gpt (2.47 GB of weights + 4.29 GB of KV cache for its 131072-token
  // context), nor pim-gpt-64ch with the whole context reserved (17312 rows per bank of 16384):
  // reserve the KV cache for 4096 positions, as the fit error suggests.
  { model: 'llama-3.2-1b', system: 'pim-gpt-64ch', modelSets: ['context=4096'] },
  // llama-2-7b in bf16 (13.2 GB of weights + 2.15 GB of KV cache for 4096 tokens) fits pim-gpt-64ch as is.
  { model: 'llama-2-7b', system: 'pim-gpt-64ch' },
];

function run(given: readonly string[]): void {
  // run.ts passes "llama-3.2-1b:16" as one filter: split it into a model and a token count.
  const filters = given.flatMap((f) => f.split(':'));
  const tokenArg = filters.find((f) => /^\d+$/.test(f));
  const tokens = tokenArg ? Number(tokenArg) : 1024;
  const names = filters.filter((f) => !/^\d+$/.test(f));
  const unknown = names.filter((n) => !CASES.some((c) => c.model === n));
  if (unknown.length) throw new Error(`unknown model case(s) ${unknown.join(', ')}; expected one of ${CASES.map((c) => c.model).join(', ')}`);
  const list = names.length ? CASES.filter((c) => names.includes(c.model)) : CASES;
  console.log(`whole models, 1 prompt + ${tokens} generated tokens (or what the context holds), fast fidelity`);
  console.log('model        system                       wall s   ms/token  sim us/token  instr/token  peak RSS MB');
  let total = 0;
  for (const c of list) {
    const modelSets = c.modelSets ?? [];
    const t0 = performance.now();
    // 1 prompt + 1024 would pass gpt2's 1024-token context: generate what the context holds.
    const sim = simulate({ model: c.model, system: c.system, modelSets, prompt: 1, tokens: Math.min(tokens, loadModel(c.model, modelSets).context - 1) });
    const wall = (performance.now() - t0) / 1000;
    total += wall;
    const n = sim.tokens.length;
    const meanUs = sim.tokens.reduce((a, t) => a + t.latencyNs, 0) / n / 1000;
    const rss = resourceUsage().maxRSS / 1024;
    const label = c.modelSets?.length ? `${c.system} (${c.modelSets.join(' ')})` : c.system;
    console.log(`${c.model.padEnd(12)} ${label.padEnd(28)} ${wall.toFixed(1).padStart(6)} ${((wall * 1000) / n).toFixed(1).padStart(10)} ${meanUs.toFixed(1).padStart(13)} ${(sim.stats.instructions / n).toFixed(0).padStart(13)} ${rss.toFixed(0).padStart(12)}`);
  }
  console.log(`total wall ${total.toFixed(1)} s (peak RSS is the process maximum so far)`);
}

export const bench: Bench = {
  name: 'models',
  description: 'token generation per model: the 8 GPT models on pim-gpt, llama-3.2-1b and llama-2-7b on pim-gpt-64ch (default 1024 tokens; filters: model names, a token count)',
  run,
};
