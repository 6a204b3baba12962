"""Translation memory: what this language already says for the same or a similar source text.

``suggestions(lang, entry)`` looks in the language's two catalogs, ours (the database's
``messages``) and Flask-Admin's (its shipped, read-only ``admin.po``), and returns the best
few translations of similar source texts, each with a similarity in percent.
``other_languages(lang, key)`` gives the same entry in every other language (one query).

Similarity is difflib's ``SequenceMatcher.ratio`` of the lower-cased texts, computed only for
candidates that share a word with the source text: an inverted index of word stems, built
once per catalog revision (and ``admin.po`` version) and kept per process. A catalog of a few
thousand entries is searched in well under a millisecond.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import current_app
from sqlalchemy import select

from backoffice.core.caches import FileCache, ProcessCache
from backoffice.extensions import db
from backoffice.models.catalog import TranslationEntry
from backoffice.workbench import files, store

#: Suggestions below this similarity (percent) are noise.
THRESHOLD = 60
LIMIT = 5
#: Only the candidates sharing most words are compared character by character.
COMPARED = 60
OURS, FLASK_ADMIN = "messages", "admin"

_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Candidate:
    """A translated source text of one of the language's catalogs."""

    source: str
    translation: str
    domain: str  # OURS or FLASK_ADMIN
    key: str | None  # ours: the entry to link to
    context: str | None


@dataclass(frozen=True)
class Suggestion:
    """A candidate and how similar its source text is to the one being translated."""

    candidate: Candidate
    score: int  # percent


@dataclass(frozen=True)
class Other:
    """The same entry in another language."""

    lang: str
    strings: tuple[str, ...]
    state: str


@dataclass
class _Index:
    candidates: list[Candidate]
    words: dict[str, list[int]]


def words(text: str) -> set[str]:
    """The word stems of ``text``: letters only, three or more, lower case, a plural "s" off
    (placeholders such as ``%(num)d`` leave ``num``, which is as common as it is harmless)."""
    stems = set()
    for word in _WORD.findall(text.lower()):
        stems.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return stems


def admin_po_path(lang: str) -> Path:
    """Flask-Admin's catalog of ``lang`` as the app serves it (read-only)."""
    return files.catalog_dir() / lang / "LC_MESSAGES" / "admin.po"


_admin: FileCache[Catalog] = FileCache("admin.po files", 16)
#: Per catalog folder, language, revision stamp and admin.po version.
_indexes: ProcessCache[_Index] = ProcessCache("translation memory", 32)


def forget_indexes() -> None:
    """Build each index again on its next use (a benchmark times the build)."""
    _indexes.clear()


def admin_catalog(lang: str) -> Catalog | None:
    """Flask-Admin's ``admin.po`` of ``lang``, parsed once per file version; do not modify."""
    path = admin_po_path(lang)
    signature = files.signature(path)
    if signature is None:
        return None

    def parse() -> Catalog:
        with path.open("rb") as handle:
            return read_po(handle, locale=lang)

    return _admin.get(path, signature, parse)


def admin_candidates(lang: str) -> list[Candidate]:
    """The translated (not fuzzy) messages of Flask-Admin's ``admin.po``."""
    catalog = admin_catalog(lang)
    result = []
    for message in catalog or ():
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, list | tuple):
            strings = [s for s in (message.string or ()) if s]
            pairs = [(message.id[0], strings[0] if strings else ""),
                     (message.id[1], strings[-1] if strings else "")]  # fmt: skip
        else:
            pairs = [(message.id, message.string or "")]
        for source, translation in pairs:
            if translation:
                result.append(Candidate(source, translation, FLASK_ADMIN, None, message.context))
    return result


def our_candidates(entries: Sequence[store.Entry]) -> list[Candidate]:
    """The translated (not fuzzy) entries of our catalog; a plural entry gives its singular
    and its plural source, with the first and the last form."""
    result = []
    for entry in entries:
        if entry.state != "translated":
            continue
        result.append(Candidate(entry.msgid, entry.strings[0], OURS, entry.key, entry.context))
        if entry.msgid_plural:
            result.append(
                Candidate(entry.msgid_plural, entry.strings[-1], OURS, entry.key, entry.context)
            )
    return result


def index(lang: str) -> _Index:
    """The language's memory, built once per catalog revision and ``admin.po`` version."""
    catalog = store.ensure(lang)
    stamp = catalog.stamp if catalog is not None else ""
    cache_key = (current_app.config["BABEL_TRANSLATION_DIRECTORIES"], lang, stamp,
                 files.signature(admin_po_path(lang)))  # fmt: skip

    def build() -> _Index:
        candidates = our_candidates(store.entries(lang)) + admin_candidates(lang)
        inverted: dict[str, list[int]] = {}
        for number, candidate in enumerate(candidates):
            for word in words(candidate.source):
                inverted.setdefault(word, []).append(number)
        return _Index(candidates, inverted)

    return _indexes.get(cache_key, build)


def similar(
    memory: _Index,
    source: str,
    exclude_key: str | None = None,
    limit: int = LIMIT,
    threshold: int = THRESHOLD,
) -> list[Suggestion]:
    """The ``limit`` candidates most similar to ``source`` (at least ``threshold`` percent),
    leaving out our entry ``exclude_key``; one suggestion per (source, translation)."""
    shared: Counter[int] = Counter()
    for word in words(source):
        shared.update(memory.words.get(word, ()))
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(source.lower())
    floor = threshold / 100
    scored: dict[tuple[str, str], Suggestion] = {}
    for number, _count in shared.most_common(COMPARED):
        candidate = memory.candidates[number]
        if candidate.domain == OURS and candidate.key == exclude_key:
            continue
        matcher.set_seq1(candidate.source.lower())
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        ratio = matcher.ratio()
        if ratio < floor:
            continue
        suggestion = Suggestion(candidate, int(ratio * 100))
        seen = scored.get((candidate.source, candidate.translation))
        if seen is None or (seen.candidate.domain, suggestion.candidate.domain) == (
            FLASK_ADMIN,
            OURS,
        ):
            scored[(candidate.source, candidate.translation)] = suggestion
    ranked = sorted(
        scored.values(),
        key=lambda s: (-s.score, s.candidate.domain != OURS, s.candidate.source),
    )
    return ranked[:limit]


def suggestions(lang: str, entry: store.Entry, limit: int = LIMIT) -> list[Suggestion]:
    """The memory's best suggestions for ``entry`` of ``lang`` (not the entry itself)."""
    return similar(index(lang), entry.msgid, exclude_key=entry.key, limit=limit)


def other_languages(lang: str, key: str) -> list[Other]:
    """The entry ``key`` in every other language whose catalog holds it, in the configured
    order of languages (one query)."""
    rows = db.session.execute(
        select(TranslationEntry.lang, TranslationEntry.strings, TranslationEntry.fuzzy).where(
            TranslationEntry.key == key,
            TranslationEntry.lang != lang,
            TranslationEntry.obsolete.is_(False),
        )
    ).all()
    order = list(current_app.config["LANGUAGES"])
    rows.sort(key=lambda row: order.index(row.lang) if row.lang in order else len(order))
    return [
        Other(row.lang, tuple(row.strings), store.state_of(row.strings, row.fuzzy)) for row in rows
    ]
