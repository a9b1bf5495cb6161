/**
 * The frame every report page shares: the document head with the Content-Security-Policy that lets
 * nothing load, the inline styles, the body, and the inert signed-envelope block. A pure function
 * of its arguments, so a verifier re-rendering a verified report gets the same bytes.
 */
import { STYLES } from './_styles.ts';
import { html, raw, type SafeHtml } from './html.ts';

/** The Content-Security-Policy of the page: nothing may load but inline styles and data: images. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** @param generator - the `<meta name="generator">` content, or null for none. */
export function renderPage(title: string, generator: string | null, body: SafeHtml, envelopeJson: string | null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${generator === null ? '' : `<meta name="generator" content="${html`${generator}`.value}">\n`}<link rel="icon" href="data:,">
<title>${html`${title}`.value}</title>
<style>${STYLES}</style>
</head>
<body>
${body.value}
${envelopeJson !== null ? raw(`<script type="application/json" id="tracemark-envelope">${envelopeJson}</script>\n`).value : ''}</body>
</html>
`;
}
