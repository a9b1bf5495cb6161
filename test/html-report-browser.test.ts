/**
 * The HTML audit report in a real headless Chromium (Debian's `chromium` package, driven through
 * playwright-core): the pages of a real audit — a distilled student (detected, leaked account,
 * behavioural fingerprint) and an independent control — render with the verdict sentence visible
 * and non-empty SVG charts, log no console errors, make no request beyond the file itself, fit a
 * phone's width, and are screenshotted. A page whose sample holds hostile model output
 * (`<script>`, `<img onerror>`) shows it as text and runs nothing. The page's embedded envelope
 * verifies with `tracemark verify report.html`.
 *
 * Chromium is required: CI installs it (`apt-get install -y chromium` in .ci/run). Without it this
 * test fails — it never skips.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AuditReport } from '@tracemark/audit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@tracemark/cli';
import { buildRealReports, LEAKED_ACCOUNT, type RealReports } from './fixtures/real-reports.ts';
import { renderHtmlReport } from '@tracemark/report-html';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let dir: string;
let real: RealReports;
let browser: Browser | undefined;
const pages: Record<'student' | 'control' | 'hostile', string> = { student: '', control: '', hostile: '' };

const MISSING = `Chromium not found at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (CI does this in .ci/run). The HTML report must be tested in a real browser; this test fails rather than skip.`;

/** Every test calls this first, so a machine without Chromium fails each test with the fix. */
function needChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  dir = await mkdtemp(join(tmpdir(), 'tracemark-html-browser-'));
  real = await buildRealReports({ fingerprint: true });
  const write = async (name: keyof typeof pages, report: AuditReport, envelopeJson?: string) => {
    pages[name] = join(dir, `${name}.html`);
    await writeFile(pages[name], renderHtmlReport(report, envelopeJson === undefined ? {} : { envelopeJson }));
  };
  await write('student', real.student.report, real.student.envelopeJson);
  await write('control', real.control.report, real.control.envelopeJson);
  const hostile = JSON.parse(JSON.stringify(real.student.report)) as AuditReport;
  hostile.sample!.pieces.splice(2, 2, '<script>alert(1)</script>', '"><img src=x onerror=alert(2)>');
  (hostile.suspect as { name: string }).name = '<img src=y onerror=alert(3)>';
  await write('hostile', hostile);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  console.info(`html-report-browser: pages and screenshots in ${dir}`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(file: string, viewport: { width: number; height: number }): Promise<Opened> {
  needChromium();
  const page = await browser!.newPage({ viewport });
  const opened: Opened = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => opened.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return opened;
}

async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const png = await readFile(path);
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE), `${path} is a PNG`).toBe(true);
  expect((await stat(path)).size, `${path} is not empty`).toBeGreaterThan(20_000);
  return path;
}

describe('the HTML report in headless Chromium', () => {
  it('renders the student report: verdict visible, charts drawn, no console errors, no requests', async () => {
    const { page, consoleErrors, requests, dialogs } = await open(pages.student, { width: 1280, height: 900 });
    const sentence = page.locator('#verdict-sentence');
    expect(await sentence.isVisible()).toBe(true);
    expect(await sentence.textContent()).toBe("The suspect model “student-model” carries the teacher's watermark: evidence that it was trained on the teacher's watermarked outputs.");
    expect(await page.locator('#verdict h2').textContent()).toBe('Verdict: Watermark evidence found');

    const charts = await page.locator('svg.chart').evaluateAll((els) => els.map((e) => ({ id: e.id, ...e.getBoundingClientRect().toJSON() as { width: number; height: number } })));
    expect(charts.map((c) => c.id)).toEqual(['chart-rate', 'chart-pvalue', 'fp-measures', 'fp-probes', 'fp-categories']);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(100);
    }
    // The curves were drawn: one path per chart with as many vertices as curve points.
    const d = await page.locator('#chart-rate path.s-main').getAttribute('d');
    expect(d!.split(/[ML]/).filter(Boolean)).toHaveLength(real.student.report.curve.length);
    expect(await page.locator('.sample .t').count()).toBe(real.student.report.sample!.pieces.length);
    expect(await page.locator('tr.leaked code').first().textContent()).toBe(LEAKED_ACCOUNT);

    // The embedded envelope is inert data that parses to the signed envelope.
    expect(await page.locator('script').count()).toBe(1);
    const embedded = await page.locator('script#tracemark-envelope').textContent();
    expect(JSON.parse(embedded!)).toEqual(JSON.parse(real.student.envelopeJson));

    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(pages.student).href]);
    const png = await screenshot(page, 'student-desktop');
    console.info(`html-report-browser: screenshot ${png}`);
    await page.close();
  });

  it('fits a phone: no horizontal scrolling at 390 px, charts scaled down, not cut off', async () => {
    const { page, consoleErrors, requests } = await open(pages.student, { width: 390, height: 844 });
    // (Page-side code as a string: the repository type-checks without the DOM library.)
    const [scrollWidth, clientWidth] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const widths = await page.locator('svg.chart').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of widths) {
      expect(w).toBeGreaterThan(200);
      expect(w).toBeLessThanOrEqual(390);
    }
    expect(await page.locator('#verdict-sentence').isVisible()).toBe(true);
    expect(consoleErrors).toEqual([]);
    expect(requests).toHaveLength(1);
    await screenshot(page, 'student-phone');
    await page.close();
  });

  it('renders the control report with its "no evidence" sentence', async () => {
    const { page, consoleErrors, requests } = await open(pages.control, { width: 1280, height: 900 });
    expect(await page.locator('#verdict-sentence').textContent()).toMatch(/^No evidence found: the suspect model “control-model” shows no sign of the teacher's watermark at significance level 0\.001 — which does not prove/);
    expect(await page.locator('#verdict h2').textContent()).toBe('Verdict: No evidence');
    expect(await page.locator('#fingerprint').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(requests).toHaveLength(1);
    await screenshot(page, 'control-desktop');
    await page.close();
  });

  it('shows hostile model output as text: no script runs, no element is injected, nothing loads', async () => {
    const { page, consoleErrors, requests, dialogs } = await open(pages.hostile, { width: 1280, height: 900 });
    expect(dialogs).toEqual([]);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    const pieces = await page.locator('.sample .t').allTextContents();
    expect(pieces).toContain('<script>alert(1)</script>');
    expect(pieces).toContain('"><img src=x onerror=alert(2)>');
    expect(await page.locator('h1').textContent()).toBe('Distillation audit: <img src=y onerror=alert(3)>');
    expect(await page.title()).toBe('Distillation audit: <img src=y onerror=alert(3)>');
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(pages.hostile).href]);
    await page.close();
  });
});

describe('the HTML report as evidence', () => {
  it('verifies with `tracemark verify report.html` against the signer\u2019s public key', async () => {
    needChromium();
    let out = '';
    let err = '';
    const code = await main(['verify', pages.student, '--public-key', real.publicKey, '--json'], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out) as { verified: boolean; kind: string; checks: { check: string; ok: boolean }[] };
    expect(result.kind).toBe('audit-report');
    expect(result.verified).toBe(true);
    expect(result.checks.every((c) => c.ok)).toBe(true);
  });
});
