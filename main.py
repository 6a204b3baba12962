"""Entry point for ``flask --app main …`` and WSGI servers (``main:app``)."""

from backoffice import create_app

app = create_app()
