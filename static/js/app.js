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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireLanguageSwitchers);
  } else {
    wireLanguageSwitchers();
  }
})();
