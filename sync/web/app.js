/*
 * app.js — the staff console of bilet-central: plain JavaScript over the JSON API
 * (docs/console.md). One page; the part after '#' names the view:
 *   #/signin, #/exams, #/exam/ID, #/grade/ID[/CODE], #/rooms, #/results/ID.
 * The session is an HttpOnly cookie the page never sees; every change sends the session's
 * CSRF token (from GET /api/v1/session) in X-CSRF-Token. Texts come from the dictionaries
 * in i18n/*.js (Russian first). Nothing is written into the page as HTML: every element is
 * built with the DOM, so a name or an answer text can never become markup.
 */
'use strict';

(function () {
  const dict = window.BILET_I18N || {};
  const LANGS = ['ru', 'kk', 'en'];
  let lang = LANGS.includes(localStorage.getItem('bilet.lang')) ? localStorage.getItem('bilet.lang') : 'ru';
  const state = { me: null, csrf: null, timer: null, view: 0 };

  // ---- texts ----
  function t(key, ...args) {
    let s = (dict[lang] && dict[lang][key]) || (dict.ru && dict.ru[key]) || key;
    args.forEach((a, i) => { s = s.split('{' + i + '}').join(String(a)); });
    return s;
  }
  function gradeText(g) {
    if (g === null || g === undefined || g === '') return t('grade.none');
    return t('grade.' + g);
  }
  function formText(f) { return t('form.' + f); }
  function stateText(s) { return t('state.' + s); }
  function fmtDate(iso) {
    if (!iso) return '—';
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    return m ? m[3] + '.' + m[2] + '.' + m[1] : iso;
  }
  function fmtTime(unix) {
    if (!unix) return '—';
    const d = new Date(unix * 1000);
    const locale = lang === 'en' ? 'en-GB' : lang === 'kk' ? 'kk-KZ' : 'ru-RU';
    return d.toLocaleString(locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }
  function fmtClock(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    const two = (n) => (n < 10 ? '0' : '') + n;
    return (h ? h + ':' + two(m) : m) + ':' + two(sec);
  }
  function fmtAgo(unix, now) {
    if (!unix) return t('rooms.never');
    const d = Math.max(0, (now || Date.now() / 1000) - unix);
    if (d < 60) return t('ago.seconds', Math.floor(d));
    if (d < 3600) return t('ago.minutes', Math.floor(d / 60));
    return fmtTime(unix);
  }

  // ---- DOM ----
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    children.flat().forEach((c) => c && e.append(c));
    return e;
  }
  const main = () => document.getElementById('main');
  // On a phone a wide table becomes one block per row: each cell is labelled with its
  // column's heading (data-label, shown by style.css).
  function labelCells(root) {
    root.querySelectorAll('table.data:not(.compact)').forEach((table) => {
      const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
      table.classList.add('stack');
      table.querySelectorAll('tbody tr').forEach((tr) => {
        [...tr.children].forEach((cell, i) => { if (heads[i]) cell.setAttribute('data-label', heads[i]); });
      });
    });
  }
  function show(...nodes) {
    const m = main();
    m.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
    labelCells(m);
    const h = m.querySelector('h1');
    if (h) {
      h.setAttribute('tabindex', '-1');
      document.title = h.textContent + ' — ' + t('app.title');
    }
  }
  function focusHeading() {
    const h = main().querySelector('h1');
    if (h) h.focus({ preventScroll: true });
  }
  let toastTimer = null;
  function toast(text, kind) {
    const box = document.getElementById('toast');
    box.textContent = text;
    box.className = 'toast show' + (kind ? ' ' + kind : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.className = 'toast'; }, 4000);
  }
  function errorBox(text) {
    return el('p', { class: 'error', role: 'alert', text });
  }
  // A refusal in the page's language: the server's own one-line reason (English, naming the
  // file or field) follows the explanation.
  function refusal(key, e) {
    return t(key) + (e && e.message ? ' (' + e.message + ')' : '');
  }
  function badge(kind, text) { return el('span', { class: 'badge ' + kind, text }); }

  // ---- the API ----
  class ApiError extends Error {
    constructor(status, message, retryAfter) { super(message); this.status = status; this.retryAfter = retryAfter || 0; }
  }
  async function api(method, path, body, contentType) {
    const headers = { Accept: 'application/json' };
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) {
      if (contentType) {
        headers['Content-Type'] = contentType;
        init.body = body;
      } else {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, t('error.network'));
    }
    let data = null;
    const type = res.headers.get('Content-Type') || '';
    if (type.startsWith('application/json')) data = await res.json().catch(() => null);
    if (res.status === 401 && !path.endsWith('/session')) {
      state.me = null;
      state.csrf = null;
      drawChrome();
      go('#/signin');
      throw new ApiError(401, t('error.session'));
    }
    if (!res.ok) {
      throw new ApiError(res.status, (data && data.error) || res.statusText,
        parseInt(res.headers.get('Retry-After') || '0', 10) || 0);
    }
    return data;
  }

  // ---- chrome: navigation, who is signed in, language ----
  function drawChrome() {
    document.documentElement.lang = lang;
    document.getElementById('brand-name').textContent = t('app.name');
    document.getElementById('brand-sub').textContent = t('app.sub');
    document.getElementById('skip-link').textContent = t('app.skip');
    document.getElementById('lang-label').textContent = t('app.language');
    document.getElementById('lang').value = lang;
    const nav = document.getElementById('nav');
    nav.setAttribute('aria-label', t('nav.label'));
    const who = document.getElementById('who');
    const out = document.getElementById('sign-out');
    out.textContent = t('nav.signout');
    if (!state.me) {
      nav.replaceChildren();
      who.textContent = '';
      out.hidden = true;
      return;
    }
    const here = location.hash || '#/exams';
    const link = (href, key) => el('a', { href, class: here.startsWith(href) ? 'current' : null,
      'aria-current': here.startsWith(href) ? 'page' : null, text: t(key) });
    nav.replaceChildren(link('#/exams', 'nav.exams'), link('#/rooms', 'nav.rooms'));
    who.replaceChildren(el('span', { class: 'who-name', text: state.me.name }),
      el('span', { class: 'who-role', text: t('role.' + state.me.role) }));
    out.hidden = false;
  }

  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  // ---- views ----
  function stopTimer() {
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
  }

  async function route() {
    stopTimer();
    const view = ++state.view;
    const hash = location.hash || '#/exams';
    const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
    if (!state.me && parts[0] !== 'signin') {
      try {
        const me = await api('GET', '/api/v1/session');
        state.me = me && me.signed_in ? me : null;
        state.csrf = (state.me && me.csrf) || null;
      } catch (e) {
        state.me = null;
      }
      if (!state.me) {
        drawChrome();
        return go('#/signin');
      }
    }
    drawChrome();
    try {
      switch (parts[0]) {
        case 'signin': return drawSignIn();
        case 'exam': return await drawExam(parts[1], view);
        case 'grade': return await drawGrading(parts[1], parts[2], view);
        case 'rooms': return await drawRooms(parts[1], view);
        case 'results': return await drawResults(parts[1], view);
        default: return await drawExams(view);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      if (view !== state.view) return;
      show(el('h1', { text: t('error.title') }), errorBox(e.message),
        el('p', {}, el('a', { href: '#/exams', text: t('nav.back_exams') })));
      focusHeading();
    }
  }

  // Sign-in: a name and password, or a staff token. Enter submits.
  function drawSignIn() {
    if (state.me) return go('#/exams');
    let byToken = false;
    const msg = el('div', { class: 'form-message' });
    const name = el('input', { id: 'si-name', name: 'username', autocomplete: 'username', required: true, autofocus: true });
    const password = el('input', { id: 'si-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const token = el('input', { id: 'si-token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false' });
    const pwFields = el('div', {},
      el('div', { class: 'field' }, el('label', { for: 'si-name', text: t('signin.name') }), name),
      el('div', { class: 'field' }, el('label', { for: 'si-password', text: t('signin.password') }), password));
    const tokenFields = el('div', { hidden: true },
      el('div', { class: 'field' }, el('label', { for: 'si-token', text: t('signin.token') }), token,
        el('p', { class: 'hint', text: t('signin.token_hint') })));
    const submit = el('button', { type: 'submit', class: 'button primary wide', text: t('signin.submit') });
    const toggle = el('button', { type: 'button', class: 'link-button', text: t('signin.use_token'),
      onclick: () => {
        byToken = !byToken;
        pwFields.hidden = byToken;
        tokenFields.hidden = !byToken;
        name.required = password.required = !byToken;
        token.required = byToken;
        toggle.textContent = t(byToken ? 'signin.use_password' : 'signin.use_token');
        (byToken ? token : name).focus();
      } });
    const form = el('form', { class: 'card signin', novalidate: false,
      onsubmit: async (ev) => {
        ev.preventDefault();
        msg.replaceChildren();
        submit.disabled = true;
        try {
          const body = byToken ? { token: token.value.trim() } : { name: name.value.trim(), password: password.value };
          const me = await api('POST', '/api/v1/session', body);
          state.me = me;
          state.csrf = me.csrf;
          password.value = '';
          token.value = '';
          go('#/exams');
        } catch (e) {
          // 429: too many wrong passwords for this name; Retry-After says for how long.
          const text = e.status === 401 ? t('signin.wrong')
            : e.status === 429 ? t('signin.locked', Math.max(1, Math.ceil(e.retryAfter / 60)))
              : e.message;
          msg.replaceChildren(errorBox(text));
          (byToken ? token : password).focus();
        } finally {
          submit.disabled = false;
        }
      } },
    el('h1', { text: t('signin.title') }),
    el('p', { class: 'lead', text: t('signin.lead') }),
    pwFields, tokenFields, msg, submit, el('p', { class: 'center' }, toggle));
    show(el('div', { class: 'signin-wrap' }, form));
    name.focus();
  }

  function stateBadge(s) {
    const kind = { not_started: 'muted', in_progress: 'live', closed: 'neutral', grading: 'warn', locked: 'ok' }[s] || 'muted';
    return badge(kind, stateText(s));
  }
  function progress(done, total, label) {
    const p = el('progress', { max: String(Math.max(total, 1)), value: String(done), 'aria-label': label });
    return el('span', { class: 'progress' }, p, el('span', { class: 'progress-text', text: t('grading.progress', done, total) }));
  }

  // The list of exams, with an upload form for a registrar.
  async function drawExams(view) {
    const exams = await api('GET', '/api/v1/exams');
    if (view !== state.view) return;
    const registrar = state.me.role === 'registrar';
    const rows = exams.map((x) => el('tr', {},
      el('td', {}, el('a', { href: '#/exam/' + encodeURIComponent(x.id), text: x.discipline || x.id }),
        el('div', { class: 'sub', text: x.id })),
      el('td', { text: x.group || '—' }),
      el('td', { text: fmtDate(x.date) }),
      el('td', { text: formText(x.form) + (x.mode ? ', ' + t('mode.' + x.mode) : '') }),
      el('td', {}, stateBadge(x.state)),
      el('td', {}, progress(x.graded || 0, x.codes || 0, t('grading.progress_label'))),
      el('td', { class: x.late ? 'late' : null },
        x.deadline ? fmtDate(x.deadline) : '—', x.late ? el('div', { class: 'sub', text: t('exams.late') }) : null)));
    const table = exams.length
      ? el('div', { class: 'table-wrap' }, el('table', { class: 'data' },
        el('caption', { class: 'visually-hidden', text: t('exams.title') }),
        el('thead', {}, el('tr', {}, ['exams.discipline', 'exams.group', 'exams.date', 'exams.form', 'exams.state', 'exams.graded', 'exams.deadline']
          .map((k) => el('th', { scope: 'col', text: t(k) })))),
        el('tbody', {}, rows)))
      : el('p', { class: 'empty', text: t('exams.none') });
    show(el('div', { class: 'page-head' }, el('h1', { text: t('exams.title') })),
      table, registrar ? uploadForm() : null);
    focusHeading();
  }

  function uploadForm() {
    const fileName = el('span', { class: 'file-name', text: t('upload.none') });
    const file = el('input', { id: 'up-file', type: 'file', accept: '.zip,.bilet,application/zip', required: true,
      onchange: () => { fileName.textContent = file.files[0] ? file.files[0].name : t('upload.none'); } });
    const msg = el('div', { class: 'form-message' });
    const button = el('button', { type: 'submit', class: 'button', text: t('upload.submit') });
    return el('form', { class: 'card upload', onsubmit: async (ev) => {
      ev.preventDefault();
      msg.replaceChildren();
      const f = file.files[0];
      if (!f) return;
      button.disabled = true;
      try {
        const r = await api('POST', '/api/v1/exam-uploads?name=' + encodeURIComponent(f.name), await f.arrayBuffer(),
          f.name.toLowerCase().endsWith('.bilet') ? 'application/octet-stream' : 'application/zip');
        toast(t('upload.done', r.exam || ''), 'ok');
        go('#/exam/' + encodeURIComponent(r.exam));
      } catch (e) {
        const key = e.status === 415 ? 'upload.not_zip' : e.status === 413 ? 'upload.too_big'
            : e.status === 409 ? 'upload.conflict' : e.status === 400 ? 'upload.bad' : 'error.refused';
        msg.replaceChildren(errorBox(refusal(key, e)));
      } finally {
        button.disabled = false;
      }
    } },
    el('h2', { text: t('upload.title') }),
    el('p', { class: 'hint', text: t('upload.hint') }),
    el('div', { class: 'field inline' }, el('label', { for: 'up-file', text: t('upload.file') }),
      el('span', { class: 'file-pick' }, el('span', { class: 'button', 'aria-hidden': 'true', text: t('upload.choose') }), file),
      fileName, button), msg);
  }

  function facts(pairs) {
    return el('dl', { class: 'facts' }, pairs.filter((p) => p[1] !== undefined && p[1] !== null && p[1] !== '')
      .map(([k, v]) => el('div', {}, el('dt', { text: t(k) }), el('dd', {}, v))));
  }

  // One exam: its header, state, tickets, and for a registrar the roster and the lock.
  async function drawExam(id, view) {
    const x = await api('GET', '/api/v1/exams/' + encodeURIComponent(id));
    if (view !== state.view) return;
    const registrar = state.me.role === 'registrar';
    const actions = el('div', { class: 'actions' });
    if (['closed', 'grading', 'in_progress', 'locked'].includes(x.state) || (x.codes || 0) > 0)
      actions.append(el('a', { class: 'button primary', href: '#/grade/' + encodeURIComponent(id), text: t(x.state === 'locked' ? 'exam.view_grades' : 'exam.grade') }));
    if (x.state === 'in_progress')
      actions.append(el('a', { class: 'button', href: '#/rooms/' + encodeURIComponent(id), text: t('exam.rooms') }));
    const lockMsg = el('div', { class: 'form-message' });
    if (registrar && x.state !== 'locked' && x.state !== 'not_started' && x.state !== 'in_progress') {
      actions.append(el('button', { type: 'button', class: 'button danger', text: t('exam.lock'), onclick: async () => {
        if (!confirm(t('exam.lock_confirm'))) return;
        try {
          await api('POST', '/api/v1/exams/' + encodeURIComponent(id) + '/lock', {});
          toast(t('exam.locked'), 'ok');
          route();
        } catch (e) {
          lockMsg.replaceChildren(errorBox(refusal(e.status === 409 ? 'exam.lock_refused' : 'error.refused', e)));
        }
      } }));
    }
    if (registrar && x.state === 'locked')
      actions.append(el('a', { class: 'button primary', href: '#/results/' + encodeURIComponent(id), text: t('exam.results') }));
    const tickets = (Array.isArray(x.tickets) ? x.tickets : []).map((tk) => el('details', { class: 'ticket' },
      el('summary', { text: t('exam.ticket', tk.ticket) }),
      el('ol', {}, (tk.questions || []).map((q) => el('li', {}, q.kind === 'task' ? el('span', { class: 'kind', text: t('kind.task') }) : null, q.text)))));
    const ticketCount = Array.isArray(x.tickets) ? x.tickets.length : x.tickets;
    const policy = x.policy && typeof x.policy === 'object' ? (x.policy.name || JSON.stringify(x.policy)) : x.policy;
    const parts = [
      el('div', { class: 'page-head' },
        el('p', { class: 'crumbs' }, el('a', { href: '#/exams', text: t('nav.exams') }), ' / ', x.id),
        el('h1', { text: x.discipline || x.id }), el('div', { class: 'head-state' }, stateBadge(x.state))),
      el('section', { class: 'card' }, facts([
        ['exam.form', formText(x.form) + (x.mode ? ', ' + t('mode.' + x.mode) : '')],
        ['exam.group', x.group], ['exam.date', fmtDate(x.date) + (x.start ? ', ' + x.start : '')],
        ['exam.room', x.room], ['exam.policy', policy ? t('policy.' + policy) : null],
        ['exam.students', x.students], ['exam.tickets', ticketCount],
        ['exam.graded', progress(x.graded || 0, x.codes || 0, t('grading.progress_label'))],
        ['exam.deadline', x.deadline ? fmtDate(x.deadline) + (x.late ? ' — ' + t('exams.late') : '') : null],
      ]), actions, lockMsg),
    ];
    if (registrar && Array.isArray(x.roster)) {
      parts.push(el('section', { class: 'card' }, el('h2', { text: t('exam.roster', x.roster.length) }),
        el('div', { class: 'table-wrap' }, el('table', { class: 'data' },
          el('thead', {}, el('tr', {}, ['roster.n', 'roster.name', 'roster.book', 'roster.status', 'roster.attended'].map((k) => el('th', { scope: 'col', text: t(k) })))),
          el('tbody', {}, x.roster.map((r, i) => el('tr', {},
            el('td', { class: 'num', text: i + 1 }), el('td', { text: r.full_name }), el('td', { text: r.record_book }),
            el('td', { text: t('status.' + r.status) }),
            el('td', {}, r.attended ? badge('ok', t('roster.came')) : el('span', { class: 'sub', text: t('roster.not_came') })))))))));
    }
    if (tickets.length)
      parts.push(el('section', { class: 'card' }, el('h2', { text: t('exam.ticket_list', tickets.length) }), tickets));
    show(parts);
    focusHeading();
  }

  // Blind grading: codes only. The list on the left, the sheet and the grade on the right.
  async function drawGrading(id, code, view) {
    const [x, codes] = await Promise.all([
      api('GET', '/api/v1/exams/' + encodeURIComponent(id)),
      api('GET', '/api/v1/exams/' + encodeURIComponent(id) + '/codes'),
    ]);
    if (view !== state.view) return;
    codes.sort((a, b) => String(a.code).localeCompare(String(b.code)));
    const needing = (c) => (c.typed || (c.pages && c.pages.length)) && !c.grade;
    const done = codes.filter((c) => c.grade).length;
    const current = code || (codes.find(needing) || codes[0] || {}).code;
    const nextUngraded = () => {
      const i = codes.findIndex((c) => c.code === current);
      const after = codes.slice(i + 1).concat(codes.slice(0, Math.max(i, 0)));
      return after.find(needing) || after.find((c) => !c.grade);
    };
    const list = el('ul', { class: 'codes', 'aria-label': t('grading.codes') }, codes.map((c) => el('li', {},
      el('a', { href: '#/grade/' + encodeURIComponent(id) + '/' + encodeURIComponent(c.code),
        class: 'code-link' + (c.code === current ? ' current' : '') + (c.grade ? ' graded' : ''),
        'aria-current': c.code === current ? 'true' : null },
      el('span', { class: 'code', text: c.code }),
      el('span', { class: 'code-state', text: c.grade ? gradeText(c.grade) : (c.typed || (c.pages && c.pages.length) ? t('grading.todo') : t('grading.no_work')) })))));
    const head = el('div', { class: 'page-head' },
      el('p', { class: 'crumbs' }, el('a', { href: '#/exams', text: t('nav.exams') }), ' / ',
        el('a', { href: '#/exam/' + encodeURIComponent(id), text: x.discipline || id }), ' / ', t('grading.title')),
      el('h1', { text: t('grading.title_of', x.discipline || id) }),
      el('div', { class: 'head-state' }, progress(done, codes.length, t('grading.progress_label'))));
    const sheetBox = el('section', { class: 'sheet card', 'aria-live': 'polite' });
    show(head, el('div', { class: 'grading' }, el('nav', { class: 'code-list card', 'aria-label': t('grading.codes') },
      el('h2', { text: t('grading.codes') }), el('p', { class: 'hint', text: t('grading.keys') }), list), sheetBox));
    focusHeading();
    if (!current) {
      sheetBox.append(el('p', { class: 'empty', text: t('grading.no_codes') }));
      return;
    }
    const sheet = await api('GET', '/api/v1/sheets/' + encodeURIComponent(current));
    if (view !== state.view) return;
    drawSheet(sheetBox, x, sheet, codes.find((c) => c.code === current) || {}, nextUngraded, id);
    const onKey = (ev) => {
      if (view !== state.view) return document.removeEventListener('keydown', onKey);
      const tag = (ev.target && ev.target.tagName) || '';
      if (ev.ctrlKey || ev.altKey || ev.metaKey || ['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) && ev.target.type !== 'radio') return;
      if (ev.code === 'KeyN') {
        const n = nextUngraded();
        ev.preventDefault();
        if (n) go('#/grade/' + encodeURIComponent(id) + '/' + encodeURIComponent(n.code));
        else toast(t('grading.all_done'), 'ok');
        return;
      }
      const digit = /^(?:Digit|Numpad)([2-5])$/.exec(ev.code);
      const keyed = { KeyP: 'pass', KeyF: 'fail', KeyA: 'absent' }[ev.code] || (digit && digit[1]);
      const radio = keyed && sheetBox.querySelector('input[name="grade"][value="' + keyed + '"]');
      if (radio) {
        ev.preventDefault();
        radio.checked = true;
        radio.focus();
      }
    };
    document.addEventListener('keydown', onKey);
  }

  function gradeChoices(x) {
    const zachet = x.form === 'zachet';
    return zachet ? ['pass', 'fail', 'absent'] : ['5', '4', '3', '2', 'absent'];
  }

  function drawSheet(box, x, sheet, codeInfo, nextUngraded, id) {
    const locked = x.state === 'locked';
    const last = sheet.grades && sheet.grades.length ? sheet.grades[sheet.grades.length - 1] : null;
    const questions = el('section', { class: 'questions' },
      el('h3', { text: sheet.ticket ? t('grading.ticket', sheet.ticket) : t('grading.ticket_unknown') }),
      sheet.questions && sheet.questions.length
        ? el('ol', {}, sheet.questions.map((q) => el('li', {}, q.kind === 'task' ? el('span', { class: 'kind', text: t('kind.task') }) : null, q.text)))
        : el('p', { class: 'hint', text: t('grading.no_questions') }));
    const work = el('section', { class: 'work' }, el('h3', { text: t('grading.work') }));
    if (sheet.typed) work.append(el('div', { class: 'typed', tabindex: '0', 'aria-label': t('grading.typed'), text: sheet.typed }));
    (sheet.pages || []).forEach((p) => work.append(el('figure', { class: 'page' },
      el('img', { src: p.url, alt: t('grading.page_alt', p.page), loading: 'lazy' }),
      el('figcaption', { text: t('grading.page', p.page) + (p.hand_entered ? ' — ' + t('grading.hand_entered') : '') }))));
    if (!sheet.typed && !(sheet.pages || []).length) work.append(el('p', { class: 'empty', text: t('grading.no_work_yet') }));
    const history = (sheet.grades || []).length ? el('section', { class: 'history' }, el('h3', { text: t('grading.history') }),
      el('ul', {}, sheet.grades.map((g) => el('li', {}, el('strong', { text: gradeText(g.grade) }), ' — ', g.by || g.staff || '',
        ', ', fmtTime(g.time), g.reason ? el('div', { class: 'sub', text: t('grading.reason_was', g.reason) }) : null)))) : null;

    const form = locked ? el('p', { class: 'notice', text: t('grading.locked') }) : gradeForm(x, sheet, last, nextUngraded, id);
    box.replaceChildren(el('div', { class: 'sheet-head' }, el('h2', {}, t('grading.code'), ' ', el('span', { class: 'code big', text: sheet.code })),
      last ? badge('ok', gradeText(last.grade)) : badge('warn', t('grading.todo'))),
    el('div', { class: 'side-by-side' }, questions, work), ...[history, form].filter(Boolean));
  }

  function gradeForm(x, sheet, last, nextUngraded, id) {
    const msg = el('div', { class: 'form-message' });
    const choices = gradeChoices(x);
    const radios = el('fieldset', { class: 'grades' }, el('legend', { text: t('grading.grade') }),
      choices.map((g, i) => el('label', { class: 'grade-choice' },
        el('input', { type: 'radio', name: 'grade', value: g, required: i === 0, checked: last && last.grade === g }),
        el('span', { text: gradeText(g) }))));
    const by = el('input', { id: 'g-by', value: (last && last.by) || state.me.name, required: true, autocomplete: 'name' });
    const reason = el('textarea', { id: 'g-reason', rows: '2', required: !!last });
    const fields = [radios, el('div', { class: 'field' }, el('label', { for: 'g-by', text: t('grading.by') }), by)];
    if (last) fields.push(el('div', { class: 'field' }, el('label', { for: 'g-reason', text: t('grading.reason') }), reason,
      el('p', { class: 'hint', text: t('grading.reason_hint') })));
    const commission = x.attempt === 3 || (x.exam && x.exam.attempt === 3);
    const votes = [];
    let dissent = null;
    if (commission) {
      const members = (x.commission && x.commission.length ? x.commission : ['', '', '']);
      const rows = members.map((m, i) => {
        const name = el('input', { id: 'v-name-' + i, value: m, 'aria-label': t('grading.member', i + 1) });
        const g = el('select', { id: 'v-grade-' + i, 'aria-label': t('grading.vote', i + 1) },
          el('option', { value: '', text: '—' }), choices.map((c) => el('option', { value: c, text: gradeText(c) })));
        votes.push([name, g]);
        return el('div', { class: 'vote-row' }, name, g);
      });
      dissent = el('textarea', { id: 'g-dissent', rows: '2' });
      fields.push(el('fieldset', { class: 'votes' }, el('legend', { text: t('grading.votes') }), rows,
        el('div', { class: 'field' }, el('label', { for: 'g-dissent', text: t('grading.dissent') }), dissent)));
    }
    const save = el('button', { type: 'submit', class: 'button primary', text: t(last ? 'grading.save_correction' : 'grading.save') });
    return el('form', { class: 'grade-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      msg.replaceChildren();
      const chosen = radios.querySelector('input[name="grade"]:checked');
      if (!chosen) return msg.replaceChildren(errorBox(t('grading.pick')));
      if (last && !reason.value.trim()) {
        reason.focus();
        return msg.replaceChildren(errorBox(t('grading.need_reason')));
      }
      const body = { exam: id, code: sheet.code, grade: chosen.value, by: by.value.trim() };
      if (last) body.reason = reason.value.trim();
      if (commission) {
        body.votes = votes.filter(([n, g]) => n.value.trim() && g.value).map(([n, g]) => ({ member: n.value.trim(), grade: g.value }));
        if (dissent.value.trim()) body.dissent = dissent.value.trim();
      }
      save.disabled = true;
      try {
        await api('POST', '/api/v1/grades', body);
        toast(t('grading.saved', sheet.code, gradeText(chosen.value)), 'ok');
        const n = nextUngraded();
        go('#/grade/' + encodeURIComponent(id) + (n && n.code !== sheet.code ? '/' + encodeURIComponent(n.code) : '/' + encodeURIComponent(sheet.code)));
      } catch (e) {
        msg.replaceChildren(errorBox(refusal(e.status === 409 ? 'grading.refused' : 'error.refused', e)));
      } finally {
        save.disabled = false;
      }
    } }, last ? el('h3', { text: t('grading.correct') }) : null, fields, msg,
    el('div', { class: 'actions' }, save,
      el('button', { type: 'button', class: 'button quiet', text: t('grading.next'), onclick: () => {
        const n = nextUngraded();
        if (n) go('#/grade/' + encodeURIComponent(id) + '/' + encodeURIComponent(n.code));
        else toast(t('grading.all_done'), 'ok');
      } })));
  }

  // Live rooms: every exam in progress (or the one named), refreshed every 5 s.
  async function drawRooms(only, view) {
    const box = el('div', { class: 'rooms' });
    const stamp = el('p', { class: 'hint', 'aria-live': 'off' });
    show(el('div', { class: 'page-head' }, el('h1', { text: t('rooms.title') }), stamp), box);
    focusHeading();
    const refresh = async () => {
      let exams;
      try {
        exams = await api('GET', '/api/v1/exams');
      } catch (e) {
        if (view === state.view) box.replaceChildren(errorBox(e.message));
        return;
      }
      const live = exams.filter((x) => (only ? x.id === only : x.state === 'in_progress'));
      const cards = await Promise.all(live.map(async (x) => {
        try {
          return roomCard(x, await api('GET', '/api/v1/exams/' + encodeURIComponent(x.id) + '/rooms'));
        } catch (e) {
          return el('section', { class: 'card' }, el('h2', { text: x.discipline }), errorBox(e.message));
        }
      }));
      if (view !== state.view) return;
      box.replaceChildren(...(cards.length ? cards : [el('p', { class: 'empty', text: t('rooms.none') })]));
      labelCells(box);
      stamp.textContent = t('rooms.updated', new Date().toLocaleTimeString(lang === 'en' ? 'en-GB' : 'ru-RU'));
    };
    await refresh();
    if (view === state.view) state.timer = setInterval(refresh, 5000);
  }

  function incidentText(i) {
    let s = t('incident.' + i.kind);
    if (i.seconds) s += ' (' + fmtClock(i.seconds) + ')';
    if (i.code) s += ' — ' + i.code;
    return s;
  }

  function roomCard(x, rooms) {
    const registrar = state.me.role === 'registrar';
    const now = rooms.now || Date.now() / 1000;
    const rows = rooms.terminals.map((tm) => {
      const stale = !tm.last_contact || now - tm.last_contact > 120;
      const student = tm.student
        ? el('div', {}, el('span', { class: 'code', text: tm.student.code }),
          registrar && tm.student.full_name ? el('div', { class: 'sub', text: tm.student.full_name + ' · ' + tm.student.record_book }) : null)
        : el('span', { class: 'sub', text: t('rooms.nobody') });
      const left = tm.seconds_left;
      const incidents = (tm.incidents || []).slice(-4).reverse();
      return el('tr', {},
        el('th', { scope: 'row' }, tm.name || tm.kiosk.slice(0, 8), el('div', { class: 'sub', text: t('session.' + tm.session) })),
        el('td', { class: stale ? 'late' : null }, fmtAgo(tm.last_contact, now),
          tm.pending > 0 ? el('div', { class: 'sub late', text: t('rooms.pending', tm.pending) }) : null),
        el('td', {}, student),
        el('td', { class: 'num', text: tm.ticket || '—' }),
        el('td', { class: 'num' + (left !== null && left < 600 ? ' late' : '') }, fmtClock(left)),
        el('td', {}, badge(tm.state === 'writing' || tm.state === 'answering' || tm.state === 'preparing' ? 'live' : tm.state === 'away' ? 'warn' : 'neutral', t('tstate.' + tm.state))),
        el('td', { class: 'num' }, String(tm.records), el('div', { class: 'sub', text: fmtAgo(tm.last_record, now) })),
        el('td', {}, incidents.length ? el('ul', { class: 'incidents' }, incidents.map((i) => el('li', { class: 'incident ' + i.kind }, el('time', { text: fmtTime(i.time).slice(-5) }), ' ', incidentText(i)))) : el('span', { class: 'sub', text: '—' })));
    });
    return el('section', { class: 'card' },
      el('h2', {}, el('a', { href: '#/exam/' + encodeURIComponent(x.id), text: x.discipline }), ' ', el('span', { class: 'sub', text: [x.group, x.room && t('exam.room_short', x.room)].filter(Boolean).join(', ') })),
      rows.length ? el('div', { class: 'table-wrap' }, el('table', { class: 'data rooms-table' },
        el('thead', {}, el('tr', {}, ['rooms.terminal', 'rooms.contact', 'rooms.student', 'rooms.ticket', 'rooms.left', 'rooms.state', 'rooms.records', 'rooms.incidents'].map((k) => el('th', { scope: 'col', text: t(k) })))),
        el('tbody', {}, rows))) : el('p', { class: 'empty', text: t('rooms.no_terminals') }));
  }

  // After the lock (registrar): the unmasked statement, statistics, a chart, the documents.
  async function drawResults(id, view) {
    const st = await api('GET', '/api/v1/exams/' + encodeURIComponent(id) + '/statement');
    if (view !== state.view) return;
    const rows = st.rows || [];
    const order = ['5', '4', '3', '2', 'pass', 'fail', 'absent', 'not_admitted'];
    const counts = {};
    rows.forEach((r) => { const g = r.grade || 'none'; counts[g] = (counts[g] || 0) + 1; });
    const numeric = rows.filter((r) => /^[2-5]$/.test(r.grade || ''));
    const mean = numeric.length ? numeric.reduce((s, r) => s + Number(r.grade), 0) / numeric.length : null;
    const present = order.filter((g) => counts[g]).concat(counts.none ? ['none'] : []);
    const base = '/api/v1/exams/' + encodeURIComponent(id);
    const doc = (file, key) => el('a', { class: 'button', href: base + '/documents/' + file, download: file, text: t(key) });
    const ex = st.exam || {};
    show(
      el('div', { class: 'page-head' },
        el('p', { class: 'crumbs' }, el('a', { href: '#/exams', text: t('nav.exams') }), ' / ', el('a', { href: '#/exam/' + encodeURIComponent(id), text: ex.discipline || id }), ' / ', t('results.title')),
        el('h1', { text: t('results.title_of', ex.discipline || id) }),
        st.locked ? el('p', { class: 'hint', text: t('results.locked_by', st.locked.by, fmtTime(st.locked.time)) }) : null),
      el('section', { class: 'card' }, el('h2', { text: t('results.documents') }),
        el('div', { class: 'actions wrap' }, doc('vedomost.pdf', 'results.vedomost_pdf'), doc('vedomost.csv', 'results.vedomost_csv'),
          doc('statistics.pdf', 'results.stats_pdf'), doc('statistics.csv', 'results.stats_csv'),
          el('a', { class: 'button quiet', href: base + '/results?format=csv', download: 'results-' + id + '.csv', text: t('results.attempts_csv') }))),
      el('div', { class: 'two' },
        el('section', { class: 'card' }, el('h2', { text: t('results.stats') }),
          el('table', { class: 'data compact' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('results.grade') }), el('th', { scope: 'col', class: 'num', text: t('results.count') }), el('th', { scope: 'col', class: 'num', text: t('results.share') }))),
            el('tbody', {}, present.map((g) => el('tr', {}, el('td', { text: gradeText(g === 'none' ? null : g) }), el('td', { class: 'num', text: counts[g] }), el('td', { class: 'num', text: Math.round(100 * counts[g] / rows.length) + ' %' }))),
              el('tr', { class: 'total' }, el('td', { text: t('results.total') }), el('td', { class: 'num', text: rows.length }), el('td', {})))),
          el('p', {}, t('results.mean'), ' ', el('strong', { text: mean === null ? '—' : mean.toFixed(2).replace('.', lang === 'en' ? '.' : ',') }))),
        el('section', { class: 'card' }, el('h2', { text: t('results.chart') }), chart(present, counts))),
      el('section', { class: 'card' }, el('h2', { text: t('results.statement') }),
        el('div', { class: 'table-wrap' }, el('table', { class: 'data' },
          el('thead', {}, el('tr', {}, ['roster.n', 'roster.name', 'roster.book', 'results.code', 'results.ticket', 'results.grade', 'results.by'].map((k) => el('th', { scope: 'col', text: t(k) })))),
          el('tbody', {}, rows.map((r) => el('tr', {}, el('td', { class: 'num', text: r.n }), el('td', { text: r.full_name }), el('td', { text: r.record_book }),
            el('td', {}, el('span', { class: 'code', text: r.code || '—' })), el('td', { class: 'num', text: r.ticket || '—' }),
            el('td', {}, gradeText(r.grade), r.corrections && r.corrections.length ? el('div', { class: 'sub', text: t('results.corrected') }) : null),
            el('td', { text: r.graded_by || '—' }))))))));
    focusHeading();
  }

  // A bar chart of the grade distribution, drawn as SVG (no library, no inline style).
  function chart(keys, counts) {
    const w = 480, h = 240, pad = 32, gap = 12;
    const max = Math.max(1, ...keys.map((k) => counts[k]));
    const bw = keys.length ? (w - 2 * pad - gap * (keys.length - 1)) / keys.length : 0;
    const s = svg('svg', { viewBox: '0 0 ' + w + ' ' + (h + 40), class: 'chart', role: 'img', 'aria-label': t('results.chart') });
    s.append(svg('line', { x1: pad, y1: h, x2: w - pad, y2: h, class: 'axis' }));
    keys.forEach((k, i) => {
      const bh = Math.round((h - pad) * counts[k] / max);
      const x = pad + i * (bw + gap);
      const label = k === 'none' ? t('grade.none') : t('grade.short.' + k);
      s.append(svg('rect', { x, y: h - bh, width: bw, height: bh, rx: 3, class: 'bar g-' + k },
        svg('title', { text: gradeText(k === 'none' ? null : k) + ': ' + counts[k] })));
      s.append(svg('text', { x: x + bw / 2, y: h - bh - 6, class: 'bar-value', 'text-anchor': 'middle', text: String(counts[k]) }));
      s.append(svg('text', { x: x + bw / 2, y: h + 18, class: 'bar-label', 'text-anchor': 'middle', text: label }));
    });
    return s;
  }

  // ---- start ----
  async function signOut() {
    try {
      await api('DELETE', '/api/v1/session');
    } catch (e) { /* the session is gone either way */ }
    state.me = null;
    state.csrf = null;
    drawChrome();
    go('#/signin');
  }

  function start() {
    const select = document.getElementById('lang');
    select.addEventListener('change', () => {
      lang = select.value;
      localStorage.setItem('bilet.lang', lang);
      route();
    });
    document.getElementById('sign-out').addEventListener('click', signOut);
    window.addEventListener('hashchange', route);
    route();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
