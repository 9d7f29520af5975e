/* Show only the fieldsets of the chosen kind; without this script all of them show. */
(function () {
  var form = document.getElementById("treatment-form");
  var kind = form.querySelector('select[name="kind"]');
  function sync() {
    form.querySelectorAll("fieldset[data-kinds]").forEach(function (set) {
      set.hidden = set.dataset.kinds.split(" ").indexOf(kind.value) < 0;
      set.disabled = set.hidden;
    });
  }
  kind.addEventListener("change", sync);
  sync();
})();
