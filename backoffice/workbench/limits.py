"""The longest translation the workbench accepts, checked before anything is wrapped or written.

Babel's ``.po`` writer wraps a line with a pattern whose cost grows with the square of the
longest run of letters without a space or punctuation mark, and every save rewrites the whole
catalog. Measured (``bench/catalog_limits.py``): one unbroken word of 1,000 characters costs
the writer 15-20 ms, of 10,000 1.4 s, of 20,000 5 s; prose stays in milliseconds. So the
length of each translation (each plural form) is limited by ``TRANSLATION_MAX_LENGTH``,
default :data:`DEFAULT_MAX_LENGTH`: the editor's saves and ``.po`` uploads both ask
:func:`too_long` first, before the checks, the file lock or the writer.

Why 1,000 characters: our longest source text has 145 and its longest translation 192, so it
leaves five times that for longer texts and languages; Chinese or Japanese need fewer
characters than English, not more. The worst case it leaves: a translator who fills every one
of the German catalog's 316 entries with a 1,000-letter word makes each later save take
3-6 s (at 2,000: 25-30 s; at 500: about 1 s), and does so in the audit log. Lower it if no
text needs that much; raise it only with the source texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _

DEFAULT_MAX_LENGTH = 1000


def max_length() -> int:
    """The most characters one translation (one plural form) may have."""
    return int(current_app.config.get("TRANSLATION_MAX_LENGTH") or DEFAULT_MAX_LENGTH)


def too_long(strings: Sequence[str], form_labels: Sequence[str] = ()) -> list[str]:
    """A sentence per string of ``strings`` longer than :func:`max_length`; none if all fit.

    Several strings are the forms of a plural entry, named by ``form_labels`` (numbered
    from 1 where a label is missing). Costs one ``len`` per string, whatever their length.
    """
    limit = max_length()
    problems = []
    for index, string in enumerate(strings):
        if len(string) <= limit:
            continue
        if len(strings) == 1:
            problems.append(
                _(
                    "The translation is longer than %(limit)s characters.",
                    limit=format_number(limit),
                )
            )
        else:
            form = form_labels[index] if index < len(form_labels) else str(index + 1)
            problems.append(
                _(
                    "Form '%(form)s' is longer than %(limit)s characters.",
                    form=form,
                    limit=format_number(limit),
                )
            )
    return problems
