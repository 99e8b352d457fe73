// Behaviour every page shares, kept out of the HTML: the Content-Security-Policy allows no inline
// script and no event-handler attribute.
(function () {
  // <select data-autosubmit>: choosing a value submits its (GET) filter form
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
})();
