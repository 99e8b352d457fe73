/* Score sheet: a running total and the star band it falls in, while a member fills the sheet.
   Only a guide: the server recomputes the sheet on submission and the result when the session
   closes. No dependency; reads the bands from the table's data-bands (regime data). */
(function () {
  "use strict";
  function fmt(n) {
    // Vietnamese decimal comma, at most two decimals.
    var s = (Math.round(n * 100) / 100).toString();
    return s.replace(".", ",");
  }
  function init(table) {
    if (table.dataset.bound) return;
    table.dataset.bound = "1";
    var bands = JSON.parse(table.dataset.bands || "[]").sort(function (a, b) { return b.min - a.min; });
    var certified = JSON.parse(table.dataset.certified || "[]");
    var out = table.querySelector(".sheet-total");
    var bandOut = table.querySelector(".sheet-band");
    var warn = table.querySelector(".sheet-mandatory");
    function update() {
      var total = 0, missing = [];
      table.querySelectorAll("[data-points]").forEach(function (el) {
        total += parseFloat(el.dataset.points) || 0;
      });
      table.querySelectorAll("select[data-code]").forEach(function (sel) {
        var v = sel.value === "" ? null : parseFloat(sel.value);
        if (v !== null) total += v;
        if (sel.dataset.min3 !== undefined && v !== null) {
          var need = sel.dataset.min3 === "" ? 0 : parseFloat(sel.dataset.min3);
          if (sel.dataset.min3 === "" ? v <= 0 : v < need) missing.push(sel.dataset.code);
        }
      });
      var stars = 0;
      for (var i = 0; i < bands.length; i++) {
        if (total >= bands[i].min) { stars = bands[i].stars; break; }
      }
      out.textContent = fmt(total);
      var label = stars + "★ " + (missing.length ? table.dataset.labelScore
        : certified.indexOf(stars) >= 0 ? table.dataset.labelCertified : table.dataset.labelNot);
      bandOut.textContent = label;
      bandOut.dataset.stars = String(stars);
      if (warn) {
        warn.textContent = missing.length ? table.dataset.labelMandatory + " " + missing.join(", ") : "";
      }
    }
    table.addEventListener("change", update);
    update();
  }
  function all() { document.querySelectorAll("table.sheet[data-bands]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
  document.addEventListener("htmx:afterSwap", all);
})();
