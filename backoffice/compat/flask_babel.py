"""Flask-Babel: lazy strings are text, not markup; its per-request state; a domain's folders.

**Lazy strings.**
``flask_babel.speaklater.LazyString.__html__`` returns the translation unchanged, so every
place that honours ``__html__`` (Jinja's escaping, ``markupsafe.escape``, ``Markup.format``,
WTForms' labels and ``html_params``, Flask-Admin's ``|safe`` field descriptions) would put a
translator's text into the page as HTML. Every lazy string of the process (ours,
Flask-Admin's, any other library's) is made to answer with its text escaped instead; a source
text that carries markup on purpose keeps exactly its own tags (``i18n.text.as_html``).

**Per-request state** (:func:`request_state`, :func:`chosen_locale`, :func:`chosen_timezone`,
:func:`chosen_domain`, :func:`translations_memo`): Flask-Babel keeps the request's locale,
time zone and domain in a namespace on ``g`` (``g._flask_babel``), found through three proxy
lookups per call; ``backoffice.i18n.lookup`` reads it directly, and keeps its memo of the
request's translations in the same namespace, so it ends with the request as Flask-Babel's
own state does.

**The default domain** (:func:`replace_default_domain`): ``Babel.domain_instance`` is a
``functools.cached_property``; assigning it replaces the domain every ``gettext`` uses.

**A domain's folders** (:func:`use_app_directories`): Flask-Admin's module-level domain is
told to read the current app's ``BABEL_TRANSLATION_DIRECTORIES``.

Relies on: ``LazyString`` having ``__html__`` and keeping its call's arguments in ``_args``
(the source text among them); ``flask_babel._get_current_context()``, ``g._flask_babel`` and
its ``babel_locale``, ``babel_tzinfo`` and ``babel_domain`` attributes; ``Babel.domain_instance``
being a cached property; ``Domain._translation_directories`` (None: the app's setting).
tests/test_compat.py.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from flask_babel import Domain
from flask_babel import _get_current_context as _babel_context
from flask_babel.speaklater import LazyString
from markupsafe import Markup


def lazy_texts(lazy: Any) -> list[str]:
    """The texts a lazy string was made from (``lazy_pgettext``: context, then msgid), or []
    for anything else."""
    args = getattr(lazy, "_args", None) if isinstance(lazy, LazyString) else None
    return [arg for arg in args or () if isinstance(arg, str)]


def _source(lazy: LazyString) -> str:
    # lazy_gettext(msgid), lazy_pgettext(context, msgid), lazy_ngettext(singular, plural, n):
    # the last text is the source whose tags the translation may carry.
    texts = lazy_texts(lazy)
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


def chosen_locale(state: Any) -> Any:
    """The locale Flask-Babel chose for this request, or None if it has not chosen yet."""
    return state.__dict__.get("babel_locale")


def chosen_timezone(state: Any) -> Any:
    """The time zone Flask-Babel chose for this request, or None if not chosen yet."""
    return state.__dict__.get("babel_tzinfo")


def chosen_domain(state: Any) -> Any:
    """The domain Flask-Babel resolved for this request, or None."""
    return state.__dict__.get("babel_domain")


def translations_memo(state: Any) -> dict:
    """A dictionary that lives as long as the request's Flask-Babel state."""
    memo: dict = state.__dict__.setdefault("backoffice_translations", {})
    return memo


def default_domain(babel: Any) -> Any:
    """The domain instance ``babel`` serves, or None if it has not made one yet."""
    return babel.__dict__.get("domain_instance")


def replace_default_domain(babel: Any, domain: Domain) -> None:
    """Make ``domain`` the one every ``gettext`` of ``babel``'s apps uses."""
    babel.domain_instance = domain
