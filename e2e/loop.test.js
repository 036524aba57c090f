'use strict';

// The closed loop 发现—核查—整改—反馈—办结 through the web UI, each role in a browser
// context of its own: an enterprise files, the office accepts and assigns, the
// department reports with a photo, the enterprise is unsatisfied (重办), the
// department reports again, the enterprise is satisfied, the office closes, and the
// discipline office reads every step on the timeline.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const {
  assertNoErrors,
  collectErrors,
  launchBrowser,
  login,
  newPage,
  shot,
  startServer,
  tinyPng,
} = require('./harness');



// act submits the form of one action on the detail page and waits for the page that
// the server answers with (a redirect back to the detail).
async function act(page, action, fill = async () => {}) {
  const box = page.locator(`details[data-action="${action}"]`);
  await box.waitFor({ state: 'attached' });
  if ((await box.getAttribute('open')) === null) await box.locator('summary').click();
  const form = box.locator('form');
  await fill(form);
  await Promise.all([
    page.waitForEvent('load'),
    form.locator('button[type=submit]').click(),
  ]);
}

async function expectFlash(page, text) {
  const ok = page.locator('.alert-ok');
  await ok.waitFor({ state: 'visible' });
  assert.match(await ok.innerText(), text);
  assert.equal(await page.locator('.alert-error').count(), 0, 'an error is shown');
}

async function stageOf(page) {
  return page.locator('main[data-page="appeal"]').getAttribute('data-stage');
}

describe('closed loop', () => {
  let server;
  let browser;
  const roles = {};

  before(async () => {
    server = await startServer({ demo: true, name: 'loop-server' });
    browser = await launchBrowser();
    for (const role of ['enterprise', 'office', 'department', 'auditor']) {
      const { context, page } = await newPage(browser);
      roles[role] = { context, page, errors: collectErrors(page) };
      await login(page, server.url, role);
    }
  }, { timeout: 120_000 });

  after(async () => {
    for (const r of Object.values(roles)) await r.context.close().catch(() => {});
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('an appeal runs the loop, with one round of 重办, and the auditor sees every step', { timeout: 180_000 }, async () => {
    const title = '厂区用电增容迟迟未批 <b>粗体</b>';
    const { page: firm } = roles.enterprise;
    let url;
    const step = async (name, page, fn) => {
      try {
        await fn();
      } catch (err) {
        await shot(page, `FAILED-${name}`).catch(() => {});
        throw err;
      }
      await shot(page, name);
    };

    await step('loop-1-filed', firm, async () => {
      await firm.locator('nav.nav a[href="/appeals/new"]').click();
      await firm.locator('main[data-page="appeal-new"]').waitFor();
      await firm.fill('input[name=title]', title);
      await firm.selectOption('select[name=category]', '要素保障-用电');
      await firm.fill('textarea[name=content]', '今年三月提交用电增容申请，至今已三个多月，供电公司一直没有答复，新生产线无法投产。');
      await Promise.all([firm.waitForEvent('load'), firm.click('form.appeal-form button[type=submit]')]);
      await expectFlash(firm, /诉求已提交/);
      assert.match(new URL(firm.url()).pathname, /^\/appeals\/\d+$/);
      url = firm.url();
      // The HTML in the title is text, not markup.
      const h1 = firm.locator('h1.appeal-title-h');
      assert.equal(await h1.innerText(), title);
      assert.equal(await h1.locator('b').count(), 0, 'the title was rendered as HTML');
      assert.equal(await stageOf(firm), 'discovered');
    });

    const { page: office } = roles.office;
    await step('loop-2-assigned', office, async () => {
      await office.goto(url);
      await act(office, 'accept');
      await expectFlash(office, /受理/);
      assert.equal(await stageOf(office), 'verifying');
      await act(office, 'assign', async (form) => {
        await form.locator('select[name=department_id]').selectOption({ label: '市市场监督管理局' });
        await form.locator('select[name=tier]').selectOption('fast');
        await form.locator('textarea[name=note]').fill('请核实后尽快办理并反馈企业。');
      });
      await expectFlash(office, /交办/);
      assert.equal(await stageOf(office), 'rectifying');
      assert.match(await office.locator('.appeal-detail').innerText(), /市市场监督管理局/);
      assert.match(await office.locator('.appeal-tags').innerText(), /快速办/);
    });

    const { page: dept } = roles.department;
    await step('loop-3-reported', dept, async () => {
      await dept.goto(server.url + '/');
      // The appeal waits in the department's queue on its home page.
      await dept.locator(`#queue a[href="${new URL(url).pathname}"]`).click();
      await dept.waitForURL(url);
      await act(dept, 'report', async (form) => {
        await form.locator('textarea[name=note]').fill('已与供电公司现场会商，增容方案已批复，预计两周内送电。');
        await form.locator('input[type=file][name=file]').setInputFiles({
          name: '现场会商照片.png', mimeType: 'image/png', buffer: tinyPng(),
        });
      });
      await expectFlash(dept, /报告整改结果/);
      assert.equal(await stageOf(dept), 'feedback');
      const link = dept.locator('.tl-files a', { hasText: '现场会商照片.png' });
      await link.waitFor();
      const res = await dept.request.get(new URL(await link.getAttribute('href'), server.url).href);
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['content-type'], 'image/png');
    });

    await step('loop-4-unsatisfied', firm, async () => {
      await firm.goto(url);
      await act(firm, 'rate', async (form) => {
        await form.locator('input[name=resolved][value=no]').check();
        await form.locator('input[name=satisfaction][value=unsatisfied]').check();
        await form.locator('textarea[name=note]').fill('只是批复了方案，电还没有通上。');
      });
      await expectFlash(firm, /不满意.*重办/);
      assert.equal(await stageOf(firm), 'rectifying');
      const redo = firm.locator('.tl-item.tl-redo');
      assert.equal(await redo.count(), 1);
      assert.match(await redo.innerText(), /重办/);
      assert.match(await redo.innerText(), /不满意/);
    });

    await step('loop-5-reported-again', dept, async () => {
      // The db tells a new round of feedback from the rated one by whole seconds
      // (rated_at against reported_at); a person never reports within the second.
      await dept.waitForTimeout(1100);
      await dept.goto(url);
      await act(dept, 'report', async (form) => {
        await form.locator('textarea[name=note]').fill('增容工程已完工，新生产线已于昨日正式送电。');
      });
      await expectFlash(dept, /报告整改结果/);
      assert.equal(await stageOf(dept), 'feedback');
    });

    await step('loop-6-satisfied', firm, async () => {
      await firm.goto(url);
      await act(firm, 'rate', async (form) => {
        await form.locator('input[name=resolved][value=yes]').check();
        await form.locator('input[name=satisfaction][value=satisfied]').check();
      });
      await expectFlash(firm, /评价/);
      assert.equal(await stageOf(firm), 'feedback');
      assert.match(await firm.locator('.appeal-detail').innerText(), /问题已解决.*满意/);
    });

    await step('loop-7-closed', office, async () => {
      await office.goto(url);
      office.once('dialog', (d) => d.accept());
      await act(office, 'close');
      await expectFlash(office, /办结/);
      assert.equal(await stageOf(office), 'closed');
      assert.match(await office.locator('.clock').innerText(), /按期办结|超期办结/);
    });

    const { page: auditor } = roles.auditor;
    await step('loop-8-auditor', auditor, async () => {
      await auditor.goto(url);
      const items = auditor.locator('.timeline .tl-item');
      const labels = await items.locator('.tl-action').allInnerTexts();
      assert.deepEqual(labels, ['提交诉求', '受理', '交办', '报告整改结果', '评价', '报告整改结果', '评价', '办结']);
      const text = await auditor.locator('.timeline').innerText();
      for (const s of ['市市场监督管理局', '现场会商照片.png', '重办', '不满意', '问题已解决', '新生产线已于昨日正式送电', '反馈 → 办结']) {
        assert.ok(text.includes(s), `the auditor's timeline lacks ${s}`);
      }
      assert.equal(await auditor.locator('h1.appeal-title-h').innerText(), title);
    });

    for (const r of Object.values(roles)) {
      await r.page.waitForLoadState('networkidle');
      assertNoErrors(r.errors);
    }
  });

  test('the detail page fits a phone screen', { timeout: 60_000 }, async () => {
    const { context, page } = await newPage(browser, {
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    const errors = collectErrors(page);
    try {
      await login(page, server.url, 'enterprise');
      await page.locator('#my-appeals a.appeal-link').first().click();
      await page.locator('main[data-page="appeal"]').waitFor();
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `page is ${width}px wide on a 390px phone screen`);
      await shot(page, 'loop-phone-detail');
      await page.goto(server.url + '/appeals');
      await page.waitForLoadState('networkidle');
      const listWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(listWidth <= 390, `list is ${listWidth}px wide on a 390px phone screen`);
      await shot(page, 'loop-phone-list');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
