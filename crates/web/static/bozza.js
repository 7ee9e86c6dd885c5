// «Scrivi il piano», as one types: the card's form is sent to its check address (nothing is
// saved) and the plan's rules come back by field, shown beside each field as the page shows
// them after a save. Without this script the page works the same, on saving.
"use strict";
document.querySelectorAll("form[data-verifica]").forEach(function (form) {
  var timer = null;
  var status = document.getElementById("verifica");
  function describe(field, id, on) {
    var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (on) { ids.push(id); }
    if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); }
    else { field.removeAttribute("aria-describedby"); }
    if (field.tagName !== "FIELDSET") {
      if (on) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
    }
  }
  function show(problems) {
    form.querySelectorAll(".problema").forEach(function (span) {
      var id = span.id.replace(/-problema$/, "");
      if (!problems[id]) {
        var field = document.getElementById(id);
        if (field) { describe(field, span.id, false); }
        span.remove();
      }
    });
    var count = 0;
    Object.keys(problems).forEach(function (id) {
      var field = document.getElementById(id);
      if (!field) { return; }
      count += problems[id].length;
      var span = document.getElementById(id + "-problema");
      if (!span) {
        span = document.createElement("span");
        span.id = id + "-problema";
        span.className = "problema";
        var legend = field.tagName === "FIELDSET" ? field.querySelector("legend") : null;
        (legend || field).insertAdjacentElement("afterend", span);
      }
      span.textContent = problems[id].join(" ");
      describe(field, span.id, true);
    });
    if (status) {
      status.textContent = count === 0 ? "Nessun problema nella scheda."
        : count === 1 ? "Un problema nella scheda, indicato accanto al suo campo."
        : count + " problemi nella scheda, indicati accanto ai loro campi.";
    }
  }
  function check() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-verifica"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded" }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer) { show(answer.problems || {}); } })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 100);
  });
});
