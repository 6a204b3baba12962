"""HTML templates without their indentation: squeezed once, when Jinja loads a template, rather
than on every page it renders.

A template's lines are joined with one space, without their indentation (a browser shows any
run of whitespace as one space), the space before structural tags (rows, cells, list items)
goes, where it is never shown, and so do HTML comments. ``<script>``, ``<pre>`` and
``<textarea>`` elements, where whitespace is content, stay as they are. What a template puts
in (a user's text, a translation) is never touched: its whitespace is the user's.

Only ``.html`` templates are squeezed. None of them has a string literal spanning lines or a
``{% trans %}`` block, whose text (a catalog's msgid) would change with its whitespace;
``tests/test_whitespace.py`` checks that.
"""

from __future__ import annotations

import re

from flask import Flask
from jinja2.ext import Extension


class SqueezedTemplates(Extension):
    """Jinja extension: every ``.html`` template squeezed (:func:`squeeze`) as it is loaded."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return squeeze(source) if name and name.endswith(".html") else source


def init_app(app: Flask) -> None:
    """Squeeze the app's HTML templates (Flask-Admin's too) as they are loaded."""
    app.jinja_env.add_extension(SqueezedTemplates)


def squeeze(html: str) -> str:
    """``html`` with its lines joined by one space, without indentation or HTML comments, and no
    space before structural tags; ``<script>``, ``<pre>`` and ``<textarea>`` elements kept."""
    parts = _KEPT.split(html)  # odd items: whole <script>, <pre> and <textarea> elements
    parts[::2] = [_BETWEEN_BLOCKS.sub(">", _join_lines(_COMMENT.sub("", p))) for p in parts[::2]]
    return "".join(parts).strip()


def _join_lines(text: str) -> str:
    # ASCII whitespace only: no-break spaces (French punctuation, times) are content.
    lines = (line.strip(" \t\r\f\v") for line in text.split("\n"))
    return " ".join([line for line in lines if line])


_KEPT = re.compile(
    r"(<script\b.*?</script>|<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S | re.I
)
_COMMENT = re.compile(r"<!--(?!\[).*?-->", re.S)  # not conditional comments
# Between table/list/form structure tags a space is never rendered: drop it. (A lookahead, so
# the replacement is a plain ">": a group reference would be expanded in Python per match.)
_BETWEEN_BLOCKS = re.compile(
    r"> (?=</?(?:html|head|body|meta|link|title|div|nav|ul|ol|li|table|thead|tbody|tr|th|td|form|"
    r"select|option|script|h\d)\b)"
)
