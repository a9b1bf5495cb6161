import { probeSimilarities, createSimilarityContext, type MeasureName } from './packages/fingerprint/src/index.ts';
const words = 'the of and to in a that is for it as was with be by on not he I this are or his from at which but have an they you were her she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people Mr how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' ');
let seed = 1; const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const text = () => Array.from({ length: 28 }, () => words[Math.floor(rnd() * words.length)]).join(' ') + '.';
const texts = Array.from({ length: 5 }, () => Array.from({ length: 3 }, text));
for (const m of ['edit', 'word-ngram', 'char-ngram', 'mmd', 'refusal'] as MeasureName[]) {
  const ctx = createSimilarityContext(true);
  const t = performance.now();
  for (let i = 0; i < 123; i++) probeSimilarities({ texts }, [m], ctx);
  console.log(m, (performance.now() - t).toFixed(0), 'ms per 123 probes');
}
