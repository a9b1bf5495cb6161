/**
 * The token-highlighted sample: one suspect output, each token on a green or red background as in
 * the reference watermark visualizers (Kirchenbauer et al. 2023, Fig. 1; the SynthID and MarkLLM
 * demos). Green tokens are also underlined, so the page reads without colour; unscored tokens
 * (first tokens without full context, repeats, prompt tuples) stay neutral.
 *
 * Scores are put on one scale per scheme — a per-token "agreement" a in [0, 1] and its chance
 * level a₀ — so the colours mean the same thing for every scheme:
 * - kgw, unigram: a = score (0 or 1), a₀ = γ;
 * - synthid: a = score / layers (share of tournament layers won), a₀ = 1/2;
 * - gumbel: a = 1 − e^(−score) (the score is Exp(1) under the null, so a is uniform), a₀ = 1/2.
 */
import { type AuditReport, type HighlightedSample } from '@tracemark/audit';
import { formatCount, formatPercent } from './format-p-value.ts';
import { html, type SafeHtml } from './html.ts';

export interface AgreementScale {
  /** Chance level of the agreement. */
  readonly chance: number;
  readonly toAgreement: (score: number) => number;
  /** How the scheme's unit reads in the legend. */
  readonly greenMeaning: string;
  readonly redMeaning: string;
}

function param(report: AuditReport, name: string): number | undefined {
  const v = (report.key?.params as unknown as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function agreementScale(report: AuditReport): AgreementScale {
  const scheme = report.key?.scheme;
  if (scheme === 'gumbel') {
    return {
      chance: 0.5,
      toAgreement: (s) => 1 - Math.exp(-Math.max(0, s)),
      greenMeaning: 'scored above the median a random choice would get (the key favoured this token)',
      redMeaning: 'scored below that median',
    };
  }
  if (scheme === 'synthid' || scheme === 'synthid-hf') {
    const layers = param(report, 'layers') ?? 1;
    return {
      chance: 0.5,
      toAgreement: (s) => s / layers,
      greenMeaning: 'won more than half of its tournament layers under the key',
      redMeaning: 'won half or fewer',
    };
  }
  const closed = report.tests?.find((t) => t.name === 'closed-model');
  const gamma = param(report, 'gamma') ?? closed?.expectedRate ?? 0.5;
  return {
    chance: gamma,
    toAgreement: (s) => s,
    greenMeaning: `on the key's green list (${formatPercent(gamma, 0)} of the vocabulary, chosen by the key from the previous token${(param(report, 'context') ?? 1) > 1 ? 's' : ''})`,
    redMeaning: 'not on the green list',
  };
}

/** CSS class of one token: `u` unscored, `g1`–`g3` green (stronger = darker), `r1`–`r3` red. */
export function tokenClass(score: number | null, scale: AgreementScale): string {
  if (score === null || typeof score !== 'number' || !Number.isFinite(score)) return 'u';
  const a = scale.toAgreement(score);
  const c = scale.chance;
  if (a > c) {
    const d = (a - c) / (1 - c || 1);
    return d > 2 / 3 ? 'g3' : d > 1 / 3 ? 'g2' : 'g1';
  }
  const d = (c - a) / (c || 1);
  return d > 2 / 3 ? 'r3' : d > 1 / 3 ? 'r2' : 'r1';
}

export function renderTokenSample(report: AuditReport): SafeHtml {
  const sample: HighlightedSample | null | undefined = report.sample;
  if (!sample || !Array.isArray(sample.pieces) || sample.pieces.length === 0) {
    return html`<p class="muted">No sample to show: the suspect produced no text that could be tokenized.</p>`;
  }
  const scale = agreementScale(report);
  let scored = 0;
  let green = 0;
  const spans = sample.pieces.map((piece, i) => {
    const s = sample.scores?.[i] ?? null;
    const cls = tokenClass(s, scale);
    if (cls !== 'u') {
      scored++;
      if (cls.startsWith('g')) green++;
    }
    const label = cls === 'u' ? 'not scored' : cls.startsWith('g') ? `green, score ${Number(s!.toPrecision(3))}` : `red, score ${Number(s!.toPrecision(3))}`;
    return html`<span class="t ${cls}" title="${label}">${String(piece)}</span>`;
  });
  const share = scored > 0 ? green / scored : 0;
  return html`<p>Output <code>${String(sample.id)}</code>: the first ${formatCount(sample.pieces.length)} tokens the suspect wrote.
Of the ${formatCount(scored)} tokens that were scored, <strong>${formatCount(green)} (${formatPercent(share)}) are green</strong>; text with no watermark would have about ${formatPercent(scale.chance)} green.</p>
<ul class="legend token-legend">
<li><span class="t g3">green</span> ${scale.greenMeaning}; also underlined</li>
<li><span class="t r3">red</span> ${scale.redMeaning}</li>
<li><span class="t u">grey</span> not scored: no full context yet, a (context, token) pair already counted, or a pair from the prompt</li>
${report.key?.scheme === 'gumbel' || report.key?.scheme === 'synthid' || report.key?.scheme === 'synthid-hf' ? html`<li>Darker shades mean stronger agreement or disagreement.</li>` : ''}
</ul>
<div class="sample" role="group" aria-label="suspect output with tokens highlighted: green underlined tokens agree with the watermark key">${spans}</div>
<p class="muted small">One output is not a test: a few hundred tokens can look green or red by chance. The text test above scores every distinct token pair in all ${formatCount(report.suspect?.outputs)} outputs (${formatCount(report.suspect?.tokens)} tokens).</p>`;
}
