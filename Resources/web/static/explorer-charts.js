/* Logstag explorer charts: shared hover line + tooltip over the server-rendered SVG charts, and
   the page's auto-refresh. Progressive enhancement only; text goes through textContent. */
(function () {
  'use strict';

  var doc = document;
  var tip = null;

  function charts() { return Array.prototype.slice.call(doc.querySelectorAll('.xchart svg[data-start]')); }
  function num(node, name) { return parseFloat(node.getAttribute(name)); }

  /* "t:v,t:v" -> [[t, v], ...], parsed once per series. */
  function points(group) {
    if (!group._points) {
      group._points = (group.getAttribute('data-points') || '').split(',').filter(Boolean).map(function (pair) {
        var parts = pair.split(':');
        return [parseFloat(parts[0]), parseFloat(parts[1])];
      });
    }
    return group._points;
  }

  /* The sample nearest to t, if it lies within one bucket (farther away is a gap: no value). */
  function nearest(list, t, bucket) {
    var best = null;
    for (var i = 0; i < list.length; i++) {
      if (best === null || Math.abs(list[i][0] - t) < Math.abs(best[0] - t)) best = list[i];
    }
    return best && Math.abs(best[0] - t) <= Math.max(bucket, 1) ? best[1] : null;
  }

  function format(v, unit) {
    var abs = Math.abs(v);
    var text = abs >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)));
    if (unit === 'bytes') {
      var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
      return String(Number(v.toPrecision(3))) + ' ' + units[i];
    }
    if (unit === 'percent') return text + ' %';
    if (unit === 'per_second') return text + '/s';
    if (unit === 'ms') return text + ' ms';
    if (unit === 'seconds') return text + ' s';
    if (unit === 'count' || unit === 'ratio' || !unit) return text;
    return text + ' ' + unit;
  }

  var MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  /* "22 Sep 14:05 UTC" like the axis labels; seconds only for short windows. */
  function timeLabel(t, span) {
    var date = new Date(t * 1000), iso = date.toISOString();
    var day = span > 6 * 3600 ? date.getUTCDate() + ' ' + MONTHS[date.getUTCMonth()] + ' ' : '';
    return day + iso.slice(11, span <= 600 ? 19 : 16) + ' UTC';
  }

  /* Pointer position -> time, through the viewBox (the svg scales with its container). */
  function timeAt(svg, event) {
    var rect = svg.getBoundingClientRect();
    var box = svg.viewBox.baseVal;
    var x = (event.clientX - rect.left) * (box.width / rect.width);
    var x0 = num(svg, 'data-x0'), x1 = num(svg, 'data-x1');
    var start = num(svg, 'data-start'), end = num(svg, 'data-end');
    if (x < x0 || x > x1) return null;
    return start + (x - x0) / (x1 - x0) * (end - start);
  }

  function moveCursor(svg, t) {
    var cursor = svg.querySelector('.xchart__cursor');
    if (!cursor) return;
    var start = num(svg, 'data-start'), end = num(svg, 'data-end');
    if (t === null || t < start || t > end) { cursor.setAttribute('visibility', 'hidden'); return; }
    var x = num(svg, 'data-x0') + (t - start) / (end - start) * (num(svg, 'data-x1') - num(svg, 'data-x0'));
    cursor.setAttribute('x1', x.toFixed(1));
    cursor.setAttribute('x2', x.toFixed(1));
    cursor.setAttribute('visibility', 'visible');
  }

  function showTip(svg, t, event) {
    if (!tip) {
      tip = doc.createElement('div');
      tip.className = 'xchart-tip';
      tip.setAttribute('role', 'presentation');
      doc.body.appendChild(tip);
    }
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    var unit = svg.getAttribute('data-unit'), bucket = num(svg, 'data-bucket') || 0;
    var head = doc.createElement('div');
    head.className = 'xchart-tip__time';
    head.textContent = timeLabel(t, num(svg, 'data-end') - num(svg, 'data-start'));
    tip.appendChild(head);
    Array.prototype.forEach.call(svg.querySelectorAll('[data-series]'), function (group) {
      var value = nearest(points(group), t, bucket);
      var row = doc.createElement('div');
      row.className = 'xchart-tip__row';
      var swatch = doc.createElement('span');
      swatch.className = 'xchart-tip__swatch';
      swatch.style.backgroundColor = group.getAttribute('data-color') || '#5d6879'; /* CSSOM, allowed by the CSP */
      row.appendChild(swatch);
      row.appendChild(doc.createTextNode(group.getAttribute('data-series') + ': ' + (value === null ? 'no data' : format(value, unit))));
      tip.appendChild(row);
    });
    tip.hidden = false;
    var left = event.clientX + 14, top = event.clientY + 14;
    if (left + tip.offsetWidth > window.innerWidth - 8) left = event.clientX - tip.offsetWidth - 14;
    if (top + tip.offsetHeight > window.innerHeight - 8) top = event.clientY - tip.offsetHeight - 14;
    tip.style.left = Math.max(4, left) + 'px';
    tip.style.top = Math.max(4, top) + 'px';
  }

  function hideAll() {
    charts().forEach(function (svg) { moveCursor(svg, null); });
    if (tip) tip.hidden = true;
  }

  charts().forEach(function (svg) {
    svg.addEventListener('mousemove', function (event) {
      var t = timeAt(svg, event);
      if (t === null) { hideAll(); return; }
      charts().forEach(function (other) { moveCursor(other, t); }); /* the shared hover line */
      showTip(svg, t, event);
    });
    svg.addEventListener('mouseleave', hideAll);
  });

  /* Auto-refresh: <body data-refresh="60"> reloads every 60 s, but never while the tab is hidden
     (a background tab should not keep querying); a due refresh happens when it becomes visible. */
  var every = parseInt(doc.body && doc.body.getAttribute('data-refresh'), 10);
  if (every > 0) {
    var due = false;
    window.setInterval(function () {
      if (doc.hidden) { due = true; return; }
      window.location.reload();
    }, every * 1000);
    doc.addEventListener('visibilitychange', function () {
      if (!doc.hidden && due) window.location.reload();
    });
  }
})();
