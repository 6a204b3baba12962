"""Translation memory in the editor: similar texts of the language's two catalogs (ours and
Flask-Admin's ``admin.po``) with a similarity, and the same entry in the other languages.

Every expectation is read from the real catalogs (a private copy, ``catalog_copy``).
"""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po
from helpers.catalogs import edit_url, key_of, rewrite

from backoffice.extensions import db
from backoffice.i18n import revisions
from backoffice.models import TranslationEntry
from backoffice.workbench import memory, store

LANGUAGES = ["de", "fr", "es", "pt", "ar"]  # English is the source: it has no catalog


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def po(catalogs, lang: str, domain: str):
    with (catalogs / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def entry(lang: str, msgid: str) -> store.Entry:
    return next(e for e in store.entries(lang) if e.msgid == msgid)


def shown(suggestions) -> list[tuple[str, str, str]]:
    return [(s.candidate.source, s.candidate.translation, s.candidate.domain) for s in suggestions]


# -- the memory --------------------------------------------------------------------------------
def test_german_memory_for_comments_suggests_the_translation_of_comment(app):
    suggestions = memory.suggestions("de", entry("de", "Comments"))
    best = suggestions[0]
    assert (best.candidate.source, best.candidate.translation) == ("Comment", "Kommentar")
    assert best.score == 93  # difflib's ratio of "comments" and "comment": 14 / 15


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_suggests_its_own_translation_of_comment(app, catalog_copy, lang):
    expected = po(catalog_copy, lang, "messages")["Comment"].string
    assert ("Comment", expected, memory.OURS) in shown(
        memory.suggestions(lang, entry(lang, "Comments"))
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_memory_suggests_flask_admins_translations(app, catalog_copy, lang):
    """A text only Flask-Admin's catalog has: its translation comes from admin.po."""
    source = "Are you sure you want to delete this record?"
    expected = po(catalog_copy, lang, "admin")[source].string
    suggestions = memory.similar(
        memory.index(lang), "Are you sure you want to delete these records?"
    )
    assert (source, expected, memory.FLASK_ADMIN) == shown(suggestions)[0]
    assert 60 <= suggestions[0].score < 100


def test_memory_keeps_the_best_five_above_the_threshold(app):
    suggestions = memory.suggestions("de", entry("de", "Comments"))
    scores = [s.score for s in suggestions]
    assert len(scores) == memory.LIMIT
    assert scores == sorted(scores, reverse=True)
    assert min(scores) >= memory.THRESHOLD


def test_memory_never_suggests_the_entry_itself(app):
    comments = entry("de", "Comments")
    assert all(s.candidate.key != comments.key for s in memory.suggestions("de", comments))


def test_a_text_sharing_no_word_gets_no_suggestion(app):
    assert memory.similar(memory.index("de"), "Zyxwvut qqqq") == []


def test_untranslated_and_fuzzy_entries_are_not_suggested(app, catalog_copy):
    def change(catalog) -> None:
        catalog["Comment"].flags.add("fuzzy")
        catalog["Send comment"].string = ""

    rewrite(catalog_copy, "de", change)
    sources = [source for source, _, _ in shown(memory.suggestions("de", entry("de", "Comments")))]
    assert "Comment" not in sources and "Send comment" not in sources


def test_the_index_is_built_once_per_revision_and_sees_a_save(app, make_user):
    first = memory.index("de")
    assert memory.index("de") is first
    comment = entry("de", "Comment")
    user = make_user("mia", "admin")
    store.save_entry("de", comment.key, ["Anmerkung"], False, comment.version, user)
    assert memory.index("de") is not first
    assert ("Comment", "Anmerkung", memory.OURS) in shown(
        memory.suggestions("de", entry("de", "Comments"))
    )


def test_words_ignore_case_placeholders_digits_and_a_plural_s(app):
    assert memory.words("%(num)d Comments, 3 posts") == {"num", "comment", "post"}


# -- other languages ---------------------------------------------------------------------------
def test_other_languages_show_the_entry_in_every_other_language(app, catalog_copy):
    for lang in LANGUAGES:
        store.ensure(lang)
    others = memory.other_languages("de", key_of("de", "Comments"))
    assert [other.lang for other in others] == ["fr", "es", "pt", "ar"]
    for other in others:
        assert other.strings == (po(catalog_copy, other.lang, "messages")["Comments"].string,)
        assert other.state == "translated"


# -- the editor page ---------------------------------------------------------------------------
def test_editor_shows_suggestions_with_scores_and_copy_buttons(client, app, login_as, translator):
    login_as(translator)
    page = client.get(edit_url("de", "Comments")).get_data(as_text=True)
    memory_section = page[page.index('data-testid="memory"') : page.index('data-testid="history"')]
    assert memory_section.count('data-testid="suggestion"') == 5
    assert 'data-text="Kommentar"' in memory_section
    assert re.search(r'data-testid="score">93\s?%<', memory_section.replace("\xa0", " "))


def test_editor_shows_the_entry_in_the_other_languages(client, app, login_as, translator):
    for lang in LANGUAGES:
        store.ensure(lang)
    login_as(translator)
    page = client.get(edit_url("de", "Comments")).get_data(as_text=True)
    for lang, text in [("fr", "Commentaires"), ("es", "Comentarios"), ("pt", "Comentários")]:
        row = re.search(rf'data-testid="other-{lang}">(.*?)</tr>', page, re.S).group(1)
        assert text in html.unescape(row)


def test_a_hostile_suggestion_is_shown_as_text(client, app, catalog_copy, login_as, translator):
    hostile = 'Kommentar"><img src=x onerror=alert(1)>'

    def change(catalog) -> None:
        catalog["Comment"].string = hostile

    rewrite(catalog_copy, "de", change)
    login_as(translator)
    page = client.get(edit_url("de", "Comments")).get_data(as_text=True)
    assert "<img src=x" not in page
    assert 'data-text="Kommentar&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page


def test_editor_page_query_count_does_not_grow_with_the_catalog(
    client, app, login_as, translator, count_queries
):
    login_as(translator)
    url = edit_url("de", "Comments")
    client.get(url)  # warm up: the catalog is imported, the memory built
    with count_queries as small:
        assert client.get(url).status_code == 200
    catalog = store.ensure("de")
    rows = [
        TranslationEntry(
            lang="de",
            key=f"extra{n}",
            msgid=f"Comment number {n} of the extra texts",
            strings=[f"Kommentar Nummer {n}"],
            version=f"v{n}",
            position=10_000 + n,
        )  # fmt: skip
        for n in range(2000)
    ]
    db.session.add_all(rows)
    revisions.new_revision(db.session, catalog)
    db.session.commit()
    client.get(url)
    with count_queries as large:
        assert client.get(url).status_code == 200
    assert len(store.entries("de")) > 2000
    assert len(large) == len(small), large.statements
    assert len(small) <= 10, small.statements
