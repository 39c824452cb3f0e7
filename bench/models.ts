/**
 * Whole-model token generation on pim-gpt: wall time, simulated time and peak memory per model.
 * `npm run bench -- models` runs the 8 paper models at 1024 generated tokens (slow: minutes per
 * large model); `npm run bench -- models:gpt2-small:64` picks models and a token count.
 */
import { resourceUsage } from 'node:process';
import { simulate } from '../src/simulate.js';
import { loadModel } from '../src/model/spec.js';
import type { Bench } from './run.js';

const MODELS = ['gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'gpt3-small', 'gpt3-medium', 'gpt3-large', 'gpt3-xl'];

function run(filters: readonly string[]): void {
  const tokenArg = filters.find((f) => /^\d+$/.test(f));
  const tokens = tokenArg ? Number(tokenArg) : 1024;
  const models = filters.filter((f) => !/^\d+$/.test(f));
  const list = models.length ? models : MODELS;
  console.log(`models on pim-gpt, 1 prompt + ${tokens} generated tokens, fast fidelity`);
  console.log('model        wall s   ms/token  sim us/token  instr/token  peak RSS MB');
  let total = 0;
  for (const model of list) {
    const t0 = performance.now();
    // 1 prompt + 1024 would pass gpt2's 1024-token context: generate what the context holds.
    const sim = simulate({ model, system: 'pim-gpt', prompt: 1, tokens: Math.min(tokens, loadModel(model).context - 1) });
    const wall = (performance.now() - t0) / 1000;
    total += wall;
    const n = sim.tokens.length;
    const meanUs = sim.tokens.reduce((a, t) => a + t.latencyNs, 0) / n / 1000;
    const rss = resourceUsage().maxRSS / 1024;
    console.log(`${model.padEnd(12)} ${wall.toFixed(1).padStart(6)} ${((wall * 1000) / n).toFixed(1).padStart(10)} ${meanUs.toFixed(1).padStart(13)} ${(sim.stats.instructions / n).toFixed(0).padStart(13)} ${rss.toFixed(0).padStart(12)}`);
  }
  console.log(`total wall ${total.toFixed(1)} s (peak RSS is the process maximum so far)`);
}

export const bench: Bench = { name: 'models', description: 'GPT token generation per model on pim-gpt (default 1024 tokens; filters: model names, a token count)', run };
