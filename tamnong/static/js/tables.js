/* Sortable tables: <table class="sortable"> sorts its rows by a column when the header is
   clicked (again: the other way). Client-side, the rows of the page shown; no dependency.
   Text is compared with Vietnamese collation (Intl.Collator "vi": "Đ" after "D", "Ă" after
   "A"), numbers are read the Vietnamese way (1.581 is 1581, 7,94 is 7.94, 0,69% is 0.69),
   dates as dd/mm/yyyy (optionally after HH:MM). A cell's data-sort, when present, is used as
   it is; a header with data-nosort is left alone. Empty cells and "–" go last. */
(function () {
  "use strict";
  var collator = new Intl.Collator("vi", { numeric: true });
  var NUMBER = /^[-−]?\d{1,3}(\.\d{3})*(,\d+)?\s*%?$|^[-−]?\d+(,\d+)?\s*%?$/;
  var DATE = /(?:^|\s)(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
  var TIME = /^(\d{1,2}):(\d{2})\s/;

  // A cell's sort key: [kind, value]; kind 0 = number, 1 = text, 2 = empty (last).
  function key(cell) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    var text = raw.replace(/\s+/g, " ").trim();
    if (text === "" || text === "–" || text === "-") return [2, ""];
    if (NUMBER.test(text)) {
      var n = parseFloat(text.replace(/[%\s]/g, "").replace("−", "-").replace(/\./g, "").replace(",", "."));
      if (!isNaN(n)) return [0, n];
    }
    var d = DATE.exec(text);
    if (d) {
      var t = TIME.exec(text);
      var minutes = t ? parseInt(t[1], 10) * 60 + parseInt(t[2], 10) : 0;
      return [0, ((parseInt(d[3], 10) * 100 + parseInt(d[2], 10)) * 100 + parseInt(d[1], 10)) * 1440 + minutes];
    }
    return [1, text];
  }

  function compare(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    if (a[0] === 0) return a[1] - b[1];
    if (a[0] === 1) return collator.compare(a[1], b[1]);
    return 0;
  }

  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (other) {
      other.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.filter.call(body.rows, function (r) {
      return r.cells.length > index && !r.cells[0].hasAttribute("colspan");
    });
    var keyed = rows.map(function (row, i) { return { row: row, key: key(row.cells[index]), i: i }; });
    keyed.sort(function (x, y) {
      // Empty cells stay last whichever way; equal keys keep the server's order.
      if (x.key[0] === 2 || y.key[0] === 2) return (x.key[0] === 2) - (y.key[0] === 2) || x.i - y.i;
      return (ascending ? compare(x.key, y.key) : compare(y.key, x.key)) || x.i - y.i;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }

  function init(table) {
    if (table.dataset.sortBound) return;
    table.dataset.sortBound = "1";
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var sprite = document.body.getAttribute("data-icons");
    var iconHref = sprite ? sprite + "#i-sort" : "";
    Array.prototype.forEach.call(head.cells, function (th, index) {
      if (th.hasAttribute("data-nosort") || th.colSpan > 1) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      if (iconHref) {
        var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("class", "icon");
        svg.setAttribute("aria-hidden", "true");
        var use = document.createElementNS("http://www.w3.org/2000/svg", "use");
        use.setAttribute("href", iconHref);
        svg.appendChild(use);
        button.appendChild(svg);
      }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () { sortBy(table, th, index); });
    });
  }

  function all(root) {
    (root || document).querySelectorAll("table.sortable").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { all(); });
  else all();
  // Tables that htmx swaps in are made sortable too.
  document.addEventListener("htmx:afterSwap", function (e) { all(e.target); });
  window.tamnongSortKey = key; // for the browser test of the parsing rules
})();
