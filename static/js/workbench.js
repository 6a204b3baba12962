/* The translation workbench's editor: keyboard shortcuts and an early placeholder warning.
   The server decides; this only saves a round trip. Part of the app_js bundle. */
(function () {
  "use strict";

  var PLACEHOLDER = /%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}/g;

  function placeholders(text) {
    return (text.match(PLACEHOLDER) || []).filter(function (p) { return p !== "%%"; }).sort().join("\n");
  }

  function warnEarly(form) {
    var message = form.getAttribute("data-placeholder-warning");
    var inputs = form.querySelectorAll("textarea[data-source]");
    Array.prototype.forEach.call(inputs, function (input) {
      var note = input.parentNode.querySelector(".workbench-early-warning");
      function check() {
        var differs = input.value !== "" &&
          placeholders(input.value) !== placeholders(input.getAttribute("data-source"));
        note.textContent = differs ? message : "";
        note.hidden = !differs;
      }
      input.addEventListener("input", check);
      check();
    });
  }

  // Ctrl+Enter (Cmd+Enter on a Mac): save and open the next untranslated entry;
  // Ctrl+S: save and stay.
  function wireShortcuts(form) {
    form.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) {
        return;
      }
      var button = null;
      if (event.key === "Enter") {
        button = form.querySelector("button[value='save_next']");
      } else if (event.key === "s" || event.key === "S") {
        button = form.querySelector("button[value='save']");
      }
      if (button) {
        event.preventDefault();
        if (form.requestSubmit) {
          form.requestSubmit(button);
        } else {
          button.click();
        }
      }
    });
  }

  function init() {
    var forms = document.querySelectorAll("form.workbench-form");
    Array.prototype.forEach.call(forms, function (form) {
      warnEarly(form);
      wireShortcuts(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
