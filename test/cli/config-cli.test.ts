/**
 * `pimsim config` and what `pimsim trace` records of the configuration, run as child processes.
 * The resolution itself (derived values, overrides) is tested through the library in test/spec.
 */
import { describe, expect, it } from 'vitest';
import { pimsim } from '../helpers/cli.js';
import { peerMemory, peerResults } from '../../src/dram/peers.js';
import { loadMemory } from '../../src/spec/presets.js';
import { configHash } from '../../src/spec/resolved.js';

describe.concurrent('pimsim config', () => {
  it('--memory with --set prints the resolved configuration: derived values, rules and overrides', async () => {
    const r = await pimsim('config', '--memory', 'gddr6', '--set', 'timing.nRTW=25', '--set', 'controller.refresh=off');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({ kind: 'memory', name: 'gddr6', overrides: ['timing.nRTW', 'controller.refresh'], timing: { nRTW: 25, nCL: 24 }, controller: { refresh: 'off', scheduler: 'frfcfs-oldest' } });
    expect(c.rules).toContainEqual({ rule: '"RD" -> "WR" >= nRTW (rank)', cycles: 25 });
    expect(c.configHash).toBe(configHash(loadMemory('gddr6', ['timing.nRTW=25', 'controller.refresh=off'])));
    expect(c.configHash).not.toBe(configHash(loadMemory('gddr6', ['controller.refresh=off'])));
  });

  it('--system and --model print theirs; several print one object per kind', async () => {
    const r = await pimsim('config', '--system', 'pim-gpt', '--model', 'gpt2-small');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.system).toMatchObject({ kind: 'system', name: 'pim-gpt', memory: { kind: 'memory', name: 'gddr6-aim', organization: { channels: 8 } } });
    expect(c.system.memory.rules.some((x: { rule: string }) => x.rule.includes('derived from the PU clock'))).toBe(true);
    expect(c.model).toMatchObject({ kind: 'model', name: 'gpt2-small', layers: 12, dModel: 768 });
  });

  it('an override nothing reads fails with exit 1 and names what is read (config, check)', async () => {
    const [r, check] = await Promise.all([
      pimsim('config', '--memory', 'gddr6', '--set', 'timing.nRCDMAC=20'),
      pimsim('check', 'test/fixtures/checker/gddr6-bad.csv', '--set', 'controller.scheduler=fcfs'),
    ]);
    // The checker reads no controller setting.
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/--set controller\.scheduler would change nothing: the checker reads the timing rules and the organization/);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/timing\.nRCDMAC is overridden, but no rule.*reads it.*the timing names it reads are: nBL/);
  });
});

describe.concurrent('pimsim trace records the configuration', () => {
  it('--json: the front end and the resolved memory configuration; a .gz trace is read directly', async () => {
    const r = await pimsim('trace', 'traces/peer/gemv.ramulator.trace.gz', '--memory', 'traces/peer/gddr6-peer.json', '--frontend', 'shared', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ format: 'ramulator', frontend: 'shared', requests: 147696, config: { name: 'gddr6-peer', configHash: configHash(peerMemory()), timing: { nRTW: 25 } } });
    const ram = peerResults().gemv['ramulator-2.1'];
    expect(Math.abs(out.cycles - ram.cycles) / ram.cycles).toBeLessThan(0.02);
  });

  it('the table names the configuration hash and the command that prints it', async () => {
    const r = await pimsim('trace', 'traces/stream-read.trace', '--set', 'controller.refresh=off');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/memory +gddr6 \(config [0-9a-f]{16}: pimsim config --memory gddr6 --set controller\.refresh=off\)/);
    expect(r.stdout).toMatch(/front end +per-channel/);
  });
});
