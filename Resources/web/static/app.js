/* Logstag web UI: progressive enhancement only. Every page works without this file. */
(function () {
  'use strict';

  var doc = document;
  doc.documentElement.classList.add('js');

  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }

  /* Build a DOM node. Text always goes through textContent, never innerHTML. */
  function h(tag, attrs, children) {
    var node = doc.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        if (attrs[key] === null || attrs[key] === undefined || attrs[key] === false) return;
        if (key === 'text') node.textContent = attrs[key];
        else node.setAttribute(key, attrs[key]);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? doc.createTextNode(child) : child);
    });
    return node;
  }

  /* One polite live region for short announcements ("Copied"). */
  var live;
  function announce(message) {
    if (!live) {
      live = h('div', { 'class': 'visually-hidden', 'aria-live': 'polite', 'role': 'status' });
      doc.body.appendChild(live);
    }
    live.textContent = '';
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  /* ---------- (a) copy to clipboard ---------- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = h('textarea', { 'aria-hidden': 'true', readonly: 'readonly' });
      area.value = text;
      area.style.position = 'fixed';
      area.style.opacity = '0';
      doc.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = doc.execCommand('copy'); } catch (e) { ok = false; }
      doc.body.removeChild(area);
      if (ok) resolve(); else reject(new Error('copy failed'));
    });
  }

  function selectNode(node) {
    var range = doc.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function initCopy() {
    $all('[data-copy-target]').forEach(function (button) {
      button.hidden = false;
      var label = $('[data-copy-label]', button);
      var original = label ? label.textContent : null;
      var originalAria = button.getAttribute('aria-label');
      button.addEventListener('click', function () {
        var ref = button.getAttribute('data-copy-target');
        var target = doc.getElementById(ref.charAt(0) === '#' ? ref.slice(1) : ref) || $(ref);
        if (!target) return;
        var text = ('value' in target && target.tagName !== 'BUTTON') ? target.value : target.textContent;
        copyText(text.trim()).then(function () {
          button.classList.add('is-copied');
          if (label) label.textContent = 'Copied';
          if (originalAria) button.setAttribute('aria-label', 'Copied');
          announce('Copied to the clipboard');
          window.setTimeout(function () {
            button.classList.remove('is-copied');
            if (label) label.textContent = original;
            if (originalAria) button.setAttribute('aria-label', originalAria);
          }, 2000);
        }, function () {
          selectNode(target);
          announce('Copy is not available here: the text is selected, press Ctrl+C to copy it');
        });
      });
    });
  }

  /* ---------- (b) confirmation ---------- */
  function initConfirm() {
    doc.addEventListener('submit', function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      var message = form.getAttribute('data-confirm');
      if (message && !window.confirm(message)) {
        event.preventDefault();
      }
    });
  }

  /* ---------- (d) refresh buttons, dismissible flash, user menu ---------- */
  function initMisc() {
    $all('[data-refresh]').forEach(function (button) {
      button.hidden = false;
      button.addEventListener('click', function () { window.location.reload(); });
    });
    $all('[data-dismiss]').forEach(function (button) {
      button.hidden = false;
      button.addEventListener('click', function () {
        var box = button.closest('.alert');
        if (box) box.remove();
        var main = doc.getElementById('main');
        if (main) main.focus();
      });
    });
    var menu = $('.user-menu');
    if (menu) {
      doc.addEventListener('click', function (event) {
        if (menu.open && !menu.contains(event.target)) menu.open = false;
      });
      doc.addEventListener('keydown', function (event) {
        if (event.key === 'Escape' && menu.open) {
          menu.open = false;
          var trigger = $('summary', menu);
          if (trigger) trigger.focus();
        }
      });
    }
  }

  /* ---------- (e) auto-submitting GET forms (setup choices) ---------- */
  var RESTORE_KEY = 'logstag:autosubmit';

  function initAutosubmit() {
    $all('form[data-autosubmit]').forEach(function (form) {
      form.addEventListener('change', function (event) {
        var input = event.target;
        if (!input || !input.name) return;
        try {
          window.sessionStorage.setItem(RESTORE_KEY, JSON.stringify({
            path: window.location.pathname, name: input.name, y: window.scrollY
          }));
        } catch (e) { /* storage may be disabled; submitting still works */ }
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });
    /* After the reload, put focus and scroll back where the user was. */
    var saved = null;
    try { saved = JSON.parse(window.sessionStorage.getItem(RESTORE_KEY) || 'null'); window.sessionStorage.removeItem(RESTORE_KEY); } catch (e) { saved = null; }
    if (saved && saved.path === window.location.pathname) {
      window.scrollTo(0, saved.y || 0);
      var field = $('form[data-autosubmit] [name="' + String(saved.name).replace(/"/g, '') + '"]:checked') ||
                  $('form[data-autosubmit] [name="' + String(saved.name).replace(/"/g, '') + '"]');
      if (field) field.focus({ preventScroll: true });
    }

    /* The organisation switcher shows its button only once another organisation is chosen. */
    $all('form[data-reveal-on-change]').forEach(function (form) {
      var button = $('[data-reveal-target]', form);
      var select = $('select', form);
      if (!button || !select) return;
      var initial = select.value;
      button.hidden = true;
      select.addEventListener('change', function () { button.hidden = select.value === initial; });
    });
  }

  /* ---------- (c) connection-test polling ---------- */
  var POLL_INTERVAL_MS = 5000;
  var POLL_LIMIT_MS = 100000;
  var TIMEOUT_TEXT = 'No answer from the agent after 100 seconds. Check that the agent is running and can reach this server, then try again.';
  var TERMINAL = { passed: true, failed: true, timed_out: true };
  var STATUS_LABEL = { queued: 'Queued', sent: 'Sent to agent', passed: 'Passed', failed: 'Failed', timed_out: 'Timed out' };

  function itemText(item) {
    if (item === null || item === undefined) return '';
    if (typeof item === 'string') return item;
    return item.message || item.detail || item.title || item.name || JSON.stringify(item);
  }

  function factRow(label, value, mono) {
    var shown = (value === null || value === undefined || value === '') ? '—' : String(value);
    return h('div', null, [h('dt', { text: label }), h('dd', { 'class': mono ? 'mono' : null, text: shown })]);
  }

  function listCallout(kind, title, items, emptyText) {
    var list = h('ul');
    (items && items.length ? items : [null]).forEach(function (item) {
      list.appendChild(item === null ? h('li', { 'class': 'muted', text: emptyText }) : h('li', { text: itemText(item) }));
    });
    return h('div', { 'class': 'callout callout--' + kind }, [h('div', null, [h('p', { 'class': 'callout__title', text: title }), list])]);
  }

  function renderResult(data) {
    var passed = data.status === 'passed';
    var result = data.result;
    var box = h('div', { 'class': 'test-result ' + (passed ? 'test-result--passed' : 'test-result--failed') });
    var head = h('div', { 'class': 'test-result__head' }, [
      h('h3', { 'class': 'test-result__title', text: 'Connection test' }),
      h('span', { 'class': 'badge ' + (passed ? 'badge--connected' : 'badge--danger') }, [
        h('span', { 'class': 'badge__dot', 'aria-hidden': 'true' }), STATUS_LABEL[data.status] || String(data.status)
      ])
    ]);
    if (passed) {
      var reload = h('button', { type: 'button', 'class': 'btn btn--sm', text: 'Reload page' });
      reload.addEventListener('click', function () { window.location.reload(); });
      head.appendChild(h('span', { 'class': 'muted small', text: 'The instance is now Connected.' }));
      head.appendChild(reload);
    }
    box.appendChild(head);
    if (data.message && (!passed || !result)) box.appendChild(h('p', { text: data.message }));
    if (!result) {
      if (data.status === 'timed_out') box.appendChild(h('p', { text: TIMEOUT_TEXT }));
      return box;
    }
    var host = result.host ? String(result.host) + (result.port ? ':' + result.port : '') : null;
    box.appendChild(h('dl', { 'class': 'test-result__facts' }, [
      factRow('Target database', result.target_database),
      factRow('Engine', result.engine),
      factRow('Host', host, true),
      factRow('Server version', result.server_version),
      factRow('Agent version', result.agent_version)
    ]));
    box.appendChild(h('h4', { 'class': 'test-result__sub', text: 'Prerequisite checks' }));
    var checks = h('ul', { 'class': 'checks' });
    (result.checks || []).forEach(function (check) {
      var status = String(check.status || '').toLowerCase().replace(/[^a-z0-9_-]/g, '');
      checks.appendChild(h('li', { 'class': 'check check--' + status }, [
        h('span', { 'class': 'check__status', text: check.status || '' }),
        h('span', { 'class': 'check__name', text: check.name || '' }),
        check.detail ? h('span', { 'class': 'check__detail', text: check.detail }) : null
      ]));
    });
    if (!checks.firstChild) checks.appendChild(h('li', { 'class': 'check check--none' }, [h('span', { 'class': 'check__name', text: 'No checks reported.' })]));
    box.appendChild(checks);
    box.appendChild(h('div', { 'class': 'test-result__lists' }, [
      listCallout('warn', 'Configuration issues', result.configuration_issues, 'None reported.'),
      listCallout('info', 'Fix suggestions', result.fix_suggestions, 'None.')
    ]));
    return box;
  }

  function initPolling() {
    var panel = $('#connection-test[data-poll-url]');
    if (!panel) return;
    var url = panel.getAttribute('data-poll-url');
    var started = Date.now();
    var lastStatus = null;
    var timer = null;
    var clock = null;
    var done = false;

    function setWaiting(text) {
      panel.className = 'test-panel';
      panel.textContent = '';
      clock = h('span', { 'class': 'muted small', 'aria-hidden': 'true' });
      panel.appendChild(h('span', { 'class': 'spinner', 'aria-hidden': 'true' }));
      panel.appendChild(h('span', { text: text }));
      panel.appendChild(clock);
      tick();
    }
    function tick() {
      if (clock) clock.textContent = '· ' + Math.round((Date.now() - started) / 1000) + ' s';
    }
    function finish(node, isError) {
      done = true;
      window.clearTimeout(timer);
      clock = null;
      panel.textContent = '';
      panel.className = isError ? 'test-panel is-error' : 'test-panel is-result';
      panel.appendChild(node);
    }
    function giveUp() {
      var ns = 'http://www.w3.org/2000/svg';
      var icon = doc.createElementNS(ns, 'svg');
      icon.setAttribute('class', 'icon');
      icon.setAttribute('viewBox', '0 0 24 24');
      icon.setAttribute('aria-hidden', 'true');
      var path = doc.createElementNS(ns, 'path');
      path.setAttribute('d', 'M12 3.5l9.5 16.5h-19zM12 10v4.5M12 17.5v.01');
      icon.appendChild(path);
      finish(h('p', { 'class': 'test-panel__text' }, [icon, TIMEOUT_TEXT]), true);
    }
    function schedule() {
      if (done) return;
      if (Date.now() - started >= POLL_LIMIT_MS) { giveUp(); return; }
      timer = window.setTimeout(poll, POLL_INTERVAL_MS);
    }
    function poll() {
      if (done) return;
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        })
        .then(function (data) {
          if (done) return;
          var status = data && data.status;
          if (TERMINAL[status]) {
            finish(renderResult(data), false);
            return;
          }
          if (status !== lastStatus) {
            lastStatus = status;
            setWaiting(status === 'sent'
              ? 'The agent picked up the test and is connecting to the database…'
              : 'Queued. Waiting for the agent to pick up the test…');
          } else {
            tick();
          }
          schedule();
        })
        .catch(function () {
          /* Network blips and restarts are retried until the 100 s limit. */
          tick();
          schedule();
        });
    }

    setWaiting('Waiting for the agent…');
    var ticker = window.setInterval(function () { if (done) window.clearInterval(ticker); else tick(); }, 1000);
    /* Hard stop even if a request hangs. */
    window.setTimeout(function () { if (!done) giveUp(); }, POLL_LIMIT_MS + 1500);
    poll();
  }

  function init() {
    initCopy();
    initConfirm();
    initMisc();
    initAutosubmit();
    initPolling();
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
