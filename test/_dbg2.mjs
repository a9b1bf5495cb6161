import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
await page.goto(`file:///tmp/tmx/student.html`);
console.log(await page.evaluate(() => {
  const out = [];
  for (const s of document.querySelectorAll('#accounts *')) { const before = document.documentElement.scrollWidth; s.style.display = 'none'; const after = document.documentElement.scrollWidth; s.style.display = ''; if (after !== before) out.push(`${s.tagName}#${s.id} ${before}->${after}`); }
  return out;
}));
await browser.close();
