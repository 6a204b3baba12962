"""Serve an app in a thread of this process on a free loopback port: the browser tests, the
screenshot script and the bench's Chromium counts open pages on it. Not for production
(gunicorn serves the app there)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL, and stops the
    server on the way out."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Stopping waits for the loop's next look at its flag: a twentieth of a second, not half.
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    loop.daemon = True
    loop.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
