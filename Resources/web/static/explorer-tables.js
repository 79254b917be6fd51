// Column choices for explorer tables: any <table data-columns="KEY"> gets a "Columns" menu whose
// checkboxes show or hide its columns. The choice is remembered per table in this browser
// (localStorage "logstag.columns.KEY"), so a person's layout survives paging, filtering and
// new visits. Paging and filtering themselves happen on the server; this only hides cells.
(function () {
  "use strict";

  function storageKey(table) { return "logstag.columns." + table.dataset.columns; }

  function load(table) {
    try { return JSON.parse(window.localStorage.getItem(storageKey(table)) || "[]"); } catch (e) { return []; }
  }

  function save(table, hidden) {
    try { window.localStorage.setItem(storageKey(table), JSON.stringify(hidden)); } catch (e) { /* private mode: not remembered */ }
  }

  function apply(table, hidden) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    for (var i = 0; i < headers.length; i++) {
      var hide = hidden.indexOf(headers[i].textContent.trim()) >= 0;
      for (var r = 0; r < table.rows.length; r++) {
        var cell = table.rows[r].cells[i];
        if (cell) { cell.hidden = hide; }
      }
    }
  }

  function menu(table) {
    var hidden = load(table);
    var headers = table.tHead ? Array.prototype.slice.call(table.tHead.rows[0].cells) : [];
    var details = document.createElement("details");
    details.className = "columns-menu";
    var summary = document.createElement("summary");
    summary.className = "btn btn--sm";
    summary.textContent = "Columns";
    details.appendChild(summary);
    var list = document.createElement("div");
    list.className = "columns-menu__list";
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", "Columns to show");
    headers.forEach(function (header, index) {
      var name = header.textContent.trim();
      if (!name || index === 0) { return; } // the first column opens the row: always shown
      var label = document.createElement("label");
      label.className = "columns-menu__item";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = hidden.indexOf(name) < 0;
      box.addEventListener("change", function () {
        hidden = hidden.filter(function (n) { return n !== name; });
        if (!box.checked) { hidden.push(name); }
        save(table, hidden);
        apply(table, hidden);
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + name));
      list.appendChild(label);
    });
    details.appendChild(list);
    return details;
  }

  function init() {
    var tables = document.querySelectorAll("table[data-columns]");
    Array.prototype.forEach.call(tables, function (table) {
      var wrap = table.closest(".table-wrap") || table;
      var bar = document.createElement("div");
      bar.className = "columns-bar";
      bar.appendChild(menu(table));
      wrap.parentNode.insertBefore(bar, wrap);
      apply(table, load(table));
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
