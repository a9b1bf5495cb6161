import { type AuditReport, CLUSTER_EVIDENCE_MEANING } from '@tracemark/audit';
import { describe, expect, it } from 'vitest';
import { renderClusterSection } from './cluster-section.ts';

const p = (log10PValue: number) => ({ pValue: 10 ** log10PValue, log10PValue });

function report(detected: boolean, account: string): AuditReport {
  const model = {
    id: 3, accounts: [account, 'b'], keyIds: ['k1', 'k2'], scored: 2000, score: 560, trials: 2000, rate: 0.28, expectedRate: 0.25,
    ...p(detected ? -8 : -0.5), adjusted: p(detected ? -7.7 : -0.2), detected, strongestAccount: { account: 'b', log10PValue: -2.1 },
  };
  const traffic = { id: 3, accounts: [account, 'b'], flagged: true, ...p(-6), exchanges: 420, keyIds: ['k1', 'k2'] };
  return {
    tests: [{ name: 'closed-model', scheme: 'kgw' }],
    key: { scheme: 'kgw' },
    clusters: {
      scan: { path: 'scan.json', signature: 'unverified', signerId: 'abc', alpha: 1e-3, clustersInScan: 5, selection: 'flagged' },
      clustersTested: 1, alpha: 1e-3, correction: 'holm', clusters: [{ id: 3, traffic, model, servedKeys: 'all' }], meaning: CLUSTER_EVIDENCE_MEANING,
    },
  } as unknown as AuditReport;
}

describe('renderClusterSection', () => {
  it('shows the scan evidence beside the pooled test, says when the scan was not verified, and escapes account names', () => {
    const out = renderClusterSection(report(true, '<script>x</script>')).toString();
    expect(out).toMatch(/signed, but its signature was NOT checked/);
    expect(out).toMatch(/Every cluster it flagged \(1 of 5\)/);
    expect(out).toMatch(/420/);
    expect(out).toMatch(/Detected/);
    expect(out).not.toMatch(/<script>x/);
    expect(out).toMatch(/&lt;script&gt;x/);
  });

  it('says no cluster reached significance, and renders nothing without a scan', () => {
    expect(renderClusterSection(report(false, 'a')).toString()).toMatch(/No cluster's watermark reaches significance/);
    expect(renderClusterSection({ tests: [] } as unknown as AuditReport).toString()).toBe('');
  });
});
