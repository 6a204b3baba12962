"""HTML templates are squeezed once, as Jinja loads them (backoffice/web/whitespace.py): pages
carry no indentation, and what users wrote keeps its whitespace."""

from __future__ import annotations

import re
from pathlib import Path

import flask_admin
import pytest
from jinja2 import Environment

from backoffice.extensions import db
from backoffice.models import Post
from backoffice.web.whitespace import squeeze

ROOT = Path(__file__).resolve().parent.parent
#: Every HTML template the app can load: ours and Flask-Admin's (its bootstrap4 theme).
TEMPLATES = sorted(
    [
        *(ROOT / "templates").rglob("*.html"),
        *(Path(flask_admin.__file__).parent / "templates").rglob("*.html"),
    ]
)
_KEPT = re.compile(r"<(script|pre|textarea)\b.*?</\1>", re.S | re.I)


def test_lines_are_joined_without_indentation_or_comments():
    source = "<ul>\n    <li>one</li>\n\n    <li>two <!-- a note --> words</li>\n</ul>\n"
    assert squeeze(source) == "<ul><li>one</li><li>two  words</li></ul>"


def test_scripts_preformatted_text_and_text_areas_keep_their_whitespace():
    source = (
        "<div>\n  <pre>a\n   b</pre>\n  <textarea>x\n  y</textarea>\n"
        '  <script type="application/json">{\n  "k": 1\n}</script>\n</div>'
    )
    assert squeeze(source) == (
        '<div><pre>a\n   b</pre><textarea>x\n  y</textarea><script type="application/json">'
        '{\n  "k": 1\n}</script></div>'
    )


def test_no_space_that_could_show_is_dropped():
    # Between inline elements and words a space shows: one stays.
    assert squeeze("<a>one</a>\n   <a>two</a>\n   three") == "<a>one</a> <a>two</a> three"
    # No-break spaces are content (French punctuation, times).
    assert squeeze("<b>a</b>\u00a0:\n  x") == "<b>a</b>\u00a0: x"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_template_has_text_whose_whitespace_is_a_msgid(path):
    """A string literal spanning lines, or a {% trans %} block, would be translated by its exact
    text: squeezed, it would no longer match its catalog entry."""
    source = path.read_text(encoding="utf-8")
    env = Environment(extensions=["jinja2.ext.i18n"])
    tokens = list(env.lex(source))
    assert not [value for _line, kind, value in tokens if kind == "string" and "\n" in value]
    assert not re.search(r"{%-?\s*(trans|pluralize)\b", source)


def test_pages_carry_no_indentation(client, login_as):
    login_as("admin")
    for url in ("/admin/", "/admin/posts/", "/admin/posts/new/", "/admin/translations/", "/"):
        html = client.get(url).get_data(as_text=True)
        outside = _KEPT.sub("", html)
        assert "\n " not in outside, url
        assert "<!--" not in outside.replace("<!--[", ""), url


def test_what_a_user_wrote_keeps_its_whitespace(app, client, login_as):
    login_as("admin")
    body = "<p>two  spaces</p>\n<p>and a line</p>"
    post = Post(title="Tab\tand  two", slug="ws", body=body, status="draft")
    db.session.add(post)
    db.session.commit()
    form = client.get(f"/admin/posts/edit/?id={post.id}").get_data(as_text=True)
    assert "Tab\tand  two" in form
    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>(.*?)</textarea>", form, re.S)
    assert textarea and "two  spaces&lt;/p&gt;\n&lt;p&gt;" in textarea.group(1)
