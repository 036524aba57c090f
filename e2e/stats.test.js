'use strict';

// The figures dashboard: its ECharts draw from the page's data block, a click on a
// department's bar opens the list of that department's appeals, and the monthly report
// renders with the audit chain's head.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const { assertNoErrors, launchBrowser, login, shot, startServer, withPage } = require('./harness');

describe('stats', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true, name: 'stats-server' });
    browser = await launchBrowser();
  }, { timeout: 180_000 });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('the office dashboard draws its charts and a department bar lists its appeals', { timeout: 120_000 }, () =>
    withPage(browser, 'stats-office', async (page, errors) => {
      await login(page, server.url, 'office');
      await page.goto(`${server.url}/stats?range=all`);
      await page.locator('main[data-page="stats"]').waitFor({ state: 'visible' });
      for (const name of ['departments', 'categories', 'trend']) {
        const canvas = page.locator(`[data-chart="${name}"][data-ready="true"] canvas`);
        await canvas.first().waitFor({ state: 'visible' });
        const box = await canvas.first().boundingBox();
        assert.ok(box && box.width > 100 && box.height > 100, `${name} chart canvas is ${JSON.stringify(box)}`);
      }
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await shot(page, 'stats-office');

      // The filed total on the tile is the count of the list it links to.
      const tile = page.locator('a[data-figure="filed"]');
      const filed = Number(await tile.locator('b').innerText());
      const tileQuery = new URL(await tile.getAttribute('href'), server.url).search;
      // Reports are counted in the city's figures but listed to the discipline office only;
      // the list says how many it leaves out.
      const { total: listed, hidden_reports: reports } = await page.evaluate(async (q) =>
        (await fetch(`/api/v1/appeals?limit=1&${q.slice(1)}`)).json(), tileQuery);
      assert.ok(reports > 0, 'the demo city has reports');
      assert.equal(listed + reports, filed, 'the filed tile and its list disagree');

      // Find the first department's 受理 bar on the canvas and click it.
      const bar = await page.evaluate(() => {
        const el = document.querySelector('[data-chart="departments"]');
        // The click lands in viewport coordinates, so bring the chart into view first.
        el.scrollIntoView({ block: 'center' });
        const chart = window.echarts.getInstanceByDom(el);
        const layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
        const rect = el.getBoundingClientRect();
        const opt = chart.getOption();
        return { x: rect.left + layout.x + layout.width / 2, y: rect.top + layout.y + layout.height / 2,
          label: opt.yAxis[0].data[0], value: opt.series[0].data[0] };
      });
      assert.ok(bar.value > 0, `first department bar ${JSON.stringify(bar)}`);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/appeals'),
        page.mouse.click(bar.x, bar.y),
      ]);
      const url = new URL(page.url());
      assert.ok(url.searchParams.get('department_id') || url.searchParams.get('unassigned'), `no department in ${url}`);
      const list = await page.evaluate(async (q) => (await fetch(`/api/v1/appeals?limit=1&${q}`)).json(), url.search.slice(1));
      const hidden = list.hidden_reports || 0;
      assert.equal(list.total + hidden, bar.value, `${bar.label}: the bar shows ${bar.value}, its list holds ${list.total} and ${hidden} reports`);
      // The list page shows the same count, and says how many reports it leaves out.
      const body = await page.locator('body').innerText();
      assert.ok(body.includes(`共 ${list.total} 条`), 'the list page does not show the count');
      if (hidden) assert.ok(body.includes(`另有举报 ${hidden} 件`), 'the list page does not say how many reports it leaves out');
      await shot(page, 'stats-department-click');
      const isListMissing = (e) => e.kind === 'console' && /status of 404/.test(e.text) && e.url && new URL(e.url).pathname === '/appeals';
      assertNoErrors(errors, { allow: [isListMissing] });
    }));

  test('the monthly report renders, with the audit head and its downloads', { timeout: 90_000 }, () =>
    withPage(browser, 'report-auditor', async (page, errors) => {
      await login(page, server.url, 'auditor');
      await page.goto(`${server.url}/reports/monthly`);
      await page.locator('main[data-page="report"]').waitFor({ state: 'visible' });
      const head = (await page.locator('[data-audit-head]').innerText()).trim();
      const verify = await page.evaluate(async () => (await (await fetch('/api/v1/audit/verify')).json()).head);
      assert.equal(head, verify);
      const pdf = await page.evaluate(async () => {
        const r = await fetch(document.querySelector('a[href^="/reports/monthly.pdf"]').getAttribute('href'));
        return { status: r.status, type: r.headers.get('content-type'), start: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
      });
      assert.deepEqual(pdf, { status: 200, type: 'application/pdf', start: '%PDF-' });
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await shot(page, 'report-auditor');
    }));

  test('a department sees its own dashboard', { timeout: 90_000 }, () =>
    withPage(browser, 'stats-department', async (page, errors) => {
      await login(page, server.url, 'department');
      await page.goto(`${server.url}/stats?range=year`);
      await page.locator('[data-chart="trend"][data-ready="true"] canvas').first().waitFor({ state: 'visible' });
      assert.equal(await page.locator('[data-ranking]').count(), 0, 'a department sees the city rankings');
      await page.waitForLoadState('networkidle');
      assertNoErrors(errors);
      await shot(page, 'stats-department');
    }));
});
