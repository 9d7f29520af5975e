/* Show the imaging rows of the chosen levels only; without this script all rows show. */
(function () {
  var form = document.getElementById("enroll-form");
  function sync() {
    form.querySelectorAll("fieldset[data-level]").forEach(function (set) {
      var box = form.querySelector('input[name="episode-levels"][value="' + set.dataset.level + '"]');
      set.hidden = !(box && box.checked);
      set.disabled = set.hidden;
    });
  }
  form.addEventListener("change", sync);
  sync();
})();
