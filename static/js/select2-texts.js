/* select2 3.5 (Flask-Admin's pickers) in the reader's language: its messages come from
   #select2-texts (templates/admin/_select2_texts.html). select2 writes them into its markup
   as HTML, so each is escaped here. Runs before Flask-Admin's form.js creates any picker. */
(function () {
  "use strict";

  var $ = window.jQuery;
  var data = document.getElementById("select2-texts");
  if (!$ || !$.fn.select2 || !data) {
    return;
  }
  var texts = JSON.parse(data.textContent);

  function asHtml(text) {
    var element = document.createElement("span");
    element.textContent = text || "";
    return element.innerHTML;
  }

  $.extend($.fn.select2.defaults, {
    formatNoMatches: function () { return asHtml(texts.noMatches); },
    formatSearching: function () { return asHtml(texts.searching); },
    formatLoadMore: function () { return asHtml(texts.loadMore); },
    formatInputTooShort: function () { return asHtml(texts.inputTooShort); },
    formatMatches: function (matches) {
      if (matches === 1) {
        return asHtml(texts.oneMatch);
      }
      return asHtml((texts.matches || "").replace("{num}", String(matches)));
    }
  });
})();
