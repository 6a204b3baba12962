"""Date-time list filters read what the user types in the user's own time zone."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import current_app

from backoffice.admin.filters import DateTimeBetween, DateTimeGreater
from backoffice.compat.flask_admin import admin_views, view_filters
from backoffice.extensions import db
from backoffice.models import Reminder


def filter_arg(endpoint: str, kind: type) -> str:
    """The ``flt0_<n>`` argument of the view's first filter of class ``kind``."""
    views = admin_views(current_app.extensions["admin"][0])
    view = next(v for v in views if v.endpoint == endpoint)
    index = next(i for i, f in enumerate(view_filters(view)) if type(f) is kind)
    return f"flt0_{index}"


@pytest.fixture
def tokyo_reminders(make_user, login_as):
    login_as(make_user("tokyo", "editor", timezone="Asia/Tokyo"))
    db.session.add_all([
        Reminder(date=datetime(2030, 1, 14, 23, 0), email="a@example.org", text="Eight in Tokyo"),
        Reminder(date=datetime(2030, 1, 15, 0, 0), email="b@example.org", text="Nine in Tokyo"),
    ])  # fmt: skip
    db.session.commit()


def test_greater_than_is_read_in_the_users_time_zone(client, tokyo_reminders):
    arg = filter_arg("reminders", DateTimeGreater)
    html = client.get(f"/admin/reminders/?{arg}=2030-01-15+08:30:00").get_data(as_text=True)
    assert "Nine in Tokyo" in html
    assert "Eight in Tokyo" not in html


def test_between_is_read_in_the_users_time_zone(client, tokyo_reminders):
    arg = filter_arg("reminders", DateTimeBetween)
    value = "2030-01-15+07:30:00+to+2030-01-15+08:30:00"
    html = client.get(f"/admin/reminders/?{arg}={value}").get_data(as_text=True)
    assert "Eight in Tokyo" in html
    assert "Nine in Tokyo" not in html


@pytest.mark.parametrize(
    "value", ["not+a+date", "2030-01-15+09:00:00+to+2030-01-14+09:00:00", "0001-01-01+00:00:00"]
)
def test_unusable_filter_values_are_ignored_not_errors(client, tokyo_reminders, value):
    for kind in (DateTimeGreater, DateTimeBetween):
        response = client.get(f"/admin/reminders/?{filter_arg('reminders', kind)}={value}")
        assert response.status_code == 200
        assert "Nine in Tokyo" in response.get_data(as_text=True)


def test_a_time_skipped_by_a_clock_change_is_ignored(client, make_user, login_as):
    login_as(make_user("berlin", "editor", timezone="Europe/Berlin"))
    db.session.add(Reminder(date=datetime(2030, 4, 1), email="c@example.org", text="April"))
    db.session.commit()
    arg = filter_arg("reminders", DateTimeGreater)
    response = client.get(f"/admin/reminders/?{arg}=2030-03-31+02:30:00")
    assert response.status_code == 200
    assert "April" in response.get_data(as_text=True)
