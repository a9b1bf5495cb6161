/**
 * The HTML audit report: one self-contained page a non-specialist can read — the verdict in a
 * sentence and the rule behind it, each test with its p-value, rate against chance, interval,
 * detectable effect and what it means, the score and p-value curves, a token-highlighted sample,
 * account attribution and behavioural-fingerprint evidence when present, the limits of the tests,
 * and the signed report embedded so the file itself can be verified (`tracemark verify report.html`).
 *
 * Self-contained means no network at all: styles inline, charts as inline SVG drawn here, system
 * fonts, and a Content-Security-Policy of `default-src 'none'` so even a mistake cannot load
 * anything or run a script. The only `<script>` is the inert `application/json` envelope block,
 * with `<`, `>` and `&` written as JSON `\u` escapes so no string inside it can close the tag
 * (HTML Living Standard §4.12.1.3, "Restrictions for contents of script elements").
 *
 * Every string from the report goes through the escaping `html` tag (token pieces and ids come
 * from untrusted model output). The page is a pure function of the report and the envelope — no
 * clock, no randomness — so a verifier can re-render the verified report and compare bytes.
 */
import { AUDIT_REPORT_TYPE, type AuditReport, type AuditTest, type CurvePoint } from '@tracemark/audit';
import { renderPage } from './_page.ts';
import { renderClusterSection } from './cluster-section.ts';
import { embedEnvelope } from './embed-envelope.ts';
import { renderFingerprintSection } from './fingerprint-section.ts';
import { formatChance, formatCount, formatPercent, formatPValue, superscript } from './format-p-value.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { chartLegend, lineChart } from './svg-charts.ts';
import {
  detectableEffect,
  formatRate,
  isProportion,
  methodText,
  rateName,
  scoredUnit,
  testExplanation,
  testTitle,
  usesGreenList,
  whatThisMeans,
} from './test-wording.ts';
import { renderTokenSample } from './token-sample.ts';

export interface HtmlReportOptions {
  /** The signed DSSE envelope of this report (the file `audit --sign` writes), embedded verbatim as JSON. */
  readonly envelopeJson?: string;
}

export { REPORT_CSP } from './_page.ts';

/** Accounts listed in the table beyond the leaked ones (the JSON has them all). */
const ACCOUNT_ROWS = 15;

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** `2026-11-22T12:43:28.472Z` → `2026-11-22 12:43 UTC` (from the string, so no clock or time zone enters the page). */
function formatDate(iso: unknown): string {
  if (typeof iso !== 'string') return 'n/a';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::[\d.]+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function suspectPhrase(r: AuditReport): string {
  const name = r.suspect?.name ?? 'unknown';
  return r.suspect?.kind === 'outputs' ? `the suspect's outputs in “${name}”` : `the suspect model “${name}”`;
}

const FINGERPRINT_PHRASE: Record<string, string> = {
  detected: "its answers are closer to the teacher's than the reference models' are",
  'not-detected': "its answers are no closer to the teacher's than the reference models' are",
  inconclusive: 'the behavioural comparison was inconclusive',
};

function fingerprintVerdict(r: AuditReport): string | undefined {
  const f = r.fingerprint as { verdict?: unknown } | null | undefined;
  return typeof f === 'object' && f !== null && typeof f.verdict === 'string' ? f.verdict : undefined;
}

function renderVerdict(r: AuditReport): SafeHtml {
  const v = r.verdict;
  const tests = r.tests ?? [];
  const alpha = typeof r.parameters?.alpha === 'number' ? r.parameters.alpha : tests[0]?.alpha;
  const at = alpha !== undefined ? ` at significance level ${alpha}` : '';
  const who = suspectPhrase(r);
  const Who = `${who[0]!.toUpperCase()}${who.slice(1)}`;
  const p = formatPValue(v.log10PValue);
  // Reports from before fingerprints joined the verdict have no `basis`: the watermark carried it.
  const basis = (v as { basis?: string }).basis ?? (v.detected ? 'watermark' : 'none');
  const watermark = (v as { watermark?: { log10PValue: number; detected: boolean; tests: number } }).watermark;
  const fp = fingerprintVerdict(r);
  const strongest = v.strongest === null ? null : testTitle(v.strongest);
  let cls: string;
  let label: string;
  let sentence: string;
  let detail: SafeHtml;
  if (v.strongest === null) {
    cls = 'neutral';
    label = 'Inconclusive';
    sentence = `Inconclusive: no test could be run on ${who} with the inputs given, so this report makes no claim either way.`;
    detail = html``;
  } else if (v.detected && basis === 'behaviour') {
    cls = 'bad';
    label = 'Behavioural evidence only';
    sentence = `${Who} answers more like the teacher than the reference models do, but carries no detectable watermark: behavioural evidence only, not a key-backed claim.`;
    detail = html`<p>Combined p = <strong>${p.html}</strong>: a model no closer to the teacher than the reference models would show a difference this strong ${formatChance(v.log10PValue).html} times. Strongest line: “${strongest}”.</p>`;
  } else if (v.detected) {
    cls = 'bad';
    label = 'Watermark evidence found';
    sentence = `${Who} carries the teacher's watermark: evidence that it was trained on the teacher's watermarked outputs.`;
    detail = html`<p>Combined p = <strong>${p.html}</strong>: a model that never learned from the teacher's watermarked text would show evidence this strong ${formatChance(v.log10PValue).html} times. Strongest test: “${strongest}”.</p>`;
  } else {
    cls = 'ok';
    label = 'No evidence';
    sentence = fp
      ? `No evidence found: ${who} shows no sign of the teacher's watermark and ${FINGERPRINT_PHRASE[fp] ?? `the behavioural comparison gave "${fp}"`}${at} — which does not prove it was not trained on the teacher's outputs.`
      : `No evidence found: ${who} shows no sign of the teacher's watermark${at} — which does not prove it was not trained on the teacher's outputs.`;
    detail = html`<p>Combined p = <strong>${p.html}</strong>, not below the significance level${alpha !== undefined ? ` ${alpha}` : ''}. See below what each test could have detected with this much text.</p>`;
  }
  const lines: SafeHtml[] = [];
  if (fp && watermark && v.strongest !== null) {
    lines.push(html`<li>Watermark tests alone (the key-backed claim): combined p = ${formatPValue(watermark.log10PValue).html} — ${watermark.detected ? 'watermark found' : 'no watermark found'}.</li>`);
  }
  if (fp) lines.push(html`<li>Behavioural fingerprint: ${FINGERPRINT_PHRASE[fp] ?? fp} (<a href="#fingerprint">details</a>).</li>`);
  return html`<section class="verdict ${cls}" id="verdict" aria-labelledby="verdict-h">
<h2 id="verdict-h" class="label">Verdict: ${label}</h2>
<p class="sentence" id="verdict-sentence">${sentence}</p>
${detail}
${lines.length ? html`<ul class="lines">${lines}</ul>` : ''}
<p class="rule"><strong>Rule:</strong> ${v.rule}. <span class="muted">The audit's tests share data, so they are combined with a correction that stays valid however they depend on each other.</span></p>
<p class="tool"><strong>Exact statement:</strong> ${v.statement}</p>
</section>`;
}

function renderFacts(r: AuditReport): SafeHtml {
  const s = r.suspect;
  const kind = s?.kind === 'model' ? 'local model' : s?.kind === 'endpoint' ? 'API endpoint' : 'output file';
  const facts: [string, string][] = [
    ['Suspect', `${s?.name ?? 'unknown'} (${kind})`],
    ['Suspect text examined', `${formatCount(s?.outputs)} outputs, ${formatCount(s?.tokens)} tokens`],
    ['Watermark key', `${r.key?.keyId ?? '?'} (${r.key?.scheme ?? '?'})`],
    ['Significance level α', String(r.parameters?.alpha ?? r.tests?.[0]?.alpha ?? 'n/a')],
    ['Report created', formatDate(r.createdAt)],
  ];
  return html`<dl class="facts">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** Observed rate vs chance on one small scale, with the 95% interval as a whisker. */
function rateBar(t: AuditTest, r: AuditReport): SafeHtml {
  const ci = t.confidenceInterval;
  const hi = Math.max(t.rate, t.expectedRate, ci?.[1] ?? 0, t.minimumDetectableRate !== null && Number.isFinite(t.minimumDetectableRate) ? t.minimumDetectableRate : 0);
  const max = isProportion(t) ? Math.min(1, Math.max(0.05, Math.ceil((hi * 1.15) / 0.05) * 0.05)) : Math.max(1e-9, hi * 1.15);
  const W = 300;
  const x = (v: number) => Math.round((Math.max(0, Math.min(max, v)) / max) * (W - 20) * 10) / 10 + 10;
  const label = `${rateName(t, r)} ${formatRate(t, t.rate)} observed vs ${formatRate(t, t.expectedRate)} by chance${ci ? `; 95% interval ${formatRate(t, ci[0])} to ${formatRate(t, ci[1])}` : ''}`;
  return html`<svg class="rate-bar" viewBox="0 0 ${W} 46" width="${W}" height="46" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg">
<rect x="10" y="8" width="${W - 20}" height="14" fill="#eaeef2" rx="2"/>
<rect class="b-main" x="10" y="8" width="${Math.max(0.5, x(t.rate) - 10)}" height="14" rx="2"/>
${ci ? html`<line x1="${x(ci[0])}" x2="${x(ci[1])}" y1="15" y2="15" stroke="#1b1f24" stroke-width="1.5"/><line x1="${x(ci[0])}" x2="${x(ci[0])}" y1="10" y2="20" stroke="#1b1f24" stroke-width="1.5"/><line x1="${x(ci[1])}" x2="${x(ci[1])}" y1="10" y2="20" stroke="#1b1f24" stroke-width="1.5"/>` : ''}
<line class="r-null" x1="${x(t.expectedRate)}" x2="${x(t.expectedRate)}" y1="3" y2="27"/>
<text x="${x(t.expectedRate)}" y="40" font-size="11" text-anchor="middle" fill="#57606a">chance ${formatRate(t, t.expectedRate)}</text>
</svg>`;
}

function renderTest(t: AuditTest, r: AuditReport): SafeHtml {
  const p = formatPValue(t.log10PValue);
  const ci = t.confidenceInterval;
  const mde = detectableEffect(t, r);
  const diff = isProportion(t) ? `${t.effect >= 0 ? '+' : '−'}${Math.abs(t.effect * 100).toFixed(1)} points` : `${t.effect >= 0 ? '+' : '−'}${Math.abs(t.effect).toFixed(3)}`;
  return html`<article class="test" id="test-${t.name}" aria-labelledby="test-${t.name}-h">
<h3 id="test-${t.name}-h">${testTitle(t.name)} ${t.detected ? html`<span class="badge bad">Watermark found</span>` : html`<span class="badge ok">No evidence</span>`} <code class="small muted">${t.name}</code></h3>
<p>${testExplanation(t, r)}</p>
<dl>
<dt>p-value</dt><dd><strong>${p.html}</strong> <span class="muted">(evidence if below α = ${t.alpha})</span></dd>
<dt>Observed vs chance</dt><dd>${rateName(t, r)} <strong>${formatRate(t, t.rate)}</strong> vs <strong>${formatRate(t, t.expectedRate)}</strong> expected by chance (${diff})${rateBar(t, r)}</dd>
<dt>95% confidence interval</dt><dd>${ci ? `${formatRate(t, ci[0])} to ${formatRate(t, ci[1])}` : html`<span class="muted">none: this test uses a bound, not an exact distribution</span>`}</dd>
<dt>Detectable effect</dt><dd>${mde ?? html`<span class="muted">no closed-form figure for this bounded test; see the exact tests</span>`}</dd>
<dt>Amount scored</dt><dd>${formatCount(t.scored)} ${scoredUnit(t)}</dd>
<dt>Method</dt><dd>${methodText(t.method)}</dd>
</dl>
<p class="meaning"><strong>What this means:</strong> ${whatThisMeans(t, r)}</p>
<p class="small muted">Tool's wording: ${t.verdict}.</p>
</article>`;
}

function renderTests(r: AuditReport): SafeHtml {
  const tests = r.tests ?? [];
  const skipped = r.skipped ?? [];
  return html`<section id="tests" aria-labelledby="tests-h"><h2 id="tests-h">The tests</h2>
<p>Each test asks one question: does the suspect show the teacher's watermark more than chance allows? Its <strong>p-value</strong> is the probability of a result at least this strong if the suspect had never learned from the teacher's watermarked text. A small p-value is evidence; the test counts as a detection only when p is below the significance level α fixed before the audit. A p-value is not the probability that the suspect is innocent.</p>
${tests.length === 0 ? html`<p class="muted">No test could be run with the inputs given.</p>` : tests.map((t) => renderTest(t, r))}
${skipped.length ? html`<h3>Tests not run</h3><ul>${skipped.map((s) => html`<li><code>${s.test}</code>: ${s.reason}</li>`)}</ul>` : ''}
</section>`;
}

function renderCurve(r: AuditReport): SafeHtml {
  const curve: CurvePoint[] = (r.curve ?? []).filter((c) => Number.isFinite(c.scored) && Number.isFinite(c.rate) && Number.isFinite(c.log10PValue));
  const closed = r.tests?.find((t) => t.name === 'closed-model');
  if (curve.length === 0 || !closed) {
    return html`<section id="curve" aria-labelledby="curve-h"><h2 id="curve-h">How the evidence grew</h2><p class="muted">No curve: none of the suspect's text could be scored.</p></section>`;
  }
  const alpha = closed.alpha;
  const name = rateName(closed, r);
  const prop = isProportion(closed);
  const fRate = (v: number) => (prop ? formatPercent(v, 0) : v.toFixed(2));
  const last = curve[curve.length - 1]!;
  const maxEvidence = Math.max(...curve.map((c) => -c.log10PValue));
  const threshold = -Math.log10(alpha);
  const crossed = curve.find((c) => -c.log10PValue > threshold);
  const rateChart = lineChart({
    id: 'chart-rate',
    title: `${name} of the suspect's text against the number of ${scoredUnit(closed)} scored`,
    description: `Rises from ${fRate(curve[0]!.rate)} to ${fRate(last.rate)} over ${formatCount(last.scored)} scored; chance level ${fRate(closed.expectedRate)}.`,
    xLabel: `${scoredUnit(closed)} scored`,
    yLabel: name,
    series: [{ label: name, className: 's-main', points: curve.map((c) => [c.scored, c.rate] as const) }],
    referenceLines: [{ y: closed.expectedRate, label: `chance level ${fRate(closed.expectedRate)}`, className: 'r-null' }],
    formatY: fRate,
    yInclude: prop ? [Math.max(0, closed.expectedRate - 0.02)] : [],
  });
  const pChart = lineChart({
    id: 'chart-pvalue',
    title: `p-value of the text test against the number of ${scoredUnit(closed)} scored (log scale)`,
    description: `p falls to ${formatPValue(last.log10PValue).text} at ${formatCount(last.scored)} scored; the significance threshold is ${alpha}.`,
    xLabel: `${scoredUnit(closed)} scored`,
    yLabel: 'p-value (log scale)',
    series: [{ label: 'p-value', className: 's-alt', points: curve.map((c) => [c.scored, Math.max(0, -c.log10PValue)] as const) }],
    referenceLines: [{ y: threshold, label: `significance threshold α = ${alpha}`, className: 'r-threshold' }],
    yInclude: [0, threshold * 1.25],
    integerYTicks: true,
    formatY: (v) => (v === 0 ? '1' : `10${superscript(-Math.round(v))}`),
  });
  return html`<section id="curve" aria-labelledby="curve-h"><h2 id="curve-h">How the evidence grew</h2>
<p>The text test (<code>closed-model</code>) recomputed as the suspect's outputs accumulate. With no watermark, the ${name} stays near the chance level and the p-value stays near 1, however much text is scored; with an inherited watermark the rate stays above chance and the p-value keeps falling.</p>
<figure>${rateChart}${chartLegend([
    { label: `suspect's ${name}`, className: 's-main', kind: 'line' },
    { label: 'chance level (no watermark)', className: 'r-null', kind: 'line' },
  ])}<figcaption>${name[0]!.toUpperCase()}${name.slice(1)} against the amount of text scored.</figcaption></figure>
<figure>${pChart}${chartLegend([
    { label: 'p-value of the text test', className: 's-alt', kind: 'line' },
    { label: `significance threshold α = ${alpha}`, className: 'r-threshold', kind: 'line' },
  ])}<figcaption>${
    crossed
      ? html`The p-value fell below the threshold after ${formatCount(crossed.scored)} ${scoredUnit(closed)} (${plural(crossed.outputs, 'output')}) and reached ${formatPValue(last.log10PValue).html}.`
      : html`The p-value never fell below the threshold (smallest: ${formatPValue(-maxEvidence).html}).`
  } The p-value axis is logarithmic (1, 0.1, 0.01, …): higher on the chart means a smaller p-value, that is, stronger evidence.</figcaption></figure>
<details><summary>The numbers behind the charts</summary><div class="scroll"><table><caption>Text test as outputs accumulate</caption>
<thead><tr><th scope="col">Outputs</th><th scope="col">Scored</th><th scope="col">${name}</th><th scope="col">p-value</th></tr></thead>
<tbody>${curve.map((c) => html`<tr><td class="num">${formatCount(c.outputs)}</td><td class="num">${formatCount(c.scored)}</td><td class="num">${formatRate(closed, c.rate)}</td><td class="num">${formatPValue(c.log10PValue).html}</td></tr>`)}</tbody>
</table></div></details>
</section>`;
}

function renderAccounts(r: AuditReport): SafeHtml {
  const a = r.accounts;
  if (!a || !Array.isArray(a.accounts)) return html``;
  const leaked = new Set(a.leaked ?? []);
  const shown = a.accounts.filter((x, i) => leaked.has(x.account) || i < ACCOUNT_ROWS);
  const rest = a.accounts.length - shown.length;
  return html`<section id="accounts" aria-labelledby="accounts-h"><h2 id="accounts-h">Which accounts leaked</h2>
<p>The teacher served each API account with its own watermark key, derived from the master key. Each account's key was tested against the suspect's text; because ${formatCount(a.accountsTested)} accounts were tested, the p-values are corrected (Holm), so the chance that <em>any</em> innocent account is named is at most α = ${a.alpha}.</p>
<p class="callout ${leaked.size ? 'bad' : 'ok'}">${
    leaked.size
      ? html`<strong>${formatCount(leaked.size)} account${leaked.size === 1 ? '' : 's'} leaked:</strong> ${[...leaked].map((x, i) => html`${i ? ', ' : ''}<code>${x}</code>`)} — the suspect carries ${leaked.size === 1 ? 'this account\u2019s' : 'these accounts\u2019'} watermark.`
      : html`<strong>No account is named:</strong> no account's watermark reaches significance after the correction.`
  }</p>
<div class="scroll"><table><caption>Accounts, most significant first${rest > 0 ? ` (${formatCount(shown.length)} of ${formatCount(a.accounts.length)} shown; all are in the signed JSON)` : ''}</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Key id</th><th scope="col">Scored</th><th scope="col">${usesGreenList(r) ? 'Green-token rate' : 'Rate'}</th><th scope="col">p-value</th><th scope="col">Corrected p-value</th><th scope="col">Result</th></tr></thead>
<tbody>${shown.map(
    (x) => html`<tr class="${x.leaked ? 'leaked' : ''}"><th scope="row" class="nowrap"><code>${x.account}</code></th><td><code class="small id">${x.keyId}</code></td><td class="num">${formatCount(x.scored)}</td><td class="num">${usesGreenList(r) ? formatPercent(x.rate) : x.rate.toFixed(3)}</td><td class="num">${formatPValue(x.log10PValue).html}</td><td class="num">${formatPValue(x.adjusted?.log10PValue).html}</td><td>${x.leaked ? html`<span class="badge bad">Leaked</span>` : html`<span class="muted nowrap">no evidence</span>`}</td></tr>`,
  )}</tbody></table></div>
</section>`;
}

function renderLimits(r: AuditReport): SafeHtml {
  const tests = r.tests ?? [];
  const withMde = tests.filter((t) => t.minimumDetectableRate !== null && Number.isFinite(t.minimumDetectableRate));
  const best = withMde.sort((x, y) => x.minimumDetectableRate! - x.expectedRate - (y.minimumDetectableRate! - y.expectedRate))[0];
  return html`<section id="limits" aria-labelledby="limits-h"><h2 id="limits-h">Limits of these tests</h2>
<ul class="limits">
<li><strong>Paraphrasing can remove an inherited watermark.</strong> A student trained on paraphrased or heavily edited teacher outputs, or whose outputs are paraphrased before they are tested, may carry little or none of the watermark. The tests then lose power; they do not become wrong.</li>
<li><strong>Not detecting is not proof of innocence.</strong> A non-detection means only that the evidence did not reach the significance level with this much text.</li>
<li><strong>What these tests could detect here.</strong> ${
    best
      ? `${detectableEffect(best, r)} (${testTitle(best.name)}, the most sensitive exact test in this audit.)`
      : 'No exact test in this audit gives a detectable-effect figure.'
  }</li>
<li><strong>The p-values assume the watermark key was fixed before the suspect's outputs were seen.</strong> A key chosen after looking at the outputs — or many keys tried and the best kept — would make them meaningless. A signed, dated key commitment published before the suspect's release shows when the key existed.</li>
<li><strong>A watermark shows training on the teacher's outputs, not how they were obtained.</strong> Whether that use was permitted is a question the statistics cannot answer.</li>
${r.fingerprint !== undefined && r.fingerprint !== null ? html`<li><strong>Behavioural similarity is relative to the reference models.</strong> It shows the suspect is closer to the teacher than these references, which must be as close to the teacher in domain and kind as an innocent model would be.</li>` : ''}
</ul></section>`;
}

function renderInputs(r: AuditReport): SafeHtml {
  const inputs = r.inputs ?? [];
  const params = Object.entries(r.parameters ?? {});
  const k = r.key;
  return html`<section id="inputs" aria-labelledby="inputs-h"><h2 id="inputs-h">What was audited</h2>
<div class="scroll"><table><caption>Inputs (SHA-256 digests; the signature covers them)</caption>
<thead><tr><th scope="col">Role</th><th scope="col">File</th><th scope="col">Bytes</th><th scope="col">SHA-256</th></tr></thead>
<tbody>${inputs.length ? inputs.map((i) => html`<tr><th scope="row">${i.role}</th><td><code>${i.path}</code></td><td class="num">${formatCount(i.bytes)}</td><td class="hash"><code class="small">${i.sha256}</code></td></tr>`) : html`<tr><td colspan="4" class="muted">none recorded</td></tr>`}</tbody></table></div>
<div class="scroll"><table class="kv"><caption>Watermark key (public description; the secret is never in a report)</caption><tbody>
<tr><th scope="row">Key id</th><td><code>${k?.keyId ?? 'n/a'}</code></td></tr>
<tr><th scope="row">Scheme</th><td>${k?.scheme ?? 'n/a'}</td></tr>
<tr><th scope="row">Parameters</th><td><code>${JSON.stringify(k?.params ?? {})}</code></td></tr>
<tr><th scope="row">Tokenizer</th><td>${k?.tokenizer?.name ?? 'n/a'} <code class="small">${k?.tokenizer?.hash ?? ''}</code></td></tr>
${k?.account !== undefined ? html`<tr><th scope="row">Account</th><td><code>${k.account}</code></td></tr>` : ''}
</tbody></table></div>
<div class="scroll"><table class="kv"><caption>Audit parameters</caption><tbody>${params.map(([name, v]) => html`<tr><th scope="row">${name}</th><td><code>${v === null ? 'none' : typeof v === 'string' ? v : JSON.stringify(v)}</code></td></tr>`)}</tbody></table></div>
</section>`;
}

function renderVerify(envelope: { signers: string[] } | null): SafeHtml {
  if (!envelope) {
    return html`<section id="verify" class="verify" aria-labelledby="verify-h"><h2 id="verify-h">Checking this report</h2>
<p class="callout neutral"><strong>This report is not signed</strong>, so this page cannot be verified. To embed a signed copy, run the audit with <code>--sign signer.json</code>.</p></section>`;
  }
  return html`<section id="verify" class="verify" aria-labelledby="verify-h"><h2 id="verify-h">Checking this report</h2>
<p>This file contains the signed audit report (an in-toto statement in a DSSE envelope, signed with ed25519${envelope.signers.length ? html` by <code>${envelope.signers.join(', ')}</code>` : ''}). Anyone with the signer's public key can check it, offline:</p>
<pre><code>tracemark verify report.html --public-key signer.pub.json</code></pre>
<p>Verification fails, naming what failed, if any byte of the signed report was changed. With the watermark key and the input files at hand (<code>--key key.json --inputs DIR</code>) it also recomputes every statistic from the inputs and confirms it matches.</p>
<p class="small muted">The signature covers the embedded report; this page is drawn from it. If anything on this page disagrees with the verified report, trust the verified report.</p>
</section>`;
}

/**
 * Render an audit report as one self-contained HTML page.
 *
 * @throws TypeError when `report` is not a tracemark audit report, or `options.envelopeJson` is
 *   not a JSON object.
 * @example
 * const page = renderHtmlReport(report, { envelopeJson: await readFile('report.json', 'utf8') });
 * await writeFile('report.html', page);
 */
export function renderHtmlReport(report: AuditReport, options: HtmlReportOptions = {}): string {
  if (typeof report !== 'object' || report === null || (report as { type?: unknown }).type !== AUDIT_REPORT_TYPE) {
    throw new TypeError(`renderHtmlReport: report is not a tracemark audit report (expected type "${AUDIT_REPORT_TYPE}")`);
  }
  if (!Array.isArray(report.tests) || typeof report.verdict !== 'object' || report.verdict === null) {
    throw new TypeError('renderHtmlReport: report has no tests array or no verdict');
  }
  const envelope = options.envelopeJson === undefined ? null : embedEnvelope(options.envelopeJson);
  // Render what a verifier would see: the report as JSON round-trips it (Infinity → null, no
  // undefined fields), so re-rendering a verified report reproduces this page byte for byte.
  const r = JSON.parse(JSON.stringify(report)) as AuditReport;
  const title = `Distillation audit: ${r.suspect?.name ?? 'unknown suspect'}`;
  const body = html`<main>
<header class="top">
<p class="small muted">tracemark audit report · ${formatDate(r.createdAt)} · tracemark ${r.tool?.version ?? ''}</p>
<h1>${title}</h1>
<p class="muted">Was ${r.suspect?.kind === 'outputs' ? 'the model behind these outputs' : 'this model'} trained on the outputs of a teacher model that watermarks its text? This report gives the answer, the numbers behind it and their limits.</p>
</header>
${renderVerdict(r)}
${renderFacts(r)}
${renderTests(r)}
${renderCurve(r)}
<section id="sample" aria-labelledby="sample-h"><h2 id="sample-h">A sample of the suspect's text, token by token</h2>${renderTokenSample(r)}</section>
${renderAccounts(r)}
${renderClusterSection(r)}
${renderFingerprintSection(r.fingerprint)}
${renderLimits(r)}
${renderInputs(r)}
${renderVerify(envelope)}
<footer>Made by tracemark ${r.tool?.version ?? ''}. This page loads nothing from the network and runs no scripts.</footer>
</main>`;
  return renderPage(title, `tracemark ${r.tool?.version ?? ''}`, body, envelope ? envelope.json : null);
}
