"""The workbench refuses broken translations with a precise sentence and warns about style."""

from __future__ import annotations

import pytest

from backoffice.i18n import catalogs
from backoffice.workbench import plurals
from backoffice.workbench.checks import check

AR_LABELS = ["zero", "one", "two", "few", "other", "many"]


@pytest.mark.parametrize(
    ("msgid", "plural", "strings", "nplurals", "error"),
    [
        ("Hello %(name)s", None, ["Hallo"], 2,
         "The translation lacks the placeholder %(name)s."),
        ("Hello", None, ["Hallo %(name)s"], 2,
         "The translation has the placeholder %(name)s, which the source text does not have."),
        ("%d posts", None, ["%d Beiträge %d"], 2,
         "The translation has the placeholder %d, which the source text does not have."),
        ("Hi {name}", None, ["Hallo"], 2, "The translation lacks the placeholder {name}."),
        ("%(num)d comment by %(name)s", "%(num)d comments by %(name)s",
         ["a", "b", "c", "%(num)d تعليقات", "%(num)d e %(name)s", "%(num)d f %(name)s"], 6,
         "Form 'few' lacks the placeholder %(name)s."),
        ("%(num)d comment", "%(num)d comments", ["%(num)d x", "%(num)d y %(user)s"], 2,
         "Form '2' has the placeholder %(user)s, which the source text does not have."),
        ("%(num)d comment", "%(num)d comments", ["%(num)d Kommentar"], 2,
         "This entry needs 2 translations, one per plural form; 1 were given."),
        ("Save", None, ["Speichern", "Sichern"], 2,
         "This entry needs one translation; 2 were given."),
        ("Click <b>here</b>", None, ["Klicken Sie hier</b>"], 2, "The tag <b> is missing."),
        ("Click here", None, ["Klicken Sie <br/>hier"], 2,
         "The tag <br> is not in the source text."),
        ("<em>%(num)d</em> post", "<em>%(num)d</em> posts",
         ["<em>1</em> a", "b", "c", "<em>d</em>", "<em>e</em>", "<em>f</em>"], 6,
         "Form 'one' lacks the tag <em>."),
    ],
)  # fmt: skip
def test_a_broken_translation_is_refused_with_a_sentence_naming_the_problem(
    msgid, plural, strings, nplurals, error
):
    labels = AR_LABELS if nplurals == 6 else None
    result = check(msgid, plural, strings, nplurals, labels)
    assert error in result.errors, result.errors
    assert not result.ok


def test_each_problem_of_a_translation_is_named_separately():
    result = check("Hi {name}, <b>%(count)d</b>", None, ["Salut {nom}"], 2)
    assert result.errors == [
        "The translation lacks the placeholder %(count)d.",
        "The translation lacks the placeholder {name}.",
        "The translation has the placeholder {nom}, which the source text does not have.",
        "The tag </b> is missing.",
        "The tag <b> is missing.",
    ]


def test_a_plural_form_that_one_number_selects_may_spell_out_the_number():
    strings = ["ein Kommentar", "%(num)d K."]
    result = check("%(num)d comment", "%(num)d comments", strings, 2, single_forms={0})
    assert result.ok and result.errors == []


def test_a_plural_form_for_many_numbers_must_show_the_number():
    # German "other" (0, 2, 3, …): leaving the number out would hide the count.
    strings = ["%(num)d Kommentar", "Kommentare"]
    result = check("%(num)d comment", "%(num)d comments", strings, 2, ["one", "other"], {0})
    assert result.errors == ["Form 'other' lacks the placeholder %(num)d."]


@pytest.mark.parametrize(
    ("expression", "nplurals", "single"),
    [
        ("(n != 1)", 2, {0}),  # English, German: "one" is 1 alone
        ("(n > 1)", 2, set()),  # French, Brazilian Portuguese: "one" is 0 and 1
        (
            "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
            3,
            set(),
        ),  # Russian: "one" is 1, 21, 31, …
        (
            "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && "
            "n%100<=2 ? 4 : 5)",
            6,
            {0, 1, 2},
        ),  # our Arabic catalog's order: zero, one and two are single numbers
    ],
)
def test_single_number_forms_follow_the_plural_expression(expression, nplurals, single):
    assert catalogs.single_number_forms(expression, nplurals) == single


@pytest.mark.parametrize("strings", [[""], ["   "[:0]]])
def test_an_empty_translation_is_untranslated_not_wrong(strings):
    assert check("Hello %(name)s.", None, strings, 2).errors == []
    assert check("%(num)d x", "%(num)d xs", ["", ""], 2).errors == []


@pytest.mark.parametrize(
    ("msgid", "translation", "warning"),
    [
        ("Saved.", "Gespeichert", "The source text ends with “.”, the translation does not."),
        ("Saved", "Gespeichert!", "The translation ends with “!”, the source text does not."),
        ("Saved.", "Gespeichert!", "The translation ends with “!”, the source text with “.”."),
        (" Saved", "Gespeichert",
         "The translation starts with other whitespace than the source text."),
        ("Saved", "Gespeichert\n",
         "The translation ends with other whitespace than the source text."),
    ],
)  # fmt: skip
def test_style_differences_are_warnings_that_allow_the_save(msgid, translation, warning):
    result = check(msgid, None, [translation], 2)
    assert result.ok
    assert result.warnings == [warning]


@pytest.mark.parametrize(
    ("msgid", "translation"),
    [("Really?", "حقا؟"), ("Wait...", "Warte…"), ("Name:", "Nom :"), ("Done.", "完了。"),
     ("Delete “%(name)s”?", "« %(name)s » supprimer ?")],
)  # fmt: skip
def test_equivalent_punctuation_of_other_scripts_is_no_warning(msgid, translation):
    assert check(msgid, None, [translation], 2).warnings == []


def test_a_plural_form_names_itself_in_warnings():
    result = check("%(num)d post.", "%(num)d posts.", ["%(num)d Beitrag.", "%(num)d Beiträge"], 2,
                   ["one", "other"])  # fmt: skip
    assert result.warnings == ["The source text ends with “.”, form 'other' does not."]


# -- in the UI language ------------------------------------------------------------------------
def test_problems_are_named_in_the_ui_language(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        labels = [form.label for form in plurals.forms("ar")]
        result = check("%(num)d by %(name)s", "%(num)d by %(name)s",
                       ["%(name)s", "%(name)s", "%(name)s", "%(num)d", "%(name)s", "%(name)s"],
                       6, labels, {0, 1, 2})  # fmt: skip
        tags = check("<b>x</b>", None, ["x</b>"], 2)
    # Arabic "few" lacks the name; "other" (100–102) and "many" (11–99) hide the number.
    assert result.errors == [
        "In der Pluralform „Wenige“ fehlt der Platzhalter %(name)s.",
        "In der Pluralform „Andere“ fehlt der Platzhalter %(num)d.",
        "In der Pluralform „Viele“ fehlt der Platzhalter %(num)d.",
    ]
    assert tags.errors == ["Das HTML-Tag <b> fehlt."]
