"""Attempt counters for sign-in and the public comment form, shared by every process."""

from __future__ import annotations

from sqlalchemy import Double, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.extensions import db


class Throttle(db.Model):
    """One bucket of attempts (e.g. one account from one address), see ``security.throttle``.

    Times are Unix seconds (floats), not datetimes: the counting statement adds waits to them
    in SQL, and plain numbers add up the same way on SQLite and PostgreSQL.
    """

    __tablename__ = "throttles"

    # "<scope>:<keyed digest of the account and/or address>": no user name or address in clear.
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    # Attempts counted since the bucket was last forgotten.
    hits: Mapped[int] = mapped_column(Integer)
    # No attempt in this bucket goes ahead before this time.
    blocked_until: Mapped[float] = mapped_column(Double)
    # After this time the bucket is forgotten (counts restart; old rows are deleted).
    expires_at: Mapped[float] = mapped_column(Double, index=True)
