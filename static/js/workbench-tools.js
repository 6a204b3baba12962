/* The workbench editor's tools: copy a translation-memory suggestion into the field, and
   show the glossary warnings while typing. Part of the app_js bundle (CSP: script-src 'self').
   Texts are only ever set with .value and read from data- attributes, never as HTML. */
(function () {
  "use strict";

  function fields(form) {
    return Array.prototype.slice.call(form.querySelectorAll("textarea[data-source]"));
  }

  // The glossary warnings: one per term of the source, shown while a non-empty field lacks
  // the term's agreed translation (compared case-insensitively, as the server does).
  function wireGlossary(form) {
    var warnings = form.querySelectorAll("[data-agreed]");
    if (!warnings.length) {
      return function () {};
    }
    function update() {
      var texts = fields(form).map(function (input) { return input.value.toLowerCase(); })
        .filter(function (text) { return text !== ""; });
      Array.prototype.forEach.call(warnings, function (warning) {
        var agreed = warning.getAttribute("data-agreed").toLowerCase();
        warning.hidden = !texts.some(function (text) { return text.indexOf(agreed) === -1; });
      });
    }
    fields(form).forEach(function (input) { input.addEventListener("input", update); });
    update();
    return update;
  }

  // "Copy" puts the suggestion into the field last focused (the first one by default).
  function wireCopy(form) {
    var inputs = fields(form);
    if (!inputs.length) {
      return;
    }
    var target = inputs[0];
    inputs.forEach(function (input) {
      input.addEventListener("focus", function () { target = input; });
    });
    var buttons = document.querySelectorAll("button.workbench-copy[data-text]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function () {
        target.value = button.getAttribute("data-text");
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      });
    });
  }

  function init() {
    var form = document.querySelector("form.workbench-form");
    if (form) {
      wireGlossary(form);
      wireCopy(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
