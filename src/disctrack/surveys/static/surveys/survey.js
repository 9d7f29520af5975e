// Skip logic and focus for questionnaire pages. Without this script every question shows,
// with a note saying when to answer it, and the server ignores answers that do not apply.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function applySkipLogic(form) {
    form.querySelectorAll("fieldset[data-ask-if]").forEach(function (fieldset) {
      var chosen = form.querySelector('input[name="' + fieldset.dataset.askIf + '"]:checked');
      var allowed = fieldset.dataset.askValues.split(" ");
      var asked = chosen !== null && !chosen.disabled && allowed.indexOf(chosen.value) !== -1;
      fieldset.hidden = !asked;
      // Disabled inputs are neither focusable nor sent, so a hidden answer cannot linger.
      fieldset.querySelectorAll("input").forEach(function (input) { input.disabled = !asked; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("fieldset[data-ask-if]")) { return; }
      applySkipLogic(form);
      form.addEventListener("change", function () { applySkipLogic(form); });
    });
    // After a refused page, start keyboard and screen-reader users at the list of problems.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
