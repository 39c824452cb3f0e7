/**
 * Peer comparison on HBM2: the three traces of traces/peer/hbm2, 16 pseudo-channels with a
 * per-channel front end, once with one command per clock (traces/peer/hbm2/hbm2-peer.json) and once
 * with HBM's row and column buses and 2-cycle ACT (hbm2-peer-dual.json), each against the
 * matching Ramulator 2.1 run.
 */
import { describe, expect, it } from 'vitest';
import { peerMemory, peerSet } from '../../src/dram/peers.js';
import { describePeerSet } from '../helpers/peer.js';

const set = peerSet('hbm2');

describe('the matched configurations', () => {
  it('one bus: one command per clock, a one-clock ACT; dual: a row and a column bus, ACT holds the row bus two clocks', () => {
    const [one, dual] = set.comparisons.map((c) => peerMemory(c, set));
    expect(one.org).toMatchObject({ channels: 16, pseudoChannels: 1, ranks: 1, bankGroups: 4, banksPerGroup: 4, rows: 16384 });
    expect(one.timing).toMatchObject({ nRTP: 4, nWTRS: 4, nCWL: 4, nRCDWR: 14, nRRDL: 6, nFAW: 16 });
    expect(one.buses.names).toEqual(['command']);
    expect(dual.buses.names).toEqual(['row', 'column']);
    expect(dual.buses.cycles[0]).toBe(2); // ACT
    expect(set.comparisons.map((c) => c.frontend)).toEqual(['per-channel', 'per-channel']);
  });
});

describePeerSet(set);
