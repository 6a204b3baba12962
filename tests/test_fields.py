"""LocalDateTimeField: typed and shown in the user's time zone, stored as naive UTC."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from flask_login import login_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import Form

from backoffice.admin.fields import LocalDateTimeField
from backoffice.extensions import db
from backoffice.models import Post, Reminder
from backoffice.models.clock import utcnow


class WhenForm(Form):
    when = LocalDateTimeField("When")


@pytest.fixture
def in_zone(app, make_user):
    """``in_zone("Asia/Tokyo")``: go on as a request by a user living there."""
    contexts = []

    def enter(zone: str, lang: str = "en") -> None:
        user = make_user(f"user{len(contexts)}", "editor", timezone=zone, locale=lang)
        contexts.append(app.test_request_context())
        contexts[-1].push()
        login_user(user)

    yield enter
    for context in reversed(contexts):
        context.pop()


def typed(text: str) -> WhenForm:
    form = WhenForm(MultiDict({"when": text}))
    form.validate()
    return form


def shown(field) -> str:
    """The text the field's input shows (its rendered ``value``)."""
    return html.unescape(re.search(r'value="([^"]*)"', str(field())).group(1))


def test_tokyo_morning_is_stored_as_utc_midnight_and_shown_back_as_typed(in_zone):
    in_zone("Asia/Tokyo")
    form = typed("2030-01-15 09:00")
    assert not form.errors
    assert form.when.data == datetime(2030, 1, 15, 0, 0)

    back = WhenForm(obj=SimpleNamespace(when=datetime(2030, 1, 15, 0, 0)))
    assert shown(back.when) == "2030-01-15 09:00:00"


@pytest.mark.parametrize(
    ("text", "stored"),
    [("2030-07-01 12:00:00", datetime(2030, 7, 1, 10, 0)),  # summer: UTC+2
     ("2030-01-01 12:00:00", datetime(2030, 1, 1, 11, 0)),  # winter: UTC+1
     ("2030-01-01T12:00", datetime(2030, 1, 1, 11, 0)),
     # 02:30 happens twice on the last Sunday of October: the first one (still summer time).
     ("2030-10-27 02:30:00", datetime(2030, 10, 27, 0, 30)),
     ("  2030-10-27 03:30  ", datetime(2030, 10, 27, 2, 30))],
)  # fmt: skip
def test_berlin_input_respects_daylight_saving_time(in_zone, text, stored):
    in_zone("Europe/Berlin")
    form = typed(text)
    assert not form.errors
    assert form.when.data == stored


def test_a_time_skipped_by_the_spring_clock_change_is_refused(in_zone):
    in_zone("Europe/Berlin")
    form = typed("2030-03-31 02:30:00")  # clocks jump from 02:00 to 03:00
    assert form.when.data is None
    assert form.errors["when"] == [
        "This time does not exist in your time zone (the clocks change then)."
    ]


def test_times_around_the_clock_change_are_shown_with_the_right_offset(in_zone):
    in_zone("Europe/Berlin")
    before = WhenForm(obj=SimpleNamespace(when=datetime(2030, 3, 31, 0, 59)))
    after = WhenForm(obj=SimpleNamespace(when=datetime(2030, 3, 31, 1, 0)))
    assert shown(before.when) == "2030-03-31 01:59:00"
    assert shown(after.when) == "2030-03-31 03:00:00"


@pytest.mark.parametrize(
    "text", ["tomorrow", "2030-02-30 10:00", "2030-01-01 25:00", "31.01.2030 10:00",
             "0001-01-01 00:00", "9999-12-31 23:59", "2030-01-01 10:00" + "0" * 100],
)  # fmt: skip
def test_unreadable_input_gets_one_clear_message_with_an_example(in_zone, text):
    in_zone("Europe/Berlin")
    form = typed(text)
    assert form.when.data is None
    assert form.errors["when"] == ["Enter a date and time like 2030-01-31 14:30:00."]


def test_the_field_tells_which_time_zone_it_speaks(in_zone):
    in_zone("Asia/Tokyo")
    assert str(WhenForm().when.description) == "Your time zone: Asia/Tokyo"


def test_empty_input_is_no_date(in_zone):
    in_zone("Asia/Tokyo")
    form = typed("")
    assert form.when.data is None and not form.errors


# -- in the admin forms ------------------------------------------------------------------------
def test_reminder_typed_in_tokyo_is_stored_in_utc(client, make_user, login_as, csrf):
    login_as(make_user("tokyo", "editor", timezone="Asia/Tokyo"))
    response = client.post(
        "/admin/reminders/new/",
        data={"date": "2030-01-15 09:00:00", "email": "t@example.org", "text": "Call",
              "csrf_token": csrf()},
    )  # fmt: skip
    assert response.status_code == 302
    reminder = db.session.scalar(select(Reminder))
    assert reminder.date == datetime(2030, 1, 15, 0, 0)
    edit = client.get(f"/admin/reminders/edit/?id={reminder.id}").get_data(as_text=True)
    assert 'value="2030-01-15 09:00:00"' in edit


def test_reminder_with_an_unreadable_date_is_refused_and_nothing_is_saved(
    client, make_user, login_as, csrf
):
    login_as(make_user("tokyo", "editor", timezone="Asia/Tokyo"))
    response = client.post(
        "/admin/reminders/new/",
        data={"date": "next week", "email": "t@example.org", "text": "Call",
              "csrf_token": csrf()},
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a date and time like 2030-01-31 14:30:00." in html
    assert 'value="next week"' in html  # the input is kept for correcting
    assert db.session.scalar(select(Reminder)) is None


def test_reminder_in_the_past_is_refused_in_the_users_zone(client, make_user, login_as, csrf):
    login_as(make_user("tokyo", "editor", timezone="Asia/Tokyo"))
    # One hour ago in Tokyo, typed as Tokyo wall time.
    an_hour_ago = (utcnow() + timedelta(hours=9) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    response = client.post(
        "/admin/reminders/new/",
        data={"date": an_hour_ago, "email": "t@example.org", "text": "Call", "csrf_token": csrf()},
    )
    assert "The date must not be in the past." in response.get_data(as_text=True)
    assert db.session.scalar(select(Reminder)) is None


def test_post_publish_date_is_typed_in_the_users_zone(client, make_user, login_as, csrf):
    login_as(make_user("paula", "editor", timezone="America/Sao_Paulo"))
    response = client.post(
        "/admin/posts/new/",
        data={"title": "Bom dia", "body": "<p>Oi</p>", "status": "published",
              "published_at": "2030-01-15 21:30:00", "csrf_token": csrf()},
    )  # fmt: skip
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert post.published_at == datetime(2030, 1, 16, 0, 30)
