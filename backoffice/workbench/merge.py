"""The three-way merge of one catalog entry: the repository's text against the database's.

``translate sync`` (the release step) and "update from code" bring the repository's catalogs
into the database. For every entry three versions meet: what the repository had at the last
sync (the *base*), what it has now, and what the database has now (a translator may have
saved since). Neither side's work is ever dropped:

- only the repository changed: its text is taken (a developer's fix, a new translation);
- only the database changed: it is kept (a translator's save);
- both changed to the same text: nothing to do;
- both changed differently: a real conflict. The translator's text is kept, marked fuzzy so
  a translator looks at it again, and the report names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    UNCHANGED = "unchanged"
    TAKE_REPOSITORY = "repository"
    KEEP_DATABASE = "database"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Version:
    """One side's translation of an entry: its strings (one per plural form) and fuzzy flag."""

    strings: tuple[str, ...]
    fuzzy: bool = False

    @property
    def empty(self) -> bool:
        return not any(self.strings)


@dataclass(frozen=True)
class Merged:
    outcome: Outcome
    result: Version


def merge(base: Version | None, repository: Version, database: Version) -> Merged:
    """The merged translation of one entry (see the module docstring).

    ``base`` is None for an entry the last sync did not know: then an empty side yields to
    the other, and two different translations are a conflict.
    """
    if repository == database:
        return Merged(Outcome.UNCHANGED, database)
    if base is None:
        if database.empty:
            return Merged(Outcome.TAKE_REPOSITORY, repository)
        if repository.empty:
            return Merged(Outcome.KEEP_DATABASE, database)
        return Merged(Outcome.CONFLICT, Version(database.strings, fuzzy=True))
    if repository == base:
        return Merged(Outcome.KEEP_DATABASE, database)
    if database == base:
        return Merged(Outcome.TAKE_REPOSITORY, repository)
    if repository.empty:  # the repository lost a text the database still has: keep it
        return Merged(Outcome.KEEP_DATABASE, database)
    if database.empty:
        return Merged(Outcome.TAKE_REPOSITORY, repository)
    return Merged(Outcome.CONFLICT, Version(database.strings, fuzzy=True))
