"""The admin's list filters, in one place for every view: date-time filters that read the
typed value in the user's time zone, and the filters of the post and comment lists (which
other views link to: the comments of a post, the posts of a tag)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_admin.contrib.sqla import filters as sqla
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from backoffice.core.ids import parse_id
from backoffice.i18n.timezones import local_to_utc
from backoffice.models import Post, Tag, User


class _LocalTime:
    """Mixin: Flask-Admin parses the text; we shift it from local time to stored UTC."""

    def clean(self, value: str) -> Any:
        parsed = super().clean(value)  # type: ignore[misc]
        if isinstance(parsed, datetime):
            return local_to_utc(parsed)
        return [local_to_utc(item) for item in parsed]

    def validate(self, value: str) -> bool:
        try:
            cleaned = self.clean(value)
        except (ValueError, OverflowError):  # also a time skipped by a clock change
            return False
        return not isinstance(cleaned, list) or (len(cleaned) == 2 and cleaned[0] <= cleaned[1])


class DateTimeEqual(_LocalTime, sqla.DateTimeEqualFilter):
    pass


class DateTimeNotEqual(_LocalTime, sqla.DateTimeNotEqualFilter):
    pass


class DateTimeGreater(_LocalTime, sqla.DateTimeGreaterFilter):
    pass


class DateTimeSmaller(_LocalTime, sqla.DateTimeSmallerFilter):
    pass


class DateTimeBetween(_LocalTime, sqla.DateTimeBetweenFilter):
    pass


class DateTimeNotBetween(_LocalTime, sqla.DateTimeNotBetweenFilter):
    pass


class LocalTimeFilterConverter(sqla.FilterConverter):
    """Flask-Admin's converter with time-zone-aware date-time filters."""

    datetime_filters = (DateTimeEqual, DateTimeNotEqual, DateTimeGreater, DateTimeSmaller,
                        DateTimeBetween, DateTimeNotBetween)  # fmt: skip


class PostFilter(FilterEqual):
    """Comments on one post (by id; used by the links from the post list)."""

    def clean(self, value: str) -> int:
        return parse_id(value) or 0


class StatusFilter(FilterEqual):
    """Posts in one status (a fixed list of choices)."""


class AuthorFilter(BaseSQLAFilter):
    """Posts by one author, by user name regardless of case (a subquery, no join)."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        wanted = select(User.id).where(func.lower(User.username) == str(value).strip().lower())
        return query.filter(Post.author_id.in_(wanted))

    def operation(self) -> str:
        return _l("equals")


class TagFilter(BaseSQLAFilter):
    """Posts that carry a tag, by title regardless of case (no join: one EXISTS)."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(Post.tags.any(func.lower(Tag.title) == str(value).strip().lower()))

    def operation(self) -> str:
        return _l("equals")
