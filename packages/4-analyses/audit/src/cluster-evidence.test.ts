import { describe, expect, it } from 'vitest';
import { type ClusterAttribution } from './attribute-cluster.ts';
import { CLUSTER_EVIDENCE_MEANING, clusterEvidence, type TrafficCluster, type TrafficScanSource } from './cluster-evidence.ts';

const scan: TrafficScanSource = { path: 'scan.json', signature: 'unsigned', signerId: null, alpha: 1e-3, clustersInScan: 4, selection: 'flagged' };
const p = { pValue: 0.5, log10PValue: Math.log10(0.5) };
const model = (id: number, keyIds: string[]) => ({
  id, accounts: keyIds.map((k) => `acct-${k}`), keyIds, scored: 10, score: 3, trials: 10, rate: 0.3, expectedRate: 0.25, ...p, adjusted: p, detected: false,
  strongestAccount: { account: `acct-${keyIds[0]}`, log10PValue: p.log10PValue },
});
const traffic = (id: number, keyIds: string[]): TrafficCluster => ({ id, accounts: ['x'], flagged: true, ...p, exchanges: 9, keyIds });

describe('clusterEvidence', () => {
  it('pairs each pooled test with its scan cluster and says how many tested keys the scan saw served', () => {
    const pooled = { clustersTested: 4, alpha: 1e-3, correction: 'holm', clusters: [model(1, ['a', 'b']), model(2, ['c', 'd']), model(3, ['e']), model(4, ['f'])], accounts: {} } as unknown as ClusterAttribution;
    const e = clusterEvidence(scan, [traffic(4, []), traffic(3, ['zz']), traffic(2, ['c', 'q']), traffic(1, ['b', 'a', 'other-model-key'])], pooled);
    expect(e.clusters.map((c) => [c.id, c.traffic.id, c.servedKeys])).toEqual([[1, 1, 'all'], [2, 2, 'some'], [3, 3, 'none'], [4, 4, 'not recorded']]);
    expect(e).toMatchObject({ scan, clustersTested: 4, alpha: 1e-3, correction: 'holm', meaning: CLUSTER_EVIDENCE_MEANING });
  });
});
