'use strict';

// The admin management pages: an account made through the UI can sign in, and a
// reassigned enterprise keeps its ended pair in the history.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const {
  assertNoErrors,
  launchBrowser,
  login,
  shot,
  startServer,
  withPage,
} = require('./harness');

// submit clicks a form's submit button and waits for the page the server answers with.
async function submit(page, form) {
  await Promise.all([
    page.waitForEvent('load'),
    form.locator('button[type=submit]').click(),
  ]);
}

async function signOut(page) {
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/login'),
    page.locator('form[action="/logout"] button:visible').first().click(),
  ]);
}

describe('admin pages', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'admin-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('admin creates a department account that can sign in', { timeout: 90_000 }, () =>
    withPage(browser, 'admin-users', async (page, errors) => {
      await login(page, server.url, 'admin');
      await page.goto(`${server.url}/admin/users`);
      await page.locator('main[data-page="admin-users"]').waitFor({ state: 'visible' });

      const form = page.locator('form[action="/admin/users"][method="post"]');
      await form.locator('input[name=username]').fill('zhao.dept');
      await form.locator('input[name=display_name]').fill('赵文静');
      await form.locator('select[name=role]').selectOption('department');
      // Only the scope the role needs is shown.
      const dept = form.locator('select[name=department_id]');
      await dept.waitFor({ state: 'visible' });
      assert.equal(await form.locator('select[name=leader_id]').isVisible(), false, 'leader select shown for a department role');
      const deptName = (await dept.locator('option').nth(2).textContent()).trim();
      await dept.selectOption({ index: 2 });
      await form.locator('input[name=password]').fill('Zhao-2026-dept');
      await submit(page, form);

      assert.equal(new URL(page.url()).pathname, '/admin/users');
      await page.locator('.alert-ok', { hasText: '已新建用户' }).waitFor({ state: 'visible' });
      const row = page.locator('tr', { hasText: 'zhao.dept' });
      await row.waitFor({ state: 'visible' });
      assert.match(await row.textContent(), new RegExp(deptName));
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await shot(page, 'admin-users');

      await signOut(page);
      await login(page, server.url, 'zhao.dept', 'Zhao-2026-dept');
      await page.locator('main[data-page="home-department"]').waitFor({ state: 'visible' });
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
    }));

  test('admin reassigns an enterprise and sees the ended pair in the history', { timeout: 90_000 }, () =>
    withPage(browser, 'admin-liaisons', async (page, errors) => {
      await login(page, server.url, 'admin');
      await page.goto(`${server.url}/admin/liaisons?active=true`);
      await page.locator('main[data-page="admin-liaisons"]').waitFor({ state: 'visible' });

      const first = page.locator('tbody tr').first();
      const entLink = first.locator('td').nth(0).locator('a');
      const entName = (await entLink.textContent()).trim();
      const entID = (await entLink.getAttribute('href')).split('/').pop();
      const oldLeader = (await first.locator('td').nth(1).evaluate((td) => td.firstChild.textContent)).trim();

      const form = page.locator('form[action="/admin/liaisons"][method="post"]');
      await form.locator('input[name=enterprise]').fill(entID);
      const options = await form.locator('select[name=leader_id] option').allTextContents();
      const index = options.findIndex((o, i) => i > 0 && !o.startsWith(oldLeader));
      const newLeader = options[index].split('（')[0].split(' ')[0].trim();
      await form.locator('select[name=leader_id]').selectOption({ index });
      await form.locator('input[name=note]').fill('按市委分工调整');
      await submit(page, form);

      const url = new URL(page.url());
      assert.equal(url.pathname, '/admin/liaisons');
      assert.equal(url.searchParams.get('enterprise_id'), entID);
      await page.locator('.alert-ok', { hasText: '原包保领导' }).waitFor({ state: 'visible' });
      const ended = page.locator('tbody tr', { hasText: oldLeader }).filter({ has: page.locator('.tag', { hasText: '已结束' }) });
      await ended.waitFor({ state: 'visible' });
      const current = page.locator('tbody tr', { hasText: newLeader }).filter({ has: page.locator('.tag-ok', { hasText: '在册' }) });
      await current.waitFor({ state: 'visible' });
      assert.match(await page.locator('.filter-note').textContent(), new RegExp(entName));
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await shot(page, 'admin-liaisons');

      // 结束 asks first; cancelling changes nothing, accepting ends the pair.
      const endForm = current.locator('form.end-form');
      page.once('dialog', (d) => d.dismiss());
      await endForm.locator('button[type=submit]').click();
      assert.equal(await current.locator('.tag-ok').count(), 1, 'a dismissed confirm still ended the pair');
      page.once('dialog', (d) => d.accept());
      await submit(page, endForm);
      await page.locator('.alert-ok', { hasText: '已结束' }).waitFor({ state: 'visible' });
      assert.equal(await page.locator('tbody .tag-ok').count(), 0, 'the pair is still 在册 after 结束');
      assertNoErrors(errors);
    }));

  test('office views the pairs without the forms, on a phone', { timeout: 90_000 }, () =>
    withPage(browser, 'admin-liaisons-phone', async (page, errors) => {
      await login(page, server.url, 'office');
      await page.goto(`${server.url}/admin/liaisons`);
      await page.locator('main[data-page="admin-liaisons"]').waitFor({ state: 'visible' });
      assert.equal(await page.locator('form[method="post"][action="/admin/liaisons"]').count(), 0);
      assert.equal(await page.locator('form.end-form').count(), 0);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `page is ${width}px wide on a 390px phone screen`);
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await shot(page, 'admin-liaisons-phone');
    }, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));

  test('admin users page on a phone', { timeout: 90_000 }, () =>
    withPage(browser, 'admin-users-phone', async (page, errors) => {
      await login(page, server.url, 'admin');
      await page.goto(`${server.url}/admin/users`);
      await page.locator('main[data-page="admin-users"]').waitFor({ state: 'visible' });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `page is ${width}px wide on a 390px phone screen`);
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await shot(page, 'admin-users-phone');
    }, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
});
