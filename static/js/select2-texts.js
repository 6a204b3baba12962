/* select2 3.5 (Flask-Admin's pickers) in the reader's language: its messages come from
   #select2-texts (templates/page_parts.html, script_texts). select2 writes them into its markup
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

  // select2 3.5's markup, made accessible as it appears: the "x" of a chosen item is a link
  // with no text, and the picker's focus catcher is a text field in the role of a button
  // (a role a text field may not take).
  function nameControls(root) {
    var closes = root.querySelectorAll(".select2-search-choice-close:not([aria-label])");
    Array.prototype.forEach.call(closes, function (link) {
      var choice = link.parentElement && link.parentElement.querySelector("div");
      var name = choice ? choice.textContent.trim() : "";
      link.setAttribute("aria-label", (texts.remove || "").replace("{name}", name).trim());
      link.setAttribute("role", "button");
    });
    var focussers = root.querySelectorAll("input.select2-focusser[role='button']");
    Array.prototype.forEach.call(focussers, function (input) {
      input.removeAttribute("role");  // a text field (with select2's label) is what it is
    });
  }
  if (window.MutationObserver) {
    new MutationObserver(function () { nameControls(document); })
      .observe(document.documentElement, { childList: true, subtree: true });
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
