import { readFile, writeFile } from 'node:fs/promises';
import { renderHtmlReport } from './index.ts';
import { buildRealReports } from './_real-reports.ts';
const r = await buildRealReports({ fingerprint: true });
await writeFile('/tmp/tmx/fixture.json', JSON.stringify(r));
