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
