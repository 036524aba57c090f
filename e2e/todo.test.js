'use strict';

// 我的待办 at phone width: the bottom tab bar replaces the overflowing top nav, its
// 待办 badge shows a number, and tapping it opens a list with exactly that many rows.
// Screenshots of the homes at desktop (1440) and phone (390) width go to e2e/output.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const path = require('node:path');
const { OUTPUT_DIR, assertNoErrors, launchBrowser, login, shot, startServer, withPage } = require('./harness');

// viewShot saves what the phone's screen shows, with the fixed bottom bar where it belongs.
const viewShot = (page, name) => page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`) });

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1440, height: 900 } };

describe('todo', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'todo-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const role of ['office', 'department']) {
    test(`${role} at phone width: bottom bar, badge and its list`, { timeout: 90_000 }, () =>
      withPage(browser, `todo-phone-${role}`, async (page, errors) => {
        await login(page, server.url, role);
        await page.locator(`main[data-page="home-${role}"]`).waitFor();
        const bar = page.locator('nav.tabbar');
        assert.ok(await bar.isVisible(), 'the bottom tab bar is not visible');
        // The top nav does not overflow: it is folded away, and the page is no wider than the phone.
        assert.equal(await page.locator('header .nav').isVisible(), false, 'the top nav is still shown');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `the page is ${width}px wide at 390`);
        // Tap targets of at least 44 px.
        for (const box of await bar.locator('a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().toJSON()))) {
          assert.ok(box.height >= 44 && box.width >= 44, `a tab is ${box.width}x${box.height}`);
        }
        const tab = bar.locator('a[data-todo-tab]');
        const count = Number(await tab.locator('.badge').innerText());
        assert.ok(Number.isInteger(count), 'the 待办 badge shows no number');
        await shot(page, `todo-home-${role}-390`);
        await viewShot(page, `todo-home-${role}-390-screen`);
        await Promise.all([page.waitForURL(/todo=all/), tab.tap()]);
        const total = await page.locator('.pager').first().innerText();
        assert.match(total, new RegExp(`共 ${count} 条`), `badge ${count}, list says ${total}`);
        await shot(page, `todo-list-${role}-390`);
        await viewShot(page, `todo-list-${role}-390-screen`);
        // 更多 opens the rest of the nav as a sheet.
        await bar.locator('a.tab-more').tap();
        assert.ok(await page.locator('header .nav').isVisible(), '更多 does not open the nav');
        await viewShot(page, `todo-more-${role}-390-screen`);
        assertNoErrors(errors);
      }, PHONE));

    test(`${role} at desktop width`, { timeout: 90_000 }, () =>
      withPage(browser, `todo-desktop-${role}`, async (page, errors) => {
        await login(page, server.url, role);
        await page.locator(`main[data-page="home-${role}"]`).waitFor();
        assert.equal(await page.locator('nav.tabbar').isVisible(), false, 'the tab bar shows on a desktop');
        assert.ok(await page.locator('header .nav a[data-todo-badge]').isVisible(), 'no 待办 in the top nav');
        await shot(page, `todo-home-${role}-1440`);
        await page.goto(`${server.url}/appeals?sort=due&todo=all`);
        await shot(page, `todo-list-${role}-1440`);
        // The first row is the most overdue: its clock card is red.
        await Promise.all([page.waitForURL(/\/appeals\/\d+$/), page.locator('.appeal-link').first().click()]);
        assert.equal(await page.locator('.clock [data-clock]').first().getAttribute('data-clock'), 'bad');
        await shot(page, `todo-appeal-${role}-1440`);
        assertNoErrors(errors);
      }, DESKTOP));
  }
});
