'use strict';

// The app on a phone (390×844) and on a desktop (1440×900): the leader's visit form keeps
// a draft through a reload and a lost connection and takes photos; choice radios never
// wrap one character per line; tap targets are 44 px; nothing makes the page itself
// scroll sideways. Screenshots of the pages people use on phones go to e2e/output.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { apiAs, assertNoErrors, launchBrowser, login, shot, startServer, tinyPng, withPage } = require('./harness');

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const SIZES = [['390', PHONE], ['1440', DESKTOP]];

// noSidewaysScroll fails when the page is wider than the window: wide tables must
// scroll inside their cards.
async function noSidewaysScroll(page, what) {
  // A phone widens its layout viewport to fit content that overflows, so the window's
  // own width is no yardstick: the configured screen width is.
  const width = page.viewportSize().width;
  const scroll = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth));
  assert.ok(scroll <= width + 1, `${what}: the page scrolls sideways (${scroll} > ${width})`);
}

// choiceLines returns, for each visible radio label matching sel, its text, its height
// and the number of lines its text takes.
function choiceLines(page, sel) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].filter((l) => l.offsetParent).map((label) => {
    const tops = new Set();
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    }
    return { text: label.textContent.trim(), height: label.getBoundingClientRect().height, lines: tops.size };
  }), sel);
}

async function assertOneLine(page, sel, what) {
  const labels = await choiceLines(page, sel);
  assert.ok(labels.length > 0, `${what}: no radio labels found (${sel})`);
  for (const l of labels) {
    assert.equal(l.lines, 1, `${what}: "${l.text}" wraps over ${l.lines} lines`);
    assert.ok(l.height < 56, `${what}: "${l.text}" is ${l.height}px tall, more than one line`);
  }
}

// smallTargets lists visible controls in the page's main part shorter than 44 px.
function smallTargets(page, scope) {
  return page.evaluate((scope) => {
    const sel = 'button, .btn, select, textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox])';
    return [...document.querySelectorAll(`${scope} ${sel}`)]
      .filter((el) => el.offsetParent && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => ({ what: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height }))
      .filter((t) => t.h < 43.5);
  }, scope);
}

describe('phone', () => {
  let server;
  let browser;

  let awaitingRating;

  before(async () => {
    server = await startServer({ demo: true, name: 'phone-server' });
    browser = await launchBrowser();
    awaitingRating = await appealAwaitingRating(server.url);
  }, { timeout: 180_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('the visit form keeps a draft through a reload and a lost connection, and takes photos', { timeout: 120_000 }, () =>
    withPage(browser, 'phone-visit', async (page, errors) => {
      await login(page, server.url, 'leader');
      await page.goto(`${server.url}/visits/new`);
      const form = page.locator('form[data-draft]');
      await form.waitFor({ state: 'visible' });
      await page.selectOption('select[name=enterprise_id]', { index: 1 });
      await page.locator('label.chip', { hasText: '座谈' }).click();
      await page.fill('input[name=participants]', '企业总经理、区工信局');
      await page.fill('textarea[name=summary]', '了解企业二期扩产进展，企业反映用电容量不足。');
      await page.click('[data-add-problem]');
      await page.locator('input[name=problem_title]').nth(1).fill('二期厂房用电报装慢');
      await page.locator('textarea[name=problem_content]').nth(1).fill('新厂房报装已申请两个月尚未接电，影响投产。');

      await page.reload();
      await form.waitFor({ state: 'visible' });
      await page.locator('[data-draft-note]', { hasText: '已恢复草稿' }).waitFor({ state: 'visible' });
      assert.equal(await page.inputValue('textarea[name=summary]'), '了解企业二期扩产进展，企业反映用电容量不足。');
      assert.equal(await page.inputValue('input[name=participants]'), '企业总经理、区工信局');
      assert.equal(await page.locator('input[name=mode][value=meeting]').isChecked(), true);
      assert.equal(await page.locator('input[name=problem_title]').count(), 2);
      assert.equal(await page.locator('input[name=problem_title]').nth(1).inputValue(), '二期厂房用电报装慢');
      assert.notEqual(await page.inputValue('select[name=enterprise_id]'), '');
      await assertOneLine(page, 'label.chip', 'visit modes');
      await noSidewaysScroll(page, 'visit form');
      assert.deepEqual(await smallTargets(page, 'main'), [], 'visit form: controls under 44 px');
      await shot(page, 'phone-visit-form-390');

      // A field the server refuses: its own page shows the error, and the draft stays.
      await page.fill('textarea[name=summary]', '短');
      await Promise.all([
        page.waitForURL(/\/visits$/),
        page.click('form[data-draft] button[type=submit]'),
      ]);
      await page.locator('.alert-error', { hasText: '走访情况' }).first().waitFor({ state: 'visible' });
      // The server drops the blank first row and keeps what was typed.
      assert.equal(await page.locator('input[name=problem_title]').last().inputValue(), '二期厂房用电报装慢');
      await page.fill('textarea[name=summary]', '了解企业二期扩产进展，企业反映用电容量不足。');

      // The connection drops as the leader submits: they are told, and the draft stays.
      const drop = (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue());
      await page.route('**/visits', drop);
      await page.setInputFiles('input[type=file][name=file]', { name: '现场.png', mimeType: 'image/png', buffer: tinyPng() });
      await page.click('form[data-draft] button[type=submit]');
      await page.locator('[data-draft-offline]').waitFor({ state: 'visible' });
      assert.match(await page.locator('[data-draft-offline]').innerText(), /网络连接中断/);
      assert.ok(await page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('qinqing.draft.'))),
        'the draft is gone after a failed submit');
      await shot(page, 'phone-visit-offline-390');

      // Back online, the same submit goes through, with the photo; the draft is cleared.
      await page.unroute('**/visits', drop);
      await Promise.all([
        page.waitForURL(/\/visits\/\d+$/),
        page.click('form[data-draft] button[type=submit]'),
      ]);
      await page.locator('.alert-ok', { hasText: '已登记' }).waitFor({ state: 'visible' });
      assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('qinqing.draft.')).length), 0);
      const img = page.locator('#photos img').first();
      await img.waitFor({ state: 'visible' });
      assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the photo thumbnail does not load');
      await noSidewaysScroll(page, 'visit page');
      await shot(page, 'phone-visit-390');

      await page.goto(`${server.url}/visits/new`);
      await form.waitFor({ state: 'visible' });
      assert.equal(await page.locator('[data-draft-note]').isVisible(), false, 'a submitted draft came back');
      assert.equal(await page.inputValue('textarea[name=summary]'), '');
      assertNoErrors(errors, { allow: [
        (e) => /internetdisconnected|ERR_INTERNET_DISCONNECTED|Failed to fetch/i.test(e.text),
        (e) => /status of 422/.test(e.text) && /\/visits$/.test(e.url),
      ] });
    }, PHONE));

  for (const [size, opts] of SIZES) {
    test(`the enterprise's rating form at ${size}: radios on one line`, { timeout: 90_000 }, () =>
      withPage(browser, `phone-rate-${size}`, async (page, errors) => {
        await login(page, server.url, 'enterprise');
        const id = awaitingRating;
        await page.goto(`${server.url}/appeals/${id}`);
        await page.locator('input[name=satisfaction]').first().waitFor({ state: 'attached' });
        const details = page.locator('details:has(input[name=satisfaction])');
        if (await details.count()) await details.first().evaluate((d) => { d.open = true; });
        await assertOneLine(page, '.choice label', `rating at ${size}`);
        await noSidewaysScroll(page, `appeal at ${size}`);
        if (size === '390') assert.deepEqual(await smallTargets(page, 'main'), [], 'appeal page: controls under 44 px');
        await shot(page, `phone-appeal-${size}`);

        // Its 办理单: a form with no navigation, and as it prints.
        await page.goto(`${server.url}/appeals/${id}/print`);
        await page.locator('article.sheet h1', { hasText: '涉企诉求办理单' }).waitFor({ state: 'visible' });
        assert.equal(await page.locator('nav').count(), 0, 'the 办理单 carries the navigation');
        await noSidewaysScroll(page, `办理单 at ${size}`);
        await shot(page, `phone-print-${size}`);
        if (size === '1440') {
          await page.emulateMedia({ media: 'print' });
          assert.equal(await page.locator('.print-tools').isVisible(), false, 'the print button prints');
          await shot(page, 'phone-print-paper');
          await page.emulateMedia({ media: 'screen' });
        }
        assertNoErrors(errors);
      }, opts));

    test(`the 抽查 verdicts at ${size}: radios on one line`, { timeout: 90_000 }, () =>
      withPage(browser, `phone-sample-${size}`, async (page, errors) => {
        await login(page, server.url, 'auditor');
        await page.goto(`${server.url}/oversight/sample`);
        const draw = page.locator('form[action="/oversight/sample"][method=post] button[type=submit]');
        if (await draw.count()) {
          page.once('dialog', (d) => d.accept());
          await Promise.all([page.waitForURL(/\/oversight\/sample/), draw.click()]);
        }
        const verdicts = page.locator('form.verdict label.radio');
        if (await verdicts.count()) await assertOneLine(page, 'form.verdict label.radio', `sample at ${size}`);
        await noSidewaysScroll(page, `sample at ${size}`);
        await shot(page, `phone-sample-${size}`);
        assertNoErrors(errors);
      }, opts));

    test(`the stats page at ${size}: its tables scroll inside their cards`, { timeout: 90_000 }, () =>
      withPage(browser, `phone-stats-${size}`, async (page, errors) => {
        await login(page, server.url, 'office');
        await page.goto(`${server.url}/stats?range=all`);
        await page.locator('main[data-page="stats"]').waitFor({ state: 'visible' });
        await page.waitForLoadState('networkidle');
        await noSidewaysScroll(page, `stats at ${size}`);
        const escaping = await page.evaluate(() => [...document.querySelectorAll('main table')].filter((t) => {
          const card = t.closest('.card') || t.parentElement;
          return t.getBoundingClientRect().width > card.getBoundingClientRect().width + 1 &&
            !['auto', 'scroll'].includes(getComputedStyle(t.parentElement).overflowX);
        }).length);
        assert.equal(escaping, 0, 'a stats table is wider than its card and does not scroll within it');
        await shot(page, `phone-stats-${size}`);
        assertNoErrors(errors);
      }, opts));

    if (size === '1440') {
      test('the visit form at 1440', { timeout: 60_000 }, () =>
        withPage(browser, 'phone-visit-1440', async (page, errors) => {
          await login(page, server.url, 'leader');
          await page.goto(`${server.url}/visits/new`);
          await page.locator('form[data-draft]').waitFor({ state: 'visible' });
          await assertOneLine(page, 'label.chip', 'visit modes at 1440');
          await shot(page, 'phone-visit-form-1440');
          assertNoErrors(errors);
        }, opts));
    }
  }
});

// appealAwaitingRating files an appeal as the demo enterprise and takes it through the
// office and the department to 反馈, so that a rating form is there whatever the demo
// city's own appeals look like today.
async function appealAwaitingRating(url) {
  const [firm, office, dept] = await Promise.all(['enterprise', 'office', 'department'].map((u) => apiAs(url, u)));
  const me = await dept('GET', '/me');
  let ap = await firm('POST', '/appeals', {
    title: '园区路灯损坏夜间通行不便',
    content: '园区主干道路灯损坏多日，夜间员工通行不便，请协调维修。',
    category: '其他',
  });
  for (const [as, body] of [[office, { action: 'accept' }], [office, { action: 'assign', department_id: me.department_id }],
    [dept, { action: 'report', note: '已联系供电所更换灯具。' }]]) {
    ap = await as('POST', `/appeals/${ap.id}/actions`, { ...body, version: ap.version });
  }
  assert.equal(ap.stage, 'feedback');
  return ap.id;
}
