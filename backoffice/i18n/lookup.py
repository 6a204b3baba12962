"""The request's locale, time zone and translations, read at the cost of a dictionary read.

Flask-Babel keeps its per-request state on ``g`` and finds it through three proxy lookups
on every call (about 2 µs); ``gettext`` pays that three times. A list page asks for a
translation or the locale a few hundred times, which made these lookups a tenth of the page.
The helpers here read the same state from the application context directly and remember
each domain's translations on it for the rest of the request.

They decide nothing themselves: a locale or time zone not chosen yet (or dropped by
``flask_babel.refresh()``) is asked of Flask-Babel, which chooses and stores it as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import get_domain, get_locale, get_timezone

from babel import Locale
from backoffice.compat.flask_babel import (
    chosen_domain,
    chosen_locale,
    chosen_timezone,
    request_state,
    translations_memo,
)

T = TypeVar("T")


def _state() -> Any:
    """Flask-Babel's per-request namespace, or None outside an application context."""
    return request_state()


def current_locale() -> Locale | None:
    """``flask_babel.get_locale()``, without its proxy lookups once the locale is chosen."""
    state = _state()
    return None if state is None else _locale(state)


def _locale(state: Any) -> Locale | None:
    return chosen_locale(state) or get_locale()


def current_timezone() -> Any:
    """``flask_babel.get_timezone()``, without its proxy lookups once the zone is chosen."""
    state = _state()
    if state is None:
        return get_timezone()
    return chosen_timezone(state) or get_timezone()


def remembered(domain: object, load: Callable[[], Any]) -> Any:
    """``domain``'s translations for this request and language: ``load()`` the first time,
    then from the request's memo."""
    state = _state()
    if state is None:
        return load()
    memo = translations_memo(state)
    key = (id(domain), _locale(state))
    translations = memo.get(key)
    if translations is None:
        translations = memo[key] = load()
    return translations


def wrap_remembered(domain: Any, wrap: Callable[[Any], Any]) -> Any:
    """Serve ``wrap(real)`` as ``domain``'s translations for the rest of this request (the
    in-context mode's marks); returns the wrapper, or None outside a request's babel state."""
    state = _state()
    if state is None:
        return None
    real = domain.get_translations()  # remembered under the key below from here on
    memo = translations_memo(state)
    wrapped = memo[(id(domain), _locale(state))] = wrap(real)
    return wrapped


def translations() -> Any:
    """The request's translations in its domain (``flask_babel.get_translations()``)."""
    state = _state()
    domain = chosen_domain(state) if state is not None else None
    return (domain or get_domain()).get_translations()
