/*
 * console.test.js — the staff console in Debian's chromium (playwright-core), against the
 * bilet-central that tests/web/console.sh started and seeded. Run by console.sh in two
 * phases (BILET_WEB_PHASE): "live" while the exam is in progress, "grading" after both
 * terminals closed their sessions.
 *
 * Every test names what it checks; screenshots of each page at 1366×768 and 390×844 are
 * saved under $BILET_WEB_SHOTS for a person to look at.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(name + ' is not set (run tests/web/console.sh)');
  return v;
};
const URL_ = env('BILET_WEB_URL');
const SHOTS = env('BILET_WEB_SHOTS');
const TMP = env('BILET_WEB_TMP');
const EXAM = env('BILET_WEB_EXAM');
const REGISTRAR = { name: env('BILET_WEB_REGISTRAR'), password: env('BILET_WEB_REGISTRAR_PW') };
const GRADER = { name: env('BILET_WEB_GRADER'), password: env('BILET_WEB_GRADER_PW') };
const PHASE = process.env.BILET_WEB_PHASE || 'live';
const NAMES = fs.readFileSync(path.join(TMP, 'names.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
const BOOKS = fs.readFileSync(path.join(TMP, 'books.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: env('BILET_WEB_CHROMIUM'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  if (browser) await browser.close();
});

/* A browser context of its own (its own cookies) that keeps every JSON body it got. */
async function open(viewport) {
  const context = await browser.newContext({ viewport: viewport || DESKTOP, locale: 'ru-RU', acceptDownloads: true });
  const page = await context.newPage();
  const json = [];
  page.on('response', async (r) => {
    if ((r.headers()['content-type'] || '').startsWith('application/json')) {
      try { json.push({ url: r.url(), status: r.status(), body: await r.text() }); } catch (e) { /* gone */ }
    }
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { context, page, json, errors };
}

async function shot(page, name) {
  await page.waitForTimeout(150);
  const vp = page.viewportSize();
  await page.screenshot({ path: path.join(SHOTS, name + '-1366.png') });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SHOTS, name + '-390.png'), fullPage: true });
  await page.setViewportSize(vp);
}

/* Signs in through the form with the keyboard only: name, Tab, password, Enter. */
async function signIn(page, who) {
  await page.goto(URL_ + '/#/signin');
  await page.waitForSelector('#si-name');
  await page.focus('#si-name');
  await page.keyboard.type(who.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.who-name');
  assert.equal(await page.textContent('.who-name'), who.name);
}

/* A session by the API (no browser): the cookie and CSRF token. */
async function apiSignIn(who) {
  const r = await fetch(URL_ + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: URL_ },
    body: JSON.stringify({ name: who.name, password: who.password }),
  });
  assert.equal(r.status, 201, 'sign-in of ' + who.name);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const body = await r.json();
  return { cookie, csrf: body.csrf, role: body.role };
}
function call(method, p, s, extra) {
  const headers = Object.assign({ Cookie: s.cookie, Origin: URL_, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' }, extra || {});
  for (const k of Object.keys(headers)) if (headers[k] === null) delete headers[k];
  return fetch(URL_ + p, { method, headers, body: method === 'GET' ? undefined : JSON.stringify({}) });
}

/* No student's name or record book in the text. */
function assertNoNames(text, where) {
  for (const n of NAMES) assert.ok(!text.includes(n), where + ' shows the name ' + n);
  for (const b of BOOKS) assert.ok(!new RegExp('(^|[^0-9])' + b + '([^0-9]|$)').test(text), where + ' shows the record book ' + b);
}

if (PHASE === 'live') {
  test('the console is served with its security headers and in Russian', async () => {
    const r = await fetch(URL_ + '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    const js = await fetch(URL_ + '/app.js');
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    for (const bad of ['/i18n/', '/../etc/passwd', '/%2e%2e/keys/central.key', '/nothing.html'])
      assert.equal((await fetch(URL_ + bad)).status, 404, bad);
    const { page, errors } = await open();
    await page.goto(URL_ + '/');
    await page.waitForSelector('#si-name');
    assert.match(await page.textContent('main'), /Вход/);
    await shot(page, '01-signin');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a wrong password is refused on the page and the form stays usable', async () => {
    const { page } = await open();
    await page.goto(URL_ + '/#/signin');
    await page.fill('#si-name', REGISTRAR.name);
    await page.fill('#si-password', 'not-the-password');
    await page.press('#si-password', 'Enter');
    await page.waitForSelector('.error');
    assert.match(await page.textContent('.error'), /Неверное имя или пароль/);
    await page.context().close();
  });

  test('five wrong passwords lock a name and the page says for how long', async () => {
    const body = JSON.stringify({ name: 'Никто Никтоевич', password: 'not-the-password' });
    for (let i = 0; i < 5; i++) {
      const r = await fetch(URL_ + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      assert.equal(r.status, 401, 'wrong try ' + (i + 1));
    }
    const { page, errors } = await open();
    await page.goto(URL_ + '/#/signin');
    await page.fill('#si-name', 'Никто Никтоевич');
    await page.fill('#si-password', 'not-the-password');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
    await page.press('#si-password', 'Enter');
    const r = await answer;
    assert.equal(r.status(), 429);
    assert.ok(Number(r.headers()['retry-after']) > 840, 'Retry-After ' + r.headers()['retry-after']);
    await page.waitForSelector('.error');
    assert.match(await page.textContent('.error'), /Слишком много неверных паролей для этого имени\. Повторите через 15 мин\./);
    await shot(page, '01-signin-locked');
    assert.deepEqual(errors.filter((e) => !/429/.test(e)), []);
    await page.context().close();
  });

  test('a registrar signs in with the keyboard; the cookie is HttpOnly, SameSite=Strict, 8 h', async () => {
    const { page, context, errors } = await open();
    await signIn(page, REGISTRAR);
    const cookies = await context.cookies();
    const c = cookies.find((x) => x.name === 'bilet_session');
    assert.ok(c, 'a session cookie');
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.equal(c.path, '/');
    const hours = (c.expires - Date.now() / 1000) / 3600;
    assert.ok(hours > 7.9 && hours <= 8.01, 'expires in 8 h, not ' + hours);
    assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read the session');
    await page.waitForSelector('table.data');
    assert.match(await page.textContent('main'), /Технология горных работ/);
    assert.match(await page.textContent('main'), /Идёт/);
    await shot(page, '02-exams-registrar');
    await page.click('text=Технология горных работ');
    await page.waitForSelector('text=Ведомость: 36 студентов');
    assert.match(await page.textContent('main'), /Абрамов Алексей Игоревич/);
    await shot(page, '03-exam-registrar');
    await page.goto(URL_ + '/#/rooms');
    await page.waitForSelector('.rooms-table');
    const text = await page.textContent('main');
    assert.match(text, /ауд\. 214, место 1/);
    assert.match(text, /ауд\. 214, место 2/);
    assert.match(text, /Васильев Дмитрий Сергеевич/, 'a registrar sees who writes where');
    assert.match(text, /пишет/);
    assert.match(text, /вышел/);
    await shot(page, '04-rooms-registrar');
    // The rooms refresh by themselves.
    const before = await page.textContent('.page-head .hint');
    await page.waitForFunction((b) => document.querySelector('.page-head .hint').textContent !== b, before, { timeout: 8000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a registrar adds exams from a zip and a sealed package; a path out of the folder and a broken package are refused', async () => {
    const { page, context } = await open();
    await signIn(page, REGISTRAR);
    await page.waitForSelector('#up-file');
    const upload = async (file) => {
      await page.setInputFiles('#up-file', path.join(TMP, file));
      const done = page.waitForResponse((r) => r.url().includes('/api/v1/exam-uploads'));
      await page.click('.upload button[type="submit"]');
      return (await done).status();
    };
    assert.equal(await upload('evil.zip'), 400);
    assert.match(await page.textContent('.upload .error'), /not a plain relative name/);
    assert.ok(!fs.existsSync(path.join(TMP, '..', 'outside.txt')));
    assert.equal(await upload('exam.bilet'), 400);
    assert.match(await page.textContent('.upload .error'), /not an exam package/);
    await shot(page, '02b-upload-refused');
    assert.equal(await upload('demo-oral.zip'), 201);
    await page.waitForSelector('text=Электротехника и электроника');
    assert.match(await page.textContent('main'), /Антонов Иван Петрович/);
    await page.goto(URL_ + '/#/exams');
    await page.waitForSelector('#up-file');
    assert.equal(await upload('sealed.bilet'), 201);
    await page.waitForSelector('text=Электробезопасность');
    assert.match(await page.textContent('main'), /Антонов Иван Петрович/);
    await context.close();
  });

  test('a grader sees the rooms without a single name', async () => {
    const { page, context, json } = await open();
    await signIn(page, GRADER);
    await page.goto(URL_ + '/#/rooms');
    await page.waitForSelector('.rooms-table');
    assertNoNames(await page.textContent('body'), 'the rooms page');
    for (const r of json) assertNoNames(r.body, r.url);
    await shot(page, '05-rooms-grader');
    await context.close();
  });

  test('a grader is refused registrar endpoints (403)', async () => {
    const g = await apiSignIn(GRADER);
    assert.equal((await call('POST', '/api/v1/exams/' + EXAM + '/lock', g)).status, 403);
    assert.equal((await call('GET', '/api/v1/exams/' + EXAM + '/statement', g)).status, 403);
    assert.equal((await call('GET', '/api/v1/exams/' + EXAM + '/results', g)).status, 403);
    assert.equal((await call('GET', '/api/v1/exams/' + EXAM + '/documents/vedomost.pdf', g)).status, 403);
    assert.equal((await call('POST', '/api/v1/exam-uploads', g)).status, 403);
    const me = await (await call('GET', '/api/v1/session', g)).json();
    assert.equal(me.role, 'grader');
  });

  test('changes without the CSRF token, with a forged one, or from another origin are refused', async () => {
    const r = await apiSignIn(REGISTRAR);
    const lock = '/api/v1/exams/' + EXAM + '/lock';
    assert.equal((await call('POST', lock, r, { 'X-CSRF-Token': null })).status, 403, 'no CSRF token');
    assert.equal((await call('POST', lock, r, { 'X-CSRF-Token': 'f'.repeat(64) })).status, 403, 'a forged token');
    assert.equal((await call('POST', lock, r, { Origin: 'http://evil.example' })).status, 403, 'another origin');
    assert.equal((await call('POST', lock, r, { Origin: null })).status, 403, 'no origin');
    const other = await apiSignIn(REGISTRAR);
    assert.equal((await call('POST', lock, r, { 'X-CSRF-Token': other.csrf })).status, 403, "another session's token");
    assert.equal((await call('GET', '/api/v1/exams/' + EXAM + '/rooms', r, { 'X-CSRF-Token': null })).status, 200, 'reads need no token');
  });

  test('a cookie replayed after sign-out is refused', async () => {
    const s = await apiSignIn(GRADER);
    assert.equal((await call('GET', '/api/v1/exams', s)).status, 200);
    assert.equal((await call('DELETE', '/api/v1/session', s)).status, 200);
    assert.equal((await call('GET', '/api/v1/exams', s)).status, 401);
    assert.equal((await call('GET', '/api/v1/session', s)).status, 401);
  });

  test('sign-out in the browser ends the session', async () => {
    const { page, context } = await open();
    await signIn(page, GRADER);
    const cookie = (await context.cookies()).find((x) => x.name === 'bilet_session');
    await page.click('#sign-out');
    await page.waitForSelector('#si-name');
    const replay = await fetch(URL_ + '/api/v1/exams', { headers: { Cookie: 'bilet_session=' + cookie.value } });
    assert.equal(replay.status, 401);
    await context.close();
  });

  test('a cross-site form POST is refused even though the cookie rides along', async () => {
    // Another port of 127.0.0.1 is the same site (the SameSite cookie is sent) but another
    // origin: the Origin check and the missing CSRF token must both stop it.
    const evil = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<!doctype html><form id="f" method="POST" enctype="text/plain" action="' + URL_ +
        '/api/v1/grades"><input name=\'{"exam":"' + EXAM + '","code":"X","grade":"5","by":"x","a":"\' value=\'"}\'></form>');
    });
    await new Promise((ok) => evil.listen(0, '127.0.0.1', ok));
    const { page, context } = await open();
    try {
      await signIn(page, REGISTRAR);
      await page.goto('http://127.0.0.1:' + evil.address().port + '/');
      const [resp] = await Promise.all([page.waitForNavigation(), page.evaluate(() => document.getElementById('f').submit())]);
      assert.equal(resp.status(), 403, 'the cross-site POST');
      assert.match(await page.textContent('body'), /another site|CSRF/);
    } finally {
      await context.close();
      evil.closeAllConnections();
      evil.close();
    }
  });
}

if (PHASE === 'grading') {
  test('a grader grades every code by keyboard and never sees a name', async () => {
    const { page, context, json, errors } = await open();
    await signIn(page, GRADER);
    await page.goto(URL_ + '/#/exam/' + EXAM);
    await page.waitForSelector('text=Проверять работы');
    assertNoNames(await page.textContent('body'), 'the exam page of a grader');
    await page.click('text=Проверять работы');
    await page.waitForSelector('.sheet-head');
    const total = await page.$$eval('.code-link', (l) => l.length);
    assert.ok(total >= 3, 'codes to grade: ' + total);
    let shotTaken = false;
    const cycle = ['Digit5', 'Digit4', 'Digit3'];
    for (let i = 0; i < total; i++) {
      if (!(await page.$('.sheet-head .badge.warn'))) break;
      const hasWork = !!(await page.$('.sheet .typed, .sheet .page img'));
      if (hasWork && !shotTaken) {
        await shot(page, '06-grading');
        shotTaken = true;
      }
      await page.focus('body');
      await page.keyboard.press(hasWork ? cycle[i % 3] : 'KeyA');
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/grades') && r.request().method() === 'POST');
      await page.keyboard.press('Enter');
      assert.equal((await saved).status(), 201);
      await page.waitForResponse((r) => r.url().includes('/api/v1/sheets/'));
      await page.waitForSelector('.sheet-head');
    }
    assert.ok(shotTaken, 'a sheet with a typed answer was shown');
    await page.waitForSelector('.progress-text');
    assert.equal(await page.textContent('.page-head .progress-text'), total + ' из ' + total);
    assertNoNames(await page.textContent('body'), 'the grading page');
    for (const r of json) assertNoNames(r.body, r.url);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a correction needs a reason: refused without one, kept with one', async () => {
    const g = await apiSignIn(GRADER);
    const codes = await (await call('GET', '/api/v1/exams/' + EXAM + '/codes', g)).json();
    const typed = codes.find((c) => c.typed);
    assert.ok(typed && typed.grade, 'a graded typed answer');
    const r = await fetch(URL_ + '/api/v1/grades', {
      method: 'POST', headers: { Cookie: g.cookie, Origin: URL_, 'X-CSRF-Token': g.csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ exam: EXAM, code: typed.code, grade: '2', by: GRADER.name }),
    });
    assert.equal(r.status, 409);
    const { page, context } = await open();
    await signIn(page, GRADER);
    await page.goto(URL_ + '/#/grade/' + EXAM + '/' + encodeURIComponent(typed.code));
    await page.waitForSelector('#g-reason');
    await page.check('input[name="grade"][value="4"]');
    await page.press('#g-by', 'Enter');
    await page.waitForSelector('.grade-form .error');
    await page.fill('#g-reason', 'Пересчитана задача: ответ верный');
    const saved = page.waitForResponse((x) => x.url().endsWith('/api/v1/grades'));
    await page.click('.grade-form button[type="submit"]');
    assert.equal((await saved).status(), 201);
    await page.goto(URL_ + '/#/grade/' + EXAM + '/' + encodeURIComponent(typed.code));
    await page.waitForSelector('.history li:nth-child(2)');
    assert.match(await page.textContent('.history'), /Пересчитана задача/);
    await context.close();
  });

  test('a registrar locks grading, unmasks the statement and downloads the ведомость', async () => {
    const { page, context, errors } = await open();
    await signIn(page, REGISTRAR);
    await page.goto(URL_ + '/#/exam/' + EXAM);
    await page.waitForSelector('text=Закрыть проверку');
    page.once('dialog', (d) => d.accept());
    await page.click('text=Закрыть проверку');
    await page.waitForSelector('text=Ведомость и документы');
    await page.click('text=Ведомость и документы');
    await page.waitForSelector('svg.chart rect.bar');
    const text = await page.textContent('main');
    assert.match(text, /Абрамов Алексей Игоревич/);
    assert.match(text, /Средний балл/);
    await shot(page, '07-results');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Ведомость (PDF)')]);
    const pdf = path.join(TMP, 'vedomost.pdf');
    await download.saveAs(pdf);
    const out = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    assert.match(out, /Технология горных работ/);
    const line = out.split('\n').find((l) => l.includes('Абрамов Алексей Игоревич'));
    assert.ok(line, 'Абрамов is in the ведомость');
    assert.match(line, /21-0001/);
    assert.match(line, /[2-5] \((отлично|хорошо|удовлетворительно|неудовлетворительно)\)/);
    const absent = out.split('\n').find((l) => l.includes('Гаврилова Екатерина Павловна'));
    assert.match(absent, /не явил/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the pages read the same in Kazakh and English', async () => {
    const { page, context } = await open();
    await signIn(page, REGISTRAR);
    await page.selectOption('#lang', 'kk');
    await page.waitForSelector('main >> text=Тексеру жабылды');
    await shot(page, '08-exams-kk');
    await page.selectOption('#lang', 'en');
    await page.waitForSelector('main >> text=Grading locked');
    assert.match(await page.textContent('main'), /Grading locked/);
    await page.selectOption('#lang', 'ru');
    await context.close();
  });
}
