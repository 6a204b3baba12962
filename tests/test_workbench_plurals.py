"""Each plural form of a catalog is named by what it means, in the catalog's own order."""

from __future__ import annotations

import pytest

from backoffice.workbench import plurals
from backoffice.workbench.plurals import analyse


@pytest.mark.parametrize(
    ("lang", "categories", "examples"),
    [
        # Our Arabic header puts 100–102 ("other") before 11–99 ("many"), unlike CLDR.
        ("ar", ["zero", "one", "two", "few", "other", "many"],
         [[0], [1], [2], [3, 4, 5, 6, 7], [100, 101, 102, 200, 201], [11, 12, 13, 14, 15]]),
        ("de", ["one", "other"], [[1], [0, 2, 3, 4, 5]]),
        ("es", ["one", "other"], [[1], [0, 2, 3, 4, 5]]),
        ("fr", ["one", "other"], [[0, 1], [2, 3, 4, 5, 6]]),
        ("pt", ["one", "other"], [[0, 1], [2, 3, 4, 5, 6]]),
    ],
)  # fmt: skip
def test_forms_follow_the_catalog_header_and_name_their_cldr_category(
    app, lang, categories, examples
):
    forms = plurals.forms(lang)
    assert [form.index for form in forms] == list(range(len(categories)))
    assert [form.category for form in forms] == categories
    assert [form.examples for form in forms] == examples
    assert [form.label for form in forms] == categories  # English UI


def test_an_english_like_expression_has_one_and_other():
    assert analyse("en", 2, "(n != 1)") == ((0, "one", (1,)), (1, "other", (0, 2, 3, 4, 5)))


def test_the_standard_gettext_arabic_order_is_recognised_too():
    standard = ("(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
                ": n%100>=11 ? 4 : 5)")  # fmt: skip
    assert [category for _, category, _ in analyse("ar", 6, standard)] == [
        "zero", "one", "two", "few", "many", "other",
    ]  # fmt: skip
