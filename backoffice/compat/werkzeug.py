"""Werkzeug: the object behind one of Flask's context proxies (``current_app``, Flask-Login's
``current_user``).

A proxy looks its object up again on every attribute it is asked for; code that reads the
user's or the app's attributes many times a page (the role checks, the asset URLs) reads them
from the object itself. ``LocalProxy._get_current_object`` is documented by Werkzeug
(``werkzeug.local``) but spelled like a private name, so it is reached here only.
"""

from __future__ import annotations

from typing import Any

from werkzeug.local import LocalProxy


def unproxied(value: Any) -> Any:
    """The object ``value`` stands for if it is a context proxy, else ``value`` itself."""
    return value._get_current_object() if isinstance(value, LocalProxy) else value
