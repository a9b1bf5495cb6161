/**
 * The README's main job: `tracemark demo` trains a watermarked teacher, distils a student, trains an
 * independent control, audits both with watermark and fingerprint evidence, writes signed JSON and
 * HTML reports, verifies them and prints the two verdicts as documented; then scans the gateway's
 * exchange log of a distiller's campaign, finds its cluster, and the audit names it.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '@tracemark/cli';

describe('tracemark demo', () => {
  it('prints the student as distilled and the control as not, both reports verified', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tracemark-demo-')), 'demo-out');
    let stdout = '';
    let stderr = '';
    const code = await main(['demo', '--out', out], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^STUDENT: DISTILLED FROM THE TEACHER \(watermark evidence\)$/m);
    expect(stdout).toMatch(/^CONTROL: no evidence of distillation from the teacher$/m);
    expect(stdout.match(/signature and statistics verified/g)).toHaveLength(2);
    expect(stdout).toMatch(/^CAMPAIGN: the traffic scan flagged cluster \d+ \(harvest-1, harvest-2, harvest-3, harvest-4, harvest-5, harvest-6; log10 p -[\d.]+\); the audit names it/m);
    const files = await readdir(out);
    for (const f of ['student.report.json', 'student.report.html', 'control.report.json', 'control.report.html', 'key-commitment.json', 'lab-public-key.json', '.tracemark-demo', 'exchanges.jsonl', 'traffic-scan.json', 'campaign-student.report.json']) expect(files).toContain(f);
  });
});
