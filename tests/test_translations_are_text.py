"""A translator's text is data: it reaches every page as text, in every context.

Every German entry of both domains (ours and Flask-Admin's) is made hostile
(tests/helpers/hostile.py) and every page is rendered: no payload element, attribute, handler or
script may appear in the markup, and the payload must show as text (so the hostile catalog was
really in use). The same pages are opened in Chromium in ``tests/test_browser_hostile.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, render_template_string, url_for
from flask_babel import lazy_gettext, lazy_pgettext
from helpers.app import sign_in_client, speak_client
from helpers.hostile import PAYLOAD, VISIBLE_MARK, hostile, hostile_catalogs, injections
from helpers.pages import admin_pages, seed_one_of_everything
from markupsafe import Markup, escape
from wtforms import Form, StringField

from backoffice.i18n import catalogs
from backoffice.i18n.picker import picker_locale
from backoffice.i18n.text import as_html, inert
from backoffice.workbench import store
from backoffice.workbench.checks import check

LINK = '<a href="%(url)s">Help</a>'


# -- the rule ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source, translated, html",
    [
        ("People", "Leute", "Leute"),
        ("People", "Leute<img/src=x onerror=alert(1)>", "Leute&lt;img/src=x onerror=alert(1)&gt;"),
        ("Name", 'x" autofocus onfocus="alert(1)', "x&#34; autofocus onfocus=&#34;alert(1)"),
        ("Q&A", "F&A", "F&amp;A"),
        # Markup on purpose: the same tags, rebuilt; its text escaped.
        ("Read <b>this</b>", "Lies <b>das</b> & mehr", "Lies <b>das</b> &amp; mehr"),
        (LINK, '<a href="%(url)s">Hilfe</a>', '<a href="%(url)s">Hilfe</a>'),
        # Other tags or attributes than the source's: the source is shown.
        ("Read <b>this</b>", "Lies <b onclick=alert(1)>das</b>", "Read <b>this</b>"),
        ("Read <b>this</b>", "Lies <b>das</b><script>alert(1)</script>", "Read <b>this</b>"),
        ("Read <b>this</b>", "Lies <b>das</b><!-- x -->", "Read <b>this</b>"),
        (LINK, '<a href="javascript:alert(1)">Hilfe</a>', LINK),
    ],
)  # fmt: skip
def test_a_translation_is_text_and_only_the_sources_own_markup_survives(source, translated, html):
    assert as_html(source, translated) == Markup(html)


def test_a_name_that_a_script_inserts_as_html_can_start_no_tag():
    assert "<" not in inert("Status<img src=x onerror=alert(1)>")
    assert inert("R&D > 2") == "R&D > 2"


# -- in templates and in every kind of string ---------------------------------------------------
@pytest.fixture(scope="module")
def hostile_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Written and compiled once for the module: no test here writes catalog files."""
    return hostile_catalogs(tmp_path_factory.mktemp("hostile") / "translations")


@pytest.fixture
def app_config(hostile_translations: Path) -> dict[str, str]:
    return {"BABEL_TRANSLATION_DIRECTORIES": str(hostile_translations)}


def german(app: Flask):
    return app.test_request_context(headers={"Accept-Language": "de"})


def test_templates_show_translations_as_text_and_escape_the_values(app):
    with german(app):
        page = render_template_string(
            '<p title="{{ _("Sign out") }}">{{ _("Signed in as %(name)s.", name="<i>") }}'
            "{% trans %}Sign out{% endtrans %}"
            "{{ ngettext('%(num)d comment', '%(num)d comments', 3) }}"
            "{{ pgettext('audit action', 'Created') }}</p>"
        )
    assert injections(page) == []
    assert str(escape(hostile("Sign out"))) in page
    assert "Signed in as &lt;i&gt;." in page
    assert str(escape(hostile("3 comments"))) in page


def test_lazy_strings_are_text_wherever_they_are_rendered(app):
    class Probe(Form):
        name = StringField(lazy_gettext("Name"), description=lazy_gettext("Name"))

    label = lazy_gettext("Name")
    with german(app):
        form = Probe()
        rendered = [
            str(escape(label)),
            str(Markup("<p>{}</p>").format(label)),
            str(form.name.label()),
            str(form.name(title=label)),
            render_template_string("{{ d|safe }}{{ l }}", d=form.name.description, l=label),
            str(escape(lazy_pgettext("audit action", "Created"))),
        ]
    for html in rendered:
        assert injections(html) == [], html
        assert "&lt;pwn-x&gt;" in html


def test_the_date_pickers_texts_are_escaped_for_the_picker_which_inserts_them_as_html(app):
    with german(app):
        locale = picker_locale()["locale"]
    for text in (locale["applyLabel"], locale["cancelLabel"], locale["fromLabel"]):
        assert "<" not in text and "&lt;pwn-x&gt;" in text


def test_a_catalog_entry_whose_placeholders_do_not_fit_is_compiled_as_the_source(tmp_path):
    po = tmp_path / "xx" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Hallo %(nom)s 100%"\n\n'
        'msgid "Bold <b>%(n)s</b>"\nmsgstr "Fett <b onclick=x>%(n)s</b>"\n\n'
        'msgid "Save"\nmsgstr "Speichern"\n',
        encoding="utf-8",
    )
    catalogs.compile_all(tmp_path)
    from babel.support import Translations

    with po.with_suffix(".mo").open("rb") as handle:
        compiled = Translations(handle)
    assert compiled.ugettext("Save") == "Speichern"
    assert compiled.ugettext("Hello %(name)s") == "Hello %(name)s"
    assert compiled.ugettext("Bold <b>%(n)s</b>") == "Bold <b>%(n)s</b>"


# -- the checks refuse markup, parsed --------------------------------------------------------------
@pytest.mark.parametrize(
    "translation, problem",
    [
        ("Personen<img/src=x onerror=alert(1)>", '<img onerror="alert(1)" src="x">'),
        ("Personen<svg onload=alert(1)>", '<svg onload="alert(1)">'),
        ("Personen<b>", "<b>"),
    ],
)
def test_the_workbench_refuses_tags_the_source_does_not_have(app, translation, problem):
    with app.test_request_context():
        result = check("People", None, [translation], 2)
    assert result.errors == [f"The tag {problem} is not in the source text."]


def test_the_workbench_refuses_a_comment_in_a_translation(app):
    with app.test_request_context():
        result = check("People", None, ["Leute<!-- x -->"], 2)
    assert result.errors == ["The translation contains an HTML comment or declaration; remove it."]


def test_the_same_tags_with_other_attributes_are_refused(app):
    with app.test_request_context():
        result = check(LINK, None, ['<a href="%(url)s" onclick="x">Hilfe</a>'], 2)
    assert '<a href="%(url)s">' in " ".join(result.errors)
    assert '<a href="%(url)s" onclick="x">' in " ".join(result.errors)


# -- every page --------------------------------------------------------------------------------
def pages_with_forms(client, app: Flask) -> list[tuple[str, str, object]]:
    """(label, URL, response) of every page, and of forms sent back with errors."""
    with app.test_request_context():
        urls = [(label, url) for label, url in admin_pages(app)]
        entry = next(e for e in store.entries("de") if e.msgid == "Sign out")
        urls += [
            ("workbench entries", url_for("translations.entries_view", lang="de", state="all")),
            ("workbench editor", url_for("translations.edit_view", lang="de", key=entry.key)),
            ("workbench upload", url_for("translations.upload_view", lang="de")),
        ]
    responses = [(label, url, client.get(url)) for label, url in urls]
    responses.append(("post form with errors", "/admin/posts/new/",
                      client.post("/admin/posts/new/", data={"title": ""})))  # fmt: skip
    responses.append(("unknown list filter", "/admin/posts/?flt0_99=x",
                      client.get("/admin/posts/?flt0_0=bogus&flt1_5=2026-99-99")))  # fmt: skip
    return responses


def test_every_page_shows_hostile_translations_as_text(app, make_user, client):
    admin_user = make_user("root", "admin")
    seed_one_of_everything(admin_user)
    author = make_user("writer", "author")
    visitor, outsider = app.test_client(), app.test_client()
    sign_in_client(client, admin_user)
    sign_in_client(outsider, author)
    for who in (client, visitor, outsider):
        speak_client(who, "de")

    responses = pages_with_forms(client, app)
    responses += [
        ("sign-in", "/login", visitor.get("/login")),
        ("sign-in refused", "/login", visitor.post("/login", data={"username": "x"})),
        ("blog home", "/", visitor.get("/")),
        ("blog post", "/post/zeta-post", visitor.get("/post/zeta-post")),
        ("comment with errors", "/post/zeta-post",
         visitor.post("/post/zeta-post", data={"email": "bad"})),
        ("404 page", "/no-such-page", visitor.get("/no-such-page")),
        ("403 page", "/admin/users/", outsider.get("/admin/users/")),
    ]  # fmt: skip
    problems = []
    shown = 0
    for label, url, response in responses:
        html = response.get_data(as_text=True)
        assert response.status_code < 500, f"{label} ({url}): {response.status_code}"
        problems += [f"{label} ({url}): {found}" for found in injections(html)]
        shown += str(escape(VISIBLE_MARK)) in html
    assert problems == [], "\n".join(problems)
    assert shown == len(responses), "every page shows some hostile text, as text"
    assert len(PAYLOAD) > 100
