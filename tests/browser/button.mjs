// End-to-end tests of the Print/PDF button in a real headless Chromium (Debian's, driven
// by playwright-core): `folio serve` and two small test blogs on loopback (one whose
// origin the service allows with --cors-origin, one it does not). Checks the plain link
// without JavaScript, the upgraded button (style, accessible name, keyboard, reader
// options), the "Preparing your PDF…" tab and the shareable address it ends on, the
// bounded retry of a 503 after Retry-After, errors in reader words with the print
// fallback, and the demo page's markdown-in-page button. Screenshots go to
// target/browser-screenshots/. Run by scripts/test after `cargo test` (which builds
// target/debug/folio).

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { chromium } from 'playwright-core';

const binary = process.env.FOLIO_BIN ?? 'target/debug/folio';
const shots = process.env.FOLIO_SCREENSHOTS ?? 'target/browser-screenshots';
mkdirSync(shots, { recursive: true });
let passed = 0;
let failed = 0;

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

const POST_MD = `---
title: Notes from the Harbour
author: Test Blog
---

The boats came in early. A short post with an [a link](https://example.org/) and a picture.

![A red square](../images/red.png)
`;
// A 2x2 red PNG.
const RED_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4ISICRAwQCgAdHgPBfBJ9GQAAAABJRU5ErkJggg==',
  'base64',
);

// A blog: the post's markdown, an image, and an HTML page with the button's markup.
function startBlog(pageFor) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      if (path === '/posts/harbour.md') {
        res.writeHead(200, { 'Content-Type': 'text/markdown; charset=utf-8' });
        res.end(POST_MD);
      } else if (path === '/images/red.png') {
        res.writeHead(200, { 'Content-Type': 'image/png' });
        res.end(RED_PNG);
      } else if (path === '/posts/harbour/' || path === '/download/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(pageFor(path));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

let service = '';
const blogPage = (blog) => (path) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Notes from the Harbour</title>
<style>body{font:18px/1.6 Georgia,serif;max-width:38em;margin:2em auto;padding:0 1em;color:#222}</style>
<script src="${service}/button.js" defer></script></head><body>
<h1>Notes from the Harbour</h1>
<p>
<a id="print" data-folio-button ${path === '/download/' ? 'data-folio-target="download"' : ''}
   href="${service}/v1/render?url=${encodeURIComponent(`${blog()}/posts/harbour.md`)}">Print/PDF</a>
</p>
<p>The boats came in early.</p>
</body></html>`;

let corsBlog;
let otherBlog;
corsBlog = await startBlog(blogPage(() => corsBlog.origin));
otherBlog = await startBlog(blogPage(() => otherBlog.origin));

// Port 0: the system picks a free port, which the service names in its log (a port
// picked here at random could be taken, by a blog above or by a closing connection).
const server = spawn(binary, [
  'serve', '--bind', '127.0.0.1:0',
  '--fetch-origin', corsBlog.origin, '--fetch-origin', otherBlog.origin,
  '--image-origin', corsBlog.origin, '--image-origin', otherBlog.origin,
  '--trust-network', '127.0.0.1/32',
  '--cors-origin', corsBlog.origin,
], { stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (chunk) => {
  serverLog += chunk;
});

async function waitForService() {
  for (let i = 0; i < 100; i++) {
    const bound = /listening address=\[([^\]]+)\]/.exec(serverLog);
    if (!bound) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    service = `http://${bound[1]}`;
    try {
      const r = await fetch(`${service}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('folio serve did not come up');
}

// A new tab's navigation to the shareable PDF address, and its answer.
function pdfNavigation(context) {
  return new Promise((resolve) => {
    context.on('response', async (response) => {
      const request = response.request();
      if (request.isNavigationRequest() && /\/v1\/render\?/.test(request.url()) && request.method() === 'GET') {
        resolve({ url: request.url(), status: response.status(), type: response.headers()['content-type'] });
      }
    });
  });
}

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

  await check('without JavaScript the button is a plain link to the PDF', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${otherBlog.origin}/posts/harbour/`);
    const link = page.getByRole('link', { name: 'Print/PDF' });
    await link.waitFor({ timeout: 5000 });
    const href = await link.getAttribute('href');
    assert(href.startsWith(`${service}/v1/render?url=`), `href ${href}`);
    await page.screenshot({ path: `${shots}/no-js-link.png` });
    const answer = pdfNavigation(context);
    await link.click();
    const pdf = await answer;
    assert(pdf.status === 200 && pdf.type === 'application/pdf', `${pdf.status} ${pdf.type}`);
    // The article's images came from the blog, and the answer may be cached.
    const direct = await fetch(href);
    assert(direct.headers.get('x-folio-warnings') === '0', `warnings: ${direct.headers.get('x-folio-warning')}`);
    // Cacheable for as long as the render stays fresh (it read the blog's images).
    const maxAge = /^public, max-age=(\d+)$/.exec(direct.headers.get('cache-control') ?? '');
    assert(maxAge && +maxAge[1] > 0 && +maxAge[1] <= 300, `cacheable: ${direct.headers.get('cache-control')}`);
    await context.close();
  });

  await check('with JavaScript: styled, accessible, opens a Preparing tab that ends on the shareable PDF (no CORS needed)', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${otherBlog.origin}/posts/harbour/`);
    const button = page.getByRole('link', { name: /Print\/PDF/ });
    await page.locator('.folio-widget').waitFor({ timeout: 5000 });
    const style = await button.evaluate((b) => {
      const s = getComputedStyle(b);
      return { border: s.borderTopStyle, radius: s.borderTopLeftRadius, display: s.display, describedBy: b.getAttribute('aria-describedby') };
    });
    assert(style.border === 'solid' && style.radius !== '0px' && /flex/.test(style.display), JSON.stringify(style));
    assert(style.describedBy, 'a description');
    await page.screenshot({ path: `${shots}/button.png` });
    const tabOpened = context.waitForEvent('page');
    const answer = pdfNavigation(context);
    // The tab opens on the Preparing page (it may have moved on to the PDF by the time
    // the test looks, so its first navigation is what counts).
    const preparing = context.waitForEvent('request', (r) => r.isNavigationRequest() && r.url().includes('/v1/preparing'));
    await button.click();
    await tabOpened;
    const first = await preparing;
    assert(first.url().startsWith(`${service}/v1/preparing?url=`), `tab at ${first.url()}`);
    const pdf = await answer;
    assert(pdf.status === 200 && pdf.type === 'application/pdf', `${pdf.status} ${pdf.type}`);
    assert(pdf.url.includes('url=') && !pdf.url.startsWith('blob:'), `shareable: ${pdf.url}`);
    await page.locator('#print[data-folio-state="done"]').waitFor({ timeout: 10000 });
    await context.close();
  });

  await check('the Preparing page shows progress', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Hold the render a moment so the page can be seen working.
    await context.route('**/v1/render?*', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.goto(`${service}/v1/preparing?url=${encodeURIComponent(`${otherBlog.origin}/posts/harbour.md`)}`, { waitUntil: 'domcontentloaded' });
    await page.getByRole('heading', { name: 'Preparing your PDF…' }).waitFor({ timeout: 3000 });
    await page.screenshot({ path: `${shots}/preparing.png` });
    await context.close();
  });

  await check('keyboard: focus ring, reader options menu, Enter opens the PDF with the chosen options', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${otherBlog.origin}/posts/harbour/`);
    await page.locator('.folio-widget').waitFor({ timeout: 5000 });
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return { cls: a.className, outline: s.outlineStyle, width: s.outlineWidth };
    });
    assert(focused.cls.includes('folio-button') && focused.outline === 'solid' && focused.width === '3px', JSON.stringify(focused));
    await page.keyboard.press('Tab');
    const toggle = page.getByRole('button', { name: /Options/ });
    assert(await toggle.evaluate((t) => t === document.activeElement), 'Options is next');
    await page.keyboard.press('Enter');
    assert((await toggle.getAttribute('aria-expanded')) === 'true', 'menu open');
    const group = page.getByRole('group', { name: 'PDF options' });
    await group.getByLabel('Page size').selectOption('Letter');
    await group.getByLabel('Text size').selectOption('125%');
    await group.getByLabel('Images').uncheck();
    await page.screenshot({ path: `${shots}/menu.png` });
    await page.keyboard.press('Escape');
    assert((await toggle.getAttribute('aria-expanded')) === 'false', 'menu closed by Escape');
    assert(await toggle.evaluate((t) => t === document.activeElement), 'focus back on Options');
    await page.keyboard.press('Shift+Tab');
    const tabOpened = context.waitForEvent('page');
    const answer = pdfNavigation(context);
    await page.keyboard.press('Enter');
    const tab = await tabOpened;
    await tab.waitForLoadState('domcontentloaded');
    const pdf = await answer;
    const params = new URL(pdf.url).searchParams;
    assert(params.get('page_size') === 'Letter' && params.get('text_scale') === '125%' && params.get('images') === 'hide', pdf.url);
    assert(pdf.status === 200, `status ${pdf.status}`);
    await context.close();
  });

  await check('a 503 is retried after Retry-After, a bounded number of times', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const times = [];
    await context.route('**/v1/render?*', async (route) => {
      times.push(Date.now());
      if (times.length === 1) {
        await route.fulfill({ status: 503, headers: { 'Retry-After': '1', 'Content-Type': 'application/problem+json' }, body: '{"status":503}' });
      } else {
        await route.continue();
      }
    });
    await page.goto(`${otherBlog.origin}/posts/harbour/`);
    await page.locator('.folio-widget').waitFor({ timeout: 5000 });
    const tabOpened = context.waitForEvent('page');
    await page.locator('#print').click();
    const tab = await tabOpened;
    await tab.getByText(/busy; trying again in 1 s/).waitFor({ timeout: 5000 });
    await page.locator('#print[data-folio-state="done"]').waitFor({ timeout: 10000 });
    assert(times.length >= 2 && times[1] - times[0] >= 900, `asked at ${times.map((t) => t - times[0])}`);
    // Always busy: the tab gives up after three retries and says so in reader words.
    await context.unroute('**/v1/render?*');
    let asked = 0;
    await context.route('**/v1/render?*', (route) => {
      asked++;
      return route.fulfill({ status: 503, headers: { 'Retry-After': '1' }, body: '' });
    });
    const tab2Opened = context.waitForEvent('page');
    await page.locator('#print').click();
    const tab2 = await tab2Opened;
    await tab2.getByText('The PDF service is busy right now. Please try again in a minute.').waitFor({ timeout: 10000 });
    assert(asked === 4, `asked ${asked} times`);
    await context.close();
  });

  await check('errors are in reader words, and "Print this page instead" prints the article', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      window.print = () => { window.__printed = (window.__printed || 0) + 1; };
    });
    const page = await context.newPage();
    await context.route('**/v1/render?*', (route) => route.fulfill({
      status: 422, headers: { 'Content-Type': 'application/problem+json' },
      body: JSON.stringify({ type: 'about:blank', title: 'Document too large', status: 422, detail: 'invalid option `max_pages`: 501 > 500' }),
    }));
    await page.goto(`${otherBlog.origin}/posts/harbour/`);
    await page.locator('.folio-widget').waitFor({ timeout: 5000 });
    const tabOpened = context.waitForEvent('page');
    await page.locator('#print').click();
    const tab = await tabOpened;
    await tab.getByText('This article is too long to turn into a PDF.').waitFor({ timeout: 5000 });
    const text = await tab.locator('main').innerText();
    assert(!/max_pages|invalid option/.test(text), `API words shown: ${text}`);
    await tab.screenshot({ path: `${shots}/error-tab.png` });
    await page.locator('#print[data-folio-state="error"]').waitFor({ timeout: 5000 });
    // The tab closes itself as the click lands, so the click may not see its end.
    const closed = tab.waitForEvent('close');
    await tab.getByRole('button', { name: 'Print this page instead' }).click().catch(() => {});
    await closed;
    await page.waitForFunction(() => window.__printed === 1, null, { timeout: 5000 });
    await page.screenshot({ path: `${shots}/error-blog.png` });
    await context.close();
  });

  await check('cross-origin download: works with CORS, falls back to print in reader words without', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    await context.addInitScript(() => {
      window.print = () => { window.__printed = (window.__printed || 0) + 1; };
    });
    const page = await context.newPage();
    await page.goto(`${corsBlog.origin}/download/`);
    await page.locator('.folio-widget').waitFor({ timeout: 5000 });
    const download = page.waitForEvent('download');
    await page.locator('#print').click();
    const saved = await download;
    assert(saved.suggestedFilename() === 'notes-from-the-harbour.pdf', saved.suggestedFilename());
    await page.locator('#print[data-folio-state="done"]').waitFor({ timeout: 10000 });

    await page.goto(`${otherBlog.origin}/download/`);
    await page.locator('.folio-widget').waitFor({ timeout: 5000 });
    await page.locator('#print').click();
    await page.locator('#print[data-folio-state="error"]').waitFor({ timeout: 10000 });
    const status = await page.locator('.folio-status').innerText();
    assert(status.includes('could not be reached') && !/Failed to fetch|CORS/i.test(status), status);
    await page.getByRole('button', { name: 'Print this page instead' }).click();
    assert((await page.evaluate(() => window.__printed)) === 1, 'printed');
    await context.close();
  });

  await check('demo page: markdown in the page renders once in the new tab', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let seen = null;
    await context.route('**/v1/render', async (route) => {
      const response = await route.fetch();
      seen = { status: response.status(), headers: response.headers(), body: await response.body() };
      await route.fulfill({ response, body: seen.body });
    });
    await page.goto(`${service}/`);
    const button = page.getByRole('button', { name: 'Print / PDF (from this page)' });
    await button.waitFor({ timeout: 5000 });
    const newTab = context.waitForEvent('page');
    await button.click();
    const tab = await newTab;
    await page.locator('#print-button[data-folio-state="done"]').waitFor({ timeout: 10000 });
    assert(seen && seen.status === 200, `status ${seen?.status}`);
    assert(seen.body.subarray(0, 5).toString() === '%PDF-', 'a PDF');
    const disposition = seen.headers['content-disposition'] ?? '';
    assert(disposition.includes('the-quiet-return-of-the-printed-page.pdf'), `the article's PDF: ${disposition}`);
    await tab.waitForURL(/^blob:/, { timeout: 10000 });
    await context.close();
  });

  await check('demo page: with JavaScript off, the plain link a blog pastes prints the demo post', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${service}/`);
    const link = page.getByRole('link', { name: 'Print / PDF', exact: true });
    const href = await link.getAttribute('href');
    assert(href.startsWith(`${service}/v1/render?url=`), `an absolute link to this service: ${href}`);
    assert(decodeURIComponent(href.split('url=')[1]) === `${service}/demo/post.md`, href);
    // The markup shown is the markup used.
    assert((await page.locator('section.markup pre').first().innerText()).includes(href), 'markup shown');
    const response = await context.request.get(href);
    assert(response.status() === 200, `status ${response.status()}`);
    assert((await response.body()).subarray(0, 5).toString() === '%PDF-', 'a PDF');
    await context.close();
  });

  await check('the playground form posts without JavaScript and gets a PDF', async () => {
    const context = await browser.newContext();
    const response = await context.request.post(`${service}/v1/render`, {
      form: { markdown: '# From the form\n\nHello.', page_size: 'A5', template: 'article', links: 'footnote' },
    });
    assert(response.status() === 200, `status ${response.status()}`);
    assert((await response.body()).subarray(0, 5).toString() === '%PDF-', 'a PDF');
    await context.close();
  });
} catch (e) {
  failed++;
  console.log(`browser test setup failed: ${e.stack ?? e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  corsBlog.server.close();
  otherBlog.server.close();
}
if (failed > 0) console.log(`folio serve said:\n${serverLog}`);
console.log(`${passed} passed, ${failed} failed; screenshots in ${shots}/`);
process.exit(failed === 0 ? 0 : 1);
