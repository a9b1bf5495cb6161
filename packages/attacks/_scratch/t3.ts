import { loadWordnet } from '../src/load-wordnet.ts';
let t = performance.now();
const wn = loadWordnet();
console.log(performance.now() - t, wn.size, wn.version);
for (const w of ['nation', 'state', 'people', 'government', 'must', 'great', 'quickly', 'congress', 'run']) console.log(w, wn.synonyms(w).slice(0, 12).join(','));
