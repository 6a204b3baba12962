"""Hostile translations for the tests.

:func:`hostile_catalogs` writes a copy of ``translations/`` in which every German entry of both
domains (ours and Flask-Admin's ``admin``) is its source text followed by :data:`PAYLOAD`:
markup, attribute and script breakouts, as a translator could save them or commit them.
:func:`injections` lists what of it a page turned into markup instead of text.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from backoffice.i18n import catalogs

#: Appended to every translation. It keeps the source's placeholders (the source comes first)
#: and has no "%" of its own, so every entry still formats and compiles.
PAYLOAD = (
    " <pwn-x>X</pwn-x><img src=x data-pwned onerror=pwned(1)><img/src=x data-pwned "
    'onerror=pwned(2)>" data-pwned="1\' data-pwned=\'1 autofocus onfocus=pwned(3) x="'
    "</script><script>pwned(4)</script>');pwned(5);//</textarea><b data-pwned>"
)
URL_ATTRIBUTES = ("href", "src", "action", "formaction")
NO_OP = "javascript:void(0)"
#: A piece of the payload that shows on a page when the payload is shown as text.
VISIBLE_MARK = "<pwn-x>X</pwn-x>"


def hostile(text: str) -> str:
    return text + PAYLOAD


def hostile_catalogs(target: Path, lang: str = "de") -> Path:
    """A compiled copy of ``translations/`` in ``target`` with ``lang``'s entries hostile."""
    shutil.copytree(catalogs.TRANSLATIONS, target, ignore=shutil.ignore_patterns("*.mo", "*.lock"))
    for domain in ("messages", "admin"):
        path = target / lang / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, tuple | list):
                singular, plural = message.id
                forms = [singular] + [plural] * (catalog.num_plurals - 1)
                message.string = tuple(hostile(form) for form in forms)
            else:
                message.string = hostile(message.id)
            message.flags.discard("fuzzy")
        path.write_bytes(catalogs.po_bytes(catalog))
    catalogs.compile_all(target)
    return target


class _Injections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _value in attrs}
        if tag == "pwn-x":
            self.found.append("<pwn-x> element")
        if "data-pwned" in names:
            self.found.append(f"<{tag} data-pwned>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>: an inline handler")
            url = (value or "").strip().lower()
            # Flask-Admin's no-op links (javascript:void(0)) carry no text; app.js makes them "#".
            if name in URL_ATTRIBUTES and url.startswith("javascript:") and url != NO_OP:
                self.found.append(f"<{tag} {name}={value!r}>: a javascript: URL")
        if tag == "script":
            kind = dict(attrs).get("type") or ""
            if "src" not in names and kind != "application/json":
                self._script = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.found.append(f"an inline script: {self._script.strip()[:80]!r}")
            self._script = None


def injections(html: str) -> list[str]:
    """What of a page is markup that a hostile text may have brought: payload elements and
    attributes, inline handlers, ``javascript:`` URLs, inline scripts (none of ours has any)."""
    parser = _Injections()
    parser.feed(html)
    parser.close()
    return parser.found
