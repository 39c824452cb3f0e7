/**
 * Facts the README states that the code decides, checked so they cannot drift: the ASIC's lane
 * count, every source folder in the code map, the flag for model overrides, the shard numbering of
 * the Slurm example.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAsic } from '../../src/spec/asic.js';
import { loadModel } from '../../src/model/spec.js';

const ROOT = join(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('gives the ASIC lane count of the shipped preset', () => {
    const lanes = loadAsic('pim-gpt-asic').units.softmax.lanes;
    expect(lanes).toBe(128);
    expect(README).toMatch(new RegExp(`${lanes} float32 lanes per vector unit`));
    expect(README).not.toMatch(/unit widths \(32 lanes\)/);
  });

  it('the code map lists every folder of src/', () => {
    const folders = readdirSync(join(ROOT, 'src')).filter((f) => statSync(join(ROOT, 'src', f)).isDirectory() && f !== 'presets');
    for (const f of [...folders, 'presets']) expect(README, f).toContain(`\`src/${f}/\``);
  });

  it('names --model-set for model overrides, also in the gpt3-xl preset note', () => {
    expect(README).toContain('--model-set heads=24');
    expect(loadModel('gpt3-xl').assumptions.join(' ')).toContain('--model-set heads=24');
    expect(loadModel('gpt3-xl').assumptions.join(' ')).not.toMatch(/--set heads/);
  });

  it('the Slurm example numbers shards from 1, as --shard does', () => {
    expect(README).toContain('#SBATCH --array=1-8');
    expect(README).toContain('--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT');
    expect(README).toContain('--shard $((SLURM_ARRAY_TASK_ID + 1))/$SLURM_ARRAY_TASK_COUNT');
  });

  it('says how the default study (1024 tokens) treats models with a 1024-token context', () => {
    expect(README).toMatch(/1024 generated tokens each,\s+capped at each model's context: the GPT-2 models \(context 1024\) generate 1023 tokens/);
  });
});
