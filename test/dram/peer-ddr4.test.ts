/**
 * Peer comparison on DDR4-3200: the three traces of traces/peer/ddr4 with the peers'
 * configuration (traces/peer/ddr4/ddr4-peer.json, shared front end), against Ramulator 2.1.
 */
import { describe, expect, it } from 'vitest';
import { peerMemory, peerSet } from '../../src/dram/peers.js';
import { describePeerSet } from '../helpers/peer.js';

const set = peerSet('ddr4');

describe('the matched configuration', () => {
  it('is DDR4-3200AA 22-22-22, one 64-bit channel, 4 x 4 banks of 8 KB rows, no refresh, Ramulator\'s active buffer', () => {
    const spec = peerMemory(set.comparisons[0], set);
    expect(spec.org).toMatchObject({ channels: 1, ranks: 1, bankGroups: 4, banksPerGroup: 4, rows: 65536, columns: 1024, busWidthBits: 64, burstLength: 8 });
    expect(spec.timing).toMatchObject({ nCL: 22, nCWL: 16, nRCDRD: 22, nRP: 22, nRAS: 52, nRC: 74, nFAW: 34, nRTW: 12 });
    expect(spec.controller).toMatchObject({ refresh: 'off', addressMapping: 'RoBaRaCoCh', activatedEntry: 'free', writeModeCounts: 'unactivated' });
    expect(spec.accessBytes).toBe(64);
  });
});

describePeerSet(set);
