/* KetaPath self-check: medicine rows one at a time. Progressive enhancement: without this script the page shows
   three rows and "Add another medicine" asks the server for one more. With it, empty rows after the first empty one
   are hidden, and the button reveals them one by one before it falls back to asking the server. Nothing typed is
   read or sent by this script. */
(function () {
  "use strict";
  var button = document.getElementById("add-row");
  var rows = Array.prototype.slice.call(document.querySelectorAll("fieldset.trial"));
  if (!button || rows.length === 0) {
    return;
  }
  function blank(row) {
    var fields = row.querySelectorAll("input");
    for (var i = 0; i < fields.length; i += 1) {
      var field = fields[i];
      if (field.type === "checkbox" ? field.checked : field.value !== "") {
        return false;
      }
    }
    return true;
  }
  var seenBlank = false;
  rows.forEach(function (row) {
    if (blank(row)) {
      if (seenBlank) {
        row.hidden = true;
      }
      seenBlank = true;
    }
  });
  button.addEventListener("click", function (event) {
    var next = rows.filter(function (row) { return row.hidden; })[0];
    if (!next) {
      return;
    }
    event.preventDefault();
    next.hidden = false;
    var first = next.querySelector("input");
    if (first) {
      first.focus();
    }
  });
})();
