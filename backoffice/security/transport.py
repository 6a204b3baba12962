"""How the app is reached: the client's address behind proxies, and HTTPS only (HSTS)."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response


def init_app(app: Flask) -> None:
    """Trust ``TRUSTED_PROXIES`` proxies' forwarding headers; send HSTS when the production
    config says the site is served over HTTPS (``PREFERRED_URL_SCHEME=https``)."""
    proxies = _whole_number(app, "TRUSTED_PROXIES")
    if proxies:
        # The client address (throttles) and the scheme come from the last `proxies` entries
        # of X-Forwarded-For / X-Forwarded-Proto, which those proxies wrote. More than the
        # real number would let clients choose their own address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    max_age = _whole_number(app, "HSTS_MAX_AGE")
    scheme = str(app.config.get("PREFERRED_URL_SCHEME") or "http")
    if scheme not in ("http", "https"):
        raise RuntimeError(f"PREFERRED_URL_SCHEME={scheme!r} must be 'http' or 'https'.")
    if scheme == "https" and max_age:
        app.after_request(_strict_transport_security)


def _strict_transport_security(response: Response) -> Response:
    """Browsers that have seen the site once use only HTTPS for it from then on, so no one on
    the network can read or change a page or a session cookie over plain HTTP."""
    max_age = current_app.config["HSTS_MAX_AGE"]
    response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    return response


def _whole_number(app: Flask, name: str) -> int:
    """The setting ``name`` as a whole number >= 0 (stored back); refuse anything else."""
    value = app.config.get(name) or 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or str(value).strip() != str(number):
        raise RuntimeError(f"{name}={value!r} must be a whole number, 0 or more.")
    app.config[name] = number
    return number
