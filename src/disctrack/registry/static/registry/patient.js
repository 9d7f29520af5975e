/* Patient page: sections that take seconds to compute load after the page, so it never waits
   for them. Each is a box with data-src; without this script the box keeps its own link. */
(function () {
  // 202 Accepted: still being computed; shown as it is, and asked again after Retry-After.
  function load(box, tries) {
    fetch(box.dataset.src, {credentials: "same-origin"}).then(function (answer) {
      if (!answer.ok) { throw new Error(String(answer.status)); }
      var again = answer.status === 202 && tries < 60;
      var wait = Number(answer.headers.get("Retry-After")) || 5;
      return answer.text().then(function (html) {
        box.innerHTML = html;
        if (again) { setTimeout(function () { load(box, tries + 1); }, wait * 1000); }
      });
    }).catch(function () {
      var status = box.querySelector("[role=status]");
      if (status) { status.textContent = "This could not be loaded here."; }
    });
  }
  document.querySelectorAll("[data-src]").forEach(function (box) { load(box, 0); });
})();
