/**
 * Peer comparison on GDDR6: the four traces of traces/peer, replayed with the configuration the
 * peers ran (traces/peer/gddr6-peer.json: frfcfs-oldest, Ramulator 2.1's read-to-write turnaround
 * and active buffer, the shared front end), against Ramulator 2.1's results (see
 * test/helpers/peer.ts). DDR4 and HBM2: peer-ddr4.test.ts, peer-hbm2.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { peerMemory, peerSet } from '../../src/dram/peers.js';
import { describePeerSet } from '../helpers/peer.js';

describe('the matched configuration', () => {
  it('is the peers\' one: 2 x16 channels, 4 x 4 banks, RoBaRaCoCh, no refresh, nRTW 25, 32-entry queues, Ramulator\'s active buffer', () => {
    const spec = peerMemory();
    expect(spec.org).toMatchObject({ channels: 2, bankGroups: 4, banksPerGroup: 4, rows: 16384, columns: 1024, busWidthBits: 16, burstLength: 16 });
    expect(spec.controller).toMatchObject({
      scheduler: 'frfcfs-oldest', refresh: 'off', queueDepth: 32, addressMapping: 'RoBaRaCoCh', pagePolicy: 'open',
      activatedEntry: 'free', writeModeCounts: 'unactivated',
    });
    expect(spec.timing).toMatchObject({ nCL: 24, nRCDRD: 27, nRC: 80, nRTW: 25 });
    expect(spec.tCK_ps).toBe(570);
    expect(spec.buses.names).toEqual(['command']);
  });
});

describePeerSet(peerSet('gddr6'));
