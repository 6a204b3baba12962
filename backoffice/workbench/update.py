"""Update the catalogs from the code: the same merge as ``flask translate sync``.

The strings are extracted from this instance's code (nothing is written: no template, no
``.po``); each language's catalog in the database gets the new entries, the repository's
texts through the three-way merge, and retires the entries the code no longer has, unless
this instance's template (``TRANSLATION_TEMPLATE``) is older than one merged before: during a
rolling deploy an instance still running older code retires nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from backoffice.extensions import db
from backoffice.i18n import catalogs
from backoffice.workbench import files, store, sync


@dataclass
class UpdateReport:
    """Per language, the msgids added to its catalog and those made obsolete."""

    added: dict[str, list[str]] = field(default_factory=dict)
    obsolete: dict[str, list[str]] = field(default_factory=dict)
    messages: int = 0  # in the extracted template
    conflicts: dict[str, list[str]] = field(default_factory=dict)  # translator's text kept
    kept: list[str] = field(default_factory=list)  # languages where older code retired nothing


def update_from_code(user: Any = None) -> UpdateReport:
    """Extract the marked strings and merge them into every language's catalog; commits."""
    extracted = catalogs.extract_catalog()
    template_date = files.template_date()
    report = UpdateReport(messages=len(extracted))
    batch = uuid.uuid4().hex
    languages = [lang for lang in store.languages() if store.ensure(lang) is not None]
    try:  # one transaction for every language (each first import above is its own)
        for lang in languages:
            language = sync.sync_language(
                db.session, lang, _repository(lang), extracted, template_date,
                user_id=getattr(user, "id", None), batch=batch,
            )  # fmt: skip
            report.added[lang] = language.added
            report.obsolete[lang] = language.obsolete
            report.conflicts[lang] = language.conflicts
            if language.kept_obsolete:
                report.kept.append(lang)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


def _repository(lang: str) -> Any:
    """This checkout's catalog of ``lang``, or an empty one if it has none (the database's
    texts are then kept as they are: an empty repository text never replaces one)."""
    if files.po_path(lang).is_file():
        return files.repository_catalog(lang)
    from babel.messages.catalog import Catalog

    return Catalog(locale=lang)
