"""Flask-Babel: lazy strings are text, not markup; its per-request state; a domain's folders.

**Lazy strings.**
``flask_babel.speaklater.LazyString.__html__`` returns the translation unchanged, so every
place that honours ``__html__`` (Jinja's escaping, ``markupsafe.escape``, ``Markup.format``,
WTForms' labels and ``html_params``, Flask-Admin's ``|safe`` field descriptions) would put a
translator's text into the page as HTML. Every lazy string of the process (ours,
Flask-Admin's, any other library's) is made to answer with its text escaped instead; a source
text that carries markup on purpose keeps exactly its own tags (``i18n.text.as_html``).

**Per-request state** (:func:`request_state`): Flask-Babel keeps the request's locale, time
zone and translations in a namespace on ``g`` (``g._flask_babel``), found through three proxy
lookups per call; ``backoffice.i18n.lookup`` reads it directly.

**A domain's folders** (:func:`use_app_directories`): Flask-Admin's module-level domain is
told to read the current app's ``BABEL_TRANSLATION_DIRECTORIES``.

Relies on: ``LazyString`` having ``__html__`` and keeping its call's arguments in ``_args``
(the source text among them); ``flask_babel._get_current_context()`` and ``g._flask_babel``;
``Domain._translation_directories`` (None: the app's setting). tests/test_compat.py.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from flask_babel import Domain
from flask_babel import _get_current_context as _babel_context
from flask_babel.speaklater import LazyString
from markupsafe import Markup


def _source(lazy: LazyString) -> str:
    # lazy_gettext(msgid), lazy_pgettext(context, msgid), lazy_ngettext(singular, plural, n):
    # the last text is the source whose tags the translation may carry.
    texts = [arg for arg in lazy._args if isinstance(arg, str)]
    return texts[-1] if texts else ""


def _text_as_html(self: LazyString) -> Markup:
    from backoffice.i18n.text import as_html  # i18n.text -> i18n.lookup -> this module

    return as_html(_source(self), str(self))


def install() -> None:
    """Make every lazy string render as escaped text (idempotent)."""
    LazyString.__html__ = _text_as_html  # type: ignore[method-assign]


def request_state() -> Any:
    """Flask-Babel's per-request namespace, or None outside an application context."""
    if not has_app_context():
        return None
    state = g._get_current_object().__dict__.get("_flask_babel")
    return _babel_context() if state is None else state


def use_app_directories(domain: Domain) -> None:
    """Let ``domain`` read the current app's ``BABEL_TRANSLATION_DIRECTORIES``."""
    domain._translation_directories = None
