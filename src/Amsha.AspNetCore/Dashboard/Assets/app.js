// Amsha executions dashboard: vanilla JavaScript, no dependencies, nothing inline (the page's CSP forbids it).
// Routes: #/ (executions, with ?status=&crew=&page=) and #/executions/{id}.
'use strict';

(function () {
  const PAGE_SIZE = 20;
  const POLL_MS = 2000;
  const MAX_EVENTS = 400;
  // Statuses as the API writes them (camelCase).
  const STATUSES = ['pending', 'running', 'waitingForInput', 'inputExpired', 'interrupted', 'succeeded', 'failed', 'canceled'];
  const ACTIVE = new Set(['pending', 'running']);
  const RESUMABLE = new Set(['failed', 'canceled', 'interrupted', 'inputExpired']);
  const STATUS_TEXT = {
    pending: 'Pending', running: 'Running', waitingForInput: 'Waiting for input', inputExpired: 'Input expired',
    interrupted: 'Interrupted', succeeded: 'Succeeded', failed: 'Failed', canceled: 'Canceled'
  };
  // Every event kind of the executions API's stream (an EventSource only delivers the named events it listens to).
  const EVENT_KINDS = [
    'executionStarted', 'taskStarted', 'llmCallStarted', 'tokenDelta', 'llmCallRetrying', 'llmCallCompleted',
    'llmCallFailed', 'toolCallStarted', 'toolCallCompleted', 'toolCallFailed', 'toolCall', 'taskCompleted',
    'checkpointWritten', 'inputRequested', 'inputAnswered', 'inputExpired', 'executionSuspended',
    'executionCompleted', 'executionCanceled', 'executionFailed', 'executionInterrupted'
  ];
  const TERMINAL_EVENTS = new Set(['executionCompleted', 'executionCanceled', 'executionFailed', 'executionSuspended', 'executionInterrupted']);
  // Events after which the stored detail changed (progress, tokens, status): the page reads it again.
  const REFRESH_EVENTS = new Set([
    'executionStarted', 'taskStarted', 'taskCompleted', 'checkpointWritten', 'llmCallCompleted', 'llmCallRetrying',
    'llmCallFailed', 'toolCallCompleted', 'toolCallFailed', 'toolCall', 'inputRequested', 'inputAnswered', 'inputExpired'
  ]);

  const app = {
    session: null,
    api: '',
    crews: null,
    view: null // the current view's disposer
  };

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const key of Object.keys(props)) {
        const value = props[key];
        if (value === undefined || value === null || value === false) continue;
        if (key === 'text') node.textContent = value;
        else if (key === 'class') node.className = value;
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else if (key === 'hidden') node.hidden = true;
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    append(node, children);
    return node;
  }

  function svg(tag, attrs, children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    if (attrs) {
      for (const key of Object.keys(attrs)) {
        if (key === 'text') node.textContent = attrs[key];
        else node.setAttribute(key, String(attrs[key]));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null) return;
    for (const child of Array.isArray(children) ? children : [children]) {
      if (child === undefined || child === null || child === false) continue;
      node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    }
  }

  function replaceChildren(node, children) {
    node.textContent = '';
    append(node, children);
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  // ---------------------------------------------------------------- formatting

  // 'Running' and 'running' alike: the API writes camelCase, .NET names are PascalCase.
  function statusKey(status) {
    const s = String(status || '');
    return s ? s.charAt(0).toLowerCase() + s.slice(1) : '';
  }

  function statusText(status) {
    const key = statusKey(status);
    return STATUS_TEXT[key] || key || '—';
  }

  function statusBadge(status) {
    const node = el('span');
    updateBadge(node, status);
    return node;
  }

  function updateBadge(node, status) {
    node.className = 'badge s-' + statusKey(status).toLowerCase();
    node.setAttribute('data-status', statusKey(status));
    setText(node, statusText(status));
  }

  function isActive(status) { return ACTIVE.has(statusKey(status)); }
  function isResumable(status) { return RESUMABLE.has(statusKey(status)); }
  function capitalize(s) { s = String(s || ''); return s ? s.charAt(0).toUpperCase() + s.slice(1) : '—'; }

  function formatNumber(n) {
    return typeof n === 'number' ? n.toLocaleString() : '—';
  }

  function formatDuration(ms) {
    if (typeof ms !== 'number' || !isFinite(ms) || ms < 0) return '—';
    if (ms < 1000) return Math.round(ms) + ' ms';
    const s = ms / 1000;
    if (s < 60) return (s < 10 ? s.toFixed(1) : Math.round(s)) + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + Math.round(s % 60) + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }

  function formatTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (isNaN(d.getTime())) return '—';
    const today = new Date();
    return d.toDateString() === today.toDateString()
      ? d.toLocaleTimeString()
      : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  // A running execution's stored duration covers only finished runs: show the time since it started instead.
  function durationOf(x) {
    if (x.startedAt && isActive(x.status)) return Math.max(0, Date.now() - new Date(x.startedAt).getTime(), x.durationMs || 0);
    return typeof x.durationMs === 'number' ? x.durationMs : null;
  }

  function shortId(id) {
    return String(id || '').slice(0, 8);
  }

  // ---------------------------------------------------------------- network

  class HttpError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
      this.status = status;
    }
  }

  async function getJson(url, signal) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store', signal: signal });
    if (!response.ok) throw new HttpError(response.status, await readProblem(response));
    return response.json();
  }

  async function readProblem(response) {
    try { return await response.json(); } catch (e) { return null; }
  }

  async function operate(id, action) {
    const anti = app.session.antiforgery || {};
    const headers = { Accept: 'application/json' };
    if (anti.headerName && anti.token) headers[anti.headerName] = anti.token;
    const response = await fetch('executions/' + encodeURIComponent(id) + '/' + action, {
      method: 'POST', headers: headers, credentials: 'same-origin', cache: 'no-store'
    });
    if (!response.ok) throw new HttpError(response.status, await readProblem(response));
    return response.json();
  }

  function apiUrl(path) {
    return app.api + path;
  }

  // ---------------------------------------------------------------- shell

  let toastTimer = 0;
  function toast(message, bad) {
    const node = document.getElementById('toast');
    node.className = bad ? 'toast bad' : 'toast';
    node.textContent = message;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { node.hidden = true; }, 4000);
  }

  function mainElement() {
    return document.getElementById('main');
  }

  function focusHeading(main) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }

  function parseRoute() {
    const hash = location.hash || '#/';
    if (!hash.startsWith('#/')) return null; // an in-page anchor, not a route
    const [path, query] = hash.slice(1).split('?');
    const params = new URLSearchParams(query || '');
    const match = /^\/executions\/([^/]+)\/?$/.exec(path);
    if (match) return { name: 'execution', id: decodeURIComponent(match[1]) };
    return { name: 'list', params: params };
  }

  function route() {
    const r = parseRoute();
    if (!r) return;
    if (app.view) app.view();
    app.view = null;
    const main = mainElement();
    main.textContent = '';
    app.view = r.name === 'execution' ? executionView(main, r.id) : listView(main, r.params);
    focusHeading(main);
    window.scrollTo(0, 0);
  }

  // A poller that runs while the page is visible; start() (again after stop()) runs it at once.
  function poller(fn, interval) {
    let timer = 0;
    let active = false;
    let running = false;
    async function tick() {
      timer = 0;
      if (!active || running) return;
      if (document.visibilityState === 'hidden') { schedule(); return; }
      running = true;
      try { await fn(); } catch (e) { /* the next tick tries again */ } finally { running = false; schedule(); }
    }
    function schedule() {
      if (active && !timer) timer = setTimeout(tick, interval);
    }
    function onVisible() {
      if (active && document.visibilityState === 'visible') { clearTimeout(timer); timer = 0; tick(); }
    }
    document.addEventListener('visibilitychange', onVisible);
    return {
      start: function () { if (active) return; active = true; clearTimeout(timer); timer = 0; tick(); },
      stop: function () { active = false; clearTimeout(timer); timer = 0; },
      dispose: function () { active = false; clearTimeout(timer); document.removeEventListener('visibilitychange', onVisible); }
    };
  }

  function liveIndicator() {
    const node = el('span', { class: 'live', role: 'status', text: 'Connecting…' });
    return {
      node: node,
      set: function (state, text) {
        node.className = 'live' + (state === 'on' ? ' on' : state === 'warn' ? ' warn' : '');
        setText(node, text);
      }
    };
  }

  function progressBar(large) {
    const fill = el('div', { class: 'progress-fill' });
    const track = el('div', { class: 'progress-track', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': 0, 'data-field': 'progress' }, fill);
    const label = el('span', { class: 'progress-label' });
    const node = el('div', { class: large ? 'progress large' : 'progress' }, [track, label]);
    return {
      node: node,
      set: function (progress, status) {
        const done = (progress && progress.completedTasks) || 0;
        const total = (progress && progress.totalTasks) || 0;
        track.setAttribute('aria-valuemax', String(Math.max(total, 1)));
        track.setAttribute('aria-valuenow', String(done));
        track.setAttribute('aria-valuetext', done + ' of ' + total + ' tasks');
        track.setAttribute('aria-label', 'Progress: ' + done + ' of ' + total + ' tasks');
        // CSSOM, not a style attribute: allowed by the page's style-src 'self'.
        fill.style.width = (total > 0 ? Math.min(100, (100 * done) / total) : 0) + '%';
        const key = statusKey(status);
        fill.className = 'progress-fill' + (key === 'succeeded' ? ' done' : key === 'failed' ? ' bad' : '');
        setText(label, done + '/' + total);
      }
    };
  }

  // ---------------------------------------------------------------- executions list

  function listView(main, params) {
    const filter = {
      status: params.get('status') || '',
      crew: params.get('crew') || '',
      page: Math.max(1, parseInt(params.get('page') || '1', 10) || 1)
    };
    const controller = new AbortController();
    const live = liveIndicator();

    const statusSelect = el('select', { id: 'filter-status', name: 'status' },
      [el('option', { value: '', text: 'All statuses' })].concat(STATUSES.map(function (s) {
        return el('option', { value: s, text: STATUS_TEXT[s] });
      })));
    statusSelect.value = filter.status;
    const crewSelect = el('select', { id: 'filter-crew', name: 'crew' }, el('option', { value: '', text: 'All crews' }));

    function navigate(changes) {
      const next = Object.assign({}, filter, changes);
      const q = new URLSearchParams();
      if (next.status) q.set('status', next.status);
      if (next.crew) q.set('crew', next.crew);
      if (next.page > 1) q.set('page', String(next.page));
      const s = q.toString();
      location.hash = '#/' + (s ? '?' + s : '');
    }

    statusSelect.addEventListener('change', function () { navigate({ status: statusSelect.value, page: 1 }); });
    crewSelect.addEventListener('change', function () { navigate({ crew: crewSelect.value, page: 1 }); });

    const tbody = el('tbody');
    const table = el('table', { class: 'executions', 'aria-describedby': 'list-summary' }, [
      el('caption', { class: 'muted', id: 'list-summary', hidden: true }),
      el('thead', null, el('tr', null, [
        el('th', { scope: 'col', text: 'Execution' }),
        el('th', { scope: 'col', text: 'Status' }),
        el('th', { scope: 'col', text: 'Progress' }),
        el('th', { scope: 'col', class: 'num', text: 'Tokens' }),
        el('th', { scope: 'col', class: 'num', text: 'Duration' }),
        el('th', { scope: 'col', text: 'Started' }),
        el('th', { scope: 'col', text: 'Ended' })
      ])),
      tbody
    ]);
    const empty = el('p', { class: 'empty', hidden: true });
    const failure = el('div', { class: 'error-box', role: 'alert', hidden: true });
    const pageLabel = el('span', { class: 'muted', 'aria-live': 'polite' });
    const prev = el('button', { type: 'button', text: '← Newer', onclick: function () { navigate({ page: filter.page - 1 }); } });
    const next = el('button', { type: 'button', text: 'Older →', onclick: function () { navigate({ page: filter.page + 1 }); } });

    append(main, [
      el('h1', { text: 'Executions' }),
      el('div', { class: 'toolbar', role: 'search', 'aria-label': 'Filter executions' }, [
        el('div', { class: 'field' }, [el('label', { for: 'filter-status', text: 'Status' }), statusSelect]),
        el('div', { class: 'field' }, [el('label', { for: 'filter-crew', text: 'Crew' }), crewSelect]),
        live.node
      ]),
      failure,
      el('section', { class: 'card', 'aria-label': 'Executions' }, [
        el('div', { class: 'table-wrap' }, table),
        empty,
        el('nav', { class: 'pager', 'aria-label': 'Pages' }, [prev, pageLabel, next])
      ])
    ]);

    loadCrews(controller.signal).then(function (crews) {
      const names = crews.slice();
      if (filter.crew && names.indexOf(filter.crew) < 0) names.push(filter.crew);
      for (const name of names) crewSelect.appendChild(el('option', { value: name, text: name }));
      crewSelect.value = filter.crew;
    }).catch(function () { /* the list still works without the crew names */ });

    const rows = new Map();

    function cells(item) {
      const progress = progressBar(false);
      const badge = statusBadge(item.status);
      const link = el('a', { class: 'crew-link', href: '#/executions/' + encodeURIComponent(item.id) }, [
        el('span', { 'data-field': 'crew' }), el('span', { class: 'id' })
      ]);
      const tr = el('tr', { 'data-id': item.id }, [
        el('td', { class: 'first', 'data-label': 'Execution' }, link),
        el('td', { 'data-label': 'Status' }, badge),
        el('td', { 'data-label': 'Progress' }, progress.node),
        el('td', { class: 'num', 'data-label': 'Tokens' }),
        el('td', { class: 'num', 'data-label': 'Duration' }),
        el('td', { 'data-label': 'Started' }),
        el('td', { 'data-label': 'Ended' })
      ]);
      tr._update = function (x) {
        setText(link.firstChild, x.crew || '—');
        setText(link.lastChild, shortId(x.id));
        link.setAttribute('aria-label', (x.crew || 'Execution') + ' ' + shortId(x.id) + ', ' + statusText(x.status));
        updateBadge(badge, x.status);
        progress.set(x.progress, x.status);
        setText(tr.cells[3], formatNumber(x.tokens && x.tokens.total));
        setText(tr.cells[4], formatDuration(durationOf(x)));
        setText(tr.cells[5], formatTime(x.startedAt || x.createdAt));
        setText(tr.cells[6], formatTime(x.endedAt));
        tr.setAttribute('data-status', statusKey(x.status));
      };
      return tr;
    }

    async function load() {
      const q = new URLSearchParams();
      if (filter.status) q.set('status', filter.status);
      if (filter.crew) q.set('crew', filter.crew);
      q.set('skip', String((filter.page - 1) * PAGE_SIZE));
      q.set('take', String(PAGE_SIZE));
      try {
        const page = await getJson(apiUrl('/executions?' + q.toString()), controller.signal);
        failure.hidden = true;
        render(page);
        live.set('on', 'Live · updated ' + new Date().toLocaleTimeString());
      } catch (e) {
        if (controller.signal.aborted) return;
        failure.hidden = false;
        replaceChildren(failure, [el('strong', { text: 'Could not load executions.' }), e.message]);
        live.set('warn', 'Retrying…');
      }
    }

    function render(page) {
      const items = page.items || [];
      const seen = new Set();
      let previous = null;
      for (const item of items) {
        seen.add(item.id);
        let tr = rows.get(item.id);
        if (!tr) {
          tr = cells(item);
          rows.set(item.id, tr);
        }
        tr._update(item);
        // Keep the server's order (newest first) without re-creating rows, so focus stays where it is.
        const expected = previous ? previous.nextSibling : tbody.firstChild;
        if (expected !== tr) tbody.insertBefore(tr, expected);
        previous = tr;
      }
      for (const [id, tr] of rows) {
        if (!seen.has(id)) { tr.remove(); rows.delete(id); }
      }
      const total = typeof page.total === 'number' ? page.total : items.length;
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      empty.hidden = items.length > 0;
      table.hidden = items.length === 0;
      setText(empty, filter.status || filter.crew ? 'No executions match these filters.' : 'No executions yet. Start a background execution through the API and it appears here.');
      setText(pageLabel, total === 0 ? '' : 'Page ' + filter.page + ' of ' + pages + ' · ' + total.toLocaleString() + ' executions');
      setText(table.querySelector('caption'), total + ' executions');
      prev.disabled = filter.page <= 1;
      next.disabled = filter.page >= pages;
    }

    const poll = poller(load, POLL_MS);
    poll.start();
    return function () { poll.dispose(); controller.abort(); };
  }

  async function loadCrews(signal) {
    if (!app.crews) {
      const body = await getJson(apiUrl('/crews'), signal);
      app.crews = (body.crews || []).map(function (c) { return c.name; });
    }
    return app.crews;
  }

  // ---------------------------------------------------------------- one execution

  function executionView(main, id) {
    const controller = new AbortController();
    const live = liveIndicator();
    let detail = null;
    let source = null;
    let lastSequence = 0;
    let refreshTimer = 0;
    let disposed = false;
    const liveOutput = new Map(); // task name → text streamed so far

    const title = el('h1', { text: 'Execution' });
    const badge = el('span', { class: 'badge', 'data-field': 'status', role: 'status', 'aria-live': 'polite' });
    const cancelButton = el('button', { type: 'button', class: 'danger', 'data-action': 'cancel', text: 'Cancel', hidden: true });
    const resumeButton = el('button', { type: 'button', class: 'primary', 'data-action': 'resume', text: 'Resume', hidden: true });
    const progress = progressBar(true);
    const facts = el('dl', { class: 'facts' });
    const failure = el('div', { class: 'error-box', role: 'alert', hidden: true, 'data-field': 'error' });
    const loadError = el('div', { class: 'error-box', role: 'alert', hidden: true });
    const pending = el('section', { class: 'card', 'aria-labelledby': 'pending-title', hidden: true });
    const chart = el('div', { 'data-field': 'chart' });
    const tasks = el('ol', { class: 'tasks', 'data-field': 'tasks' });
    const tools = el('section', { class: 'card', 'aria-labelledby': 'tools-title', hidden: true });
    const history = el('ol', { class: 'history' });
    const events = el('ol', { class: 'events', role: 'log', 'aria-live': 'off', 'aria-label': 'Events', 'data-field': 'events' });
    const noEvents = el('p', { class: 'muted', text: 'Waiting for events…' });

    cancelButton.addEventListener('click', function () { act('cancel', cancelButton); });
    resumeButton.addEventListener('click', function () { act('resume', resumeButton); });

    append(main, [
      el('p', { class: 'crumbs' }, el('a', { href: '#/', text: '← All executions' })),
      el('div', { class: 'head' }, [title, badge, el('div', { class: 'actions' }, [cancelButton, resumeButton])]),
      el('p', { class: 'mono muted', text: id }),
      loadError,
      el('section', { class: 'card', 'aria-label': 'Summary' }, [progress.node, facts]),
      failure,
      pending,
      el('div', { class: 'grid' }, [
        el('div', null, [
          el('section', { class: 'card', 'aria-labelledby': 'chart-title' }, [
            el('h2', { id: 'chart-title', text: 'Tokens and latency per task' }), chart
          ]),
          el('section', { class: 'card', 'aria-labelledby': 'tasks-title' }, [
            el('h2', { id: 'tasks-title', text: 'Tasks' }), tasks
          ]),
          tools
        ]),
        el('div', null, [
          el('section', { class: 'card', 'aria-labelledby': 'events-title' }, [
            el('div', { class: 'head' }, [el('h2', { id: 'events-title', text: 'Live events' }), live.node]),
            noEvents, events
          ]),
          el('section', { class: 'card', 'aria-labelledby': 'history-title' }, [
            el('h2', { id: 'history-title', text: 'Status history' }), history
          ])
        ])
      ])
    ]);

    async function load() {
      try {
        const d = await getJson(apiUrl('/executions/' + encodeURIComponent(id)), controller.signal);
        loadError.hidden = true;
        detail = d;
        render(d);
        return d;
      } catch (e) {
        if (controller.signal.aborted) return null;
        loadError.hidden = false;
        replaceChildren(loadError, [
          el('strong', { text: e.status === 404 ? 'There is no execution with this id.' : 'Could not load the execution.' }), e.message
        ]);
        return null;
      }
    }

    function scheduleRefresh() {
      if (refreshTimer || disposed) return;
      refreshTimer = setTimeout(function () { refreshTimer = 0; load(); }, 150);
    }

    function render(d) {
      setText(title, d.crew || 'Execution');
      document.title = (d.crew || 'Execution') + ' · ' + app.session.title;
      updateBadge(badge, d.status);
      progress.set(d.progress, d.status);
      const canOperate = !!app.session.canOperate;
      cancelButton.hidden = !(canOperate && isActive(d.status));
      resumeButton.hidden = !(canOperate && isResumable(d.status));

      renderFacts(d);

      if (d.error) {
        failure.hidden = false;
        replaceChildren(failure, [
          el('strong', { text: (d.error.type || 'Error') + (d.error.recoverable ? ' (recoverable: resuming may succeed)' : '') }),
          d.error.message || 'The message is hidden: content capture is off.'
        ]);
      } else {
        failure.hidden = true;
      }

      renderPending(d.pendingInput || []);
      renderChart(d.tasks || []);
      renderTasks(d.tasks || []);
      renderTools(d.toolCalls || []);
      replaceChildren(history, (d.statusHistory || []).map(function (h) {
        return el('li', null, [statusBadge(h.status), el('span', { class: 'muted', text: formatTime(h.at) })]);
      }));
    }

    function renderFacts(d) {
      const tokens = d.tokens || {};
      replaceChildren(facts, [
        fact('Mode', capitalize(d.mode)),
        fact('Current task', (d.progress && d.progress.currentTask) || '—'),
        fact('Tokens', formatNumber(tokens.total) + (typeof tokens.input === 'number' ? ' (' + formatNumber(tokens.input) + ' in · ' + formatNumber(tokens.output) + ' out)' : '')),
        fact('Duration', formatDuration(durationOf(d))),
        fact('Created', formatTime(d.createdAt)),
        fact('Started', formatTime(d.startedAt)),
        fact('Ended', formatTime(d.endedAt)),
        d.definitionVersion ? fact('Definitions', d.definitionVersion) : null
      ]);
    }

    function fact(name, value) {
      return el('div', null, [el('dt', { text: name }), el('dd', { text: value })]);
    }

    function renderPending(requests) {
      pending.hidden = requests.length === 0;
      if (!requests.length) return;
      replaceChildren(pending, [
        el('h2', { id: 'pending-title', text: 'Waiting for a person' }),
        el('ul', null, requests.map(function (r) {
          const kind = r.kind === 'toolApproval' ? 'Tool approval' : r.kind === 'taskReview' ? 'Review' : (r.kind || 'Input request');
          const what = [kind, r.task, r.tool].filter(Boolean).join(' · ');
          return el('li', null, [el('strong', { text: what }), r.question ? ' — ' + r.question : '',
            r.deadline ? el('span', { class: 'muted', text: ' (expires ' + formatTime(r.deadline) + ')' }) : null]);
        }))
      ]);
    }

    // Keyed by task name and updated in place: focus and the scroll position of outputs survive a refresh.
    const taskItems = new Map();
    function renderTasks(list) {
      if (!list.length) {
        taskItems.clear();
        replaceChildren(tasks, el('li', { class: 'muted', text: 'No task has started yet.' }));
        return;
      }
      const placeholder = tasks.querySelector('li.muted');
      if (placeholder) placeholder.remove();
      let previous = null;
      const seen = new Set();
      for (const t of list) {
        seen.add(t.name);
        let item = taskItems.get(t.name);
        if (!item) {
          item = {
            li: el('li', { class: 'task', 'data-task': t.name }),
            badge: statusBadge(t.status),
            meta: el('div', { class: 'task-meta' }),
            pre: el('pre', { class: 'task-output', tabindex: 0, 'aria-label': 'Output of ' + t.name, hidden: true })
          };
          append(item.li, [el('div', { class: 'task-head' }, [el('span', { class: 'task-name', text: t.name }), item.badge]), item.meta, item.pre]);
          taskItems.set(t.name, item);
        }
        const tk = t.tokens || {};
        const meta = [
          t.agent ? 'Agent ' + t.agent : null,
          tk.total ? formatNumber(tk.total) + ' tokens' : null,
          t.durationMs ? formatDuration(t.durationMs) : null,
          t.llmCalls ? t.llmCalls + (t.llmCalls === 1 ? ' LLM call' : ' LLM calls') : null,
          t.retries ? t.retries + (t.retries === 1 ? ' retry' : ' retries') : null,
          typeof t.toolCalls === 'number' && t.toolCalls ? t.toolCalls + (t.toolCalls === 1 ? ' tool call' : ' tool calls') : null
        ].filter(Boolean).join(' · ');
        updateBadge(item.badge, t.status);
        setText(item.meta, meta);
        item.meta.hidden = !meta;
        const output = typeof t.output === 'string' ? t.output : liveOutput.get(t.name);
        item.pre.hidden = !output;
        setText(item.pre, output || '');
        const expected = previous ? previous.nextSibling : tasks.firstChild;
        if (expected !== item.li) tasks.insertBefore(item.li, expected);
        previous = item.li;
      }
      for (const [name, item] of taskItems) {
        if (!seen.has(name)) { item.li.remove(); taskItems.delete(name); }
      }
    }

    function renderTools(calls) {
      tools.hidden = calls.length === 0;
      if (!calls.length) return;
      replaceChildren(tools, [
        el('h2', { id: 'tools-title', text: 'Tool calls' }),
        el('div', { class: 'table-wrap' }, el('table', { class: 'plain' }, [
          el('thead', null, el('tr', null, [
            el('th', { scope: 'col', text: 'Tool' }), el('th', { scope: 'col', text: 'Task' }),
            el('th', { scope: 'col', text: 'Result' }), el('th', { scope: 'col', text: 'Completed' })
          ])),
          el('tbody', null, calls.map(function (c) {
            const result = typeof c.result === 'string' ? c.result : 'hidden (content capture is off)';
            return el('tr', null, [
              el('td', { class: 'mono', text: c.tool || c.name || '—' }), el('td', { text: c.task || '—' }),
              el('td', { text: result.length > 200 ? result.slice(0, 200) + '…' : result }), el('td', { text: formatTime(c.completedAt) })
            ]);
          }))
        ]))
      ]);
    }

    // Two bars per task, drawn with DOM APIs: tokens (input and output stacked) and latency, each scaled to the largest.
    function renderChart(list) {
      if (!list.length) {
        replaceChildren(chart, el('p', { class: 'muted', text: 'The chart appears as tasks run.' }));
        return;
      }
      // One SVG unit per CSS pixel of the card, so labels keep their size on a phone and on a wide screen.
      const width = Math.max(240, Math.floor(chart.clientWidth || 360));
      const labelWidth = 0;
      const barMax = width - 70;
      const rowHeight = 52;
      const height = list.length * rowHeight + 4;
      const maxTokens = Math.max(1, ...list.map(function (t) { return (t.tokens && t.tokens.total) || 0; }));
      const maxMs = Math.max(1, ...list.map(function (t) { return t.durationMs || 0; }));
      const summary = list.map(function (t) {
        return t.name + ': ' + formatNumber((t.tokens && t.tokens.total) || 0) + ' tokens, ' + formatDuration(t.durationMs);
      }).join('; ');
      const root = svg('svg', { class: 'chart', viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Tokens and latency per task. ' + summary });
      list.forEach(function (t, i) {
        const y = i * rowHeight;
        const tk = t.tokens || {};
        const input = tk.input || 0;
        const output = tk.output || Math.max(0, (tk.total || 0) - input);
        const inW = (barMax * input) / maxTokens;
        const outW = (barMax * output) / maxTokens;
        const msW = (barMax * (t.durationMs || 0)) / maxMs;
        const g = svg('g', { 'data-task': t.name });
        append(g, [
          svg('title', { text: t.name + ': ' + formatNumber(input) + ' input and ' + formatNumber(output) + ' output tokens, ' + formatDuration(t.durationMs) }),
          svg('text', { x: labelWidth, y: y + 12, text: t.name }),
          svg('rect', { class: 'bar-input', x: labelWidth, y: y + 17, width: Math.max(inW, 0), height: 11, rx: 2 }),
          svg('rect', { class: 'bar-output', x: labelWidth + inW, y: y + 17, width: Math.max(outW, 0), height: 11, rx: 2 }),
          svg('text', { class: 'value', x: labelWidth + inW + outW + 4, y: y + 26, text: formatNumber(tk.total || input + output) }),
          svg('rect', { class: 'bar-time', x: labelWidth, y: y + 31, width: Math.max(msW, 0), height: 11, rx: 2 }),
          svg('text', { class: 'value', x: labelWidth + msW + 4, y: y + 40, text: formatDuration(t.durationMs) })
        ]);
        root.appendChild(g);
      });
      replaceChildren(chart, [
        root,
        el('div', { class: 'legend', 'aria-hidden': 'true' }, [
          el('span', { class: 'k-input', text: 'Input tokens' }),
          el('span', { class: 'k-output', text: 'Output tokens' }),
          el('span', { class: 'k-time', text: 'Latency' })
        ])
      ]);
    }

    // ------------------------------------------------------------ live events

    function describe(kind, d) {
      const parts = [];
      if (d.task) parts.push(d.task);
      switch (kind) {
        case 'executionStarted': parts.push((d.crew ? d.crew + ', ' : '') + (d.totalTasks || '?') + ' tasks'); break;
        case 'taskStarted': if (d.agent) parts.push('agent ' + d.agent); break;
        case 'llmCallStarted': if (d.model) parts.push(d.model); break;
        case 'llmCallRetrying':
          parts.push('attempt ' + (d.attempt || '?') + ' failed' + (d.reason ? ' (' + d.reason + ')' : '') + ', again in ' + formatDuration(d.delayMs)); break;
        case 'llmCallCompleted':
          if (d.tokens) parts.push(formatNumber(d.tokens.total) + ' tokens');
          if (typeof d.durationMs === 'number') parts.push(formatDuration(d.durationMs));
          if (d.attempts > 1) parts.push(d.attempts + ' attempts');
          break;
        case 'llmCallFailed': case 'executionFailed': case 'toolCallFailed':
          if (d.tool) parts.push(d.tool);
          parts.push((d.errorType || 'error') + (d.message ? ': ' + d.message : '')); break;
        case 'checkpointWritten': parts.push('revision ' + d.revision + ', ' + d.completedTasks + ' tasks done'); break;
        case 'toolCall': case 'toolCallStarted': case 'toolCallCompleted':
          if (d.tool) parts.push(d.tool);
          if (typeof d.durationMs === 'number') parts.push(formatDuration(d.durationMs));
          break;
        case 'inputRequested': if (d.request) parts.push((d.request.task || '') + (d.request.question ? ': ' + d.request.question : '')); break;
        case 'inputAnswered': if (d.decision) parts.push(d.decision); break;
        case 'executionSuspended': if (d.status) parts.push(statusText(d.status)); break;
        case 'executionCompleted': if (typeof d.durationMs === 'number') parts.push(formatDuration(d.durationMs)); break;
      }
      return parts.join(' · ');
    }

    function kindClass(kind) {
      if (/Failed$/.test(kind)) return 'k-bad';
      if (kind === 'executionCompleted' || kind === 'taskCompleted') return 'k-ok';
      if (/Retrying$|Canceled$|Suspended$|Interrupted$|^input/.test(kind)) return 'k-warn';
      return '';
    }

    function logEvent(kind, d, sequence) {
      noEvents.hidden = true;
      const stick = events.scrollTop + events.clientHeight >= events.scrollHeight - 8;
      events.appendChild(el('li', { class: kindClass(kind), 'data-kind': kind }, [
        el('span', { class: 'seq', text: sequence ? '#' + sequence : '' }),
        el('span', null, [el('span', { class: 'kind', text: kind }), ' ', el('span', { class: 'muted', text: d.timestamp ? formatTime(d.timestamp) : '' })]),
        el('span', { class: 'detail', text: describe(kind, d) })
      ]));
      while (events.childElementCount > MAX_EVENTS) events.firstElementChild.remove();
      if (stick) events.scrollTop = events.scrollHeight;
    }

    function onEvent(e) {
      let d;
      try { d = JSON.parse(e.data); } catch (err) { return; }
      const sequence = typeof d.sequence === 'number' ? d.sequence : parseInt(e.lastEventId, 10) || 0;
      if (sequence && sequence <= lastSequence) return; // already shown before a reconnection
      if (sequence) lastSequence = sequence;
      const kind = e.type === 'message' ? (d.type || 'event') : e.type;
      live.set('on', 'Live');

      if (kind === 'tokenDelta') {
        // Tokens are shown in their task's output, not as one line each.
        if (d.task && typeof d.text === 'string') {
          liveOutput.set(d.task, (liveOutput.get(d.task) || '') + d.text);
          const item = taskItems.get(d.task);
          if (item) { item.pre.hidden = false; item.pre.textContent = liveOutput.get(d.task); }
          else scheduleRefresh();
        }
        return;
      }

      logEvent(kind, d, sequence);
      if (kind === 'checkpointWritten' && typeof d.completedTasks === 'number' && detail) {
        progress.set({ completedTasks: d.completedTasks, totalTasks: detail.progress ? detail.progress.totalTasks : 0 }, detail.status);
      }
      if (TERMINAL_EVENTS.has(kind)) {
        closeStream();
        live.set('', kind === 'executionSuspended' ? 'Waiting for input' : 'Ended');
        load().then(followUp);
        return;
      }
      if (REFRESH_EVENTS.has(kind)) scheduleRefresh();
    }

    // The execution does not run in this process (ended, waiting, or elsewhere): the server sent its summary once.
    function onStatus(e) {
      let d;
      try { d = JSON.parse(e.data); } catch (err) { d = {}; }
      closeStream();
      if (!eventsSeen()) {
        noEvents.hidden = false;
        setText(noEvents, 'No live events: this execution is not running in this process' + (d.status ? ' (' + statusText(d.status) + ').' : '.'));
      }
      load().then(followUp);
    }

    function eventsSeen() {
      return events.childElementCount > 0;
    }

    // After the stream ended: poll while the execution may still change (running elsewhere, waiting for input).
    function followUp(d) {
      if (disposed || !d) return;
      if (isActive(d.status) || statusKey(d.status) === 'waitingForInput') {
        live.set('warn', 'Polling');
        poll.start();
      } else {
        poll.stop();
        live.set('', 'Ended');
      }
    }

    function openStream() {
      if (disposed || source) return;
      live.set('warn', 'Connecting…');
      source = new EventSource(apiUrl('/executions/' + encodeURIComponent(id) + '/events'));
      for (const kind of EVENT_KINDS) source.addEventListener(kind, onEvent);
      source.addEventListener('message', onEvent);
      source.addEventListener('status', onStatus);
      source.addEventListener('open', function () { live.set('on', 'Live'); });
      source.addEventListener('error', function () {
        if (!source) return;
        if (source.readyState === EventSource.CLOSED) {
          // Refused (401, 404…): the browser gives up; fall back to polling the detail.
          closeStream();
          load().then(followUp);
        } else {
          live.set('warn', 'Reconnecting…'); // the browser reconnects and sends Last-Event-ID
        }
      });
    }

    function closeStream() {
      if (source) { source.close(); source = null; }
    }

    let wasActive = false;
    const poll = poller(async function () {
      const d = await load();
      if (!d) return;
      const active = isActive(d.status);
      if (active && !wasActive) openStream(); // resumed (here or elsewhere): try the live stream again
      wasActive = active;
      if (!active && statusKey(d.status) !== 'waitingForInput') { poll.stop(); live.set('', 'Ended'); }
    }, POLL_MS);

    async function act(action, button) {
      button.disabled = true;
      try {
        const result = await operate(id, action);
        toast(action === 'cancel' ? 'Cancel requested.' : 'Resumed: ' + statusText(result.status) + '.');
        badge.tabIndex = -1;
        badge.focus(); // the button may disappear: keep focus on the status it changed
        const d = await load();
        if (action === 'resume' && d) {
          lastSequence = 0;
          events.textContent = '';
          wasActive = isActive(d.status);
          openStream();
        }
      } catch (e) {
        toast((action === 'cancel' ? 'Could not cancel: ' : 'Could not resume: ') + e.message, true);
        load();
      } finally {
        button.disabled = false;
      }
    }

    load().then(function (d) {
      if (disposed || !d) return;
      wasActive = isActive(d.status);
      if (wasActive) openStream();
      else {
        noEvents.hidden = false;
        setText(noEvents, 'No live events: the execution is ' + statusText(d.status).toLowerCase() + '.');
        followUp(d);
      }
    });

    let resizeTimer = 0;
    function onResize() {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () { if (detail) renderChart(detail.tasks || []); }, 150);
    }
    window.addEventListener('resize', onResize);

    // Running durations tick while nothing else changes.
    const clock = setInterval(function () {
      if (detail && isActive(detail.status) && document.visibilityState === 'visible') renderFacts(detail);
    }, 1000);

    return function () {
      disposed = true;
      window.removeEventListener('resize', onResize);
      clearTimeout(resizeTimer);
      closeStream();
      poll.dispose();
      clearInterval(clock);
      clearTimeout(refreshTimer);
      controller.abort();
    };
  }

  // ---------------------------------------------------------------- start

  async function boot() {
    document.getElementById('skip-link').addEventListener('click', function (e) {
      e.preventDefault(); // the hash is the route: focus the content instead of navigating
      mainElement().focus();
    });
    try {
      app.session = await getJson('session');
    } catch (e) {
      const main = mainElement();
      replaceChildren(main, [
        el('h1', { text: 'Dashboard unavailable' }),
        el('div', { class: 'error-box', role: 'alert' }, [el('strong', { text: 'Could not start the dashboard.' }), e.message])
      ]);
      return;
    }
    app.api = String(app.session.apiPrefix || '').replace(/\/+$/, '');
    setText(document.getElementById('app-title'), app.session.title);
    document.title = app.session.title;
    const user = document.getElementById('user');
    setText(user, app.session.user ? app.session.user + (app.session.canOperate ? ' · operator' : ' · read-only') : '');
    window.addEventListener('hashchange', route);
    route();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
