import { writeFile } from 'node:fs/promises';
import { buildRealReports } from './_real-reports.ts';
const t = performance.now();
const r = await buildRealReports({ fingerprint: process.argv[2] === 'fp' });
console.log('built in', ((performance.now() - t) / 1000).toFixed(1), 's', r.dir);
await writeFile('/tmp/tmx/student.json', JSON.stringify(r.student, null, 1));
await writeFile('/tmp/tmx/control.json', JSON.stringify(r.control, null, 1));
