'use strict';

// The notice centre: the bell on every page shows the unread count, opens the list, a
// notice leads to its appeal and is then read, and 全部标为已读 empties the bell. At
// phone (390) and desktop (1440) width, screenshots to e2e/output.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { assertNoErrors, launchBrowser, login, shot, startServer, withPage } = require('./harness');

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1440, height: 900 } };

const unreadOf = async (page) => Number(await page.locator('a[data-bell] .badge').innerText());

describe('notices', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'notices-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('a department follows a notice from the bell on a phone, then reads them all', { timeout: 90_000 }, () =>
    withPage(browser, 'notices-phone', async (page, errors) => {
      await login(page, server.url, 'department');
      const bell = page.locator('a[data-bell]');
      assert.ok(await bell.isVisible(), 'no bell at 390');
      const box = await bell.boundingBox();
      assert.ok(box.height >= 44, `the bell is ${box.height}px tall`);
      const before = await unreadOf(page);
      assert.ok(before > 0, 'the demo department has no unread notice');
      await Promise.all([page.waitForURL(/\/notices$/), bell.tap()]);
      const unreadRows = page.locator('article.nt-unread');
      assert.ok(await unreadRows.count() > 0, 'the list shows no unread notice');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `the notice list is ${width}px wide at 390`);
      await shot(page, 'notices-list-390');
      await Promise.all([page.waitForURL(/\/appeals\/\d+$/), unreadRows.first().locator('a.nt-title').tap()]);
      assert.equal(await unreadOf(page), before - 1, 'opening a notice did not read it');
      await page.goto(`${server.url}/notices`);
      await page.locator('button[data-read-all]').tap();
      await page.locator('.alert-ok', { hasText: '标为已读' }).waitFor();
      assert.equal(await unreadOf(page), 0, 'the bell still counts after 全部标为已读');
      assert.equal(await page.locator('article.nt-unread').count(), 0);
      await shot(page, 'notices-read-390');
      assertNoErrors(errors);
    }, PHONE));

  test('the office sees its bell and list at desktop width', { timeout: 90_000 }, () =>
    withPage(browser, 'notices-desktop', async (page, errors) => {
      await login(page, server.url, 'office');
      assert.ok(await page.locator('a[data-bell] .bell-label').isVisible(), 'no bell label at 1440');
      await Promise.all([page.waitForURL(/\/notices$/), page.locator('a[data-bell]').click()]);
      assert.ok(await page.locator('article.nt').count() > 0, 'the office has no notice in the demo city');
      await shot(page, 'notices-list-1440');
      assertNoErrors(errors);
    }, DESKTOP));
});
