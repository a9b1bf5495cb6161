/**
 * The behavioural-fingerprint section. The report carries the fingerprint evidence as `unknown`
 * (its shape belongs to @tracemark/fingerprint and may grow), so every field is read through a
 * guard: what `analyzeFingerprints` returns is drawn in full — verdict, lines of evidence, per-
 * measure results, per-probe similarity charts — and anything else is still shown, as a table of
 * its scalar fields, per-probe bar charts for arrays of per-probe numbers, and the raw JSON.
 */
import { type FingerprintAnalysis } from '@tracemark/fingerprint';
import { formatCount, formatNumber, formatPercent, formatPValue } from './format-p-value.ts';
import { html, type SafeHtml } from './html.ts';
import { barChart, chartLegend } from './svg-charts.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** log10 p of a `PValue`-shaped value, or undefined. */
const log10Of = (v: unknown): number | undefined => (isObj(v) ? num(v.log10PValue) ?? (num(v.pValue) !== undefined ? Math.log10(num(v.pValue)!) : undefined) : undefined);

function pCell(v: unknown): SafeHtml {
  const l = log10Of(v);
  return l === undefined ? html`<span class="muted">—</span>` : formatPValue(l).html;
}

const VERDICT_TEXT: Record<string, { cls: string; badge: string; sentence: (f: Obj, refs: number) => string }> = {
  detected: {
    cls: 'bad',
    badge: 'Closer to the teacher',
    sentence: (_f, refs) => `The suspect answers the probe questions more like the teacher than ${refs === 1 ? 'the reference model does' : `all ${refs} reference models do`}, by more than chance.`,
  },
  'not-detected': {
    cls: 'ok',
    badge: 'Not closer to the teacher',
    sentence: (_f, refs) => `The suspect's answers are not closer to the teacher's than ${refs === 1 ? 'the reference model' : 'the reference models'}' answers are, by more than chance.`,
  },
  inconclusive: {
    cls: 'neutral',
    badge: 'Inconclusive',
    sentence: () => 'These probes and reference models cannot give a decision either way; the reasons say what would be needed.',
  },
};

/** Arrays of per-probe numbers anywhere in the object (depth ≤ 3): `[{ probeId | probe, …numbers }]`. */
function findPerProbeArrays(v: unknown, path: string[] = [], out: { path: string; rows: Obj[] }[] = []): { path: string; rows: Obj[] }[] {
  if (path.length > 3) return out;
  if (Array.isArray(v)) {
    const rows = v.filter(isObj);
    if (rows.length > 0 && rows.length === v.length && rows.every((r) => str(r.probeId) ?? str(r.probe)) && rows.some((r) => Object.values(r).some((x) => num(x) !== undefined))) {
      out.push({ path: path.join('.'), rows });
    }
    return out;
  }
  if (isObj(v)) for (const [k, x] of Object.entries(v)) findPerProbeArrays(x, [...path, k], out);
  return out;
}

function genericPerProbeCharts(fp: unknown, idBase: string): SafeHtml[] {
  return findPerProbeArrays(fp).slice(0, 4).map(({ path, rows }, i) => {
    const fields = Object.keys(rows[0]!).filter((k) => rows.every((r) => num(r[k]) !== undefined)).slice(0, 3);
    const classes = ['b-main', 'b-alt', 'b-third'];
    const shown = rows.slice(0, 20);
    const max = Math.max(1e-12, ...shown.flatMap((r) => fields.map((f) => Math.abs(num(r[f])!))));
    return html`<figure>
${barChart({
  id: `${idBase}-generic-${i}`,
  title: `Per-probe values: ${path}`,
  description: `${fields.join(', ')} for ${shown.length} probes`,
  bars: fields.map((f, j) => ({ label: f, className: classes[j]! })),
  rows: shown.map((r) => ({ label: str(r.probeId) ?? str(r.probe)!, values: fields.map((f) => Math.abs(num(r[f])!)) })),
  max,
  xLabel: 'value (absolute)',
})}
${chartLegend(fields.map((f, j) => ({ label: f, className: classes[j]!, kind: 'bar' as const })))}
<figcaption>Per-probe numbers from <code>${path}</code>${rows.length > shown.length ? ` (first ${shown.length} of ${rows.length})` : ''}.</figcaption>
</figure>`;
  });
}

function scalarTable(fp: Obj): SafeHtml {
  const rows = Object.entries(fp).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  if (rows.length === 0) return html``;
  return html`<div class="scroll"><table><caption>Fingerprint summary fields</caption><tbody>${rows.map(
    ([k, v]) => html`<tr><th scope="row">${k}</th><td>${String(v)}</td></tr>`,
  )}</tbody></table></div>`;
}

/**
 * Render `report.fingerprint`; `undefined`/`null` give nothing. Why one long function: an HTML
 * template read top to bottom in the order the page shows it; its pieces are already helpers
 * (`scalarTable`, the charts), and what remains is markup.
 */
export function renderFingerprintSection(fingerprint: unknown): SafeHtml {
  if (fingerprint === undefined || fingerprint === null) return html``;
  const rawJson = html`<details><summary>The fingerprint evidence as recorded (JSON)</summary><pre class="json">${JSON.stringify(fingerprint, null, 2) ?? String(fingerprint)}</pre></details>`;
  if (!isObj(fingerprint)) {
    return html`<section id="fingerprint" aria-labelledby="fingerprint-h"><h2 id="fingerprint-h">Behavioural fingerprint</h2>${rawJson}</section>`;
  }
  const f = fingerprint as Obj & Partial<Record<keyof FingerprintAnalysis, unknown>>;
  const models = isObj(f.models) ? f.models : {};
  const refs = arr(models.references).filter(isObj);
  const label = (m: unknown) => (isObj(m) ? str(m.label) ?? str(m.model) : undefined) ?? 'unknown';
  const verdict = str(f.verdict);
  const vt = verdict ? VERDICT_TEXT[verdict] : undefined;
  const combined = isObj(f.combined) ? f.combined.pValue : undefined;
  const probes = isObj(f.probes) ? num(f.probes.used) : undefined;
  const suite = isObj(f.suite) ? `${str(f.suite.name) ?? '?'}@${str(f.suite.version) ?? '?'}` : undefined;
  const parts: SafeHtml[] = [];

  parts.push(html`<p>A second, independent line of evidence: the suspect, the teacher and ${refs.length} reference model${refs.length === 1 ? '' : 's'} answered the same ${probes !== undefined ? `${formatCount(probes)} ` : ''}probe questions${suite ? html` (suite <code>${suite}</code>)` : ''} — identity, refusals, style, reasoning, formatting, knowledge cut-off — and their answers were compared. It asks whether the suspect answers more like the teacher than independent models do. It needs no watermark key.</p>`);
  if (isObj(models.suspect) || isObj(models.teacher)) {
    parts.push(html`<p class="small">Suspect: <strong>${label(models.suspect)}</strong>. Teacher: <strong>${label(models.teacher)}</strong>. References: ${refs.length ? refs.map((r, i) => html`${i ? ', ' : ''}<strong>${label(r)}</strong>`) : 'none'}.</p>`);
  }
  if (verdict) {
    parts.push(html`<div class="callout ${vt?.cls ?? 'neutral'}"><p><span class="badge ${vt?.cls ?? 'neutral'}">${vt?.badge ?? verdict}</span> ${vt ? vt.sentence(f, refs.length) : `Verdict: ${verdict}.`}${
      log10Of(combined) !== undefined ? html` Combined p = ${pCell(combined)}${num(f.alpha) !== undefined ? html` (significance level ${String(f.alpha)})` : ''}.` : ''
    }</p>${arr(f.reasons).length ? html`<ul>${arr(f.reasons).map((r) => html`<li>${String(r)}</li>`)}</ul>` : ''}</div>`);
  }

  const evidence = arr(f.evidence).filter(isObj);
  if (evidence.length) {
    parts.push(html`<div class="scroll"><table><caption>Lines of behavioural evidence</caption>
<thead><tr><th scope="col">Line</th><th scope="col">p-value</th><th scope="col">Best p-value possible here</th><th scope="col">What was found</th></tr></thead>
<tbody>${evidence.map(
      (e) => html`<tr><th scope="row">${str(e.line) ?? '?'}</th><td>${e.testable === false ? html`<span class="muted">not testable</span>` : pCell(e.pValue)}</td><td>${pCell(e.minimumPValue)}</td><td>${str(e.summary) ?? ''}</td></tr>`,
    )}</tbody></table></div>`);
  }

  const perMeasure = arr(f.perMeasure).filter(isObj);
  if (perMeasure.length) {
    const total = probes ?? Math.max(1, ...perMeasure.map((m) => num(m.probesBeatingAllReferences) ?? 0));
    parts.push(html`<h3>How similar, by measure</h3>
<p>Each measure compares every probe's answers with the teacher's. A measure counts as evidence only when the suspect is closer to the teacher than <em>every</em> reference across the probes (a paired test per reference, Holm-corrected).</p>
<figure>${barChart({
      id: 'fp-measures',
      title: 'Probes on which the suspect is closer to the teacher than every reference, per measure',
      description: perMeasure.map((m) => `${str(m.measure)}: ${num(m.probesBeatingAllReferences) ?? 0} of ${total}`).join('; '),
      bars: [{ label: 'probes where the suspect beats every reference', className: 'b-main' }],
      rows: perMeasure.map((m) => ({ label: str(m.measure) ?? '?', values: [(num(m.probesBeatingAllReferences) ?? 0) / total], note: `${num(m.probesBeatingAllReferences) ?? 0} of ${total}` })),
      max: 1,
      formatValue: (v) => formatPercent(v, 0),
      xLabel: 'share of probes',
    })}
<figcaption>Bars show on what share of the probes the suspect was closer to the teacher than every reference. If the suspect were just another independent model, with ${refs.length} reference${refs.length === 1 ? '' : 's'}, that would happen on about ${formatPercent(1 / (refs.length + 1), 0)} of probes.</figcaption></figure>
<div class="scroll"><table><caption>Per-measure results</caption>
<thead><tr><th scope="col">Measure</th><th scope="col">What it compares</th><th scope="col">p-value (closer than every reference)</th><th scope="col">Result</th></tr></thead>
<tbody>${perMeasure.map(
      (m) => html`<tr><th scope="row">${str(m.measure) ?? '?'}</th><td>${str(m.description) ?? ''}</td><td>${pCell(m.pValue)}</td><td>${m.closerThanAllReferences === true ? html`<span class="badge bad">closer</span>` : html`<span class="badge ok">not closer</span>`}</td></tr>`,
    )}</tbody></table></div>`);
  }

  const signal = isObj(f.signal) ? f.signal : undefined;
  const signalProbes = arr(signal?.probes).filter(isObj);
  if (signalProbes.length) {
    const measure = str(signal!.measure) ?? 'similarity';
    const max = Math.max(1e-12, ...signalProbes.flatMap((p) => [num(p.suspect) ?? 0, num(p.bestReference) ?? 0]));
    parts.push(html`<h3>Per-probe similarity to the teacher</h3>
<p>The ${signalProbes.length} probes on which the suspect's answers lead the closest reference model's by the widest margin, on the strongest measure.</p>
<figure>${barChart({
      id: 'fp-probes',
      title: `The ${signalProbes.length} probes where the suspect leads the closest reference by the widest margin (${measure})`,
      description: signalProbes.map((p) => `${str(p.probeId)}: suspect ${formatNumber(num(p.suspect))}, best reference ${formatNumber(num(p.bestReference))}`).join('; '),
      bars: [
        { label: 'suspect vs teacher', className: 'b-main' },
        { label: 'closest reference vs teacher', className: 'b-alt' },
      ],
      rows: signalProbes.map((p) => ({ label: `${str(p.probeId) ?? '?'}`, values: [num(p.suspect) ?? 0, num(p.bestReference) ?? 0], note: `+${formatNumber(num(p.margin))}` })),
      max,
      formatValue: (v) => v.toFixed(2),
      xLabel: `similarity to the teacher's answers (${measure})`,
    })}
${chartLegend([
      { label: 'suspect vs teacher', className: 'b-main', kind: 'bar' },
      { label: 'closest reference model vs teacher', className: 'b-alt', kind: 'bar' },
    ])}
<figcaption>The probes carrying the most signal on the strongest measure (<code>${measure}</code>); the number at the right is the suspect's lead over the closest reference. A few probes always favour the suspect by chance — the test above weighs all probes.</figcaption></figure>`);
  }
  const byCategory = arr(signal?.byCategory).filter(isObj);
  if (byCategory.length) {
    parts.push(html`<figure>${barChart({
      id: 'fp-categories',
      title: 'Share of probes, per category, on which the suspect is closer to the teacher than every reference',
      description: byCategory.map((c) => `${str(c.category)}: ${num(c.beatingAllReferences) ?? 0} of ${num(c.probes) ?? 0}`).join('; '),
      bars: [{ label: 'probes where the suspect beats every reference', className: 'b-main' }],
      rows: byCategory.map((c) => ({ label: str(c.category) ?? '?', values: [(num(c.beatingAllReferences) ?? 0) / Math.max(1, num(c.probes) ?? 0)], note: `${num(c.beatingAllReferences) ?? 0} of ${num(c.probes) ?? 0}` })),
      max: 1,
      formatValue: (v) => formatPercent(v, 0),
      xLabel: 'share of the category\u2019s probes',
    })}<figcaption>Per probe category, on the strongest measure.</figcaption></figure>`);
  }
  if (!signalProbes.length) parts.push(...genericPerProbeCharts(fingerprint, 'fp'));

  const identity = isObj(f.identity) ? f.identity : undefined;
  if (identity && isObj(identity.suspect) && isObj(identity.panel)) {
    const vendor = str(identity.teacherVendor);
    parts.push(html`<h3>Identity claims</h3><p>${
      vendor
        ? html`Asked who made it, the suspect named the teacher's vendor (<strong>${vendor}</strong>) in ${formatCount(num(identity.suspect.naming))} of ${formatCount(num(identity.suspect.responses))} answers (${formatPercent(num(identity.suspect.rate))}); the reference models did in ${formatCount(num(identity.panel.naming))} of ${formatCount(num(identity.panel.responses))} (${formatPercent(num(identity.panel.rate))}). p = ${pCell(identity.pValue)}.`
        : html`Not testable: the teacher named no vendor in its answers to the identity probes, so there is no claim to look for in the suspect.`
    }</p>`);
  }

  const comparisons = arr(f.comparisons).filter(isObj);
  if (comparisons.length) {
    parts.push(html`<details><summary>Every comparison (${comparisons.length}: reference × measure)</summary><div class="scroll"><table><caption>Suspect vs each reference, per measure</caption>
<thead><tr><th scope="col">Reference</th><th scope="col">Measure</th><th scope="col">Probes suspect closer / reference closer / tied</th><th scope="col">Mean difference</th><th scope="col">p-value</th><th scope="col">Holm-adjusted</th></tr></thead>
<tbody>${comparisons.map(
      (c) => html`<tr><th scope="row">${str(c.reference) ?? '?'}</th><td>${str(c.measure) ?? '?'}</td><td>${formatCount(num(c.wins))} / ${formatCount(num(c.losses))} / ${formatCount(num(c.ties))}</td><td>${formatNumber(num(c.meanDifference), 4)}</td><td>${pCell(c.pValue)}</td><td>${pCell(c.adjustedPValue)}</td></tr>`,
    )}</tbody></table></div></details>`);
  }
  if (f.panelHeterogeneous === true) {
    parts.push(html`<p class="callout neutral">Caution: the reference models differ significantly among themselves, so some may be of another domain or kind than the teacher; being closer than them says less.</p>`);
  }
  if (!verdict && !evidence.length && !perMeasure.length) parts.push(scalarTable(f));
  parts.push(rawJson);
  return html`<section id="fingerprint" aria-labelledby="fingerprint-h"><h2 id="fingerprint-h">Behavioural fingerprint</h2>${parts}</section>`;
}
