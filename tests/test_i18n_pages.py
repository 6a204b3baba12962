"""Every page in every translated language: the right ``<html lang dir>`` and no English of ours.

A page "leaks" when a whole visible text node, or a ``placeholder``/``title``/``aria-label``
attribute or a button's ``value``, is exactly the source text of a catalog entry (ours or
Flask-Admin's ``admin`` domain) whose translation differs from it — or of an entry the catalog
lacks. User data and substrings never match a whole entry, so they raise no false alarm.

The admin pages are discovered from the app's ``Admin`` object, so a new view is checked
without touching this file. One language:
``pytest "tests/test_i18n_pages.py::test_every_page_speaks_the_language[ar]"``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask, g
from helpers.app import sign_in_client, speak_client
from helpers.pages import admin_pages, matchers_for, normal, seed_one_of_everything, workbench_pages

from backoffice.compat.flask_admin import admin_views
from backoffice.i18n.catalogs import TEMPLATE, TRANSLATIONS
from config import LANGUAGES

TRANSLATED = [code for code in LANGUAGES if code != "en"]
CHECKED_ATTRIBUTES = ("placeholder", "title", "aria-label", "data-placeholder")
BUTTON_INPUTS = {"submit", "button", "reset"}


# -- what counts as English: the catalogs ------------------------------------------------------
def _read(path: Path) -> list:
    with path.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple | list) else (message.id,)


def _translations_of(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple | list) else (message.string,)


def english_sources(
    lang: str, translations: Path = TRANSLATIONS, template: Path = TEMPLATE
) -> set[str]:
    """Source texts that must not show up verbatim in ``lang``.

    Those of entries translated to something else, of untranslated or fuzzy entries, and of
    entries of our template that the catalog lacks (they render in English too). Entries whose
    translation is the source itself ("Status" in German) are fine.
    """
    sources: set[str] = set()
    ours: set[str] = set()
    for domain in ("messages", "admin"):
        for message in _read(translations / lang / "LC_MESSAGES" / f"{domain}.po"):
            ids, strings = _ids(message), _translations_of(message)
            if domain == "messages":
                ours.add(ids[0])
            kept = all(strings) and all(s in ids for s in strings) and not message.fuzzy
            if not kept:
                sources.update(ids)
    for message in _read(template):
        if _ids(message)[0] not in ours:
            sources.update(_ids(message))
    return sources


def leak_matchers(lang: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """Exact texts, and patterns for texts with placeholders ("Signed in as %(name)s.")."""
    return matchers_for(english_sources(lang))


# -- what a page shows -------------------------------------------------------------------------
class VisibleText(HTMLParser):
    """Collects text nodes (outside script/style) and the checked attributes.

    Content inside an element with its own ``lang`` (the workbench's source texts and
    translations) is data in that language, not the page's interface, and is skipped.
    """

    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str]] = []
        self._hidden = 0
        self._foreign: list[list] = []  # [tag, nesting] of the open element with its own lang

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        if self._foreign and tag == self._foreign[-1][0]:
            self._foreign[-1][1] += 1
        elif tag != "html" and dict(attrs).get("lang"):
            self._foreign.append([tag, 1])
        self._read_attributes(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._read_attributes(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if self._foreign and tag == self._foreign[-1][0]:
            self._foreign[-1][1] -= 1
            if not self._foreign[-1][1]:
                self._foreign.pop()

    def handle_data(self, data: str) -> None:
        text = normal(data)
        if text and not self._hidden and not self._foreign:
            self.items.append(("text", text))

    def _read_attributes(self, tag: str, attrs: dict[str, str | None]) -> None:
        for name in CHECKED_ATTRIBUTES:
            if attrs.get(name):
                self.items.append((f"<{tag} {name}>", normal(attrs[name] or "")))
        is_button = tag == "button" or (tag == "input" and attrs.get("type") in BUTTON_INPUTS)
        if is_button and attrs.get("value"):
            self.items.append((f"<{tag} value>", normal(attrs["value"] or "")))


def leaks(html: str, matchers: tuple[set[str], list[re.Pattern[str]]]) -> list[str]:
    exact, patterns = matchers
    parser = VisibleText()
    parser.feed(html)
    found = []
    for where, text in parser.items:
        if text in exact or any(p.fullmatch(text) for p in patterns):
            found.append(f"{where} {text!r}")
    return sorted(set(found))


def lang_and_dir(html: str) -> tuple[str, str] | None:
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', html)
    return (match.group(1), match.group(2)) if match else None


# -- the pages (listed by helpers.pages) -------------------------------------------------------
@pytest.fixture
def clients(app: Flask):
    """Independent browsers. The tests' shared app context keeps one ``g``, where Flask-WTF
    caches the CSRF token of whichever session asked first; production has a ``g`` per request."""

    def forget_csrf_token() -> None:
        g.pop("csrf_token", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_csrf_token)
    return lambda count: [app.test_client() for _ in range(count)]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_page_speaks_the_language(app, make_user, clients, lang):
    admin_user = make_user("root", "admin")
    seed_one_of_everything(admin_user)
    author = make_user("writer", "author")
    staff, visitor, outsider = clients(3)
    sign_in_client(staff, admin_user)
    sign_in_client(outsider, author)
    for client in (staff, visitor, outsider):
        speak_client(client, lang)

    with app.test_request_context():
        pages = [(label, url, staff, 200) for label, url in admin_pages(app)]
        pages += [(label, url, staff, 200) for label, url in workbench_pages()]
    pages += [
        ("sign-in", "/login", visitor, 200),
        ("blog home", "/", visitor, 200),
        ("blog post", "/post/zeta-post", visitor, 200),
        ("404 page", "/no-such-page", visitor, 404),
        ("403 page", "/admin/users/", outsider, 403),
    ]
    matchers = leak_matchers(lang)
    expected_dir = LANGUAGES[lang][1]
    problems = []
    for label, url, client, status in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        if response.status_code != status:
            problems.append(f"{label} ({url}): status {response.status_code}, not {status}")
            continue
        if lang_and_dir(html) != (lang, expected_dir):
            problems.append(f"{label} ({url}): <html lang dir> is {lang_and_dir(html)}")
        problems.extend(f"{label} ({url}): English {leak}" for leak in leaks(html, matchers))
    assert not problems, f"{len(problems)} problems in {lang!r}:\n" + "\n".join(problems)


def test_every_admin_view_is_among_the_checked_pages(app, make_user):
    seed_one_of_everything(make_user("root", "admin"))
    with app.test_request_context():
        checked = {label.split()[0] for label, _path in admin_pages(app)}
        views = {view.endpoint for admin in app.extensions["admin"] for view in admin_views(admin)}
    assert checked == views
    assert {"admin", "posts", "profile"} <= views


# -- the checker itself ------------------------------------------------------------------------
def test_checker_flags_a_whole_text_node_and_attributes_but_not_substrings():
    matchers = ({"Save", "Search"}, [re.compile(r"Signed in as .+?\.")])
    html = """<html lang="de" dir="ltr"><body>
      <p>Save</p><p>Save the whales</p><p>Signed in as rita.</p>
      <input type="submit" value="Save"><input type="text" value="Save">
      <input placeholder="Search"><script>var x = "Save";</script></body></html>"""
    assert leaks(html, matchers) == [
        "<input placeholder> 'Search'",
        "<input value> 'Save'",
        "text 'Save'",
        "text 'Signed in as rita.'",
    ]


def test_sources_are_entries_shown_in_english_or_translated_differently(tmp_path):
    po = tmp_path / "xx" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "messages.po").write_text(
        'msgid "Status"\nmsgstr "Status"\n\n'
        'msgid "Sign out"\nmsgstr "Abmelden"\n\n'
        'msgid "Tags"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Text"\nmsgstr "Text"\n\n'
        'msgid "%(num)d post"\nmsgid_plural "%(num)d posts"\nmsgstr[0] "%(num)d post"\n'
        'msgstr[1] "%(num)d posts"\n',
        encoding="utf-8",
    )
    (po / "admin.po").write_text('msgid "Save"\nmsgstr "Speichern"\n', encoding="utf-8")
    template = tmp_path / "messages.pot"
    template.write_text('msgid "Status"\nmsgstr ""\n\nmsgid "New entry"\nmsgstr ""\n')

    sources = english_sources("xx", translations=tmp_path, template=template)

    assert sources == {"Sign out", "Tags", "Text", "Save", "New entry"}
