import { fingerprint, renderFingerprint } from './apps/cli/src/commands/fingerprint.ts';
const d = '/tmp/tm-smoke-RAX5ou';
const r = await fingerprint({ suspect: d + '/student-50.jsonl', teacher: d + '/teacher.jsonl', references: [d + '/independent-1.jsonl', d + '/independent-2.jsonl', d + '/independent-3.jsonl'], alpha: 1e-3, permutations: 99, quiet: true });
console.log(renderFingerprint(r));
console.log(JSON.stringify(r.evidence), JSON.stringify(r.panel.map(p => [p.measure, p.pValue.pValue.toExponential(2)])));
