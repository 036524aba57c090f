'use strict';

// Helpers shared by the browser tests: start the real qinqing binary on a free
// port with a fresh database, drive Debian's Chromium through playwright-core,
// and keep screenshots and server logs in e2e/output for whoever reads a failure.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');

const OUTPUT_DIR = path.resolve(__dirname, 'output');
const BIN = process.env.QINQING_BIN || path.resolve(__dirname, '../qinqing');
const CHROMIUM = process.env.QINQING_CHROMIUM || '/usr/bin/chromium';
const DEMO_PASSWORD = 'qinqing-demo';
const ROLES = ['admin', 'office', 'department', 'leader', 'enterprise', 'auditor'];
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

// freePort asks the kernel for an unused port on 127.0.0.1 and releases it.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(no log: ${err.message})`;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// startServer runs the binary against a new database in a temp dir and resolves
// once GET /healthz answers 200. stop() sends SIGTERM, waits for the process to
// exit, copies its log to e2e/output/<name>.log and removes the temp dir (kept
// when QINQING_E2E_KEEP is set).
async function startServer({ demo = true, name = 'server', args = [], env = {} } = {}) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`qinqing binary not found at ${BIN}; run "make build" or set QINQING_BIN`);
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qinqing-e2e-'));
  const logFile = path.join(dir, 'server.log');
  const url = `http://127.0.0.1:${port}`;
  const dbFile = path.join(dir, 'qinqing.db');
  const argv = ['serve', '--addr', `127.0.0.1:${port}`, '--db', dbFile];
  if (demo) {
    argv.push('--demo');
    // The demo city takes seconds to build: `make e2e` builds it once (QINQING_E2E_DEMO
    // names that database) and each server starts from a copy, as --demo keeps a city
    // it finds.
    const template = process.env.QINQING_E2E_DEMO;
    if (template) {
      fs.copyFileSync(template, dbFile);
      fs.copyFileSync(`${template}.key`, `${dbFile}.key`);
    }
  }
  argv.push(...args);

  const log = fs.openSync(logFile, 'a');
  const child = spawn(BIN, argv, {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);

  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });
  // Never leave a server behind if the test process dies first.
  const reap = () => child.kill('SIGKILL');
  process.on('exit', reap);

  async function stop() {
    process.off('exit', reap);
    if (!exited) {
      child.kill('SIGTERM');
      let timer;
      const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const first = await Promise.race([exit, late]);
      clearTimeout(timer);
      if (first === 'timeout') {
        child.kill('SIGKILL');
        await exit;
      }
    }
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.copyFileSync(logFile, path.join(OUTPUT_DIR, `${name}.log`));
    if (!process.env.QINQING_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    return exited;
  }

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const why = exited.error ? exited.error.message : `code ${exited.code}, signal ${exited.signal}`;
      const logTail = tail(logFile);
      await stop();
      throw new Error(`qinqing exited before it was healthy (${why}); log tail:\n${logTail}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const logTail = tail(logFile);
      await stop();
      throw new Error(`qinqing did not answer 200 on ${url}/healthz within ${STARTUP_TIMEOUT_MS / 1000}s; log tail:\n${logTail}`);
    }
    await sleep(200);
  }
  return { url, port, dir, logFile, stop };
}

// launchBrowser starts Debian's Chromium headless; playwright's own browser
// downloads are never used.
function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// newPage opens a page in a fresh context (its own cookies), with timeouts
// short enough that a missing element fails the test quickly.
async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...contextOptions });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  return { context, page };
}

// withPage runs fn(page, errors) on a fresh page whose browser errors are
// collected into errors; a failing fn leaves e2e/output/FAILED-<name>.png.
async function withPage(browser, name, fn, contextOptions = {}) {
  const { context, page } = await newPage(browser, contextOptions);
  const errors = collectErrors(page);
  try {
    await fn(page, errors);
  } catch (err) {
    await shot(page, `FAILED-${name}`).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
}

// login signs in through the web form and waits until the browser lands on /.
async function login(page, url, username, password = DEMO_PASSWORD) {
  await page.goto(`${url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  const home = new URL('/', url).href;
  await Promise.all([
    page.waitForURL((u) => u.href === home),
    page.click('button[type=submit]'),
  ]);
}

// shot saves a full-page screenshot to e2e/output/<name>.png.
async function shot(page, name) {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// collectErrors records console errors and uncaught page errors of a page,
// each as {kind, text, url}, into the returned array as they happen.
function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push({ kind: 'console', text: msg.text(), url: msg.location().url });
  });
  page.on('pageerror', (err) => {
    errors.push({ kind: 'pageerror', text: err.stack || String(err), url: page.url() });
  });
  return errors;
}

// assertNoErrors fails with every collected error listed; allow takes
// predicates for errors a test expects (such as a 4xx status it provoked).
function assertNoErrors(errors, { allow = [] } = {}) {
  const unexpected = errors.filter((e) => !allow.some((ok) => ok(e)));
  assert.equal(
    unexpected.length,
    0,
    `browser errors:\n${unexpected.map((e) => `  [${e.kind}] ${e.text} (at ${e.url || '?'})`).join('\n')}`,
  );
}

// crc32 of PNG chunks (zlib.crc32 is not in every Node 20).
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

// tinyPng is a valid 2×2 PNG: signature, IHDR, one IDAT, IEND.
function tinyPng() {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  // Two rows, each a filter byte and two red pixels.
  const raw = Buffer.from([0, 200, 30, 30, 200, 30, 30, 0, 200, 30, 30, 200, 30, 30]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// apiAs signs in to the server at url and returns call(method, path, body), which sends
// a JSON request under /api/v1 with that account's token and answers the decoded body,
// throwing on any status of 300 or more.
async function apiAs(url, username, password = DEMO_PASSWORD) {
  const send = async (token, method, path, body) => {
    const res = await fetch(url + '/api/v1' + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { token } = await send(null, 'POST', '/auth/login', { username, password });
  return (method, path, body) => send(token, method, path, body);
}

module.exports = {
  apiAs,
  tinyPng,
  DEMO_PASSWORD,
  OUTPUT_DIR,
  ROLES,
  assertNoErrors,
  collectErrors,
  freePort,
  launchBrowser,
  login,
  newPage,
  shot,
  startServer,
  withPage,
};
