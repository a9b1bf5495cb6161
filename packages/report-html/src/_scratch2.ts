import { readFile, writeFile } from 'node:fs/promises';
import { renderHtmlReport } from './index.ts';
const r = JSON.parse(await readFile('/tmp/tmx/fixture.json', 'utf8'));
await writeFile('/tmp/tmx/student.html', renderHtmlReport(r.student.report, { envelopeJson: r.student.envelopeJson }));
await writeFile('/tmp/tmx/control.html', renderHtmlReport(r.control.report, { envelopeJson: r.control.envelopeJson }));
