import { benchAttacks } from './bench-attacks.ts';
const t = performance.now();
const sections = await benchAttacks();
for (const s of sections) console.log(`## ${s.title}\n\n${s.body}\n`);
console.error('total s', (performance.now() - t) / 1000);
