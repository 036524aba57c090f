'use strict';

// The whistleblower channel end to end: someone without an account files an anonymous
// report with a photo and keeps the receipt; the discipline office accepts it, assigns
// it to a department other than the one complained of, replies to the reporter and
// reports the result; the reporter follows up with the receipt, adds information and
// rates; the auditor sees the message, finds the report anonymous in the vault, closes
// it, and proves the audit log with a signed checkpoint.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const { OUTPUT_DIR, assertNoErrors, collectErrors, launchBrowser, login, newPage, shot, startServer, tinyPng } = require('./harness');



// submit clicks a form's submit button and waits for the page the server answers with.
async function submit(page, form, button = 'button[type=submit]') {
  await Promise.all([page.waitForEvent('load'), form.locator(button).first().click()]);
}

// act opens an action's form on the oversight appeal page, fills it and submits it.
async function act(page, action, fill = async () => {}) {
  const box = page.locator(`details[data-action="${action}"]`);
  await box.waitFor({ state: 'attached' });
  if ((await box.getAttribute('open')) === null) await box.locator('summary').click();
  const form = box.locator('form');
  await fill(form);
  await submit(page, form);
  assert.equal(await page.locator('.alert-error').count(), 0, `“${action}” failed: ${await page.locator('.alert-error').allInnerTexts()}`);
}

const TITLE = '窗口人员暗示缴纳“加急费”';

describe('report', () => {
  let server;
  let browser;
  let receipt;
  let number;
  let appealURL;

  before(async () => {
    server = await startServer({ demo: true, name: 'report-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('anyone files an anonymous report with evidence and keeps the receipt', { timeout: 60_000 }, async () => {
    const { context, page } = await newPage(browser);
    const errors = collectErrors(page);
    try {
      await page.goto(`${server.url}/report`);
      assert.equal(await page.locator('nav.nav').count(), 0, 'the public page shows staff navigation');
      const form = page.locator('form.report-form');
      await form.locator('select[name=category]').selectOption('吃拿卡要');
      await form.locator('select[name=about_department_id]').selectOption({ label: '市市场监督管理局' });
      await form.locator('input[name=official]').fill('登记窗口工作人员');
      await form.locator('input[name=title]').fill(TITLE);
      await form.locator('textarea[name=content]').fill('办理营业执照变更时，窗口人员说正常要等十个工作日，交五百元“加急费”两天就能办好，没有任何收据。');
      // Anonymous is the default, and then the name and phone fields are hidden.
      assert.ok(await form.locator('#anon-yes').isChecked());
      assert.equal(await form.locator('input[name=contact_name]').isVisible(), false);
      await form.locator('#anon-no').check();
      assert.ok(await form.locator('input[name=contact_name]').isVisible(), 'choosing 实名 shows the contact fields');
      await form.locator('#anon-yes').check();
      await form.locator('input[type=file]').setInputFiles({ name: '收费截图.png', mimeType: 'image/png', buffer: tinyPng() });
      await shot(page, 'report-01-form');
      await submit(page, form);
      const code = page.locator('[data-receipt]');
      await code.waitFor({ state: 'visible' });
      receipt = (await code.innerText()).trim();
      number = (await page.locator('[data-number]').innerText()).trim();
      assert.match(receipt.replace(/ /g, ''), /^\d{20}$/, `receipt ${receipt}`);
      assert.match(number, /^SQ\d{4}-\d{6}$/);
      await shot(page, 'report-02-receipt');
      // Only the CSRF cookie was ever set: nothing ties the browser to the report.
      const cookies = (await context.cookies()).map((c) => c.name).sort();
      assert.deepEqual(cookies, ['qq_csrf']);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('the auditor accepts, assigns elsewhere, replies and reports', { timeout: 90_000 }, async () => {
    const { context, page } = await newPage(browser);
    const errors = collectErrors(page);
    page.on('dialog', (d) => d.accept());
    try {
      await login(page, server.url, 'auditor');
      await page.goto(`${server.url}/oversight/reports`);
      await shot(page, 'report-03-workspace-reports');
      await Promise.all([page.waitForEvent('load'), page.locator(`a:has-text("${number}")`).click()]);
      appealURL = page.url();
      assert.match(appealURL, /\/oversight\/appeals\/\d+$/);
      assert.equal(await page.locator('main').getAttribute('data-stage'), 'discovered');
      assert.ok((await page.locator('main').innerText()).includes('收费截图.png'), 'the evidence is on the timeline');

      await act(page, 'accept');
      // The department complained of is not offered.
      await act(page, 'assign', async (form) => {
        const labels = await form.locator('select[name=department_id] option').allInnerTexts();
        assert.ok(!labels.includes('市市场监督管理局'), 'the department concerned is offered');
        await form.locator('select[name=department_id]').selectOption({ label: '市营商环境建设局（市数据局）' });
      });
      await act(page, 'comment', async (form) => {
        await form.locator('textarea[name=note]').fill('内部：请调取窗口收费记录和监控。');
      });
      await act(page, 'comment', async (form) => {
        await form.locator('textarea[name=note]').fill('您反映的问题已受理，已交有关单位核查，请保存好回执码。');
        await form.locator('input[name=public]').check();
      });
      await act(page, 'report', async (form) => {
        await form.locator('textarea[name=note]').fill('经核查，窗口人员私自收取“加急费”属实，已全额退还并给予处分，窗口加装收费公示牌。');
      });
      assert.equal(await page.locator('main').getAttribute('data-stage'), 'feedback');

      // The vault: the report is anonymous, and the look is on record.
      await page.locator('#vault textarea[name=reason]').fill('核实是否需要联系举报人');
      await submit(page, page.locator('#vault form'));
      await page.locator('[data-identity]').waitFor({ state: 'visible' });
      assert.match(await page.locator('[data-identity]').innerText(), /匿名举报/);
      await shot(page, 'report-04-auditor-handled');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('the reporter follows up with the receipt, adds information and rates', { timeout: 60_000 }, async () => {
    const { context, page } = await newPage(browser);
    const errors = collectErrors(page);
    try {
      await page.goto(`${server.url}/track`);
      const form = page.locator('form[action="/track"]');
      await form.locator('input[name=receipt]').fill(receipt);
      await submit(page, form);
      const main = page.locator('main[data-page=track]');
      const text = await main.innerText();
      assert.ok(text.includes(TITLE), 'the report is shown');
      assert.ok(text.includes('请保存好回执码'), 'the public reply is shown');
      assert.ok(text.includes('已全额退还'), 'the result is shown');
      assert.ok(!text.includes('调取窗口收费记录'), 'an internal comment is shown');
      assert.ok(!text.includes('市营商环境建设局'), 'the handling department is shown');
      await shot(page, 'report-05-track');

      const more = page.locator('form[action="/track/message"]');
      await more.locator('textarea[name=content]').fill('补充：同一窗口上周也向另一家企业收过。');
      await submit(page, more);
      await page.locator('.alert-ok').waitFor({ state: 'visible' });
      assert.ok((await main.innerText()).includes('另一家企业'));

      const rate = page.locator('form[action="/track/rating"]');
      await rate.locator('input[name=resolved][value=yes]').check();
      await rate.locator('input[name=satisfaction][value=satisfied]').check();
      await rate.locator('textarea[name=comment]').fill('处理得很快');
      await submit(page, rate);
      await page.locator('.alert-ok').waitFor({ state: 'visible' });
      assert.match(await main.innerText(), /已解决，满意/);
      assert.equal(await page.locator('form[action="/track/rating"]').count(), 0, 'can rate twice');
      await shot(page, 'report-06-rated');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('the auditor closes it and proves the audit log with a checkpoint', { timeout: 90_000 }, async () => {
    const { context, page } = await newPage(browser, { acceptDownloads: true });
    const errors = collectErrors(page);
    try {
      await login(page, server.url, 'auditor');
      await page.goto(appealURL);
      assert.ok((await page.locator('main').innerText()).includes('另一家企业'), 'the reporter\'s message is on the timeline');
      await act(page, 'close');
      assert.equal(await page.locator('main').getAttribute('data-stage'), 'closed');
      await shot(page, 'report-07-closed');

      await page.goto(`${server.url}/oversight/reveals`);
      assert.ok((await page.locator('table[data-list=reveals]').innerText()).includes('核实是否需要联系举报人'));

      await page.goto(`${server.url}/oversight/checkpoint`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download-checkpoint]').click()]);
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      const file = path.join(OUTPUT_DIR, 'checkpoint.txt');
      await download.saveAs(file);
      assert.match(fs.readFileSync(file, 'utf8'), /^qinqing-audit\n\d+\n/);
      const upload = page.locator('form[action="/oversight/checkpoint"]');
      await upload.locator('input[type=file]').setInputFiles(file);
      await submit(page, upload);
      assert.equal(await page.locator('[data-checkpoint-ok]').getAttribute('data-checkpoint-ok'), 'true');
      await shot(page, 'report-08-checkpoint');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('the report and track pages fit a phone', { timeout: 60_000 }, async () => {
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      for (const p of ['/report', '/track']) {
        await page.goto(`${server.url}${p}`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `${p} is ${width}px wide on a 390px screen`);
      }
      await page.locator('input[name=receipt]').fill(receipt);
      await submit(page, page.locator('form[action="/track"]'));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `the report view is ${width}px wide on a 390px screen`);
      await shot(page, 'report-09-track-phone');
    } finally {
      await context.close();
    }
  });
});

describe('oversight workspace', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'oversight-server' });
    browser = await launchBrowser();
  }, { timeout: 120_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('every list of the workspace shows the demo city\'s flagged work', { timeout: 120_000 }, async () => {
    const { context, page } = await newPage(browser);
    const errors = collectErrors(page);
    try {
      await login(page, server.url, 'auditor');
      await page.goto(`${server.url}/oversight`);
      await shot(page, 'oversight-01-overview');
      for (const kind of ['overdue', 'reopened', 'unsatisfied', 'returned', 'extensions', 'suspicious', 'supervisions']) {
        await page.goto(`${server.url}/oversight/watch/${kind}`);
        const rows = page.locator(`table[data-list=${kind}] tbody tr`);
        assert.ok(await rows.count() > 0, `${kind} is empty`);
        assert.ok(!(await rows.first().innerText()).includes('清单为空'), `${kind} is empty`);
        if (kind === 'suspicious' || kind === 'extensions') await shot(page, `oversight-02-${kind}`);
      }
      await page.goto(`${server.url}/oversight/watch/suspicious`);
      await page.locator('select[name=reason]').selectOption('quick');
      await submit(page, page.locator('form.filters'));
      assert.match(await page.locator('table[data-list=suspicious]').innerText(), /交办后数分钟/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('the auditor gives a sample verdict, records 问责 and publishes a typical case', { timeout: 120_000 }, async () => {
    const { context, page } = await newPage(browser);
    const errors = collectErrors(page);
    page.on('dialog', (d) => d.accept());
    try {
      await login(page, server.url, 'auditor');
      await page.goto(`${server.url}/oversight/sample`);
      const verdict = page.locator('form.verdict').first();
      await verdict.waitFor({ state: 'visible' });
      await verdict.locator('input[value=pass]').check();
      await verdict.locator('input[name=note]').fill('电话回访，企业确认已解决');
      await submit(page, verdict);
      await page.locator('.alert-ok').waitFor({ state: 'visible' });
      await shot(page, 'oversight-03-sample');

      // A closed appeal from the suspicious list becomes the subject of 问责 and a case.
      await page.goto(`${server.url}/oversight/watch/suspicious?reason=quick`);
      const link = page.locator('table[data-list=suspicious] tbody a').first();
      const number = (await link.innerText()).trim();
      await page.goto(`${server.url}/oversight/accountability`);
      const form = page.locator('form[method=post][action="/oversight/accountability"]');
      await form.locator('select[name=department_id]').selectOption({ label: '市市场监督管理局' });
      await form.locator('input[name=person_name]').fill('钱某');
      await form.locator('input[name=person_title]').fill('登记注册科科员');
      await form.locator('select[name=measure]').selectOption('通报批评');
      await form.locator('input[name=appeal_numbers]').fill(number);
      await form.locator('textarea[name=facts]').fill('未实际处理即在交办后数分钟报告整改完成，企业问题未解决。');
      await submit(page, form);
      await page.locator('.alert-ok').waitFor({ state: 'visible' });
      assert.match(await page.locator('table[data-list=accountability]').innerText(), /钱某[\s\S]*通报批评/);
      await shot(page, 'oversight-04-accountability');

      await page.goto(`${server.url}/oversight/watch/suspicious?reason=quick`);
      await Promise.all([page.waitForEvent('load'), page.locator('table[data-list=suspicious] tbody a').first().click()]);
      await page.locator('summary:has-text("列为典型案例")').click();
      const mark = page.locator('form[action$="/case"]');
      await mark.locator('input[name=title]').fill('交办数分钟即报办结被通报批评');
      await mark.locator('textarea[name=summary]').fill('某企业变更登记受阻，承办科室在交办后七分钟即报告整改完成，实际问题并未解决。经查，对承办人予以通报批评。');
      await mark.locator('textarea[name=lesson]').fill('整改必须见实效，不能以文件代替落实。');
      await mark.locator('input[name=published]').check();
      await submit(page, mark);
      await page.locator('.alert-ok').waitFor({ state: 'visible' });
      await shot(page, 'oversight-05-cases');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('everyone signed in reads the published cases, printable', { timeout: 60_000 }, async () => {
    const { context, page } = await newPage(browser);
    const errors = collectErrors(page);
    try {
      await login(page, server.url, 'department');
      await Promise.all([page.waitForEvent('load'), page.locator('nav.nav a:has-text("典型案例")').click()]);
      const text = await page.locator('main[data-page=cases]').innerText();
      assert.ok(text.includes('交办数分钟即报办结被通报批评'), 'the new case is not published');
      assert.ok(text.includes('消防验收指定检测机构被诫勉'), 'the demo case is not published');
      assert.ok(!/SQ\d{4}-\d{6}/.test(text), 'a case shows an appeal number');
      await shot(page, 'oversight-06-cases-page');
      await page.emulateMedia({ media: 'print' });
      await shot(page, 'oversight-07-cases-print');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
