"""The admin index: counts, recent activity and posts and comments per month.

Each part appears only to users who may open the view it summarises, and the page costs
the same few SQL statements whatever the amount of data: the big numbers (comments by
status and by month, posts by status and by month) come from the trigger-kept counters in
:mod:`backoffice.models.counts`, so they are exact and never stale, with no cache to expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_skeleton
from flask import get_template_attribute, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import format_date, get_locale, npgettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from backoffice.admin.audit_text import describe, user_name
from backoffice.admin.base import GatedIndexView
from backoffice.admin.chart import Chart, Series, bar_chart
from backoffice.admin.links import filtered_list_url
from backoffice.core.caches import CatalogCache
from backoffice.domain import dashboard_stats as stats
from backoffice.extensions import db
from backoffice.i18n.lookup import current_timezone
from backoffice.i18n.selectors import text_direction
from backoffice.models import AuditEntry, Post, Tag, User, counts
from backoffice.models.clock import utcnow
from backoffice.security.own_posts import own_posts_conditions
from backoffice.security.roles import can

RECENT_ENTRIES = 10


@dataclass(frozen=True)
class Card:
    key: str
    value: int
    label: str
    url: str


def dashboard_cards() -> list[Card]:
    """The count cards the current user may follow, from a single statement."""
    queries: dict[str, Any] = {}
    counters: dict[str, str] = {}  # card -> trigger-kept counter (exact, one lookup)
    if can(current_user, "comments"):
        counters["pending_comments"] = counts.status_key("comments", "pending")
    if can(current_user, "posts"):
        own = own_posts_conditions(current_user)  # authors count their posts as they see them
        if own:  # an author's own posts: a few, counted over the author index
            queries["drafts"] = stats.count_of(Post, Post.status == "draft", *own)
            queries["published"] = stats.count_of(Post, Post.status == "published", *own)
        else:
            counters["drafts"] = counts.status_key("posts", "draft")
            counters["published"] = counts.status_key("posts", "published")
    if can(current_user, "tags"):
        queries["tags"] = stats.count_of(Tag)
    if can(current_user, "users"):
        queries["users"] = stats.count_of(User)
    found = {
        **stats.counts(queries),
        **(counts.read_named(db.session, counters) if counters else {}),
    }
    order = ("pending_comments", "drafts", "published", "tags", "users")
    numbers = {key: found[key] for key in order if key in found}
    labels = {
        "pending_comments": lambda n: npgettext(
            "dashboard card", "Pending comment", "Pending comments", n
        ),
        "drafts": lambda n: npgettext("dashboard card", "Draft", "Drafts", n),
        "published": lambda n: npgettext("dashboard card", "Published post", "Published posts", n),
        "tags": lambda n: npgettext("dashboard card", "Tag", "Tags", n),
        "users": lambda n: npgettext("dashboard card", "User", "Users", n),
    }
    urls = {
        "pending_comments": lambda: url_for("comments.index_view", status="pending"),
        "drafts": lambda: filtered_list_url("posts", "status", FilterEqual, "draft"),
        "published": lambda: filtered_list_url("posts", "status", FilterEqual, "published"),
        "tags": lambda: url_for("tags.index_view"),
        "users": lambda: url_for("users.index_view"),
    }
    return [Card(key, n, labels[key](n), urls[key]()) for key, n in numbers.items()]


def recent_activity() -> list[AuditEntry]:
    """The latest audit entries with their users, in one statement (without their changes,
    which the list does not show and which can be long)."""
    query = (
        select(AuditEntry)
        .options(defer(AuditEntry.changes), joinedload(AuditEntry.user).lazyload(User.roles))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(RECENT_ENTRIES)
    )
    return list(db.session.scalars(query))


def recent_lines(entries: list[AuditEntry]) -> list[Markup]:
    """Each entry as a line of the list: its sentence, linked to its details, and its time
    in the reader's zone."""
    zone = str(current_timezone())
    return [_RECENT.get(_shown(entry, zone), lambda e=entry: _line(e)) for entry in entries]


#: Lines of the recent activity, per language, catalog and everything a line shows: the ten
#: sentences and dates were a third of the dashboard's time, and the newest entries change
#: far less often than the page is shown.
_RECENT: CatalogCache[Markup] = CatalogCache("recent activity lines", 256)


def _shown(entry: AuditEntry, zone: str) -> tuple[Any, ...]:
    return (
        entry.id, entry.created_at, entry.action, entry.object_type, entry.object_id,
        entry.object_label, user_name(entry), zone,
    )  # fmt: skip


def _line(entry: AuditEntry) -> Markup:
    return Markup(
        get_template_attribute("admin/_recent_activity.html", "line")(entry, describe(entry))
    )


def monthly_chart(today: date | None = None) -> Markup | None:
    """Posts (by creation date) and comments per month, for the series the user may see,
    as the chart's markup (None if the user may see neither)."""
    months = stats.month_starts(today or utcnow().date())
    since = datetime.combine(months[0], datetime.min.time())
    series: list[Series] = []
    posts, comments = can(current_user, "posts"), can(current_user, "comments")
    own_posts = own_posts_conditions(current_user)
    tables = [
        t for t, shown in (("posts", posts and not own_posts), ("comments", comments)) if shown
    ]
    counted = stats.monthly_counters(tables, months) if tables else {}
    if posts:
        # An author's own posts are grouped on the fly (few rows, over the author index).
        rows = (
            stats.monthly_counts(Post.created_at, since, *own_posts)
            if own_posts
            else counted["posts"]
        )
        series.append(Series(_("Posts"), stats.fill_months(rows, months)))
    if comments:
        series.append(Series(_("Comments"), stats.fill_months(counted["comments"], months)))
    if not series:
        return None
    rtl = text_direction() == "rtl"
    numbers = (tuple(months), rtl, tuple((s.label, tuple(s.values)) for s in series))
    return _CHARTS.get(numbers, lambda: _draw(months, series, rtl))


#: The chart as drawn, per language, catalog and numbers: its 48 formatted numbers and 24
#: translated bar titles were a third of the dashboard's time, and the numbers change far
#: less often than the page is shown.
_CHARTS: CatalogCache[Markup] = CatalogCache("dashboard charts", 32)


def _draw(months: list[date], series: list[Series], rtl: bool) -> Markup:
    locale = get_locale()
    first = {0} | {i for i, m in enumerate(months) if m.month == 1}
    labels = [
        (format_date(m, "MMM"), format_date(m, "y") if i in first else "")
        for i, m in enumerate(months)
    ]
    chart: Chart = bar_chart(labels, series, rtl=rtl)
    draw = get_template_attribute("admin/_chart.html", "monthly")
    return Markup(
        draw(
            {
                "chart": chart,
                "series": series,
                "month_names": [format_skeleton("yMMMM", m, locale=locale) for m in months],
                "first": format_skeleton("yMMMM", months[0], locale=locale),
                "last": format_skeleton("yMMMM", months[-1], locale=locale),
            }
        )
    )


class DashboardView(GatedIndexView):
    access_key = "dashboard"

    @expose("/")
    def index(self) -> str:
        return self.render(
            "admin/dashboard.html",
            cards=dashboard_cards(),
            recent=recent_lines(recent_activity()) if can(current_user, "audit") else None,
            monthly=monthly_chart(),
        )
