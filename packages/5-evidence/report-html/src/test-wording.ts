/**
 * Plain-English wording for each audit test: a title a non-specialist understands, what the test
 * looks at, the name of its rate, and the "what this means" line. The rules follow the audit's own
 * (packages/audit/src/audit-test.ts): a detection states its p-value as a chance under the null;
 * a non-detection states how much was scored and the smallest effect the test could have seen —
 * never "not distilled".
 */
import { type AuditReport, type AuditTest } from '@tracemark/audit';
import { formatChance, formatCount, formatNumber, formatPercent, formatPValue } from './format-p-value.ts';
import { html, type SafeHtml } from './html.ts';

const MDE_POWER_PERCENT = 80;

export function usesGreenList(report: AuditReport): boolean {
  return report.key?.scheme === 'kgw' || report.key?.scheme === 'unigram';
}

function keyPhrase(report: AuditReport): string {
  return usesGreenList(report) ? "the teacher's secret green list" : "the teacher's secret watermark key";
}

export function testTitle(name: string): string {
  switch (name) {
    case 'closed-model':
      return 'Text the suspect wrote';
    case 'closed-model-supervised':
      return "Text the suspect wrote, where the teacher's text had the same context";
    case 'open-model-reading':
      return "The suspect's top predictions on known text";
    case 'open-model-mass':
      return "The suspect's probabilities on known text";
    default:
      return name.startsWith('fingerprint-') ? `Behavioural fingerprint: ${name.slice('fingerprint-'.length)} line` : name;
  }
}

export function testExplanation(t: AuditTest, report: AuditReport): string {
  const k = keyPhrase(report);
  switch (t.name) {
    case 'closed-model':
      return `Looks at text the suspect generated and counts how often its word choices agree with ${k}. A model trained on the teacher's watermarked outputs inherits that bias; a model that never saw them agrees only at the chance rate. Each distinct (context, token) pair is counted once, so repetitive text cannot inflate the count.`;
    case 'closed-model-supervised':
      return `The same count, but only at contexts that also occur in the teacher's watermarked outputs (the teacher's own token pairs are never counted), where an inherited bias is strongest.`;
    case 'open-model-reading':
      return `Feeds the suspect human-written text and checks, at each step, whether the single token it finds most likely agrees with ${k} more often than chance. Needs the model itself, not just its outputs.`;
    case 'open-model-mass':
      return `Feeds the suspect the same human-written text and measures how much of its predicted probability falls on tokens favoured by ${k}, compared with the share chance would give.`;
    default:
      return t.description;
  }
}

/** Whether the test's rate is a proportion (shown as a percentage). */
export function isProportion(t: AuditTest): boolean {
  return t.method === 'exact-binomial' || t.name === 'open-model-mass';
}

export function rateName(t: AuditTest, report: AuditReport): string {
  const green = usesGreenList(report);
  if (t.name === 'open-model-mass') return green ? 'probability on green tokens' : 'probability on keyed tokens';
  if (report.key?.scheme === 'synthid' || report.key?.scheme === 'synthid-hf') return 'share of tournament layers won';
  if (report.key?.scheme === 'gumbel') return 'mean watermark score';
  return green ? 'green-token rate' : 'agreement rate';
}

export function formatRate(t: AuditTest, x: unknown): string {
  return isProportion(t) ? formatPercent(x) : formatNumber(x, 3);
}

export function scoredUnit(t: AuditTest): string {
  return t.name.startsWith('open-model') ? 'distinct contexts of the known text' : 'distinct (context, token) pairs';
}

export function methodText(method: string): string {
  switch (method) {
    case 'exact-binomial':
      return 'exact binomial tail (no approximation)';
    case 'exact-gamma':
      return 'exact gamma tail (no approximation)';
    case 'chernoff-bound':
      return 'Chernoff bound — a valid upper bound: the exact p-value is no larger than this';
    default:
      return method;
  }
}

/** The detectable-effect sentence of one test, or null where the test has no such figure. */
export function detectableEffect(t: AuditTest, report: AuditReport): string | null {
  const mde = t.minimumDetectableRate;
  if (mde === null || mde === undefined) return null;
  if (!Number.isFinite(mde)) return `Too little was scored for this test to detect any effect at α = ${t.alpha}.`;
  return `With ${formatCount(t.scored)} ${scoredUnit(t)} scored, this test detects a ${rateName(t, report)} of ${formatRate(t, mde)} or more (chance: ${formatRate(t, t.expectedRate)}) ${MDE_POWER_PERCENT}% of the time at α = ${t.alpha}. A weaker inherited bias would probably go unnoticed.`;
}

export function whatThisMeans(t: AuditTest, report: AuditReport): SafeHtml {
  const p = formatPValue(t.log10PValue);
  if (t.detected) {
    return html`If the suspect had never learned from text carrying this watermark, a ${rateName(t, report)} this far above chance would happen ${formatChance(t.log10PValue).html} times (p = ${p.html}). This test is evidence that the suspect was trained on the teacher's watermarked outputs.`;
  }
  const mde = detectableEffect(t, report);
  const direction = t.rate > t.expectedRate ? 'slightly above' : t.rate < t.expectedRate ? 'at or below' : 'at';
  return html`The suspect's ${rateName(t, report)} (${formatRate(t, t.rate)}) is ${direction} the ${formatRate(t, t.expectedRate)} expected by chance, not enough to pass the significance level α = ${t.alpha} (p = ${p.html}). This test found no sign of the watermark. That is not proof the suspect was never trained on the teacher's outputs: ${
    mde ?? 'this bounded test gives no detectable-effect figure; see the exact tests.'
  }`;
}
