'use strict';

// A crafted sign-in link must not plant headers or send the visitor elsewhere: the
// next= target of /login is checked before it reaches the Location header.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { DEMO_PASSWORD, assertNoErrors, launchBrowser, shot, startServer, withPage } = require('./harness');

// hostile next= targets, each written as it would appear decoded in a link.
const HOSTILE = [
  ['CRLF and a cookie', '/\r\nSet-Cookie: qq_evil=1; Path=/'],
  ['a lone LF and a cookie', '/x\nSet-Cookie: qq_evil=1; Path=/'],
  ['an end of headers and a second response',
    '/\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: qq_evil=1; Path=/\r\nContent-Length: 0\r\n\r\n'],
  ['a percent-encoded CRLF', '/x%0d%0aSet-Cookie:%20qq_evil=1'],
  ['a Unicode line separator', '/x\u2028Set-Cookie: qq_evil=1'],
  ['another host', '//evil.example/'],
  ['a backslash host', '/\\evil.example/'],
  ['an absolute URL', 'https://evil.example/'],
];

describe('login next=', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'redirect-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  // signIn opens the crafted link, signs in through its form and returns where the
  // browser lands.
  async function signIn(page, next) {
    await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
    await page.fill('input[name=username]', 'office');
    await page.fill('input[name=password]', DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname !== '/login'),
      page.click('button[type=submit]'),
    ]);
    await page.waitForLoadState('load');
    return new URL(page.url());
  }

  HOSTILE.forEach(([what, next], i) => {
    test(`${what}: signing in lands on / with no planted cookie`, { timeout: 60_000 }, () =>
      withPage(browser, `redirect-hostile-${i}`, async (page, errors) => {
        const landed = await signIn(page, next);
        assert.equal(landed.origin, server.url, `left the site for ${landed.href}`);
        assert.equal(landed.pathname, '/', `landed on ${landed.href}`);
        assert.equal(landed.search, '', `landed on ${landed.href}`);
        await page.locator('main[data-page="home-office"]').waitFor({ state: 'visible' });
        const cookies = await page.context().cookies();
        const names = cookies.map((c) => c.name);
        assert.ok(!names.includes('qq_evil'), `planted cookie among ${names.join(', ')}`);
        assert.ok(names.includes('qq_token'), `no session cookie among ${names.join(', ')}`);
        assertNoErrors(errors);
      }));
  });

  test('a plain next on this site is kept', { timeout: 60_000 }, () =>
    withPage(browser, 'redirect-kept', async (page, errors) => {
      const landed = await signIn(page, '/appeals?stage=verifying');
      assert.equal(landed.pathname + landed.search, '/appeals?stage=verifying');
      await shot(page, 'redirect-kept');
      assertNoErrors(errors);
    }));
});
