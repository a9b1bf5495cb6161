/**
 * @tracemark/report-html — the self-contained HTML audit report: the verdict in a sentence, each
 * test explained, inline SVG charts, a token-highlighted sample, account and fingerprint evidence,
 * the limits of the tests, and the signed envelope embedded so `tracemark verify report.html`
 * can check the file itself. No network, no scripts.
 */
export { type HtmlReportOptions, renderHtmlReport, REPORT_CSP } from './render-html-report.ts';
export { ENVELOPE_OPEN_TAG, escapeJsonForScript, extractEnvelopeJson } from './embed-envelope.ts';
export { formatPValue, type FormattedPValue } from './format-p-value.ts';
export { escapeHtml } from './html.ts';
export { renderTrafficReport } from './render-traffic-report.ts';
