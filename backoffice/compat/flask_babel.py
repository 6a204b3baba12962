"""Flask-Babel: lazy strings are text, not markup.

``flask_babel.speaklater.LazyString.__html__`` returns the translation unchanged, so every
place that honours ``__html__`` (Jinja's escaping, ``markupsafe.escape``, ``Markup.format``,
WTForms' labels and ``html_params``, Flask-Admin's ``|safe`` field descriptions) would put a
translator's text into the page as HTML. Every lazy string of the process (ours,
Flask-Admin's, any other library's) is made to answer with its text escaped instead; a source
text that carries markup on purpose keeps exactly its own tags (``i18n.text.as_html``).

Relies on: ``LazyString`` having ``__html__`` and keeping its call's arguments in ``_args``
(the source text among them).
"""

from __future__ import annotations

from flask_babel.speaklater import LazyString
from markupsafe import Markup

from backoffice.i18n.text import as_html


def _source(lazy: LazyString) -> str:
    # lazy_gettext(msgid), lazy_pgettext(context, msgid), lazy_ngettext(singular, plural, n):
    # the last text is the source whose tags the translation may carry.
    texts = [arg for arg in lazy._args if isinstance(arg, str)]
    return texts[-1] if texts else ""


def _text_as_html(self: LazyString) -> Markup:
    return as_html(_source(self), str(self))


def install() -> None:
    """Make every lazy string render as escaped text (idempotent)."""
    LazyString.__html__ = _text_as_html  # type: ignore[method-assign]
