'use strict';

// Ratings that arrive, on a phone: an appeal is walked to 反馈 through the API, then the
// enterprise signs in at 390×844, finds it under 待您评价 on its home, rates it 不满意
// and is told where the work goes and by when.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const {
  apiAs,
  assertNoErrors,
  launchBrowser,
  login,
  shot,
  startServer,
  withPage,
} = require('./harness');

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe('rating on a phone', () => {
  let server;
  let browser;
  let appeal;
  let deptName;

  before(async () => {
    server = await startServer({ demo: true, name: 'rating-server' });
    browser = await launchBrowser();
    const [firm, office, dept] = await Promise.all(['enterprise', 'office', 'department'].map((u) => apiAs(server.url, u)));
    const me = await dept('GET', '/me');
    let ap = await firm('POST', '/appeals', {
      title: '厂区道路破损影响货车通行',
      content: '厂区门前市政道路破损严重，大货车无法通行，已影响正常发货，请协调修复。',
      category: '物流',
    });
    const step = async (as, body) => {
      ap = await as('POST', `/appeals/${ap.id}/actions`, { ...body, version: ap.version });
    };
    await step(office, { action: 'accept' });
    await step(office, { action: 'assign', department_id: me.department_id });
    await step(dept, { action: 'report', note: '已安排施工队修补路面。' });
    assert.equal(ap.stage, 'feedback');
    appeal = ap;
    deptName = ap.department_name;
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('the enterprise sees 待您评价, rates 不满意 and is told what happens next', { timeout: 120_000 }, async () => {
    await withPage(browser, 'rating', async (page, errors) => {
      await login(page, server.url, 'enterprise');
      const card = page.locator('#rating-due');
      await card.waitFor({ state: 'visible' });
      assert.match(await card.innerText(), /待您评价/);
      assert.match(await card.innerText(), new RegExp(appeal.number));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `home is ${width}px wide on a 390px phone screen`);
      await shot(page, 'rating-1-home');

      await Promise.all([page.waitForEvent('load'), card.locator(`a[href="/appeals/${appeal.id}#actions"]`).click()]);
      const box = page.locator('details[data-action="rate"]');
      await box.waitFor({ state: 'visible' });
      await box.locator('input[name=resolved][value=no]').check();
      await box.locator('input[name=satisfaction][value=unsatisfied]').check();
      await box.locator('textarea[name=note]').fill('路面只补了一半，货车仍然无法通行。');
      await shot(page, 'rating-2-form');
      await Promise.all([page.waitForEvent('load'), box.locator('button[type=submit]').click()]);

      const next = page.locator('#next-steps');
      await next.waitFor({ state: 'visible' });
      const text = await next.innerText();
      assert.match(text, /接下来会怎样/);
      assert.match(text, new RegExp(deptName + '重新整改'));
      assert.match(text, /办理期限/);
      assert.equal(await page.locator('main[data-page="appeal"]').getAttribute('data-stage'), 'rectifying');
      const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w2 <= 390, `appeal page is ${w2}px wide on a 390px phone screen`);
      await shot(page, 'rating-3-next-steps');

      // Back home, the appeal no longer waits for a rating.
      await page.goto(server.url + '/');
      const due = page.locator('#rating-due');
      if (await due.count()) assert.doesNotMatch(await due.innerText(), new RegExp(appeal.number));
      assertNoErrors(errors);
    }, PHONE);
  });

  test('a form that failed shows its page address, and a refresh does not post again', { timeout: 120_000 }, async () => {
    await withPage(browser, 'refresh', async (page) => {
      await login(page, server.url, 'enterprise');
      await page.goto(server.url + '/appeals/new');
      // The browser's own checks would stop the form; the server's are the ones tried here.
      await page.evaluate(() => { document.querySelector('form.appeal-form').noValidate = true; });
      await page.fill('input[name=title]', '短');
      await page.fill('textarea[name=content]', '这段内容已经写了很多字，刷新后不应再次提交。');
      await Promise.all([page.waitForEvent('load'), page.click('form.appeal-form button[type=submit]')]);
      await page.locator('.alert-error').waitFor({ state: 'visible' });
      assert.equal(new URL(page.url()).pathname, '/appeals/new');
      assert.equal(await page.inputValue('textarea[name=content]'), '这段内容已经写了很多字，刷新后不应再次提交。');
      await shot(page, 'rating-4-form-error');
      const methods = [];
      page.on('request', (req) => { if (req.isNavigationRequest()) methods.push(req.method()); });
      await page.reload();
      assert.deepEqual(methods, ['GET'], 'the refresh posted the form again');
      assert.equal(await page.locator('.alert-error').count(), 0);
    }, PHONE);
  });
});
