// userpool console: progressive enhancement only; every page works without it.
"use strict";
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  var button = ev.submitter || form.querySelector("button[type=submit]");
  var question = button && button.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    ev.preventDefault();
    return;
  }
  // One submission per click: a double click must not act twice.
  if (form.dataset.sent === "1") {
    ev.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  if (button) button.setAttribute("aria-busy", "true");
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (f) { delete f.dataset.sent; });
});
