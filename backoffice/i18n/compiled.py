"""A language's catalog in the database, compiled for gettext (once per revision a process
sees, backoffice/i18n/reload.py)."""

from __future__ import annotations

import io

from babel.messages.catalog import Catalog as BabelCatalog
from babel.support import Translations
from sqlalchemy import select

from backoffice.extensions import db
from backoffice.i18n import catalogs
from backoffice.models.catalog import TranslationCatalog, TranslationEntry


def translations(lang: str) -> Translations:
    """Gettext translations of ``lang``'s live entries; fuzzy ones and those that would break a
    page are left out, as ``translate compile`` leaves them out (``catalogs.mo_bytes``)."""
    catalog = BabelCatalog(locale=lang, charset="utf-8")
    # The catalog's own plural rule, as its .mo had it (pt: "(n > 1)", not Babel's default).
    plural_forms = db.session.scalar(
        select(TranslationCatalog.plural_forms).where(TranslationCatalog.lang == lang)
    )
    if plural_forms:
        catalog.mime_headers = [("Plural-Forms", plural_forms)]
    rows = db.session.execute(
        select(
            TranslationEntry.msgid, TranslationEntry.msgid_plural, TranslationEntry.context,
            TranslationEntry.strings, TranslationEntry.fuzzy,
        ).where(TranslationEntry.lang == lang, TranslationEntry.obsolete.is_(False))
    )  # fmt: skip
    for msgid, plural, context, strings, fuzzy in rows:
        if plural is None:
            catalog.add(msgid, strings[0] if strings else "", context=context,
                        flags=("fuzzy",) if fuzzy else ())  # fmt: skip
        else:
            catalog.add((msgid, plural), tuple(strings), context=context,
                        flags=("fuzzy",) if fuzzy else ())  # fmt: skip
    return Translations(io.BytesIO(catalogs.mo_bytes(catalog)), domain="messages")
