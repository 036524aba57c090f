'use strict';

// Sign-in and sign-out through the web form for every demo role, against one
// demo server for the whole file.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const {
  ROLES,
  assertNoErrors,
  launchBrowser,
  login,
  shot,
  startServer,
  withPage,
} = require('./harness');

describe('login', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'login-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const role of ROLES) {
    test(`${role} signs in, sees the ${role} home and signs out`, { timeout: 90_000 }, () =>
      withPage(browser, `home-${role}`, async (page, errors) => {
        await login(page, server.url, role);
        // The auditor's home is the oversight dashboard.
        const home = role === 'auditor' ? 'oversight' : `home-${role}`;
        const main = page.locator(`main[data-page="${home}"]`);
        await main.waitFor({ state: 'visible' });
        assert.ok(await main.isVisible(), `main[data-page="${home}"] is not visible`);
        // Charts and htmx fragments load after the document; let them settle.
        await page.waitForLoadState('networkidle');
        assertNoErrors(errors);
        await shot(page, `home-${role}`);

        await Promise.all([
          page.waitForURL((u) => u.pathname === '/login'),
          page.locator('form[action="/logout"] button:visible').first().click(),
        ]);
        await page.locator('form[action="/login"] input[name=username]').waitFor({ state: 'visible' });

        // The session is gone, not just the page: home sends us back to /login.
        await page.goto(`${server.url}/`);
        assert.equal(new URL(page.url()).pathname, '/login', 'after sign-out, / should lead to /login');
        assertNoErrors(errors);
      }));
  }

  test('a wrong password shows an error and stays on /login', { timeout: 60_000 }, () =>
    withPage(browser, 'login-wrong-password', async (page, errors) => {
      await page.goto(`${server.url}/login`);
      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', 'not-the-password');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
        page.click('button[type=submit]'),
      ]);
      const alert = page.locator('.alert-error');
      await alert.waitFor({ state: 'visible' });
      assert.ok(await alert.isVisible(), '.alert-error is not visible');
      assert.equal(new URL(page.url()).pathname, '/login');
      await page.locator('form[action="/login"] input[name=username]').waitFor({ state: 'visible' });
      await page.waitForLoadState('networkidle');
      await shot(page, 'login-wrong-password');
      // Chromium logs a 4xx status of the re-rendered login page as a console
      // error; that one is expected, nothing else is.
      const isLoginStatus = (e) =>
        e.kind === 'console' && /status of 4\d\d/.test(e.text) && e.url && new URL(e.url).pathname === '/login';
      assertNoErrors(errors, { allow: [isLoginStatus] });
    }));

  test('leader home on a phone', { timeout: 90_000 }, () =>
    withPage(browser, 'home-leader-phone', async (page, errors) => {
      await login(page, server.url, 'leader');
      await page.locator('main[data-page="home-leader"]').waitFor({ state: 'visible' });
      await page.waitForLoadState('networkidle');
      // Wide tables and charts must scroll inside their own boxes, not the page.
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `page is ${width}px wide on a 390px phone screen`);
      assertNoErrors(errors);
      await shot(page, 'home-leader-phone');
    }, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
});
