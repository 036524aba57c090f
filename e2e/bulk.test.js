'use strict';

// The office's bulk work on the appeal list, on a desktop and on a 390×844 phone: three
// appeals filed by an enterprise are found by search, accepted together with the
// select-all box, then checked one by one and assigned (交办) to a department in one
// go; the page reports each appeal's outcome.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const {
  DEMO_PASSWORD,
  assertNoErrors,
  launchBrowser,
  login,
  shot,
  startServer,
  withPage,
} = require('./harness');

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

// fileAppeals files n appeals as the demo enterprise through the JSON API.
async function fileAppeals(base, title, n) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'enterprise', password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 200);
  const { token } = await res.json();
  const numbers = [];
  for (let i = 1; i <= n; i++) {
    const r = await fetch(`${base}/api/v1/appeals`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `${title} ${i}`, content: '厂区周边道路照明不足，夜间货车进出存在安全隐患。', category: '其他' }),
    });
    assert.equal(r.status, 201, `file ${title} ${i}`);
    numbers.push((await r.json()).number);
  }
  return numbers;
}

async function submitBulk(page, action, fill = async () => {}) {
  const form = page.locator('form[data-bulk-form]');
  await form.locator('select[name=action]').selectOption(action);
  await fill(form);
  await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()]);
  const result = page.locator('[data-bulk-result]');
  await result.waitFor({ state: 'visible' });
  return result;
}

describe('bulk work on the appeal list', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'bulk-server' });
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const [name, device] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`office accepts and assigns three appeals at once (${name})`, () => withPage(browser, `bulk-${name}`, async (page, errors) => {
      const title = `路灯批量交办${name}`;
      const numbers = await fileAppeals(server.url, title, 3);
      await login(page, server.url, 'office');
      await page.goto(`${server.url}/appeals?q=${encodeURIComponent(title)}`);
      assert.equal(await page.locator('[data-pick]').count(), 3, 'the search finds the three appeals');

      // 受理 all three with the select-all box.
      await page.locator('[data-select-all]').check();
      assert.match(await page.locator('[data-bulk-count]').innerText(), /已选 3 件/);
      let result = await submitBulk(page, 'accept');
      assert.match(await result.innerText(), /批量受理：成功 3 件，失败 0 件/);
      assert.equal(await page.locator('[data-pick]').count(), 3, 'the list after the bulk action keeps its search');

      // 交办 them to one department, ticked one by one, at 快速办.
      const picks = page.locator('[data-pick]');
      for (let i = 0; i < 3; i++) await picks.nth(i).check();
      result = await submitBulk(page, 'assign', async (form) => {
        const dept = form.locator('select[name=department_id]');
        assert.ok(await dept.isVisible(), 'the department choice shows for 交办');
        await dept.selectOption({ index: 1 });
        await form.locator('select[name=tier]').selectOption('fast');
      });
      const text = await result.innerText();
      assert.match(text, /批量交办：成功 3 件，失败 0 件/);
      for (const n of numbers) assert.ok(text.includes(n), `the result names ${n}`);
      assert.match(text, /现处于“整改”环节/);
      await shot(page, `bulk-${name}`);

      // Accepting them again fails for each appeal alone, with its number and reason.
      await page.goto(`${server.url}/appeals?q=${encodeURIComponent(title)}`);
      await page.locator('[data-select-all]').check();
      result = await submitBulk(page, 'accept');
      const again = await result.innerText();
      assert.match(again, /批量受理：成功 0 件，失败 3 件/);
      for (const n of numbers) assert.ok(again.includes(n), `the failure names ${n}`);
      assert.match(again, /“整改”环节，不能受理/);
      await shot(page, `bulk-${name}-again`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (name === 'phone') assert.ok(width <= 390, `page is ${width}px wide on a 390px phone screen`);
      assertNoErrors(errors);
    }, device));
  }
});
