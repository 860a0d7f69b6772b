// End-to-end test of the Print/PDF button in a real headless Chromium (Debian's, driven
// by playwright-core): start `folio serve`, load the demo page, click the button, and
// check that the service answered with a valid PDF of that article, which opened in a
// new tab. Run by scripts/test after `cargo test` (which builds target/debug/folio).

import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const binary = process.env.FOLIO_BIN ?? 'target/debug/folio';
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
let passed = 0;
let failed = 0;

async function waitForService() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('folio serve did not come up');
}

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`test ${name} ... ok`);
  } catch (e) {
    failed++;
    console.log(`test ${name} ... FAILED\n  ${e.stack ?? e}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// The service's log is shown only if something fails.
const server = spawn(binary, ['serve', '--bind', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (chunk) => {
  serverLog += chunk;
});
let browser;
try {
  await waitForService();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Playwright gives every launch a fresh, empty profile of its own.
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const context = await browser.newContext();
  const page = await context.newPage();

  await check('demo page shows an accessible Print/PDF button', async () => {
    await page.goto(`${base}/`);
    const button = page.getByRole('button', { name: 'Print this article or save it as a PDF' });
    await button.waitFor({ timeout: 5000 });
    assert((await button.textContent()) === 'Print/PDF', 'button label');
  });

  await check('clicking the button renders the article and opens the PDF', async () => {
    // The request goes through the test on its way, so the test sees the exact bytes.
    let seen = null;
    await page.route('**/v1/render', async (route) => {
      const response = await route.fetch();
      seen = { status: response.status(), headers: response.headers(), body: await response.body() };
      await route.fulfill({ response, body: seen.body });
    });
    const newTab = context.waitForEvent('page');
    await page.locator('#print-button button').click();
    const tab = await newTab;
    await page.locator('#print-button[data-folio-state="done"]').waitFor({ timeout: 10000 });
    assert(seen, 'the button called /v1/render');
    assert(seen.status === 200, `status ${seen.status}`);
    assert(seen.headers['content-type'] === 'application/pdf', 'content type');
    assert(seen.body.subarray(0, 5).toString() === '%PDF-', `a PDF, not ${seen.body.subarray(0, 40).toString()}`);
    assert(Number(seen.headers['x-folio-pages']) >= 1, 'pages header');
    const disposition = seen.headers['content-disposition'] ?? '';
    assert(disposition.includes('the-quiet-return-of-the-printed-page.pdf'), `the article's PDF: ${disposition}`);
    await tab.waitForURL(/^blob:/, { timeout: 10000 });
  });

  await check('the playground form posts without JavaScript and gets a PDF', async () => {
    const response = await page.request.post(`${base}/v1/render`, {
      form: { markdown: '# From the form\n\nHello.', page_size: 'A5', template: 'article', links: 'footnote' },
    });
    assert(response.status() === 200, `status ${response.status()}`);
    assert((await response.body()).subarray(0, 5).toString() === '%PDF-', 'a PDF');
  });
} catch (e) {
  failed++;
  console.log(`browser test setup failed: ${e.stack ?? e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
if (failed > 0) console.log(`folio serve said:\n${serverLog}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
