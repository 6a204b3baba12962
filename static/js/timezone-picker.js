/* The time-zone picker (backoffice/i18n/timezone_names.py): a <select> grouped by region,
   made searchable with select2 (loaded on every admin page, in the reader's language by
   select2-texts.js). */
(function () {
  "use strict";

  var $ = window.jQuery;
  if (!$ || !$.fn.select2) {
    return;
  }
  $("select[data-timezone-picker]").select2({ width: "100%" });
})();
