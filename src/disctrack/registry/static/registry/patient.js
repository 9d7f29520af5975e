/* Patient page: sections that take seconds to compute load after the page, so it never waits
   for them. Each is a box with data-src; without this script the box keeps its own link. */
(function () {
  document.querySelectorAll("[data-src]").forEach(function (box) {
    fetch(box.dataset.src, {credentials: "same-origin"}).then(function (answer) {
      if (!answer.ok) { throw new Error(String(answer.status)); }
      return answer.text();
    }).then(function (html) {
      box.innerHTML = html;
    }).catch(function () {
      var status = box.querySelector("[role=status]");
      if (status) { status.textContent = "This could not be loaded here."; }
    });
  });
})();
