/* Backoffice's own scripts (minified by jsmin into a hashed bundle). */
(function () {
  "use strict";

  // The language switcher submits as soon as a language is picked; without
  // JavaScript a visible button does the same.
  function wireLanguageSwitchers() {
    var selects = document.querySelectorAll(".language-switcher select[name='locale']");
    Array.prototype.forEach.call(selects, function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  // Flask-Admin's date pickers (bootstrap-daterangepicker) speak English unless given a
  // locale: wrap the plugin, on the admin pages that have it, before Flask-Admin's form.js
  // creates its pickers (both run when the DOM is ready; ours is registered first).
  function localizeDatePickers() {
    var $ = window.jQuery;
    var data = document.getElementById("picker-locale");
    if (!$ || !$.fn.daterangepicker || !data) {
      return;
    }
    var settings = JSON.parse(data.textContent);
    var original = $.fn.daterangepicker;
    $.fn.daterangepicker = function (options, callback) {
      var merged = $.extend(true, {}, options || {}, { locale: settings.locale });
      merged.opens = settings.opens;
      return original.call(this, merged, callback);
    };
  }

  // The Content-Security-Policy runs no inline script or handler, so what pages used to do in
  // onclick/onsubmit attributes is wired here, by data attributes:
  // - a[href="#"]: a control, not a link (menus, tabs, filters): never navigates;
  // - [data-model-action]: a bulk action of Flask-Admin's list (its actions.js);
  // - [data-confirm]: a form (or a button in one) asks first.
  function wireControls() {
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target : event.target.parentElement;
      if (!target || !target.closest) {
        return;
      }
      var action = target.closest("[data-model-action]");
      if (action && window.modelActions) {
        event.preventDefault();
        window.modelActions.execute(action.getAttribute("data-model-action"));
        return;
      }
      var asking = target.closest("button[data-confirm], input[data-confirm]");
      if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      if (target.closest("a[href='#']")) {
        event.preventDefault();
      }
    }, true);  // capturing: Flask-Admin's dropdown script stops the click from bubbling
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
      }
    }, true);
  }

  // Flask-Admin's own templates (those we do not override) still carry inline handlers and
  // javascript: links, which the policy refuses: a confirmation becomes data-confirm (its
  // message read as text, never run), a javascript: link a control.
  var INLINE_CONFIRM = /^\s*return\s+(?:faHelpers\.safeConfirm|confirm)\((['"])([\s\S]*)\1\);?\s*$/;

  function adoptInlineHandlers() {
    var handled = document.querySelectorAll("[onclick], [onsubmit]");
    Array.prototype.forEach.call(handled, function (element) {
      var code = element.getAttribute("onclick") || element.getAttribute("onsubmit") || "";
      var match = INLINE_CONFIRM.exec(code);
      if (match) {
        element.setAttribute("data-confirm", match[2].replace(/\\(.)/g, "$1"));
      }
      element.removeAttribute("onclick");
      element.removeAttribute("onsubmit");
    });
    var scripted = document.querySelectorAll("a[href^='javascript:']");
    Array.prototype.forEach.call(scripted, function (link) {
      link.setAttribute("href", "#");
    });
  }

  // Flask-Admin's filters focus a new filter's field before select2 hides it, and the
  // keyboard's focus is lost with the closing menu: it goes to the new filter's value (or its
  // picker) once Flask-Admin has built the row.
  function focusNewFilters() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.filter") : null;
      if (!link) {
        return;
      }
      window.setTimeout(function () {
        var rows = document.querySelectorAll("#filter_form table.filters tr");
        var row = rows[rows.length - 1];
        var field = row && (
          row.querySelector(".select2-container.filter-val input.select2-focusser") ||
          row.querySelector("input.filter-val:not([type=hidden])") ||
          row.querySelector(".select2-container.filter-op input.select2-focusser"));
        if (field) {
          field.focus();
        }
      }, 0);
    });
  }

  if (window.jQuery) {
    window.jQuery(localizeDatePickers);
  }
  wireControls();
  focusNewFilters();

  function ready() {
    adoptInlineHandlers();
    wireLanguageSwitchers();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
