"""Translate in context: invisible markers around every translated text, for one session.

While a session has the mode on (``SESSION_KEY``) and its user may edit the page's language,
each translation served to that request, of our ``messages`` domain and of Flask-Admin's
``admin`` domain, comes back as ``OPEN + id + text + CLOSE``. The marks are Unicode tag
characters (U+E0000–U+E007F): default-ignorable, so never drawn, and not markup, so HTML
escaping, attribute quoting and JSON leave them alone. The id is the domain's letter and the
entry key (``catalogs.entry_key``) spelled in tag characters: a text cached by one request and
shown by another still names its entry. ``static/js/in-context.js`` finds them in the page.

The switch costs one session read per request: when the mode is on, the request's
translations objects (``lookup.remembered`` keeps one per domain and language on the request)
are replaced by marking wrappers, once. Nothing changes per string, and a request without
the mode never sees a wrapper. Where a text is a value rather than something shown
(response headers, non-HTML bodies such as a CSV export or JSON, flashed messages kept in
the session for the next page), the marks are removed before the response leaves.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, after_this_request, current_app, g, request, session
from flask_admin import babel as admin_babel
from flask_babel import get_domain
from flask_login import current_user

from backoffice.i18n.catalogs import entry_key
from backoffice.i18n.lookup import current_locale, wrap_remembered

log = logging.getLogger(__name__)

SESSION_KEY = "in_context"
OPEN = "\U000e0001"  # LANGUAGE TAG: starts a marked text, then its id
CLOSE = "\U000e007f"  # CANCEL TAG: ends it
TAG_BASE = 0xE0000
#: The switch and the panel's JSON (backoffice/admin/in_context.py): never marked.
OWN_ENDPOINTS = frozenset(
    {"in_context.toggle_view", "in_context.entry_view", "in_context.save_view"}
)
#: The page's table of marked texts (backoffice/admin/in_context.py): the script comes with it.
TABLE_ID = b'id="in-context-entries"'
#: Domain name -> the id's first character.
DOMAINS = {"messages": "m", "admin": "a"}

MARKS = re.compile("[\U000e0000-\U000e007f]")
MARK_BYTES = re.compile(b"\xf3\xa0[\x80\x81][\x80-\xbf]")  # the same, in UTF-8
MARK_PERCENT = re.compile("%F3%A0%8[01]%[89AB][0-9A-F]", re.I)  # the same, in a URL
MARK_ESCAPED = re.compile(rb"\\udb40\\udc[0-7][0-9a-f]", re.I)  # the same, in ASCII JSON
_IDS = str.maketrans({chr(c): chr(TAG_BASE + c) for c in range(0x20, 0x7F)})


def strip(text: str) -> str:
    """``text`` without any mark."""
    return MARKS.sub("", text)


def spell(mark_id: str) -> str:
    """``mark_id`` (printable ASCII) in tag characters."""
    return mark_id.translate(_IDS)


class MarkingTranslations:
    """A translations object whose answers carry marks; records what it was asked.

    ``per_request``: what is made from it is never kept for another request
    (``caches.CatalogCache``), so the mode leaves other readers' cached menus alone."""

    per_request = True

    def __init__(self, real: Any, domain: str, entries: dict[str, dict[str, Any]]) -> None:
        self.real = real
        self.domain = domain
        self.letter = DOMAINS[domain]
        self.entries = entries

    def _mark(self, text: str, msgid: str, plural: str | None, context: str | None) -> str:
        key = entry_key(msgid, context)
        mark_id = self.letter + key
        if mark_id not in self.entries:
            self.entries[mark_id] = {
                "domain": self.domain, "key": key, "msgid": msgid, "plural": plural,
                "context": context, "text": strip(text),
            }  # fmt: skip
        # A translator could type tag characters: they must not pass for marks.
        return OPEN + spell(mark_id) + strip(text) + CLOSE

    def ugettext(self, message: str) -> str:
        return self._mark(self.real.ugettext(message), message, None, None)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._mark(self.real.ungettext(singular, plural, n), singular, plural, None)

    def upgettext(self, context: str, message: str) -> str:
        return self._mark(self.real.upgettext(context, message), message, None, context)

    def unpgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        translated = self.real.unpgettext(context, singular, plural, n)
        return self._mark(translated, singular, plural, context)

    gettext, ngettext, pgettext, npgettext = ugettext, ungettext, upgettext, unpgettext

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def init_app(app: Flask, admin_url: str, may_edit: Callable[[Any, str], bool]) -> None:
    """Mark the translations of admin pages (under ``admin_url``) for sessions in the mode,
    whose user ``may_edit(user, lang)`` the page's language (the workbench's rule,
    ``backoffice.workbench.access.may_edit``, passed in by the admin that installs the mode)."""
    prefix = admin_url.rstrip("/") + "/"
    app.extensions["in_context_may_edit"] = may_edit

    @app.before_request
    def _in_context() -> None:
        if not session.get(SESSION_KEY):  # the one check a request pays with the mode off
            return
        if not (request.path + "/").startswith(prefix):
            return  # the public pages and static files stay as they are
        endpoint = request.endpoint or ""
        if endpoint in OWN_ENDPOINTS or endpoint.endswith(".static"):
            return  # the mode's own JSON and switch; files
        activate()


def may_use(user: Any = None) -> bool:
    """True if ``user`` (the current one) may edit the catalog of the page's language."""
    user = current_user if user is None else user
    locale = current_locale()
    return (
        bool(getattr(user, "is_authenticated", False))
        and locale is not None
        and current_app.extensions["in_context_may_edit"](user, str(locale))
    )


def activate() -> bool:
    """Serve this request's translations with marks (if the user may edit its language)."""
    if not may_use():
        return False
    entries: dict[str, dict[str, Any]] = {}
    for name, domain in (("messages", get_domain()), ("admin", admin_babel.domain)):
        wrap_remembered(domain, lambda real, name=name: MarkingTranslations(real, name, entries))
        if not isinstance(domain.get_translations(), MarkingTranslations):
            log.warning("in-context mode: the %s domain's translations are not remembered", name)
    g.in_context_entries = entries
    after_this_request(clean_response)
    return True


def entries() -> dict[str, dict[str, Any]] | None:
    """The texts this request has marked so far (id -> entry), or None without the mode."""
    return g.get("in_context_entries")


def clean_response(response: Response) -> Response:
    """Remove the marks where a text is a value: headers, kept flashes, bodies other than a
    page that loads the script."""
    for name, value in list(response.headers.items()):
        if MARKS.search(value) or MARK_PERCENT.search(value):
            response.headers[name] = MARK_PERCENT.sub("", strip(value))
    flashes = session.get("_flashes")
    if flashes and any(MARKS.search(str(message)) for _category, message in flashes):
        session["_flashes"] = [(category, strip(str(message))) for category, message in flashes]
    if response.direct_passthrough:
        return response  # a file sent as it is
    if response.is_streamed:
        chunks = response.response
        response.response = (_strip_chunk(chunk) for chunk in chunks)
    elif response.mimetype != "text/html" or TABLE_ID not in response.get_data():
        # Not a page that loads the script (JSON, CSV, an error page): no mark may stay.
        response.set_data(_strip_chunk(response.get_data()))
    return response


def _strip_chunk(chunk: str | bytes) -> bytes:
    if isinstance(chunk, str):
        chunk = chunk.encode()
    return MARK_ESCAPED.sub(b"", MARK_BYTES.sub(b"", chunk))
