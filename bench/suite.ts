/**
 * The PIM-GPT suite as `pimsim start --tokens N --workers 1` simulates it: the 8 paper models on
 * pim-gpt, one after another on one thread, 1 prompt + N generated tokens (GPT-2 capped at its
 * 1024-token context). Prints CPU time per model and per token, the total against the 60 s target
 * of issue 11, and the peak RSS against 1 GB. Then, on a sampled range (1 prompt + 2 tokens per
 * model), the speedup of fast fidelity (with its instruction memo) over command fidelity, and
 * whether the two gave identical statistics.
 *
 * `npm run bench -- suite` (1024 tokens: minutes), `npm run bench -- suite:128` picks a token count,
 * `suite:gpt2-small:64` models too.
 */
import { resourceUsage } from 'node:process';
import { isDeepStrictEqual } from 'node:util';
import { simulate, type Simulation } from '../src/simulate.js';
import { loadModel } from '../src/model/spec.js';
import type { Bench } from './run.js';

const MODELS = ['gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'gpt3-small', 'gpt3-medium', 'gpt3-large', 'gpt3-xl'];
const TARGET_S = 60;
const TARGET_RSS_MB = 1024;
const SAMPLE_TOKENS = 2;

function cpuMs(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1000;
}

const essence = (s: Simulation) => ({ tokens: s.tokens, stats: { ...s.stats, fidelity: undefined }, breakdown: s.breakdownNs, formats: s.formats });

function run(given: readonly string[]): void {
  const filters = given.flatMap((f) => f.split(':'));
  const tokenArg = filters.find((f) => /^\d+$/.test(f));
  const tokens = tokenArg ? Number(tokenArg) : 1024;
  const names = filters.filter((f) => !/^\d+$/.test(f));
  const unknown = names.filter((n) => !MODELS.includes(n));
  if (unknown.length) throw new Error(`unknown model(s) ${unknown.join(', ')}; expected some of ${MODELS.join(', ')}`);
  const models = names.length ? names : MODELS;
  console.log(`suite: ${models.length} models on pim-gpt, 1 prompt + ${tokens} tokens (capped at the context), fast fidelity, one thread`);
  console.log('model          tokens   CPU s   ms/token   sim us/token   memo hits   peak RSS MB');
  let total = 0;
  for (const model of models) {
    const n = Math.min(tokens, loadModel(model).context - 1);
    const c0 = process.cpuUsage();
    const sim = simulate({ model, system: 'pim-gpt', prompt: 1, tokens: n });
    const ms = cpuMs(c0);
    total += ms;
    const meanUs = sim.tokens.reduce((a, t) => a + t.latencyNs, 0) / sim.tokens.length / 1000;
    console.log(`${model.padEnd(13)} ${String(n).padStart(6)} ${(ms / 1000).toFixed(1).padStart(7)} ${(ms / sim.tokens.length).toFixed(2).padStart(10)} ${meanUs.toFixed(1).padStart(14)}` +
      ` ${String(sim.memo?.hits ?? '-').padStart(11)} ${(resourceUsage().maxRSS / 1024).toFixed(0).padStart(13)}`);
  }
  const rss = resourceUsage().maxRSS / 1024;
  console.log(`total CPU ${(total / 1000).toFixed(1)} s (target: at most ${TARGET_S} s), peak RSS ${rss.toFixed(0)} MB (target: at most ${TARGET_RSS_MB} MB)`);

  console.log(`\nfast vs command fidelity on 1 prompt + ${SAMPLE_TOKENS} tokens per model (identical: every statistic equal)`);
  console.log('model          command CPU s   fast CPU s   speedup   identical');
  for (const model of models) {
    const opts = { model, system: 'pim-gpt', prompt: 1, tokens: SAMPLE_TOKENS };
    let c0 = process.cpuUsage();
    const cmd = simulate({ ...opts, fidelity: 'command' });
    const cmdMs = cpuMs(c0);
    c0 = process.cpuUsage();
    const fast = simulate(opts);
    const fastMs = cpuMs(c0);
    console.log(`${model.padEnd(13)} ${(cmdMs / 1000).toFixed(2).padStart(14)} ${(fastMs / 1000).toFixed(2).padStart(12)} ${(cmdMs / fastMs).toFixed(0).padStart(8)}x   ${isDeepStrictEqual(essence(cmd), essence(fast)) ? 'yes' : 'NO'}`);
  }
}

export const bench: Bench = {
  name: 'suite',
  description: 'the 8-model PIM-GPT suite on one thread (default 1024 tokens; filters: model names, a token count): CPU s vs the 60 s target, RSS, speedup over command fidelity',
  run,
};
