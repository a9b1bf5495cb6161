/**
 * The signed envelope inside the page: a `<script type="application/json">` data block, which the
 * browser never executes (HTML Living Standard §4.12.1, "data block"). Its text must not contain
 * `</script` or `<!--`, so `<` (and `>`, `&`, U+2028, U+2029) are written as JSON `\uXXXX`
 * escapes. Those characters can only occur inside JSON strings, where the escape denotes the same
 * character, so `JSON.parse` of the block gives exactly the envelope that was signed — and the
 * DSSE signature covers the base64 payload bytes, not the JSON spacing.
 */

/** The exact opening tag a verifier looks for. */
export const ENVELOPE_OPEN_TAG = '<script type="application/json" id="tracemark-envelope">';

const JSON_SCRIPT_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Escape JSON text for a script data block: no `<`, `>` or `&` remains; the JSON value is unchanged. */
export function escapeJsonForScript(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => JSON_SCRIPT_ESCAPES[c]!);
}

/**
 * Check and escape an envelope for embedding; returns the escaped text and the signers' key ids.
 * @throws TypeError when the text is not a JSON object.
 */
export function embedEnvelope(envelopeJson: string): { json: string; signers: string[] } {
  if (typeof envelopeJson !== 'string') throw new TypeError('renderHtmlReport: options.envelopeJson must be a string (the envelope file\u2019s text)');
  let value: unknown;
  try {
    value = JSON.parse(envelopeJson);
  } catch (e) {
    throw new TypeError(`renderHtmlReport: options.envelopeJson is not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('renderHtmlReport: options.envelopeJson must be a JSON object (a DSSE envelope)');
  const signatures = (value as { signatures?: unknown }).signatures;
  const signers = Array.isArray(signatures)
    ? signatures.map((s) => (typeof s === 'object' && s !== null && typeof (s as { keyid?: unknown }).keyid === 'string' ? (s as { keyid: string }).keyid : null)).filter((k): k is string => k !== null)
    : [];
  return { json: escapeJsonForScript(envelopeJson.trim()), signers };
}

/**
 * The envelope JSON text embedded in a page written by `renderHtmlReport`, or null when the page
 * has none. `JSON.parse` of the result equals `JSON.parse` of the envelope that was embedded.
 * @throws TypeError when the page holds more than one envelope block.
 */
export function extractEnvelopeJson(page: string): string | null {
  const start = page.indexOf(ENVELOPE_OPEN_TAG);
  if (start < 0) return null;
  if (page.indexOf(ENVELOPE_OPEN_TAG, start + 1) >= 0) throw new TypeError('the page holds more than one tracemark-envelope block');
  const from = start + ENVELOPE_OPEN_TAG.length;
  const end = page.indexOf('</script>', from);
  if (end < 0) throw new TypeError('the tracemark-envelope block is not closed');
  return page.slice(from, end);
}
