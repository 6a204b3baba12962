"""The checks a translation must pass before it is saved.

Blocking: printf and brace placeholders as in the source (a plural form may leave out the
count, the rule ``flask translate check`` applies too), one string per plural form of the
language, the same HTML tags with the same attributes (parsed as a browser parses them; a
source text without markup allows none). Every translation is shown as text anyway
(``backoffice.i18n.text``); the tag check tells the translator early. Warnings: leading or
trailing whitespace and the closing punctuation differ, and a glossary term of the source
lacks its agreed translation (:mod:`.glossary`). An empty string is "untranslated",
never an error. Every message is a whole sentence in the UI language, translated when the
check runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _

from backoffice.i18n.catalogs import placeholder_mismatch
from backoffice.i18n.text import markup_of, start_tag
from backoffice.workbench import glossary as glossary_terms

# Closing marks that mean the same across scripts (Arabic ؟, full-width CJK, Devanagari ।).
ENDINGS = {
    ".": ".", "。": ".", "।": ".", "۔": ".", "．": ".",
    "!": "!", "！": "!",
    "?": "?", "？": "?", "؟": "?",
    ":": ":", "：": ":",
    "…": "…", "...": "…", "⋯": "…",
}  # fmt: skip


@dataclass
class CheckResult:
    """``errors`` block the save; ``warnings`` are shown but allow it."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check(
    msgid: str,
    msgid_plural: str | None,
    strings: Sequence[str],
    nplurals: int,
    form_labels: Sequence[str] | None = None,
    single_forms: Collection[int] = (),
    glossary: Sequence[tuple[str, str]] = (),
) -> CheckResult:
    """Check the translation ``strings`` (one per plural form, else one) of an entry.

    ``form_labels`` names the plural forms in messages ("Form 'few' lacks …"); by default
    they are numbered from 1. ``single_forms`` are the forms that one number alone selects
    (``catalogs.single_number_forms``): only they may leave the number out. ``glossary``
    holds the language's (term, agreed translation) pairs.
    """
    result = CheckResult()
    plural = msgid_plural is not None
    wanted = nplurals if plural else 1
    if len(strings) != wanted:
        if plural:
            message = _(
                "This entry needs %(wanted)d translations, one per plural form; "
                "%(found)d were given.",
                wanted=wanted,
                found=len(strings),
            )
        else:
            message = _(
                "This entry needs one translation; %(found)d were given.", found=len(strings)
            )
        result.errors.append(message)
        return result
    source = msgid_plural if plural else msgid
    labels = list(form_labels or []) + [str(n + 1) for n in range(len(form_labels or []), wanted)]
    for index, string in enumerate(strings):
        if not string:
            continue  # untranslated: allowed
        form = labels[index] if plural else None
        _check_placeholders(result, source, string, form, plural and index in single_forms)
        _check_tags(result, source, string, form)
        _check_whitespace(result, source, string, form)
        _check_ending(result, source, string, form)
    check_glossary(result, (msgid, msgid_plural), strings, glossary)
    return result


def check_glossary(
    result: CheckResult,
    sources: Sequence[str | None],
    strings: Sequence[str],
    glossary: Sequence[tuple[str, str]],
) -> None:
    """Warn once per glossary term of ``sources`` whose agreed translation is missing."""
    for term, translation in glossary_terms.missing(sources, strings, glossary):
        result.warnings.append(
            _(
                "The source text has the glossary term “%(term)s”: its agreed translation "
                "“%(translation)s” is missing.",
                term=term,
                translation=translation,
            )
        )


def _check_placeholders(
    result: CheckResult, source: str, string: str, form: str | None, may_omit_count: bool
) -> None:
    missing, extra = placeholder_mismatch(source, string, may_omit_count)
    for placeholder in missing:
        if form is None:
            text = _(
                "The translation lacks the placeholder %(placeholder)s.", placeholder=placeholder
            )
        else:
            text = _(
                "Form '%(form)s' lacks the placeholder %(placeholder)s.",
                form=form,
                placeholder=placeholder,
            )
        result.errors.append(text)
    for placeholder in extra:
        if form is None:
            text = _(
                "The translation has the placeholder %(placeholder)s, which the source text "
                "does not have.",
                placeholder=placeholder,
            )
        else:
            text = _(
                "Form '%(form)s' has the placeholder %(placeholder)s, which the source text "
                "does not have.",
                form=form,
                placeholder=placeholder,
            )
        result.errors.append(text)


def tags(text: str) -> Counter[str] | None:
    """The HTML tags of ``text``, as a browser would parse them, as a multiset of ``<name …>``
    (with the attributes, sorted) and ``</name>``; None if ``text`` holds an HTML comment or
    declaration. Parsed, not matched by a pattern: ``<img/src=x onerror=…>`` is a tag too."""
    found = markup_of(text)
    if found is None:
        return None
    return Counter(
        f"</{name}>" if kind == "end" else start_tag(name, list(attrs))
        for (kind, name, attrs), count in found.items()
        for _ in range(count)
    )


def _check_tags(result: CheckResult, source: str, string: str, form: str | None) -> None:
    expected, found = tags(source), tags(string)
    if found is None:
        if form is None:
            text = _("The translation contains an HTML comment or declaration; remove it.")
        else:
            text = _(
                "Form '%(form)s' contains an HTML comment or declaration; remove it.", form=form
            )
        result.errors.append(text)
        return
    expected = expected or Counter()
    for tag in sorted((expected - found).elements()):
        if form is None:
            result.errors.append(_("The tag %(tag)s is missing.", tag=tag))
        else:
            result.errors.append(_("Form '%(form)s' lacks the tag %(tag)s.", form=form, tag=tag))
    for tag in sorted((found - expected).elements()):
        if form is None:
            result.errors.append(_("The tag %(tag)s is not in the source text.", tag=tag))
        else:
            result.errors.append(
                _(
                    "Form '%(form)s' has the tag %(tag)s, which the source text does not have.",
                    form=form,
                    tag=tag,
                )
            )


def _check_whitespace(result: CheckResult, source: str, string: str, form: str | None) -> None:
    def leading(text: str) -> str:
        return text[: len(text) - len(text.lstrip())]

    def trailing(text: str) -> str:
        return text[len(text.rstrip()) :]

    if leading(source) != leading(string):
        if form is None:
            text = _("The translation starts with other whitespace than the source text.")
        else:
            text = _(
                "Form '%(form)s' starts with other whitespace than the source text.", form=form
            )
        result.warnings.append(text)
    if trailing(source) != trailing(string):
        if form is None:
            text = _("The translation ends with other whitespace than the source text.")
        else:
            text = _("Form '%(form)s' ends with other whitespace than the source text.", form=form)
        result.warnings.append(text)


def ending(text: str) -> tuple[str, str] | None:
    """The closing punctuation of ``text``: (as written, its meaning), or None."""
    text = text.rstrip()
    for mark in sorted(ENDINGS, key=len, reverse=True):
        if text.endswith(mark):
            return mark, ENDINGS[mark]
    return None


def _check_ending(result: CheckResult, source: str, string: str, form: str | None) -> None:
    expected, found = ending(source), ending(string)
    if (expected and expected[1]) == (found and found[1]):
        return
    if found is None:
        assert expected is not None
        if form is None:
            text = _(
                "The source text ends with “%(mark)s”, the translation does not.",
                mark=expected[0],
            )
        else:
            text = _(
                "The source text ends with “%(mark)s”, form '%(form)s' does not.",
                mark=expected[0],
                form=form,
            )
    elif expected is None:
        if form is None:
            text = _(
                "The translation ends with “%(mark)s”, the source text does not.", mark=found[0]
            )
        else:
            text = _(
                "Form '%(form)s' ends with “%(mark)s”, the source text does not.",
                form=form,
                mark=found[0],
            )
    elif form is None:
        text = _(
            "The translation ends with “%(found)s”, the source text with “%(expected)s”.",
            found=found[0],
            expected=expected[0],
        )
    else:
        text = _(
            "Form '%(form)s' ends with “%(found)s”, the source text with “%(expected)s”.",
            form=form,
            found=found[0],
            expected=expected[0],
        )
    result.warnings.append(text)
