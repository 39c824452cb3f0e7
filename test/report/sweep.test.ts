/** Labels and sweep detection, on results whose differences the test makes by hand. */
import { describe, expect, it } from 'vitest';
import { detectSweeps, labelResults, type LoadedResult, type ReportResult } from '../../src/report/index.js';
import { scaledResult, sweepPoint, tinyResult } from './fixtures.js';

const loaded = (docs: readonly ReportResult[]): LoadedResult[] => docs.map((result, i) => ({ file: `r${i}.json`, result }));

/** The tiny result with config fields replaced (path "system.channels" etc.) and --set overrides. */
function variant(fields: Record<string, unknown>, systemSets: string[] = []): ReportResult {
  const r = tinyResult() as unknown as { config: Record<string, Record<string, unknown>> };
  for (const [path, v] of Object.entries(fields)) {
    const parts = path.split('.');
    if (parts.length === 1) (r.config as Record<string, unknown>)[parts[0]] = v;
    else r.config[parts[0]][parts[1]] = v;
  }
  r.config.sets = { system: systemSets, model: [] };
  return r as unknown as ReportResult;
}

describe('labelResults', () => {
  it('uses the model name when each model appears once', () => {
    expect(labelResults(loaded([scaledResult('a', 1), scaledResult('b', 2)]))).toEqual(['a', 'b']);
  });

  it('qualifies repeated models by what differs, then by sweep tag, then keeps labels distinct', () => {
    const ch = [variant({ 'system.channels': 4, 'system.peakInternalBandwidthGBs': 2048 }), variant({ 'system.channels': 8 })];
    expect(labelResults(loaded(ch))).toEqual(['test-tiny (channels=4)', 'test-tiny (channels=8)']);
    const tagged = [sweepPoint({ parameter: 'asic.clock', value: 100 }, 1), sweepPoint({ parameter: 'asic.clock', value: 1000 }, 2)];
    expect(labelResults(loaded(tagged))).toEqual(['test-tiny (clock=100)', 'test-tiny (clock=1000)']);
    const same = tinyResult() as ReportResult;
    const labels = labelResults(loaded([same, same]));
    expect(new Set(labels).size).toBe(2);
  });
});

describe('detectSweeps', () => {
  it('finds one varying config field, ignoring fields derived from it', () => {
    const docs = [
      variant({ 'system.channels': 16, 'system.peakInternalBandwidthGBs': 8192 }, ['memoryOverrides.organization.channels=16']),
      variant({ 'system.channels': 4, 'system.peakInternalBandwidthGBs': 2048 }, ['memoryOverrides.organization.channels=4']),
      variant({ 'system.channels': 8 }),
    ];
    const sweeps = detectSweeps(loaded(docs));
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]).toMatchObject({ model: 'test-tiny', parameter: 'system.channels', numeric: true });
    expect(sweeps[0].points).toEqual([{ value: 4, index: 1 }, { value: 8, index: 2 }, { value: 16, index: 0 }]);
  });

  it('falls back to a --set override when it is the only difference', () => {
    const docs = [variant({}, ['timing.nCL=24']), variant({}, ['timing.nCL=20']), variant({})];
    const [s] = detectSweeps(loaded(docs));
    expect(s.parameter).toBe('system:timing.nCL');
    // The run without the override has no number, so the points stay in input order.
    expect(s.points.map((p) => p.value)).toEqual([24, 20, '(preset)']);
    expect(s.numeric).toBe(false);
  });

  it('is not a sweep when two independent fields vary, or only one result', () => {
    expect(detectSweeps(loaded([variant({ tokens: 4, fidelity: 'command' }), variant({})]))).toEqual([]);
    expect(detectSweeps(loaded([variant({ tokens: 4 })]))).toEqual([]);
  });

  it('groups tagged results by model and parameter, ordered by value', () => {
    const docs = [
      sweepPoint({ parameter: 'asic clock', value: 1000, unit: 'MHz' }, 1),
      scaledResult('other', 3),
      sweepPoint({ parameter: 'asic clock', value: 100, unit: 'MHz' }, 1.2),
      sweepPoint({ parameter: 'asic clock', value: 500 }, 1.1),
    ];
    const sweeps = detectSweeps(loaded(docs));
    expect(sweeps).toEqual([{ model: 'test-tiny', parameter: 'asic clock', unit: 'MHz', numeric: true, points: [{ value: 100, index: 2 }, { value: 500, index: 3 }, { value: 1000, index: 0 }] }]);
  });
});
