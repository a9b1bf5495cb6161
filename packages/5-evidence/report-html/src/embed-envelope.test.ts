import { describe, expect, it } from 'vitest';
import { embedEnvelope, ENVELOPE_OPEN_TAG, escapeJsonForScript, extractEnvelopeJson } from './embed-envelope.ts';

const hostile = {
  payloadType: 'application/vnd.in-toto+json',
  payload: 'eyJ9',
  signatures: [{ keyid: '</script><script>alert(1)</script>', sig: '<!-- & \u2028 \u2029 -->' }],
};

describe('escapeJsonForScript', () => {
  it('leaves no < > & U+2028 U+2029 and keeps the JSON value', () => {
    const json = JSON.stringify(hostile, null, 2);
    const escaped = escapeJsonForScript(json);
    expect(escaped).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(escaped)).toEqual(hostile);
  });
});

describe('embedEnvelope / extractEnvelopeJson', () => {
  it('round-trips through a page: the extracted JSON parses to the embedded envelope', () => {
    const { json, signers } = embedEnvelope(JSON.stringify(hostile));
    expect(signers).toEqual(['</script><script>alert(1)</script>']);
    const page = `<!doctype html><body><p>x</p>${ENVELOPE_OPEN_TAG}${json}</script></body>`;
    const extracted = extractEnvelopeJson(page);
    expect(extracted).not.toBeNull();
    expect(JSON.parse(extracted!)).toEqual(hostile);
  });

  it('finds no envelope in an unsigned page, and refuses a page with two', () => {
    expect(extractEnvelopeJson('<!doctype html><p>unsigned</p>')).toBeNull();
    const block = `${ENVELOPE_OPEN_TAG}{}</script>`;
    expect(() => extractEnvelopeJson(block + block)).toThrow(/more than one/);
  });

  it('rejects text that is not a JSON object, naming the option', () => {
    expect(() => embedEnvelope('{not json')).toThrow(/options\.envelopeJson is not valid JSON/);
    expect(() => embedEnvelope('[1, 2]')).toThrow(/must be a JSON object/);
    expect(() => embedEnvelope(42 as unknown as string)).toThrow(/must be a string/);
  });
});
