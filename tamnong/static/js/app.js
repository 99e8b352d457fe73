/* Tam Nông: the site's small behaviours, with no inline script (a strict Content-Security-Policy
   allows only files under static/js). Loaded in <head> without defer so that the "js" class is
   set before the first paint: the phone menu is hidden only when this file runs, so without
   JavaScript the menu simply stays open. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    // The phone menu: one button opens and closes it; Escape closes it.
    var toggle = document.querySelector(".menu-toggle");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (toggle && menu) {
      var set = function (open) {
        menu.classList.toggle("open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      };
      toggle.addEventListener("click", function () {
        set(toggle.getAttribute("aria-expanded") !== "true");
      });
      document.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && menu.classList.contains("open")) {
          set(false);
          toggle.focus();
        }
      });
    }
    // Date pickers: the chosen day written the Vietnamese way under the field (24/02/2023),
    // whatever order the browser's own picker shows.
    var echo = function (input) {
      var out = input.nextElementSibling;
      if (!out || !out.classList.contains("date-echo")) {
        out = document.createElement("small");
        out.className = "date-echo";
        out.setAttribute("aria-live", "polite");
        input.insertAdjacentElement("afterend", out);
      }
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
      out.textContent = m ? m[3] + "/" + m[2] + "/" + m[1] : input.getAttribute("data-hint");
    };
    document.querySelectorAll("input[type=date][data-hint]").forEach(echo);
    document.addEventListener("input", function (e) {
      if (e.target.matches && e.target.matches("input[type=date][data-hint]")) echo(e.target);
    });
    // <select data-autosubmit>: a filter that applies as soon as it is chosen.
    document.addEventListener("change", function (e) {
      var el = e.target;
      if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
    });
    // <a data-print> / <button data-print>: print the page (print.css leaves the menus out).
    document.addEventListener("click", function (e) {
      var el = e.target.closest && e.target.closest("[data-print]");
      if (el) {
        e.preventDefault();
        window.print();
      }
    });
  });
})();
