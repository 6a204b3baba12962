"""The three-way merge that brings the repository's catalogs into the database."""

from __future__ import annotations

import pytest

from backoffice.workbench.merge import Outcome, Version, merge

OLD, DEV, TRANSLATOR, EMPTY = (
    Version(("Alt",)),
    Version(("Neu",)),
    Version(("Übersetzt",)),
    Version(("",)),
)


@pytest.mark.parametrize(
    "base, repository, database, outcome, result",
    [
        (OLD, OLD, OLD, Outcome.UNCHANGED, OLD),
        (OLD, DEV, OLD, Outcome.TAKE_REPOSITORY, DEV),  # a developer's fix
        (OLD, OLD, TRANSLATOR, Outcome.KEEP_DATABASE, TRANSLATOR),  # a translator's save
        (OLD, DEV, DEV, Outcome.UNCHANGED, DEV),  # both the same
        (OLD, DEV, TRANSLATOR, Outcome.CONFLICT, Version(("Übersetzt",), fuzzy=True)),
        (OLD, EMPTY, TRANSLATOR, Outcome.KEEP_DATABASE, TRANSLATOR),  # never lose a text
        (OLD, DEV, EMPTY, Outcome.TAKE_REPOSITORY, DEV),
        (None, DEV, EMPTY, Outcome.TAKE_REPOSITORY, DEV),  # first sync of a new entry
        (None, EMPTY, TRANSLATOR, Outcome.KEEP_DATABASE, TRANSLATOR),
        (None, DEV, TRANSLATOR, Outcome.CONFLICT, Version(("Übersetzt",), fuzzy=True)),
        (OLD, Version(("Alt",), fuzzy=True), OLD, Outcome.TAKE_REPOSITORY,
         Version(("Alt",), fuzzy=True)),  # the fuzzy flag is part of a version
    ],
)  # fmt: skip
def test_neither_a_developers_nor_a_translators_text_is_dropped(
    base, repository, database, outcome, result
):
    merged = merge(base, repository, database)
    assert (merged.outcome, merged.result) == (outcome, result)
