/**
 * The HTML page of a traffic scan (`tracemark traffic scan --html`): what a flag means, how the
 * p-values are calibrated, the flagged clusters with their evidence, volume and key ids, the other
 * clusters tested, the accounts flagged, the signals and their versions, the inputs, and the
 * signed report embedded when there is one. Self-contained like the audit page: same styles, same
 * Content-Security-Policy, every report string escaped through the `html` tag (account names, user
 * agents and addresses come from the log, i.e. from whoever sent the traffic).
 */
// The report's types and constants only: the package's index loads DuckDB, which a page does not need.
import { type ClusterResult, TRAFFIC_REPORT_TYPE, type TrafficReport } from '@tracemark/traffic/report';
import { renderPage } from './_page.ts';
import { embedEnvelope } from './embed-envelope.ts';
import { formatCount, formatPValue } from './format-p-value.ts';
import { html, type SafeHtml } from './html.ts';

/** Clusters and accounts listed beyond the flagged ones (the JSON has them all). */
const ROWS = 25;

function clusterRow(c: ClusterResult): SafeHtml {
  const s = c.coordination.strongest;
  return html`<tr><td>${c.id}</td><td>${formatCount(c.accounts.length)}</td><td>${c.flagged ? 'FLAGGED' : 'no'}</td>
<td>${formatPValue(c.log10PValue).html}</td><td>${formatPValue(c.holm.log10PValue).html}</td><td>${formatPValue(c.qValue.log10PValue).html}</td>
<td>${formatPValue(c.coordination.log10PValue).html}${s ? html`<br><span class="small muted">${s.kind} <code>${s.value}</code>: ${s.members} members of ${s.holders} holders</span>` : ''}</td>
<td>${formatPValue(c.content.log10PValue).html}<br><span class="small muted">${c.content.marked} of ${c.accounts.length} members at shape ≤ ${c.content.level}, vs ${c.content.populationMarked} of ${c.content.populationSize}</span></td>
<td>${formatCount(c.exchanges)}</td><td>${formatCount(c.completionTokens)}</td><td>${c.keyIds.length ? c.keyIds.join(', ') : '—'}</td></tr>`;
}

/**
 * @throws TypeError when `report` is not a traffic scan report or the envelope is not JSON.
 */
export function renderTrafficReport(report: TrafficReport, options: { envelopeJson?: string } = {}): string {
  if (report?.type !== TRAFFIC_REPORT_TYPE) throw new TypeError('renderTrafficReport: not a tracemark traffic scan report');
  const envelope = options.envelopeJson === undefined ? null : embedEnvelope(options.envelopeJson);
  const r = JSON.parse(JSON.stringify(report)) as TrafficReport;
  const flagged = r.clusters.filter((c) => c.flagged);
  const others = r.clusters.filter((c) => !c.flagged).slice(0, ROWS);
  const flaggedAccounts = r.accounts.filter((a) => a.flagged);
  const head = html`<tr><th>cluster</th><th>accounts</th><th>flag</th><th>p</th><th>Holm</th><th>BH q</th><th>coordination</th><th>content</th><th>exchanges</th><th>completion tokens</th><th>key ids</th></tr>`;
  const title = `Traffic scan: ${flagged.length} flagged cluster${flagged.length === 1 ? '' : 's'}`;
  const body = html`<main>
<header class="top"><p class="small muted">tracemark traffic scan report v${r.version}</p><h1>${title}</h1>
<p>${formatCount(r.exchanges)} exchanges, ${formatCount(r.accountsTested)} accounts, ${formatCount(r.clustersTested)} clusters tested; Holm over all clusters at α = ${r.alpha}.</p></header>
<section><h2>What a flag means</h2><p>${r.meaning}</p><p><strong>Calibration (${r.calibration.mode}):</strong> ${r.calibration.statement}.</p></section>
<section><h2>Flagged clusters</h2>${flagged.length ? html`<table>${head}${flagged.map(clusterRow)}</table>
${flagged.map((c) => html`<p class="small"><strong>cluster ${c.id}</strong> (${c.first} – ${c.last}): ${c.accounts.join(', ')}</p>`)}` : html`<p>No cluster was flagged.</p>`}</section>
<section><h2>Other clusters tested</h2>${others.length ? html`<table>${head}${others.map(clusterRow)}</table>` : html`<p>None.</p>`}</section>
<section><h2>Accounts flagged</h2>${flaggedAccounts.length ? html`<table><tr><th>account</th><th>cluster</th><th>exchanges</th><th>p</th><th>extraction shape p</th><th>elicitation</th><th>harvest</th><th>sweep</th><th>distribution</th></tr>
${flaggedAccounts.map((a) => html`<tr><td><code>${a.account}</code></td><td>${a.cluster}</td><td>${formatCount(a.exchanges)}</td><td>${formatPValue(a.log10PValue).html}</td><td>${formatPValue(a.content.log10PValue).html}</td>
<td>${formatPValue(a.signals.elicitation.log10PValue).html}</td><td>${formatPValue(a.signals.harvest.log10PValue).html}</td><td>${formatPValue(a.signals.sweep.log10PValue).html}</td><td>${formatPValue(a.signals.distribution.log10PValue).html}</td></tr>`)}</table>` : html`<p>None.</p>`}</section>
<section><h2>Method</h2><ul>${r.method.map((m) => html`<li>${m}</li>`)}</ul>
<h3>Signals</h3><ul>${r.signals.map((s) => html`<li><strong>${s.name}</strong> v${s.version}: ${s.description}</li>`)}</ul></section>
<section><h2>Inputs</h2><table><tr><th>role</th><th>file</th><th>bytes</th><th>exchanges</th><th>bad lines skipped</th><th>SHA-256</th></tr>
${r.inputs.map((i) => html`<tr><td>${i.role}</td><td><code>${i.path}</code></td><td>${formatCount(i.bytes)}</td><td>${formatCount(i.exchanges)}</td><td>${formatCount(i.badLines)}</td><td><code>${i.sha256 || '—'}</code></td></tr>`)}</table></section>
${envelope ? html`<section><h2>Verify this page</h2><p>This file contains the signed scan report (an in-toto statement in a DSSE envelope${envelope.signers.length ? html`, signed by <code>${envelope.signers.join(', ')}</code>` : ''}).</p></section>` : ''}
<footer>Made by tracemark. This page loads nothing from the network and runs no scripts.</footer>
</main>`;
  return renderPage(title, null, body, envelope ? envelope.json : null);
}
