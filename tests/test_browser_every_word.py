"""Every word a reader sees, in a real browser, with every menu and picker opened.

Headless Chromium signs in as an admin in each translated language and visits every admin
page (each view's list, create and edit form, the dashboard, the workbench, the profile, the
media library), the sign-in page, a 404 page and the public blog. On each page it opens what
a person would: the Bootstrap dropdowns (page size, filters, actions, navbar menus), every
filter the "Add filter" menu offers, the select2 pickers (also with a search that finds
nothing) and the date-range pickers, and CKEditor's heading menu on the post form.

It reads what a reader can see: visible text nodes, ``<option>``/``<optgroup>`` labels, and
the ``placeholder``, ``title``, ``aria-label`` and button ``value`` attributes. A text that
is exactly the source of a catalog entry (ours or Flask-Admin's ``admin`` domain) translated
to something *else* in that language (or not translated at all) is English left over. The
list comes from the catalogs: no hand-kept word list, and words that are the same in both
languages ("Status" in German) are never flagged.

What it cannot see: English that is no catalog entry at all (a library's own texts, such as
select2's "No matches found", or a text that was never marked for translation).

One language: ``pytest -m browser "tests/test_browser_every_word.py::test_every_word[ar]"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from helpers.browser import signed_in, speak_browser
from helpers.pages import PUBLIC_PAGES, admin_and_workbench_pages, matchers_for, seed_site

from backoffice import create_app
from backoffice.i18n.catalogs import TRANSLATIONS
from backoffice.web.serving import serving
from config import LANGUAGES

pytestmark = pytest.mark.browser

TRANSLATED = [code for code in LANGUAGES if code != "en"]


# -- what counts as English: the catalogs --------------------------------------------------------
def _texts(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def translated_differently(lang: str, translations: Path = TRANSLATIONS) -> set[str]:
    """Source texts of ``lang``'s entries (ours and Flask-Admin's) that a reader must not see:
    those translated to something else, and those the catalog leaves in English (empty or
    fuzzy translations, which gettext does not use). An entry translated to its own source
    ("Status" in German) is fine."""
    sources: set[str] = set()
    for domain in ("messages", "admin"):
        with (translations / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            ids, strings = _texts(message.id), _texts(message.string)
            if message.fuzzy or not all(strings) or any(s not in ids for s in strings):
                sources.update(ids)
    return sources


def matchers(lang: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """Exact texts, and patterns for sources with placeholders ("Signed in as %(name)s.")."""
    return matchers_for(translated_differently(lang))


def english(items: list[list[str]], found: tuple[set[str], list[re.Pattern[str]]]) -> list[str]:
    exact, patterns = found
    return sorted(
        {
            f"{where} {text!r}"
            for where, text in items
            if text in exact or any(pattern.fullmatch(text) for pattern in patterns)
        }
    )


# -- what a reader sees ---------------------------------------------------------------------------
#: Runs in the page: opens every menu and picker, and returns [where, text] pairs.
READ_PAGE = r"""
() => {
  const found = [];
  const norm = (text) => (text || "").replace(/\s+/g, " ").trim();
  const push = (where, text) => { text = norm(text); if (text) found.push([where, text]); };
  // Data in another language (the workbench's source texts) is not the page's interface.
  const page = document.documentElement.lang;
  const foreign = (el) => {
    const own = el.closest("[lang]");
    return own && own.lang !== page;
  };
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });

  const SKIPPED = ["SCRIPT", "STYLE", "TEMPLATE", "OPTION", "TEXTAREA"];
  const ATTRIBUTES = ["placeholder", "title", "aria-label", "data-placeholder"];
  const BUTTONS = "button[value], input[type=submit], input[type=button], input[type=reset]";

  function readText(root, where) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || SKIPPED.includes(el.tagName)) continue;
      if (foreign(el) || !visible(el)) continue;
      push(where, node.nodeValue);
    }
  }

  function readAttributes() {
    for (const el of document.querySelectorAll(ATTRIBUTES.map((name) => `[${name}]`).join())) {
      if (foreign(el)) continue;
      const tag = el.tagName.toLowerCase();
      for (const name of ATTRIBUTES) {
        if (el.hasAttribute(name)) push(`<${tag} ${name}>`, el.getAttribute(name));
      }
    }
    for (const el of document.querySelectorAll(BUTTONS)) {
      push(`<${el.tagName.toLowerCase()} value>`, el.value);
    }
    for (const el of document.querySelectorAll("option, optgroup")) {
      if (!foreign(el)) push(`<${el.tagName.toLowerCase()}>`, el.label || el.textContent);
    }
  }

  const $ = window.jQuery;
  if ($) {
    // Every filter the "Add filter" menu offers, so that their rows (operations, values) show.
    $("a.filter").each(function () { $(this).trigger("click"); });
    // Bootstrap dropdowns: navbar menus, page size, filters, actions.
    $("[data-toggle=dropdown]").each(function () {
      const menu = $(this).siblings(".dropdown-menu").get(0) || this.parentElement;
      $(this).dropdown("toggle");
      readText(menu, "menu");
      $(this).dropdown("toggle");
    });
    // select2 pickers, opened, and again with a search that finds nothing.
    if ($.fn.select2) {
      const pickers = $("select, input").filter(function () { return !!$(this).data("select2"); });
      pickers.each(function () {
        const picker = $(this);
        picker.select2("open");
        const drop = document.querySelector(".select2-drop-active, .select2-drop");
        if (drop) {
          readText(drop, "select2");
          const search = drop.querySelector("input.select2-input");
          if (search) {
            search.value = "zzqxj";
            $(search).trigger("keyup-change");
            readText(drop, "select2 search");
          }
        }
        picker.select2("close");
      });
    }
    // Date-range pickers (filters on dates).
    $("input").each(function () {
      const range = $(this).data("daterangepicker");
      if (!range) return;
      range.show();
      readText(range.container.get(0), "date picker");
      range.hide();
    });
  }
  readText(document.body, "text");
  readAttributes();
  return { items: found, lang: document.documentElement.lang, dir: document.documentElement.dir };
}
"""


def read_page(page: Any) -> dict[str, Any]:
    """What a reader of the current page can see, with its menus and pickers opened."""
    seen = page.evaluate(READ_PAGE)
    editor = page.locator(".ck-heading-dropdown button").first
    if editor.count():  # the post form: CKEditor's heading menu too
        editor.click()
        menus = page.locator(".ck-heading-dropdown .ck-list").all_inner_texts()
        seen["items"] += [
            ["ckeditor", line.strip()]
            for menu in menus
            for line in menu.splitlines()
            if line.strip()
        ]
        page.keyboard.press("Escape")
    return seen


# -- the site -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The app on a free loopback port, and the admin pages to visit."""
    db_file = tmp_path_factory.mktemp("every-word") / "browser.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}")
    seed_site(app)
    with app.app_context():
        pages = admin_and_workbench_pages(app)
    with serving(app) as base:
        yield base, pages


def crawl(context: Any, base: str, pages: list[tuple[str, str]], lang: str) -> list[str]:
    """Visit ``pages`` in one tab; the problems found (English, wrong lang/dir, errors)."""
    found = matchers(lang)
    problems: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
    for label, path in pages:
        response = page.goto(base + path, wait_until="domcontentloaded")
        status = response.status if response else 0
        expected = 404 if label == "404 page" else 200
        if status != expected:
            if label in dict(PUBLIC_PAGES) or status >= 500:
                problems.append(f"{label} ({path}): status {status}, not {expected}")
            continue  # an admin view without a page of its own (its index answers 404)
        if page.locator("#post-editor-settings").count():
            page.wait_for_selector("body[data-editor-ready]")
        seen = read_page(page)
        if seen["lang"] != lang or seen["dir"] != LANGUAGES[lang][1]:
            problems.append(f"{label} ({path}): <html lang={seen['lang']} dir={seen['dir']}>")
        problems += [f"{label} ({path}): English {leak}" for leak in english(seen["items"], found)]
    page.close()
    return problems


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_word(browser, site, lang):
    base, pages = site
    staff = signed_in(browser, base, lang)
    visitor = browser.new_context(locale="en-US")
    try:
        speak_browser(visitor, base, lang)
        problems = crawl(staff, base, pages, lang)
        problems += crawl(visitor, base, PUBLIC_PAGES, lang)
    finally:
        staff.close()
        visitor.close()
    assert not problems, f"{len(problems)} problems in {lang!r}:\n" + "\n".join(problems)


# -- the checker itself (no browser needed, but kept beside what it checks) ----------------------
def test_entries_translated_to_something_else_or_left_in_english_count(tmp_path):
    po = tmp_path / "xx" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "messages.po").write_text(
        'msgid "Status"\nmsgstr "Status"\n\n'
        'msgid "Sign out"\nmsgstr "Abmelden"\n\n'
        'msgid "Tags"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Text"\nmsgstr "Texte"\n\n'
        'msgid "%(num)d post"\nmsgid_plural "%(num)d posts"\nmsgstr[0] "%(num)d Beitrag"\n'
        'msgstr[1] "%(num)d Beiträge"\n',
        encoding="utf-8",
    )
    (po / "admin.po").write_text('msgid "Save"\nmsgstr "Speichern"\n', encoding="utf-8")
    assert translated_differently("xx", translations=tmp_path) == {
        "Sign out", "Save", "Tags", "Text", "%(num)d post", "%(num)d posts"
    }  # fmt: skip
