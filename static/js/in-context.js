/* Translate in context: outline every translated text of the page and edit it in a side panel.
   Loaded only on pages rendered with the mode on (backoffice/admin/in_context.py), in the
   <head> and before any other script: a MutationObserver cleans every node as the parser
   adds it, and the parser delivers those records before it runs each later script, so the
   page's own scripts (Flask-Admin's filters, the date picker) only ever read clean texts.
   The server wraps each translation in invisible Unicode tag characters
   (backoffice/i18n/in_context.py): OPEN, the id (domain letter + entry key), the text, CLOSE.
   This script removes every mark, wraps marked text in focusable spans, lists the texts it
   cannot outline (attributes, titles, options, scripts' JSON), and inserts every text with
   textContent: a translation is text, never markup. */
(function () {
  "use strict";

  var HIGH = 0xDB40;          // tag characters U+E0000..U+E007F are \uDB40 \uDC00..\uDC7F
  var LOW = 0xDC00;
  var OPEN = 0x01;
  var CLOSE = 0x7F;
  var ESCAPED = new RegExp("\\\\udb40\\\\udc[0-7][0-9a-f]", "gi");  // the same, JSON-escaped
  var ESCAPED_ID = new RegExp("\\\\udb40\\\\udc01((?:\\\\udb40\\\\udc[2-7][0-9a-f])+)", "gi");
  var UNPLACED = { TITLE: 1, OPTION: 1, OPTGROUP: 1, TEXTAREA: 1, SCRIPT: 1, STYLE: 1, SELECT: 1 };
  var XHTML = "http://www.w3.org/1999/xhtml";

  var dataNode = null;        // the page's table, read once the page is parsed
  var data = null;
  var table = {};
  var labels = {};
  var listed = {};            // id -> [where, ...] for texts that are not outlined
  var panel = null;
  var current = null;         // { id, entry } shown in the panel
  var observer = null;
  var launcher = null;        // opens the panel on the list of texts that are not outlined
  var listedVersion = 0;
  var renderedVersion = -1;

  function hasMarks(text) {
    return text.indexOf("\uDB40") !== -1;
  }

  function hasEscapedMarks(text) {
    ESCAPED.lastIndex = 0;
    return ESCAPED.test(text);
  }

  // Split a string into tokens: {text}, {open: id} and {close: true}.
  function tokens(text) {
    var result = [];
    var plain = "";
    var i = 0;
    while (i < text.length) {
      var low = text.charCodeAt(i + 1) - LOW;
      if (text.charCodeAt(i) === HIGH && low >= 0 && low <= 0x7F) {
        if (plain) {
          result.push({ text: plain });
          plain = "";
        }
        i += 2;
        if (low === OPEN) {
          var id = "";
          while (i < text.length && text.charCodeAt(i) === HIGH) {
            var c = text.charCodeAt(i + 1) - LOW;
            if (c < 0x20 || c >= 0x7F) {
              break;
            }
            id += String.fromCharCode(c);
            i += 2;
          }
          result.push({ open: id });
        } else if (low === CLOSE) {
          result.push({ close: true });
        }
        continue;
      }
      plain += text.charAt(i);
      i += 1;
    }
    if (plain) {
      result.push({ text: plain });
    }
    return result;
  }

  function stripMarks(text) {
    return tokens(text).map(function (t) { return t.text || ""; }).join("");
  }

  function idsIn(text) {
    return tokens(text).filter(function (t) { return t.open; }).map(function (t) { return t.open; });
  }

  function escapedIds(text) {
    var ids = [];
    ESCAPED_ID.lastIndex = 0;
    var match;
    while ((match = ESCAPED_ID.exec(text)) !== null) {
      ids.push(match[1].replace(/\\udb40\\udc/gi, "").replace(/[0-9a-f]{2}/gi, function (hex) {
        return String.fromCharCode(parseInt(hex, 16));
      }));
    }
    return ids;
  }

  function list(ids, where) {
    ids.forEach(function (id) {
      listed[id] = listed[id] || [];
      if (listed[id].indexOf(where) === -1) {
        listed[id].push(where);
        listedVersion += 1;
      }
    });
  }

  function isUnplaced(node) {
    var parent = node.parentNode;
    if (!parent || parent.nodeType !== 1) {
      return true;
    }
    if (parent.namespaceURI !== XHTML || UNPLACED[parent.tagName]) {
      return true;
    }
    return Boolean(parent.closest && parent.closest("[data-in-context-skip], .ic-panel"));
  }

  // A text node with marks becomes text nodes and empty boundary elements; pairs of
  // boundaries are then turned into outlined spans (see wrapBoundaries).
  function splitTextNode(node) {
    var text = node.data;
    if (hasEscapedMarks(text)) {  // JSON kept in a hidden element for a script
      list(escapedIds(text), "script");
      text = node.data = text.replace(ESCAPED, "");
    }
    if (!hasMarks(text)) {
      return;
    }
    if (isUnplaced(node)) {
      var where = node.parentNode && node.parentNode.tagName === "TITLE" ? "title" : "unplaced";
      list(idsIn(text), where);
      node.data = stripMarks(text);
      return;
    }
    var fragment = document.createDocumentFragment();
    tokens(text).forEach(function (t) {
      if (t.text) {
        fragment.appendChild(document.createTextNode(t.text));
      } else {
        var boundary = document.createElement("span");
        boundary.className = t.open ? "ic-start" : "ic-end";
        if (t.open) {
          boundary.setAttribute("data-ic-id", t.open);
        }
        fragment.appendChild(boundary);
      }
    });
    node.parentNode.replaceChild(fragment, node);
  }

  function outline(span, id) {
    span.className = "ic-text" + (id.charAt(0) !== "m" ? " ic-readonly" : "");
    span.setAttribute("data-ic-id", id);
    span.setAttribute("tabindex", "0");
  }

  // Pairs each start with its end. While the page is still parsed an unmatched start waits
  // for its end; at the last pass (final) it is dropped, and so are ids the table lacks.
  function wrapBoundaries(root, final) {
    var boundaries = root.querySelectorAll(".ic-start, .ic-end");
    var stack = [];
    Array.prototype.forEach.call(boundaries, function (boundary) {
      if (boundary.className === "ic-start") {
        stack.push(boundary);
        return;
      }
      var start = stack.pop();
      if (!start) {
        boundary.remove();
        return;
      }
      var id = start.getAttribute("data-ic-id");
      var span = document.createElement("span");
      if (start.parentNode === boundary.parentNode) {
        while (start.nextSibling && start.nextSibling !== boundary) {
          span.appendChild(start.nextSibling);
        }
        start.parentNode.insertBefore(span, boundary);
        outline(span, id);
      } else {
        var range = document.createRange();
        range.setStartAfter(start);
        range.setEndBefore(boundary);
        try {
          range.surroundContents(span);
          outline(span, id);
        } catch (error) {
          list([id], "unplaced");
        }
      }
      start.remove();
      boundary.remove();
    });
    if (final) {
      stack.forEach(function (start) { start.remove(); });  // cut off: no end in this page
    }
  }

  // Look-alike marks (typed into content) name no entry of the table: no outline for them.
  function unwrapUnknown() {
    Array.prototype.forEach.call(document.querySelectorAll(".ic-text"), function (span) {
      if (!table[span.getAttribute("data-ic-id")]) {
        while (span.firstChild) {
          span.parentNode.insertBefore(span.firstChild, span);
        }
        span.remove();
      }
    });
  }

  function cleanAttributes(element) {
    Array.prototype.forEach.call(element.attributes, function (attribute) {
      var value = attribute.value;
      var where = "attribute:" + attribute.name;
      if (hasMarks(value)) {
        list(idsIn(value), where);
        value = stripMarks(value);
      }
      if (hasEscapedMarks(value)) {
        list(escapedIds(value), where);
        value = value.replace(ESCAPED, "");
      }
      if (value !== attribute.value) {
        element.setAttribute(attribute.name, value);
        if (attribute.name === "value" && "value" in element && element.type !== "file") {
          element.value = value;
        }
      }
    });
  }

  function cleanScripts(root) {
    var scripts = root.querySelectorAll("script[type='application/json']");
    Array.prototype.forEach.call(scripts, function (script) {
      if (script === dataNode) {
        return;
      }
      var text = script.textContent;
      if (hasEscapedMarks(text) || hasMarks(text)) {
        list(escapedIds(text).concat(idsIn(text)), "script");
        script.textContent = stripMarks(text.replace(ESCAPED, ""));
      }
    });
  }

  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var found = [];
    while (walker.nextNode()) {
      var data = walker.currentNode.data;
      if (hasMarks(data) || hasEscapedMarks(data)) {
        found.push(walker.currentNode);
      }
    }
    return found;
  }

  // Marks out of a node and what it holds: text split around boundaries, attributes and
  // JSON cleaned (wrapBoundaries then pairs the boundaries).
  function scan(root) {
    if (root.nodeType === 3) {
      if (root.parentNode) {
        splitTextNode(root);
      }
      return;
    }
    if (root.nodeType !== 1) {
      return;
    }
    cleanScripts(root);
    textNodes(root).forEach(splitTextNode);
    cleanAttributes(root);
    Array.prototype.forEach.call(root.querySelectorAll("*"), cleanAttributes);
  }

  function ours(node) {
    return Boolean(panel && (panel.contains(node) || node === launcher));
  }

  // From the first parsed node on, and for whatever scripts add later (filters, tooltips).
  function watch() {
    observer = new MutationObserver(function (mutations) {
      observer.disconnect();
      mutations.forEach(function (mutation) {
        if (ours(mutation.target)) {
          return;  // our own panel: nothing marked there
        }
        if (mutation.type === "attributes") {
          cleanAttributes(mutation.target);
        } else if (mutation.type === "characterData") {
          scan(mutation.target);
        } else {
          Array.prototype.forEach.call(mutation.addedNodes, scan);
        }
      });
      wrapBoundaries(document.documentElement, Boolean(panel));
      if (panel) {
        unwrapUnknown();
        renderPageTexts();
      }
      observe();
    });
    scan(document.documentElement);  // what was parsed before this script
    observe();
  }

  function observe() {
    observer.observe(document.documentElement, {
      childList: true, subtree: true, characterData: true, attributes: true
    });
  }

  // -- the panel ----------------------------------------------------------------------------
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function buildPanel() {
    panel = element("aside", "ic-panel");
    panel.setAttribute("role", "complementary");
    panel.setAttribute("aria-labelledby", "ic-panel-title");
    panel.setAttribute("data-testid", "in-context-panel");
    var header = element("div", "ic-panel-header");
    var title = element("h2", "ic-panel-title", labels.title);
    title.id = "ic-panel-title";
    var close = element("button", "close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", labels.close);
    close.addEventListener("click", closePanel);
    header.appendChild(title);
    header.appendChild(close);
    panel.appendChild(header);
    panel.appendChild(element("section", "ic-entry"));
    var others = element("section", "ic-page-texts");
    panel.appendChild(others);
    panel.hidden = true;
    document.body.appendChild(panel);
    launcher = element("button", "btn btn-sm btn-warning ic-launcher");
    launcher.type = "button";
    launcher.hidden = true;
    launcher.setAttribute("data-testid", "in-context-page-texts");
    launcher.addEventListener("click", function () {
      panel.querySelector(".ic-entry").textContent = "";
      showPanel();
      var first = panel.querySelector(".ic-listed");
      if (first) {
        first.focus();
      }
    });
    document.body.appendChild(launcher);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        closePanel();
      }
    });
  }

  function place(where) {
    if (where.indexOf("attribute:") === 0) {
      return labels.attribute + " " + where.slice("attribute:".length);
    }
    return { script: labels.script, title: labels.pageTitle }[where] || labels.unplaced;
  }

  function renderPageTexts() {
    if (renderedVersion === listedVersion) {
      return;
    }
    renderedVersion = listedVersion;
    var section = panel.querySelector(".ic-page-texts");
    var ids = Object.keys(listed).filter(function (id) { return table[id]; });
    section.textContent = "";
    launcher.hidden = !ids.length || !panel.hidden;
    launcher.textContent = labels.pageTexts + " (" + ids.length + ")";
    if (!ids.length) {
      return;
    }
    section.appendChild(element("h3", null, labels.pageTexts));
    section.appendChild(element("p", "small text-muted", labels.pageTextsHint));
    var ul = element("ul", "list-unstyled");
    ids.forEach(function (id) {
      var entry = table[id];
      var item = element("li");
      var button = element("button", "btn btn-link btn-sm ic-listed", entry.text || entry.msgid);
      button.type = "button";
      button.setAttribute("data-ic-id", id);
      button.addEventListener("click", function () { open(id); });
      item.appendChild(button);
      item.appendChild(element("span", "small text-muted", listed[id].map(place).join(", ")));
      ul.appendChild(item);
    });
    section.appendChild(ul);
  }

  function showPanel() {
    panel.hidden = false;
    launcher.hidden = true;
    document.body.classList.add("ic-panel-open");
  }

  function closePanel() {
    panel.hidden = true;
    launcher.hidden = !Object.keys(listed).some(function (id) { return table[id]; });
    document.body.classList.remove("ic-panel-open");
    var previous = document.querySelector(".ic-current");
    if (previous) {
      previous.classList.remove("ic-current");
      previous.focus();
    }
  }

  function field(section, label, text, className) {
    if (!text) {
      return;
    }
    section.appendChild(element("h3", null, label));
    section.appendChild(element("p", className || "ic-source", text));
  }

  function open(id, trigger) {
    var entry = table[id];
    if (!entry) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll(".ic-current"), function (node) {
      node.classList.remove("ic-current");
    });
    if (trigger) {
      trigger.classList.add("ic-current");
    }
    showPanel();
    var section = panel.querySelector(".ic-entry");
    section.textContent = "";
    field(section, labels.source, entry.msgid);
    field(section, labels.source, entry.plural);
    field(section, labels.context, entry.context);
    if (entry.domain !== "messages") {
      field(section, labels.translation, entry.text, "ic-translation");
      section.appendChild(element("p", "alert alert-secondary small", labels.readOnly));
      current = null;
      return;
    }
    var url = data.entryUrl.replace("KEY", encodeURIComponent(entry.key));
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (loaded) { showEntry(id, loaded, null); })
      .catch(function () {
        section.appendChild(element("p", "alert alert-danger small", labels.failed));
      });
  }

  function showEntry(id, entry, message, typed) {
    current = { id: id, entry: entry };
    var section = panel.querySelector(".ic-entry");
    section.textContent = "";
    section.setAttribute("data-key", entry.key);
    field(section, labels.source, entry.msgid);
    field(section, labels.source, entry.msgid_plural);
    field(section, labels.context, entry.context);
    field(section, labels.developerNote, entry.developer_notes.join("\n"), "ic-comments small");
    field(section, labels.translatorNote, entry.translator_notes.join("\n"), "ic-comments small");
    if (message) {
      section.appendChild(element("p", "alert " + message.kind + " small ic-message", message.text));
    }
    var form = element("form", "ic-form");
    var count = entry.strings.length;
    entry.strings.forEach(function (text, index) {
      var inputId = "ic-string-" + index;
      var label = element("label", "small mb-0", count > 1 ? entry.forms[index] || String(index + 1) : labels.translation);
      label.setAttribute("for", inputId);
      var input = element("textarea", "form-control form-control-sm ic-input");
      input.id = inputId;
      input.rows = 3;
      input.value = typed ? typed[index] || "" : text;
      form.appendChild(label);
      form.appendChild(input);
    });
    var fuzzyLabel = element("label", "small d-block mt-1");
    var fuzzy = element("input");
    fuzzy.type = "checkbox";
    fuzzy.className = "ic-fuzzy mr-1";
    fuzzy.checked = entry.fuzzy;
    fuzzyLabel.appendChild(fuzzy);
    fuzzyLabel.appendChild(document.createTextNode(labels.fuzzy));
    form.appendChild(fuzzyLabel);
    var save = element("button", "btn btn-primary btn-sm mt-2", labels.save);
    save.type = "submit";
    save.setAttribute("data-testid", "in-context-save");
    form.appendChild(save);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      saveEntry(form);
    });
    form.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        saveEntry(form);
      }
    });
    section.appendChild(form);
    if (entry.errors.length || entry.warnings.length) {
      section.appendChild(element("h3", null, labels.checks));
      var checks = element("ul", "small ic-checks");
      entry.errors.concat(entry.warnings).forEach(function (problem) {
        checks.appendChild(element("li", null, problem));
      });
      section.appendChild(checks);
    }
    section.appendChild(element("h3", null, labels.history));
    if (!entry.history.length) {
      section.appendChild(element("p", "small text-muted", labels.noHistory));
    } else {
      var history = element("ul", "small list-unstyled ic-history");
      entry.history.forEach(function (row) {
        var item = element("li");
        item.appendChild(element("span", "text-muted", row.when + " \u00b7 " + row.who + ": "));
        item.appendChild(element("del", null, row.old));
        item.appendChild(document.createTextNode(" \u2192 "));
        item.appendChild(element("ins", null, row.new));
        history.appendChild(item);
      });
      section.appendChild(history);
    }
    var link = element("a", "small", labels.workbench);
    link.href = entry.workbench;
    section.appendChild(link);
    var first = form.querySelector("textarea");
    if (first && !message) {
      first.focus();
    }
  }

  function saveEntry(form) {
    var shown = current;
    if (!shown) {
      return;
    }
    var strings = Array.prototype.map.call(form.querySelectorAll(".ic-input"), function (input) {
      return input.value;
    });
    var body = {
      strings: strings,
      fuzzy: form.querySelector(".ic-fuzzy").checked,
      version: shown.entry.version
    };
    var url = data.entryUrl.replace("KEY", encodeURIComponent(shown.entry.key));
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
    }).then(function (result) {
      var answer = result.answer;
      if (result.status === 200) {
        var placed = replaceInPage(shown.id, shown.entry, answer.entry);
        var text = placed ? labels.saved : labels.reload;
        var warnings = answer.warnings.length ? " " + answer.warnings.join(" ") : "";
        showEntry(shown.id, answer.entry, { kind: "alert-success", text: text + warnings });
      } else if (result.status === 409) {
        showEntry(shown.id, answer.entry, { kind: "alert-warning ic-conflict", text: answer.message }, strings);
      } else {
        var problems = (answer && answer.problems) || [];
        showEntry(shown.id, shown.entry, { kind: "alert-danger", text: [labels.failed].concat(problems).join(" ") }, strings);
      }
    }).catch(function () {
      showEntry(shown.id, shown.entry, { kind: "alert-danger", text: labels.failed }, strings);
    });
  }

  // -- showing a saved text in place ------------------------------------------------------------
  var PLACEHOLDER = new RegExp("%(?:\\(([^)]*)\\))?[-#0 +]*\\d*(?:\\.\\d+)?([sdifrxXeEgGc%])", "g");

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function matcher(template) {
    var names = [];
    var source = "";
    var last = 0;
    var match;
    PLACEHOLDER.lastIndex = 0;
    while ((match = PLACEHOLDER.exec(template)) !== null) {
      source += escapeRegExp(template.slice(last, match.index));
      if (match[2] === "%") {
        source += "%";
      } else {
        source += "([\\s\\S]*?)";
        names.push(match[1] === undefined ? names.length : match[1]);
      }
      last = PLACEHOLDER.lastIndex;
    }
    source += escapeRegExp(template.slice(last));
    return { pattern: new RegExp("^" + source + "$"), names: names };
  }

  function fill(template, values) {
    var position = 0;
    return template.replace(PLACEHOLDER, function (whole, name, kind) {
      if (kind === "%") {
        return "%";
      }
      var key = name === undefined ? position++ : name;
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  // The text a span shows after the save: the values it showed, in the new translation.
  function rerender(shownText, before, after) {
    var sources = [before.msgid].concat(before.strings.slice(1).map(function () {
      return before.msgid_plural;
    }));
    var candidates = [];
    before.strings.forEach(function (text, index) {
      candidates.push({ template: text, index: index });
    });
    sources.forEach(function (text, index) {
      candidates.push({ template: text, index: index });
    });
    for (var i = 0; i < candidates.length; i += 1) {
      var candidate = candidates[i];
      if (!candidate.template) {
        continue;
      }
      var m = matcher(candidate.template);
      var found = m.pattern.exec(shownText);
      if (found) {
        var values = {};
        m.names.forEach(function (name, index) { values[name] = found[index + 1]; });
        var template = after.strings[candidate.index] || sources[candidate.index] || after.msgid;
        return fill(template, values);
      }
    }
    return null;
  }

  function replaceInPage(id, before, after) {
    var allPlaced = true;
    var spans = document.querySelectorAll(".ic-text[data-ic-id='" + id + "']");
    observer.disconnect();
    Array.prototype.forEach.call(spans, function (span) {
      var text = span.children.length ? null : rerender(span.textContent, before, after);
      if (text === null) {
        allPlaced = false;
      } else {
        span.textContent = text;
      }
    });
    observe();
    if (table[id]) {
      table[id].text = after.strings[0] || after.msgid;
    }
    return allPlaced && !listed[id];
  }

  // -- opening ------------------------------------------------------------------------------------
  function targetOf(event) {
    var node = event.target;
    return node && node.closest ? node.closest(".ic-text") : null;
  }

  function wireEvents() {
    // Capture: before a link follows or a dropdown opens. Alt+click still does those.
    window.addEventListener("click", function (event) {
      var span = targetOf(event);
      if (!span || event.altKey) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      open(span.getAttribute("data-ic-id"), span);
    }, true);
    window.addEventListener("keydown", function (event) {
      var span = targetOf(event);
      if (!span || event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      open(span.getAttribute("data-ic-id"), span);
    }, true);
  }

  function ready() {
    dataNode = document.getElementById("in-context-entries");
    if (!dataNode) {
      observer.disconnect();
      return;
    }
    data = JSON.parse(dataNode.textContent);
    table = data.entries;
    labels = data.labels;
    observer.disconnect();
    scan(document.documentElement);
    wrapBoundaries(document.documentElement, true);
    unwrapUnknown();
    if (hasMarks(document.title)) {
      list(idsIn(document.title), "title");
      document.title = stripMarks(document.title);
    }
    buildPanel();
    renderPageTexts();
    observe();
    wireEvents();
    document.documentElement.setAttribute("data-in-context", "ready");
  }

  watch();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
