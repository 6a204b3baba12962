"""The plural forms of a catalog: which numbers pick each form, and what each form means.

The order of the forms is the catalog's own ``Plural-Forms`` expression, not CLDR's: our
Arabic catalog, for one, puts 100–102 ("other") before 11–99 ("many"). The expression is
evaluated on sample numbers (``catalogs.numbers_by_form``, which the catalog checks use too)
and each form is named by the CLDR category (via Babel) that its numbers have in that
language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from babel.core import Locale
from flask_babel import lazy_pgettext

from backoffice.core.caches import memoized
from backoffice.i18n import catalogs
from backoffice.workbench import files

CATEGORY_LABELS = {
    "zero": lazy_pgettext("plural form", "zero"),
    "one": lazy_pgettext("plural form", "one"),
    "two": lazy_pgettext("plural form", "two"),
    "few": lazy_pgettext("plural form", "few"),
    "many": lazy_pgettext("plural form", "many"),
    "other": lazy_pgettext("plural form", "other"),
}
EXAMPLES_SHOWN = 5


@dataclass(frozen=True)
class PluralForm:
    """One plural form of a language, in the catalog's order."""

    index: int
    category: str  # "zero" | "one" | "two" | "few" | "many" | "other"
    label: str  # the category's name in the UI language
    examples: list[int]  # a few numbers that select this form


def forms(lang: str) -> list[PluralForm]:
    """The plural forms of ``lang``'s catalog, one per index of its ``Plural-Forms`` header."""
    catalog = files.read_catalog(lang)
    return [
        PluralForm(index, category, str(CATEGORY_LABELS[category]), list(examples))
        for index, category, examples in analyse(lang, catalog.num_plurals, catalog.plural_expr)
    ]


@memoized(64)
def analyse(
    lang: str, nplurals: int, expression: str
) -> tuple[tuple[int, str, tuple[int, ...]], ...]:
    """(index, CLDR category, example numbers) for each form of a ``Plural-Forms`` expression."""
    locale = Locale.parse(lang)
    result = []
    for index, numbers in enumerate(catalogs.numbers_by_form(expression, nplurals)):
        votes = Counter(locale.plural_form(n) for n in numbers)
        # A form that no number selects is an error in the header; "other" is the honest name.
        category = votes.most_common(1)[0][0] if votes else "other"
        result.append((index, category, numbers[:EXAMPLES_SHOWN]))
    return tuple(result)
