'use strict';

// The liaison ledger in a browser: the demo leader logs a visit with two problems on a
// phone, both reach the office's intake; the admin exports the enterprise register and
// imports it again.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const {
  DEMO_PASSWORD,
  OUTPUT_DIR,
  assertNoErrors,
  launchBrowser,
  login,
  shot,
  startServer,
  withPage,
} = require('./harness');

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// api signs in through the JSON API and returns a caller that sends JSON with the token
// and expects 200.
async function api(base, username) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 200, `login ${username}`);
  const { token } = await res.json();
  return async (p, method = 'GET', body = undefined) => {
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(`${base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal(r.status, 200, `${method} ${p} as ${username}`);
    return r.json();
  };
}

async function overdueCount(page) {
  const text = await page.locator('[data-tile="visit-overdue"] b').textContent();
  return Number(text.trim());
}

describe('ledger', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'ledger-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('a leader logs a visit with two problems on a phone; the office receives both', { timeout: 120_000 }, () =>
    withPage(browser, 'ledger-visit-phone', async (page, errors) => {
      await login(page, server.url, 'leader');
      await page.locator('main[data-page="home-leader"]').waitFor();
      await shot(page, 'ledger-leader-home-phone');
      // A cadence of a week makes sure the demo leader has pairs to flag, whatever the day.
      const admin = await api(server.url, 'admin');
      assert.equal((await admin('/api/v1/settings/visit-cadence', 'PUT', { days: 7 })).days, 7);
      await page.reload();
      const overdueBefore = await overdueCount(page);
      assert.ok(overdueBefore > 0, 'the demo leader should have a pair overdue for a visit');

      // The most urgent pair comes first; its 走访 button opens the form with it chosen.
      const card = page.locator('#pairs .pair.overdue').first();
      const firm = (await card.locator('.pair-head a').textContent()).trim();
      await card.locator('a.btn', { hasText: '走访' }).click();
      await page.locator('main[data-page="visit-form"]').waitFor();
      assert.equal(await page.locator('select[name=enterprise_id] option:checked').textContent().then((t) => t.startsWith(firm)), true,
        `the form should open with ${firm} chosen`);

      await page.locator('label.chip', { hasText: '座谈' }).click();
      await page.fill('input[name=participants]', '企业总经理、区工信局');
      await page.fill('textarea[name=summary]', '座谈了解企业扩产计划，企业反映用电和物流两方面困难。');
      const rows = page.locator('#problems .problem');
      await rows.nth(0).locator('input[name=problem_title]').fill('新厂房用电报装进度慢');
      await rows.nth(0).locator('select[name=problem_category]').selectOption('要素保障-用电');
      await rows.nth(0).locator('textarea[name=problem_content]').fill('新厂房 10 千伏报装已申请两个月，尚未确定接入方案，影响年底投产。');
      await page.click('[data-add-problem]');
      assert.equal(await rows.count(), 2, 'a second problem row after 添加问题');
      await rows.nth(1).locator('input[name=problem_title]').fill('危化品运输车辆通行证办理难');
      await rows.nth(1).locator('select[name=problem_category]').selectOption('物流');
      await rows.nth(1).locator('textarea[name=problem_content]').fill('运输车辆进出港区需每月办理通行证，窗口要求的材料反复变化。');
      // A third row added by mistake is removed again.
      await page.click('[data-add-problem]');
      await rows.nth(2).locator('[data-remove-problem]').click();
      assert.equal(await rows.count(), 2);
      await shot(page, 'ledger-visit-form-phone');

      await Promise.all([
        page.waitForURL((u) => /^\/visits\/\d+$/.test(u.pathname)),
        page.click('button[type=submit]:has-text("提交走访记录")'),
      ]);
      const flashText = await page.locator('.alert-ok').textContent();
      const numbers = flashText.match(/SQ\d{4}-\d{6}/g) || [];
      assert.equal(numbers.length, 2, `flash should name two appeals: ${flashText}`);
      assert.equal(await page.locator('#problems tbody tr').count(), 2);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `visit page is ${width}px wide on a 390px phone`);
      await shot(page, 'ledger-visit-logged-phone');
      const visitID = new URL(page.url()).pathname.split('/').pop();

      // The office's intake holds both, linked to the visit and to the leader.
      const office = await api(server.url, 'office');
      const list = await office('/api/v1/appeals?source=visit&stage=discovered&limit=20');
      const listed = list.items.filter((a) => numbers.includes(a.number));
      assert.equal(listed.length, 2, 'both appeals are in the office queue');
      for (const a of listed) {
        assert.equal(a.source, 'visit');
        assert.equal(String(a.visit_id), visitID);
      }
      const visit = await office(`/api/v1/visits/${visitID}`);
      assert.equal(visit.appeals.length, 2);
      assert.equal(visit.mode, 'meeting');

      // The pair is no longer overdue.
      await page.goto(`${server.url}/`);
      assert.equal(await overdueCount(page), overdueBefore - 1, 'the visited pair leaves the overdue count');
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await admin('/api/v1/settings/visit-cadence', 'PUT', { days: 90 });
    }, PHONE));

  test('the admin exports the enterprise register and imports it again', { timeout: 120_000 }, () =>
    withPage(browser, 'ledger-export-import', async (page, errors) => {
      await login(page, server.url, 'admin');
      await page.goto(`${server.url}/enterprises?district=${encodeURIComponent('大洼区')}`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('a:has-text("导出 Excel")'),
      ]);
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      const file = path.join(OUTPUT_DIR, 'ledger-enterprises-export.xlsx');
      await download.saveAs(file);
      assert.match(download.suggestedFilename(), /\.xlsx$/);
      assert.ok(fs.statSync(file).size > 1000, 'the export is a real workbook');

      await page.goto(`${server.url}/admin/import`);
      await page.setInputFiles('#import-enterprises input[type=file]', file);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/admin/import'),
        page.click('#import-enterprises button[type=submit]'),
      ]);
      const flashText = await page.locator('.alert-ok').textContent();
      assert.match(flashText, /未变 \d+/, flashText);
      assert.match(flashText, /新增 0，更新 0/, flashText);
      await shot(page, 'ledger-import');

      // A bad file is refused with its rows named, and nothing changes.
      const bad = path.join(OUTPUT_DIR, 'ledger-bad.csv');
      fs.writeFileSync(bad, '企业名称,统一社会信用代码\n盘锦示例有限公司,914403001922038217\n');
      await page.setInputFiles('#import-enterprises input[type=file]', bad);
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.click('#import-enterprises button[type=submit]'),
      ]);
      assert.match(await page.locator('#import-errors').textContent(), /第 2 行/);
      await shot(page, 'ledger-import-refused');
      const expected = (e) => e.kind === 'console' && /status of 422/.test(e.text);
      assertNoErrors(errors, { allow: [expected] });
    }));
});
