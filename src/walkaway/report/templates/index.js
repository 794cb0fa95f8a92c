(function () {
  "use strict";
  var table = document.getElementById("prospects");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var band = document.getElementById("f-band");
  var rec = document.getElementById("f-rec");
  var text = document.getElementById("f-text");
  var shown = document.getElementById("shown");
  function filter() {
    var b = band.value, r = rec.value, t = text.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var ok = (!b || row.dataset.band === b) && (!r || row.dataset.rec === r) &&
        (!t || row.dataset.search.indexOf(t) !== -1);
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " shown";
  }
  function sortBy(th) {
    var key = th.dataset.key, numeric = th.dataset.type === "number";
    var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
    if (!th.hasAttribute("aria-sort") && !numeric) { dir = 1; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      c.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.dataset[key], y = b.dataset[key];
      if (numeric) { x = parseFloat(x); y = parseFloat(y); x = isNaN(x) ? -1 : x; y = isNaN(y) ? -1 : y; }
      if (x < y) { return -dir; }
      if (x > y) { return dir; }
      return parseFloat(a.dataset.rank) - parseFloat(b.dataset.rank);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  [band, rec].forEach(function (el) { el.addEventListener("change", filter); });
  text.addEventListener("input", filter);
  Array.prototype.forEach.call(table.querySelectorAll("th[data-key] button"), function (button) {
    button.addEventListener("click", function () { sortBy(button.parentNode); });
  });
  filter();
}());
