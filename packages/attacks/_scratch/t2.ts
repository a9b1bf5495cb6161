import { loadBuiltinCorpus } from '@tracemark/corpora';
for (const name of ['sotu', 'moby-dick'] as const) {
  const text = loadBuiltinCorpus(name).map((d) => d.text).join('\n\n\n');
  const counts = new Map<string, number>();
  for (const ch of text) if (ch.codePointAt(0)! > 126 || ch === '\t' || ch === '\r') counts.set(ch, (counts.get(ch) ?? 0) + 1);
  console.log(name, text.length, [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([c, n]) => `${JSON.stringify(c)} U+${c.codePointAt(0)!.toString(16)} ${n} nfkc=${JSON.stringify(c.normalize('NFKC'))}`).join('\n'));
  const re = (r: RegExp) => (text.match(r) ?? []).length;
  console.log('double space', re(/ {2,}/g), 'single \\n', re(/[^\n]\n[^\n]/g), '\\n\\n', re(/\n\n/g), 'nfkc changes', [...text].filter((c) => c.normalize('NFKC') !== c).length, 'space before nl', re(/ \n/g));
  console.log('allcaps words', re(/\b[A-Z]{2,}\b/g), 'words', re(/\b[A-Za-z]+\b/g));
}
