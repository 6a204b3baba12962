"""Plurals, dates and numbers in the reader's language and time zone."""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from datetime import datetime

import pytest
from babel.dates import format_datetime, get_timezone
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from babel import Locale
from backoffice.admin.formatting import (
    DETAIL_TYPE_FORMATTERS,
    LIST_TYPE_FORMATTERS,
    format_stored_datetime,
)
from backoffice.compat.flask_babel import request_state
from backoffice.core.database import table_of
from backoffice.extensions import db
from backoffice.i18n.catalogs import TRANSLATIONS
from backoffice.models import Post, Reminder

SINGULAR, PLURAL = "%(num)d comment approved.", "%(num)d comments approved."
COUNTS = (0, 1, 2, 5, 11, 100)


@functools.cache  # the repository's catalogs do not change during a run
def catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@functools.cache
def plural_rule(lang: str) -> Callable[[int], int]:
    return gettext.c2py(catalog(lang).plural_expr)


def form_index(lang: str, count: int) -> int:
    """Which msgstr[index] gettext picks: the catalog's own Plural-Forms expression decides."""
    return plural_rule(lang)(count)


# -- plurals -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ar", "de"])
@pytest.mark.parametrize("count", COUNTS)
def test_a_count_gets_the_plural_form_the_language_rule_picks(app, lang, count):
    forms = catalog(lang).get(SINGULAR).string
    expected = forms[form_index(lang, count)] % {"num": count}
    with app.test_request_context(), force_locale(lang):
        assert ngettext(SINGULAR, PLURAL, count) == expected


def test_the_six_counts_reach_all_six_arabic_forms_and_each_is_translated(app):
    # "one" and "hundreds" share a noun form in Arabic grammar, so strings may repeat; what
    # must hold is that every count selects its own form and that form is Arabic text.
    assert {form_index("ar", count) for count in COUNTS} == set(range(6))
    english = {SINGULAR % {"num": n} for n in COUNTS} | {PLURAL % {"num": n} for n in COUNTS}
    with app.test_request_context(), force_locale("ar"):
        for count in COUNTS:
            rendered = ngettext(SINGULAR, PLURAL, count)
            assert str(count) in rendered
            assert rendered not in english
            assert any("\u0600" <= char <= "\u06ff" for char in rendered)


@pytest.mark.parametrize("lang", ["ar", "de", "fr", "es", "pt"])
def test_the_catalogs_plural_rule_agrees_with_the_languages_cldr_rule(lang):
    # Every CLDR category (zero, one, two, few, many, other) must land on one form, and
    # different categories on different forms; the order is the catalog's own business.
    rule = Locale.parse(lang).plural_form
    index_of: dict[str, set[int]] = {}
    for count in range(0, 1200):
        index_of.setdefault(rule(count), set()).add(form_index(lang, count))
    assert all(len(indexes) == 1 for indexes in index_of.values()), index_of
    indexes = [next(iter(found)) for found in index_of.values()]
    assert len(set(indexes)) == len(indexes) == catalog(lang).num_plurals


# -- dates -------------------------------------------------------------------------------------
# Stored naive UTC, half an hour before Berlin's clocks went forward; evening before in Brazil.
MOMENT = datetime(2026, 3, 29, 0, 30)
SHOWN = [
    ("de", "Europe/Berlin", "29.03.2026, 01:30:00"),
    ("de", "America/Sao_Paulo", "28.03.2026, 21:30:00"),
    ("pt", "Europe/Berlin", "29 de mar. de 2026 01:30:00"),
    ("pt", "America/Sao_Paulo", "28 de mar. de 2026 21:30:00"),
]


@pytest.mark.parametrize(("lang", "zone", "expected"), SHOWN)
def test_list_shows_a_stored_time_in_the_readers_zone_and_locale(
    client, make_user, login_as, lang, zone, expected
):
    login_as(make_user("reader", "editor", locale=lang, timezone=zone))
    db.session.add(Reminder(date=MOMENT, email="r@example.org", text="Call"))
    db.session.commit()
    html = client.get("/admin/reminders/").get_data(as_text=True)
    assert expected in html
    assert "2026-03-29 00:30:00" not in html


@pytest.mark.parametrize(("lang", "zone", "expected"), SHOWN)
def test_details_page_shows_times_in_the_readers_zone_and_locale(
    client, make_user, login_as, lang, zone, expected
):
    user = make_user("reader", "editor", locale=lang, timezone=zone)
    login_as(user)
    post = Post(title="T", slug="t", author=user, status="published", published_at=MOMENT)
    db.session.add(post)
    db.session.commit()
    html = client.get(f"/admin/posts/details/?id={post.id}").get_data(as_text=True)
    assert expected in html
    assert "2026-03-29 00:30:00" not in html


def test_a_time_zone_that_is_not_on_the_allow_list_falls_back_to_the_default(
    client, make_user, login_as
):
    # Written behind the profile's back (an old value, a direct database edit).
    login_as(make_user("reader", "editor", locale="de", timezone="localtime"))
    db.session.add(Reminder(date=MOMENT, email="r@example.org", text="Call"))
    db.session.commit()
    html = client.get("/admin/reminders/").get_data(as_text=True)
    assert "29.03.2026, 00:30:00" in html  # UTC, the configured default


@pytest.mark.parametrize("lang", ["en", "ar", "de", "fr", "es", "pt"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata"])
def test_stored_times_read_as_babels_own_medium_format(app, lang, zone):
    # format_stored_datetime parses the locale's patterns once; the text must stay Babel's.
    moments = [MOMENT, datetime(2026, 10, 25, 0, 59, 59), datetime(2026, 12, 31, 23, 0, 1),
               datetime(2026, 7, 4, 12, 0), datetime(1999, 1, 1, 0, 0)]  # fmt: skip
    with app.test_request_context(), force_locale(lang):
        babel_ctx = request_state()
        babel_ctx.babel_tzinfo = get_timezone(zone)
        for moment in moments:
            expected = format_datetime(moment, "medium", tzinfo=get_timezone(zone), locale=lang)
            assert format_stored_datetime(moment) == expected


# -- numbers and yes/no ------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "expected"), [("de", "1.234.567"), ("en", "1,234,567"),
                                                ("fr", "1\u202f234\u202f567")])  # fmt: skip
def test_numbers_in_lists_and_details_use_the_locales_grouping(app, lang, expected):
    with app.test_request_context(), force_locale(lang):
        assert LIST_TYPE_FORMATTERS[int](None, 1234567, "count") == expected
        assert DETAIL_TYPE_FORMATTERS[int](None, 1234567, "count") == expected


@pytest.mark.parametrize("formatters", [LIST_TYPE_FORMATTERS, DETAIL_TYPE_FORMATTERS])
def test_bools_and_datetimes_are_not_mistaken_for_numbers_and_dates(app, formatters):
    # Flask-Admin takes the first formatter whose type the value is an instance of.
    def first_match(value):
        return next(fmt for kind, fmt in formatters.items() if isinstance(value, kind))

    with app.test_request_context(), force_locale("de"):
        assert "Ja" in str(first_match(True)(None, True, "active"))
        assert first_match(MOMENT)(None, MOMENT, "at") == "29.03.2026, 00:30:00"
        assert first_match(MOMENT.date())(None, MOMENT.date(), "on") == "29.03.2026"


def test_yes_and_no_are_translated_not_flask_admins_english_titles(app):
    with app.test_request_context(), force_locale("de"):
        yes = str(LIST_TYPE_FORMATTERS[bool](None, True, "active"))
        no = str(DETAIL_TYPE_FORMATTERS[bool](None, False, "active"))
    assert 'title="Ja"' in yes and "true" not in yes
    assert 'title="Nein"' in no


def test_the_list_tab_counts_rows_with_the_locales_grouping(client, login_as, csrf):
    from backoffice.models import Tag

    login_as("editor")
    db.session.execute(table_of(Tag).insert(), [{"title": f"t{i}"} for i in range(1234)])
    db.session.commit()
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    assert "Liste (1.234)" in client.get("/admin/tags/").get_data(as_text=True)
