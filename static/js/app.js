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

  if (window.jQuery) {
    window.jQuery(localizeDatePickers);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireLanguageSwitchers);
  } else {
    wireLanguageSwitchers();
  }
})();
