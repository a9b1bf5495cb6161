/**
 * The traffic-cluster section of the HTML audit report (`audit --accounts-from-scan`): one row per
 * cluster a traffic scan named, the scan's evidence (accounts, exchanges, key ids served, the
 * scan's corrected p-value) beside the model evidence (the pooled test of the cluster's keys, its
 * Holm-corrected p-value, and the strongest account alone for comparison), and in words what each
 * p-value means. Absent when the audit had no scan.
 */
import { type AuditReport } from '@tracemark/audit';
import { formatCount, formatPercent, formatPValue } from './format-p-value.ts';
import { html, type SafeHtml } from './html.ts';
import { usesGreenList } from './test-wording.ts';

const SIGNATURE_TEXT = {
  verified: 'its signature was verified',
  unverified: 'it is signed, but its signature was NOT checked',
  unsigned: 'it is not signed',
} as const;

export function renderClusterSection(r: AuditReport): SafeHtml {
  const c = r.clusters;
  if (!c || !Array.isArray(c.clusters)) return html``;
  const detected = c.clusters.filter((x) => x.model.detected);
  // Green-token share for the green-list schemes, the mean score (null 1) for the others.
  const rate = (x: number) => (usesGreenList(r) ? formatPercent(x) : x.toFixed(3));
  return html`<section id="clusters" aria-labelledby="clusters-h"><h2 id="clusters-h">Traffic clusters and the suspect</h2>
<p>A traffic scan (<code>${c.scan.path}</code>; ${SIGNATURE_TEXT[c.scan.signature] ?? c.scan.signature}${c.scan.signerId ? html`, signer <code class="small id">${c.scan.signerId}</code>` : ''}) named clusters of coordinated accounts. ${
    c.scan.selection === 'flagged' ? 'Every cluster it flagged' : 'The clusters chosen by the auditor'
  } (${formatCount(c.clustersTested)} of ${formatCount(c.scan.clustersInScan)}) was tested here: the watermark keys of all its accounts together against the suspect's text (one pooled test per cluster, Holm-corrected over the clusters, α = ${c.alpha}).</p>
<p class="callout ${detected.length ? 'bad' : 'ok'}">${
    detected.length
      ? html`<strong>The suspect carries the watermark of ${detected.length === 1 ? 'cluster' : 'clusters'} ${detected.map((x, i) => html`${i ? ', ' : ''}<code>${String(x.id)}</code>`)}.</strong>`
      : html`<strong>No cluster's watermark reaches significance</strong> in the suspect's text after the correction.`
  }</p>
<div class="scroll"><table><caption>Traffic clusters: traffic evidence (from the scan) and model evidence (this audit)</caption>
<thead><tr><th scope="col">Cluster</th><th scope="col">Accounts</th><th scope="col">Exchanges</th><th scope="col">Scan p-value</th><th scope="col">Key ids served</th><th scope="col">Pooled rate</th><th scope="col">Pooled p-value</th><th scope="col">Corrected</th><th scope="col">Strongest account alone</th><th scope="col">Result</th></tr></thead>
<tbody>${c.clusters.map(
    (x) => html`<tr class="${x.model.detected ? 'leaked' : ''}"><th scope="row"><code>${String(x.id)}</code></th><td>${x.traffic.accounts.map((a, i) => html`${i ? ', ' : ''}<code>${a}</code>`)}</td><td class="num">${formatCount(x.traffic.exchanges)}</td><td class="num">${formatPValue(x.traffic.log10PValue).html}${x.traffic.flagged ? html` <span class="badge bad">flagged</span>` : ''}</td><td>${
      x.servedKeys === 'all' ? 'the keys tested' : x.servedKeys === 'not recorded' ? html`<span class="muted">not recorded</span>` : html`<strong>${x.servedKeys === 'some' ? 'some of' : 'none of'} the keys tested</strong>`
    }</td><td class="num">${rate(x.model.rate)} (null ${rate(x.model.expectedRate)})</td><td class="num">${formatPValue(x.model.log10PValue).html}</td><td class="num">${formatPValue(x.model.adjusted.log10PValue).html}</td><td><code>${x.model.strongestAccount.account}</code> ${formatPValue(x.model.strongestAccount.log10PValue).html}</td><td>${
      x.model.detected ? html`<span class="badge bad">Detected</span>` : html`<span class="muted nowrap">no evidence</span>`
    }</td></tr>`,
  )}</tbody></table></div>
<p>${c.meaning}</p>
</section>`;
}
