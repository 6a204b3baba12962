"""Row ids from requests: only values that can be a key reach the database."""

from __future__ import annotations

import pytest

from backoffice.core.ids import MAX_ID, parse_id, parse_ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), (" 42 ", 42), (7, 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None),
     ("-1", None), ("1.5", None), ("abc", None), ("", None), (None, None), ("٣", None),
     ("9" * 40, None), ("1e3", None)],
)  # fmt: skip
def test_parse_id_accepts_only_possible_keys(value, expected):
    assert parse_id(value) == expected


def test_parse_ids_keeps_order_and_drops_junk_and_duplicates():
    assert parse_ids(["3", "x", "1", "3", "-2", "2"]) == [3, 1, 2]
