"""The workbench's glossary: per language, a term and its agreed translation.

"comment" is "Kommentar" in German, never "Anmerkung": the editor highlights the terms of a
source text and warns when a translation leaves out the agreed one
(backoffice/workbench/glossary.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.extensions import db
from backoffice.models._time import utcnow
from backoffice.models.users import User


class GlossaryTerm(db.Model):
    """One term of a language's glossary.

    ``term`` is unique per language as typed; the workbench also refuses a second spelling
    that differs only in case (``backoffice.workbench.glossary``), which a portable unique
    index cannot express without an expression index.
    """

    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("lang", "term", name="uq_glossary_terms_lang_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(16), index=True)
    term: Mapped[str] = mapped_column(String(200))
    translation: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    #: Bumped by every change: an edit form built on an older version is a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1)

    updated_by: Mapped[User | None] = relationship()

    # SQLAlchemy then also refuses a flush whose row changed since it was read.
    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return f"{self.lang}: {self.term}"
