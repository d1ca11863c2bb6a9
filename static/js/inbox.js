/* Springplank inbox: keyboard triage (j/k to move, one key per decision, ? for help) and the
   reaction composer's starters. Plain JavaScript; every action also works without it. */
(function () {
  "use strict";

  var current = null;
  var pendingId = null;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-item]"));
  }

  function select(item, focus) {
    if (current && current !== item) current.classList.remove("is-current");
    current = item || null;
    if (!current) return;
    current.classList.add("is-current");
    if (focus) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var all = items();
    if (!all.length) return;
    var index = current ? all.indexOf(current) : -1;
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    select(all[next], true);
  }

  function typing(target) {
    if (!target) return false;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function helpDialog() {
    return document.getElementById("inbox-help");
  }

  function toggleHelp() {
    var dialog = helpDialog();
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else if (dialog.showModal) dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (!document.querySelector("[data-inbox]") && !helpDialog()) return;
    var key = event.key;
    if (key === "?") {
      event.preventDefault();
      toggleHelp();
      return;
    }
    var dialog = helpDialog();
    if (dialog && dialog.open) return;
    if (current && !document.body.contains(current)) current = null;
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    if (!current) return;
    if (key === "o" || (key === "Enter" && event.target === current)) {
      var link = current.querySelector("[data-open]");
      if (link) {
        event.preventDefault();
        link.click();
      }
      return;
    }
    var button = current.querySelector('button[data-key="' + key + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  // Clicking inside an item makes it the current one, so the keys act where the mouse was.
  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("[data-item]");
    if (item) select(item, false);
    if (event.target.closest && event.target.closest("[data-help-open]")) toggleHelp();
  });

  // After a decision is swapped in, move on to the next item: one key per item.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("form.triage");
    var item = form && form.closest("[data-item]");
    pendingId = item ? item.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pendingId) return;
    var swapped = document.getElementById(pendingId);
    pendingId = null;
    if (!swapped) return;
    var all = items();
    var index = all.indexOf(swapped);
    var triaged = swapped.classList.contains("is-triaged");
    select(triaged && index + 1 < all.length ? all[index + 1] : swapped, true);
  });

  // Composer: a starter puts its example sentence where the cursor is.
  document.addEventListener("click", function (event) {
    var starter = event.target.closest && event.target.closest("[data-starter]");
    if (!starter) return;
    var field = document.getElementById(starter.getAttribute("data-target") || "id_body");
    if (!field) return;
    event.preventDefault();
    var text = starter.getAttribute("data-starter");
    var start = field.selectionStart || 0;
    var end = field.selectionEnd || 0;
    var before = field.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? " " : "";
    field.value = before + glue + text + field.value.slice(end);
    var caret = (before + glue + text).length;
    field.focus();
    field.setSelectionRange(caret, caret);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var first = items()[0];
    if (first) select(first, false);
    var starters = document.querySelectorAll("[data-starter]");
    for (var i = 0; i < starters.length; i++) starters[i].hidden = false;
  });
})();
