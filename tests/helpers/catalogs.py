"""Catalogs as the workbench's tests edit them: a private copy's ``.po`` files (before a
language's first use imports them), the workbench's editor form, and ``.po`` bytes to upload.

:func:`key_of`, :func:`edit_url` and :func:`refused` read the database, so they run in the app
context of the ``app`` fixture; :func:`refused` takes a signed-in test client.
"""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from backoffice.workbench import store
from helpers.app import extract_csrf

PENDING = "%(num)d pending"  # a plural entry, shown in the post list
#: The header of :func:`po`'s files: a language with two plural forms, in UTF-8.
HEADER = (
    'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
)


# -- a private copy of the catalogs (the catalog_copy fixture) ---------------------------------
def po_file(catalogs: Path, lang: str) -> Path:
    return catalogs / lang / "LC_MESSAGES" / "messages.po"


def rewrite(catalogs: Path, lang: str, change) -> None:
    """Apply ``change(catalog)`` to a catalog copy and compile it, as a developer would before
    the language's first use imports it."""
    path = po_file(catalogs, lang)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    change(catalog)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100)
    path.write_bytes(buffer.getvalue())
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    path.with_suffix(".mo").write_bytes(buffer.getvalue())


def blank(catalogs: Path, lang: str, msgid: str) -> None:
    """Make ``msgid`` untranslated in ``lang``."""

    def change(catalog) -> None:
        message = catalog[msgid]
        message.string = ("",) * len(message.string) if message.pluralizable else ""

    rewrite(catalogs, lang, change)


# -- the workbench's editor ----------------------------------------------------------------------
def key_of(lang: str, msgid: str) -> str:
    return next(entry.key for entry in store.entries(lang) if entry.msgid == msgid)


def edit_url(lang: str, msgid: str) -> str:
    return f"/admin/translations/{lang}/edit/?key={key_of(lang, msgid)}"


def form_of(html: str) -> dict[str, str]:
    """The editor form's fields as the page shows them."""
    fields = {"csrf_token": extract_csrf(html)}
    fields["base_version"] = re.search(r'name="base_version" value="([^"]*)"', html).group(1)
    for name, text in re.findall(
        r'<textarea[^>]*name="(string-\d+)"[^>]*>([^<]*)</textarea>', html
    ):
        fields[name] = text
    return fields


def refused(client, lang: str, msgid: str, **typed: str) -> tuple[str, list[str]]:
    """POST ``typed`` to the editor of ``msgid``: the re-rendered page and its error list."""
    page = client.get(edit_url(lang, msgid)).get_data(as_text=True)
    before = store.get_entry(lang, key_of(lang, msgid))
    response = client.post(edit_url(lang, msgid), data={**form_of(page), **typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert store.get_entry(lang, key_of(lang, msgid)) == before  # nothing written
    box = html.split('data-testid="errors"')[1].split("</div>")[0]
    return html, [unescape(item) for item in re.findall(r"<li>([^<]*)</li>", box)]


# -- uploads -------------------------------------------------------------------------------------
def po(body: str, lang: str = "de") -> bytes:
    """A ``.po`` file of ``body`` (entries) under :data:`HEADER`, as bytes to upload."""
    return (HEADER.format(lang=lang) + body).encode("utf-8")
