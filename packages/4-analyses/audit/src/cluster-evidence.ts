/**
 * Traffic evidence next to model evidence: the optional `clusters` section of an audit report
 * (`tracemark audit --accounts-from-scan`). For each cluster a traffic scan named, what the scan
 * found (its accounts, exchanges, the watermark key ids they were served, its corrected p-value)
 * beside what the suspect model shows (the pooled test of the cluster's keys, attribute-cluster.ts).
 * The two are separate evidence and stay separate: the scan's p-value says the traffic was
 * coordinated and extraction-shaped; the pooled p-value says the suspect learned from text
 * watermarked with those accounts' keys. Neither is folded into the other or into the verdict.
 */
import { type PValue } from '@tracemark/stats';
import { type ClusterAttribution, type PooledClusterResult } from './attribute-cluster.ts';

/** A cluster as the traffic scan reported it. */
export interface TrafficCluster extends PValue {
  readonly id: number;
  readonly accounts: readonly string[];
  readonly flagged: boolean;
  readonly exchanges: number;
  /** Watermark key ids the scan saw served to these accounts (empty when the log did not record them). */
  readonly keyIds: readonly string[];
}

/** Where the clusters came from. */
export interface TrafficScanSource {
  /** File name of the scan report (its digest is in the audit report's inputs, role "traffic-scan"). */
  readonly path: string;
  /** `verified`: a signed scan whose signature checked against the given public key; `unverified`: signed, not checked; `unsigned`: plain JSON. */
  readonly signature: 'verified' | 'unverified' | 'unsigned';
  readonly signerId: string | null;
  /** The scan's own significance level and how many clusters it reported. */
  readonly alpha: number;
  readonly clustersInScan: number;
  /** `flagged`: every cluster the scan flagged; `chosen`: the clusters named with --cluster. */
  readonly selection: 'flagged' | 'chosen';
}

export interface ClusterEvidenceRow {
  readonly id: number;
  readonly traffic: TrafficCluster;
  readonly model: PooledClusterResult;
  /**
   * How many of the keys tested (derived from the audit's master key) the scan saw served to these
   * accounts: `all`, `some`, `none` (another master key served them, or the wrong key was given),
   * or `not recorded` (the log had no key ids). A gateway serving several models may record more.
   */
  readonly servedKeys: 'all' | 'some' | 'none' | 'not recorded';
}

export interface ClusterEvidence {
  readonly scan: TrafficScanSource;
  readonly clustersTested: number;
  readonly alpha: number;
  readonly correction: 'holm';
  readonly clusters: ClusterEvidenceRow[];
  /** In words: what the two p-values mean and do not mean. */
  readonly meaning: string;
}

export const CLUSTER_EVIDENCE_MEANING =
  'Traffic p-value (from the scan): the cluster\u2019s accounts were coordinated and their traffic extraction-shaped, not proof of intent. ' +
  'Pooled p-value (this audit): the suspect\u2019s text carries the watermark of the keys those accounts were served, summed over the cluster and Holm-corrected over the clusters tested; ' +
  'a detection means the suspect learned from text served to the cluster, not which person ran it.';

export function clusterEvidence(scan: TrafficScanSource, traffic: readonly TrafficCluster[], pooled: ClusterAttribution): ClusterEvidence {
  return {
    scan,
    clustersTested: pooled.clustersTested,
    alpha: pooled.alpha,
    correction: pooled.correction,
    clusters: pooled.clusters.map((model) => {
      const t = traffic.find((c) => c.id === model.id)!;
      const served = new Set(t.keyIds);
      const seen = model.keyIds.filter((k) => served.has(k)).length;
      const servedKeys = served.size === 0 ? 'not recorded' : seen === model.keyIds.length ? 'all' : seen > 0 ? 'some' : 'none';
      return { id: model.id, traffic: t, model, servedKeys };
    }),
    meaning: CLUSTER_EVIDENCE_MEANING,
  };
}
