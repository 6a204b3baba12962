"""Rows edited in forms by several people: who changed one last, when, and its version.

SQLAlchemy bumps ``version`` with every change and refuses a flush whose row changed since it
was read (``version_id_col``): a form built on an older version is a conflict, never a silent
overwrite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from backoffice.models.clock import utcnow
from backoffice.models.users import User

#: After the model's own columns, as the tables were first made.
_LAST = 100


class Versioned:
    """Mixin: ``updated_at``, ``updated_by`` and ``version`` (compare and set)."""

    updated_at: Mapped[datetime] = mapped_column(
        DateTime(), default=utcnow, onupdate=utcnow, sort_order=_LAST
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), sort_order=_LAST
    )
    version: Mapped[int] = mapped_column(Integer, default=1, sort_order=_LAST)

    @declared_attr
    def updated_by(cls) -> Mapped[User | None]:
        return relationship(User)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}
