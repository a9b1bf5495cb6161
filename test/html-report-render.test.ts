/**
 * The HTML report on real audits: a distilled student (detected, with account attribution and a
 * behavioural-fingerprint analysis) and an independent control (not detected), both produced by the
 * `tracemark` CLI in a temp dir (see fixtures/real-reports.ts). Edge cases are derived from those reports —
 * hostile strings put where untrusted model output goes, a p-value below the double range, optional
 * sections removed — never written from scratch.
 */
import { readFile } from 'node:fs/promises';
import { type AuditReport, combineVerdict } from '@tracemark/audit';
import { openReport, parseEnvelope, parsePublicKey } from '@tracemark/evidence';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRealReports, LEAKED_ACCOUNT, type RealReports } from './fixtures/real-reports.ts';
import { extractEnvelopeJson, renderHtmlReport } from '@tracemark/report-html';

let real: RealReports;
let studentPage: string;
let controlPage: string;

beforeAll(async () => {
  real = await buildRealReports({ fingerprint: true });
  studentPage = renderHtmlReport(real.student.report, { envelopeJson: real.student.envelopeJson });
  controlPage = renderHtmlReport(real.control.report, { envelopeJson: real.control.envelopeJson });
}, 120_000);

const clone = (r: AuditReport): AuditReport => JSON.parse(JSON.stringify(r)) as AuditReport;

/** Every element the page may contain: any other tag name means markup leaked in from the data. */
const ALLOWED_TAGS = new Set(
  'html head meta link title style body main header footer section article h1 h2 h3 p span strong em code pre a ul li dl dt dd div table caption thead tbody tr th td figure figcaption details summary sup svg g path line rect circle text desc script'.split(' '),
);

function tagNames(page: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of page.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)) counts.set(m[1]!.toLowerCase(), (counts.get(m[1]!.toLowerCase()) ?? 0) + 1);
  return counts;
}

describe('renderHtmlReport: structure', () => {
  it('is one self-contained page: CSP forbidding all loads, no external reference, one inert script block', () => {
    expect(studentPage.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(studentPage).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(studentPage).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(studentPage).not.toMatch(/\b(src|srcset|action|formaction|background|poster)\s*=/i);
    expect(studentPage).not.toMatch(/(href|src|action)\s*=\s*"?\s*(https?:|\/\/|file:)/i);
    expect(studentPage).not.toMatch(/url\(|@import|@font-face/);
    expect([...studentPage.matchAll(/<script/g)]).toHaveLength(1);
    expect(studentPage).toContain('<script type="application/json" id="tracemark-envelope">');
    for (const [tag] of tagNames(studentPage)) expect(ALLOWED_TAGS.has(tag), `unexpected <${tag}>`).toBe(true);
    for (const m of studentPage.matchAll(/href="([^"]*)"/g)) expect(m[1], 'only in-page links and the data: icon').toMatch(/^(#[a-z-]+|data:,)$/);
  });

  it('states the verdict in one sentence at the top, with the rule and the exact statement', () => {
    const r = real.student.report;
    expect(r.verdict.detected).toBe(true);
    expect(r.verdict.basis).toBe('watermark');
    const sentence = /<p class="sentence" id="verdict-sentence">([^<]*)<\/p>/.exec(studentPage)?.[1];
    expect(sentence).toBe('The suspect model “student-model” carries the teacher&#39;s watermark: evidence that it was trained on the teacher&#39;s watermarked outputs.');
    expect(studentPage.indexOf('id="verdict-sentence"')).toBeLessThan(studentPage.indexOf('id="tests"'));
    expect(studentPage).toContain(`<strong>Rule:</strong> ${r.verdict.rule.replace(/</g, '&lt;')}`);
    expect(studentPage).toContain('<strong>Exact statement:</strong> watermark evidence that the suspect was trained');
    // With fingerprints in the combination, the key-backed watermark claim is still stated on its own.
    expect(studentPage).toMatch(/<li>Watermark tests alone \(the key-backed claim\): combined p = [^<]*<span class="vh">\^<\/span><sup>-\d+<\/sup> — watermark found.<\/li>/);
    expect(studentPage).toContain('<li>Behavioural fingerprint: ');

    expect(real.control.report.verdict.detected).toBe(false);
    expect(controlPage).toMatch(/id="verdict-sentence">No evidence found: the suspect model “control-model” shows no sign of the teacher&#39;s watermark at significance level 0.001 — which does not prove it was not trained on the teacher&#39;s outputs.</);
  });

  it('shows every test with its p-value, observed rate vs chance, interval, detectable effect and what it means', () => {
    for (const [page, report] of [[studentPage, real.student.report], [controlPage, real.control.report]] as const) {
      expect(report.tests.map((t) => t.name)).toEqual(['closed-model', 'open-model-reading', 'open-model-mass']);
      for (const t of report.tests) {
        const start = page.indexOf(`<article class="test" id="test-${t.name}"`);
        expect(start, t.name).toBeGreaterThan(0);
        const card = page.slice(start, page.indexOf('</article>', start));
        expect(card).toContain('<dt>p-value</dt>');
        expect(card).toContain(`${(t.rate * 100).toFixed(1)}%</strong> vs <strong>25.0%</strong> expected by chance`);
        expect(card).toContain('<dt>95% confidence interval</dt>');
        if (t.confidenceInterval) expect(card).toContain(`${(t.confidenceInterval[0] * 100).toFixed(1)}% to ${(t.confidenceInterval[1] * 100).toFixed(1)}%`);
        expect(card).toContain('<dt>Detectable effect</dt>');
        if (t.minimumDetectableRate !== null) expect(card).toContain(`detects a green-token rate of ${(t.minimumDetectableRate * 100).toFixed(1)}% or more`);
        expect(card).toContain('<strong>What this means:</strong>');
        expect(card).toContain(t.detected ? 'This test is evidence that the suspect was trained' : 'That is not proof the suspect was never trained');
      }
    }
  });

  it('draws the curves, the per-probe fingerprint charts and the highlighted sample', () => {
    expect(studentPage).toContain('<svg class="chart" id="chart-rate"');
    expect(studentPage).toContain('<svg class="chart" id="chart-pvalue"');
    expect(studentPage).toMatch(/class="r-null"[^>]*\/><text[^>]*>chance level 25%<\/text>/);
    expect(studentPage).toMatch(/class="r-threshold"[^>]*\/><text[^>]*>significance threshold α = 0.001<\/text>/);
    // One point per curve point, on each chart.
    const points = real.student.report.curve.length;
    expect([...studentPage.matchAll(/class="s-main-dot"/g)]).toHaveLength(points);
    expect([...studentPage.matchAll(/class="s-alt-dot"/g)]).toHaveLength(points);

    const fp = real.student.report.fingerprint as { signal: { probes: { probeId: string }[] } };
    expect(fp.signal.probes.length).toBeGreaterThan(0);
    expect(studentPage).toContain('<svg class="chart bars" id="fp-probes"');
    for (const p of fp.signal.probes) expect(studentPage).toContain(`<title>${p.probeId}</title>`);
    expect(studentPage).toContain('id="fp-measures"');
    expect(controlPage).not.toContain('id="fingerprint"');

    const sample = real.student.report.sample!;
    const sampleDiv = studentPage.slice(studentPage.indexOf('<div class="sample"'), studentPage.indexOf('</div>', studentPage.indexOf('<div class="sample"')));
    expect([...sampleDiv.matchAll(/<span class="t (g[123]|r[123]|u)"/g)]).toHaveLength(sample.pieces.length);
    const green = sample.scores.filter((s) => s === 1).length;
    expect(studentPage).toContain(`<strong>${green} (`);
    expect(studentPage).toContain('<li><span class="t g3">green</span>');
  });

  it('lists the accounts with the leaked one marked', () => {
    const a = real.student.report.accounts!;
    expect(a.leaked).toEqual([LEAKED_ACCOUNT]);
    expect(studentPage).toContain(`<tr class="leaked"><th scope="row" class="nowrap"><code>${LEAKED_ACCOUNT}</code></th>`);
    expect(studentPage).toContain('<strong>1 account leaked:</strong>');
    expect(controlPage).toContain('<strong>No account is named:</strong>');
  });

  it('states the limits of the tests', () => {
    for (const page of [studentPage, controlPage]) {
      expect(page).toContain('Paraphrasing can remove an inherited watermark.');
      expect(page).toContain('Not detecting is not proof of innocence.');
      expect(page).toMatch(/What these tests could detect here.<\/strong> With [\d,]+ distinct \(context, token\) pairs scored, this test detects a green-token rate of/);
      expect(page).toContain("The p-values assume the watermark key was fixed before the suspect's outputs were seen.");
    }
  });

  it('embeds the signed envelope so the page itself verifies, and says how to verify', async () => {
    const json = extractEnvelopeJson(studentPage)!;
    expect(JSON.parse(json)).toEqual(JSON.parse(real.student.envelopeJson));
    const { publicKey } = parsePublicKey(await readFile(real.publicKey, 'utf8'));
    const { report } = openReport(parseEnvelope(json, 'page'), publicKey, 'page');
    expect(report.verdict).toEqual(real.student.report.verdict);
    expect(studentPage).toContain('<code>tracemark verify report.html --public-key signer.pub.json</code>');
  });

  it('is a pure function of its inputs: re-rendering the verified report reproduces the page', () => {
    expect(renderHtmlReport(clone(real.control.report), { envelopeJson: real.control.envelopeJson })).toBe(controlPage);
    const json = extractEnvelopeJson(studentPage)!;
    const fromEnvelope = (JSON.parse(Buffer.from(JSON.parse(json).payload, 'base64').toString('utf8')) as { predicate: AuditReport }).predicate;
    expect(renderHtmlReport(fromEnvelope, { envelopeJson: real.student.envelopeJson })).toBe(studentPage);
    // All a verifier holds is the page: re-rendering its verified report with its own embedded block
    // reproduces it byte for byte, so any edit to the visible text is detectable.
    expect(renderHtmlReport(fromEnvelope, { envelopeJson: json })).toBe(studentPage);
  });
});

describe('renderHtmlReport: escaping untrusted strings', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '"><img src=x onerror=alert(2)>';

  it('escapes token pieces, ids, names and fingerprint fields; no markup gets through', () => {
    const r = clone(real.student.report) as AuditReport & { -readonly [K in keyof AuditReport]: AuditReport[K] };
    const sample = r.sample!;
    sample.pieces.splice(3, 2, SCRIPT, IMG);
    (sample as { id: string }).id = `${IMG}${SCRIPT}`;
    r.suspect.name = `${SCRIPT}${IMG}`;
    (r.accounts!.accounts[0] as { account: string }).account = IMG;
    r.accounts!.leaked[0] = IMG;
    r.skipped.push({ test: SCRIPT, reason: IMG });
    r.inputs.push({ role: SCRIPT, path: IMG, sha256: "'><svg onload=alert(3)>", bytes: 1 });
    r.parameters.prompts = SCRIPT;
    const fp = r.fingerprint as { signal: { probes: { probeId: string }[] }; reasons: string[]; models: { references: { label: string }[] } };
    fp.signal.probes[0]!.probeId = SCRIPT;
    fp.reasons.push(IMG);
    fp.models.references[0]!.label = IMG;
    const page = renderHtmlReport(r, { envelopeJson: JSON.stringify({ payloadType: SCRIPT, payload: IMG, signatures: [{ keyid: SCRIPT, sig: IMG }] }) });

    const tags = tagNames(page);
    for (const [tag] of tags) expect(ALLOWED_TAGS.has(tag), `unexpected <${tag}>`).toBe(true);
    expect(tags.get('script')).toBe(1);
    expect(page).not.toMatch(/<img|<script>alert/i);
    // No element carries an event-handler attribute (escaped text holds no "<", so any match is markup).
    expect(page).not.toMatch(/<[a-z][^<>]*\son[a-z]+\s*=/i);
    expect(page).toMatch(/<span class="t (g[123]|r[123]|u)" title="[^"<>]*">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/span><span class="t (g[123]|r[123]|u)" title="[^"<>]*">&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;<\/span>/);
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('<title>Distillation audit: &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</title>');
    // The envelope block holds no "<" at all, so nothing inside can close it.
    const block = page.slice(page.indexOf('id="tracemark-envelope">') + 'id="tracemark-envelope">'.length, page.lastIndexOf('</script>'));
    expect(block).not.toContain('<');
    expect(JSON.parse(block).payloadType).toBe(SCRIPT);
  });
});

describe('renderHtmlReport: p-values beyond the double range', () => {
  it('prints p = 3.2 × 10^-412 from log10PValue, never 0', () => {
    const { fingerprint: _f, ...rest } = clone(real.student.report);
    const r = rest as { -readonly [K in keyof AuditReport]: AuditReport[K] };
    // What a long audit gives: the exact tail underflows a double (pValue 0) but log10PValue is exact.
    r.tests = r.tests.map((t) => (t.name === 'closed-model' ? { ...t, pValue: 0, log10PValue: -411.49 } : t));
    r.verdict = combineVerdict(r.tests, 0.001);
    const page = renderHtmlReport(r as AuditReport, {});
    expect(page).toContain('<strong>3.2 × 10<span class="vh">^</span><sup>-412</sup></strong>');
    expect(page).toContain('less than 1 in 10<span class="vh">^</span><sup>411</sup> times');
    expect(page).not.toMatch(/p = (<strong>)?0(?![.\d])/);
    // Combined: Bonferroni over 3 tests, 3 × 10^-411.49 = 9.7 × 10^-412.
    expect(page).toContain('Combined p = <strong>9.7 × 10<span class="vh">^</span><sup>-412</sup></strong>');
  });
});

describe('renderHtmlReport: missing and empty optional sections', () => {
  it('renders without accounts, fingerprint, sample, curve or envelope, saying what is absent', () => {
    const { accounts: _a, fingerprint: _f, ...rest } = clone(real.control.report);
    const page = renderHtmlReport({ ...rest, sample: null, curve: [] }, {});
    expect(page).not.toContain('id="accounts"');
    expect(page).not.toContain('id="fingerprint"');
    expect(page).not.toContain('<script');
    expect(page).toContain('No sample to show');
    expect(page).toContain("No curve: none of the suspect's text could be scored.");
    expect(page).toContain('<strong>This report is not signed</strong>');
    expect(page).not.toContain('<svg class="chart"');
  });

  it('says "inconclusive" when no test could be run', () => {
    const r = { ...clone(real.control.report), tests: [], verdict: combineVerdict([], 0.001), skipped: [{ test: 'closed-model', reason: 'no outputs' }] };
    const page = renderHtmlReport(r, {});
    expect(page).toContain('id="verdict-sentence">Inconclusive: no test could be run on the suspect model “control-model” with the inputs given');
    expect(page).toContain('<li><code>closed-model</code>: no outputs</li>');
  });

  it('shows fingerprint evidence of an unknown shape generically: per-probe charts and the raw JSON', () => {
    const fingerprint = { method: 'future-measure', score: 0.7, perProbe: [{ probeId: 'style-01', similarity: 0.4, baseline: 0.2 }, { probeId: '<b>x</b>', similarity: 0.3, baseline: 0.25 }] };
    const page = renderHtmlReport({ ...clone(real.control.report), fingerprint }, {});
    expect(page).toContain('id="fingerprint"');
    expect(page).toContain('<svg class="chart bars" id="fp-generic-0"');
    expect(page).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(page).toContain('<th scope="row">method</th><td>future-measure</td>');
    const odd = renderHtmlReport({ ...clone(real.control.report), fingerprint: 'free text <i>' }, {});
    expect(odd).toContain('&quot;free text &lt;i&gt;&quot;');
  });

  it('rejects what is not an audit report, naming the problem', () => {
    expect(() => renderHtmlReport({} as AuditReport, {})).toThrow(/not a tracemark audit report/);
    expect(() => renderHtmlReport(real.control.report, { envelopeJson: '{' })).toThrow(/options\.envelopeJson is not valid JSON/);
  });
});
