/* Keyboard moderation of the comment queue, as in WordPress: j/k move between comments, a/u/s
   approve, reject or mark as spam, d deletes, z undoes, r replies, x selects, Shift+a/u/s act
   on the selection, Enter edits, ? lists the keys (templates/admin/comments/_keys.html).
   Keys are read by their place on the keyboard (event.code), not by the character they type,
   so they work the same with an Arabic or any other layout. */
(function () {
  "use strict";

  var help = document.getElementById("keyboard-moderation");
  var live = document.getElementById("keyboard-moderation-status");
  var table = document.querySelector("table.model-list");
  if (!help || !live || !table) {
    return;
  }
  var dialog = help.querySelector("[role=dialog]");
  var STORE = "moderation-keys:" + window.location.pathname;
  var QUICK = { KeyA: "approve", KeyU: "reject", KeyS: "spam" };
  var current = null;  // the row the keys act on
  var opener = null;  // what had the focus before the list of keys opened
  var submitted = false;  // a form went during the action being run
  var leaving = false;  // an action has been sent: the page is being replaced

  function rows() {
    return Array.prototype.filter.call(table.querySelectorAll("tbody > tr"), function (row) {
      return row.cells.length > 1;  // not the "no comments" row
    });
  }

  // The author's name without the history that may follow it in its cell (its own text
  // nodes), and the status badges (the status, and why the rules held the comment).
  function authorOf(row) {
    var cell = row.querySelector("td.col-author_name");
    var own = "";
    Array.prototype.forEach.call(cell ? cell.childNodes : [], function (node) {
      own += node.nodeType === 3 ? node.textContent : "";
    });
    return own.trim() || (cell ? cell.textContent.trim() : "");
  }

  function statusOf(row) {
    var badges = row.querySelectorAll("td.col-status .badge");
    return Array.prototype.map.call(badges, function (badge) {
      return badge.textContent.trim();
    }).join(", ");
  }

  // Texts come from data attributes and go out as text: never parsed as HTML.
  function text(name, values) {
    var template = help.getAttribute("data-text-" + name) || "";
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? String(values[key]) : all;
    });
  }

  // Emptied first: the same message twice in a row is still read out.
  function announce(message) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function focusRow(index) {
    var all = rows();
    if (!all.length) {
      return;
    }
    index = Math.max(0, Math.min(index, all.length - 1));
    if (current) {
      current.classList.remove("kbd-focus");
    }
    current = all[index];
    current.setAttribute("tabindex", "-1");
    current.classList.add("kbd-focus");
    current.focus();
    current.scrollIntoView({ block: "nearest" });
    announce(text("row", {
      num: index + 1, total: all.length,
      author: authorOf(current), status: statusOf(current)
    }));
  }

  // The row the focus is in (a row's checkbox or button counts), else the last one moved to.
  function focusedRow() {
    var active = document.activeElement;
    var row = active && active.closest ? active.closest("tr") : null;
    return row && rows().indexOf(row) >= 0 ? row : current;
  }

  // An action reloads the page: the focus comes back to the same place in the list, if the
  // action really went (a declined confirmation, or a bulk action with nothing selected, sends
  // nothing). Only one action a page: a second key before the reload would send it twice.
  function act(element, row) {
    if (!element || leaving) {
      return;
    }
    submitted = false;
    element.click();
    if (submitted) {
      leaving = true;
      window.sessionStorage.setItem(STORE, String(row ? rows().indexOf(row) : 0));
    }
  }

  // Flask-Admin's bulk actions submit through jQuery (no DOM event), a row's buttons natively:
  // jQuery's handler sees both, after app.js has asked its confirmation.
  function sent(event) {
    submitted = submitted || !event.isDefaultPrevented();
  }
  if (window.jQuery) {
    window.jQuery(document).on("submit", sent);
  }
  window.addEventListener("pageshow", function () { leaving = false; });  // back, from the cache

  function restoreFocus() {
    var kept = window.sessionStorage.getItem(STORE);
    window.sessionStorage.removeItem(STORE);
    if (kept !== null && /^\d+$/.test(kept)) {
      focusRow(parseInt(kept, 10));
    }
  }

  function moderate(row, action) {
    var button = row.querySelector("button[form='quick-" + action + "']");
    if (button) {
      act(button, row);
    } else {
      announce(text(action));
    }
  }

  function reply(row) {
    var box = row.querySelector("details.reply-box");
    if (!box) {
      return;
    }
    box.open = true;
    var field = box.querySelector("textarea") || box.querySelector("summary");
    if (field) {
      field.focus();
    }
  }

  // The header's box, clicked as a person would; the rows follow it here too, as Flask-Admin's
  // handler (bound once the page is ready) makes them.
  function toggleAll() {
    var all = document.querySelector("input.action-rowtoggle");
    if (!all) {
      return;
    }
    all.click();
    Array.prototype.forEach.call(table.querySelectorAll("input.action-checkbox"), function (box) {
      box.checked = all.checked;
    });
  }

  function isOpen() {
    return !help.hasAttribute("hidden");
  }

  function openHelp() {
    opener = document.activeElement;
    help.removeAttribute("hidden");
    dialog.focus();
  }

  function closeHelp() {
    help.setAttribute("hidden", "");
    var back = opener && opener !== document.body && document.contains(opener) ? opener : current;
    opener = null;
    if (back && back.focus) {
      back.focus();
    }
  }

  // Tab and Shift+Tab go round the dialog's controls, never out of it.
  function trapTab(event) {
    var controls = dialog.querySelectorAll("button, [href], input, select, textarea");
    var first = controls[0];
    var last = controls[controls.length - 1];
    if (!first) {
      event.preventDefault();
      return;
    }
    var active = document.activeElement;
    if (event.shiftKey && (active === first || active === dialog)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function typing(element) {
    if (!element || !element.tagName) {
      return false;
    }
    var tag = element.tagName.toLowerCase();
    if (tag === "input") {
      return !/^(checkbox|radio|button|submit|reset)$/.test(element.type);
    }
    return tag === "textarea" || tag === "select" || element.isContentEditable;
  }

  function onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) {
      return;
    }
    var code = event.code;
    var question = event.key === "?" || (code === "Slash" && event.shiftKey);
    if (isOpen()) {
      if (code === "Escape" || question) {
        event.preventDefault();
        closeHelp();
      } else if (code === "Tab") {
        trapTab(event);
      }
      return;
    }
    if (typing(event.target)) {
      // Escape leaves a reply box for the list (what was typed stays in it).
      var replying = event.target.closest("details.reply-box");
      var index = replying ? rows().indexOf(replying.closest("tr")) : -1;
      if (code === "Escape" && index >= 0) {
        focusRow(index);
      }
      return;
    }
    if (event.repeat && code !== "KeyJ" && code !== "KeyK") {
      return;  // a held key acts once
    }
    var row = focusedRow();
    var done = true;
    if (question) {
      openHelp();
    } else if (event.shiftKey) {
      if (QUICK[code]) {
        // Flask-Admin's own menu item: its confirmation and "select at least one" apply.
        act(document.querySelector("a[data-model-action='" + QUICK[code] + "']"), row);
      } else if (code === "KeyX") {
        toggleAll();
      } else {
        done = false;
      }
    } else if (code === "KeyJ" || code === "KeyK") {
      var at = row ? rows().indexOf(row) : -1;
      focusRow(code === "KeyJ" ? at + 1 : Math.max(at - 1, 0));
    } else if (code === "KeyZ") {
      var undo = document.querySelector("[data-testid=undo]");
      if (undo) { act(undo, row); } else { announce(text("no-undo")); }
    } else if (!row) {
      done = false;
    } else if (QUICK[code]) {
      moderate(row, QUICK[code]);
    } else if (code === "KeyD") {
      act(row.querySelector("button[form=row-delete]"), row);
    } else if (code === "KeyR") {
      reply(row);
    } else if (code === "KeyX") {
      var box = row.querySelector("input.action-checkbox");
      if (box) { box.click(); }
    } else if ((code === "Enter" || code === "NumpadEnter") && event.target === row) {
      var edit = row.querySelector("a.fa-pencil");
      if (edit) { edit.click(); }
    } else {
      done = false;
    }
    if (done) {
      event.preventDefault();  // "r" must not be typed into the reply box it opens
    }
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("focusin", function (event) {
    if (isOpen() && !dialog.contains(event.target)) {
      dialog.focus();
    }
  });
  help.addEventListener("click", function (event) {
    if (event.target === help || event.target.closest("[data-kbd-close]")) {
      closeHelp();
    }
  });
  var hint = document.querySelector("[data-kbd-open]");
  if (hint) {
    hint.addEventListener("click", openHelp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restoreFocus);
  } else {
    restoreFocus();
  }
})();
