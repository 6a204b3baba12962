"""The workbench's glossary: per language, a term and its agreed translation.

"comment" is "Kommentar" in German, never "Anmerkung": the editor highlights the terms of a
source text and warns when a translation leaves out the agreed one
(backoffice/workbench/glossary.py).
"""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.extensions import db
from backoffice.models.versioned import Versioned


class GlossaryTerm(Versioned, db.Model):
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

    def __str__(self) -> str:
        return f"{self.lang}: {self.term}"
