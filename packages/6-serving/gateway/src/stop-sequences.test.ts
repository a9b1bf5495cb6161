import { describe, expect, it } from 'vitest';
import { createRng } from '@tracemark/stats';
import { StopSequences } from './stop-sequences.ts';

/** Feed `text` in random pieces; return what was emitted and whether a stop was reached. */
function feed(stops: string[], text: string, seed: number): { out: string; stopped: boolean; leaked: boolean } {
  const s = new StopSequences(stops);
  const random = createRng(seed);
  let out = '';
  let leaked = false;
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(random() * 4);
    const r = s.push(text.slice(i, i + n));
    out += r.text;
    i += n;
    if (r.stopped) return { out, stopped: true, leaked };
    // Nothing emitted so far may contain a stop string.
    leaked ||= stops.some((st) => out.includes(st));
  }
  return { out: out + s.flush(), stopped: false, leaked };
}

describe('StopSequences', () => {
  it('emits exactly the text before the first stop, however the text is split', () => {
    const cases: [string[], string][] = [
      [['END'], 'abc EN def END ghi'],
      [['aab'], 'aaaab'],
      [['\n\n', 'Q:'], 'one\ntwo Q three\n\nfour'],
      [['xyz'], 'no stop here at all'],
      [['ab', 'b'], 'cab'],
    ];
    for (const [stops, text] of cases) {
      let first = -1;
      for (const st of stops) {
        const i = text.indexOf(st);
        if (i >= 0 && (first < 0 || i < first)) first = i;
      }
      for (let seed = 0; seed < 20; seed++) {
        const r = feed(stops, text, seed);
        expect(r.out).toBe(first >= 0 ? text.slice(0, first) : text);
        expect(r.stopped).toBe(first >= 0);
        expect(r.leaked).toBe(false);
      }
    }
  });

  it('passes text through untouched without stops', () => {
    const s = new StopSequences([]);
    expect(s.push('abc')).toEqual({ text: 'abc', stopped: false });
    expect(s.flush()).toBe('');
  });
});
