"""The glossary: per language, terms and their agreed translation; edited by admins and the
language's translators (audited), marked in the editor's source text, and checked (a warning,
never a block) when a translation leaves the agreed one out. On the real catalogs."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from helpers.app import extract_csrf
from helpers.catalogs import edit_url, form_of, key_of
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from backoffice.core.database import table_of
from backoffice.extensions import db
from backoffice.models import AuditEntry, GlossaryTerm
from backoffice.workbench import checks, glossary, store

LANGUAGES = ["de", "fr", "es", "pt", "ar"]
GLOSSARY = "/admin/translations/{lang}/glossary/"


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def catalog_text(catalogs, lang: str, msgid: str) -> str:
    with (catalogs / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)[msgid].string


def glossary_warnings(warnings: list[str]) -> list[str]:
    return [warning for warning in warnings if "glossary" in warning]


def audit_of(term_id: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.object_type == "GlossaryTerm", AuditEntry.object_id == str(term_id)
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


# -- changing the glossary ---------------------------------------------------------------------
def test_adding_updating_and_deleting_a_term_is_audited(app, translator):
    term = glossary.add_term("de", "comment", "Kommentar", "", translator)
    glossary.update_term(term, "comment", "Kommentar", "not Anmerkung", translator)
    term_id = term.id
    glossary.delete_term(term, translator)
    entries = audit_of(term_id)
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert {e.user_id for e in entries} == {translator.id}
    assert entries[0].changes["translation"] == [None, "Kommentar"]
    assert entries[1].changes == {"note": ["", "not Anmerkung"]}
    assert db.session.get(GlossaryTerm, term_id) is None


def test_a_term_differing_only_in_case_is_refused(app, translator):
    glossary.add_term("de", "comment", "Kommentar", "", translator)
    with pytest.raises(glossary.GlossaryError):
        glossary.add_term("de", "Comment", "Anmerkung", "", translator)
    glossary.add_term("fr", "Comment", "Commentaire", "", translator)  # another language


@pytest.mark.parametrize(
    ("term", "translation"), [("", "Kommentar"), ("comment", " "), ("x" * 201, "Kommentar")]
)
def test_an_empty_or_overlong_term_is_refused(app, translator, term, translation):
    with pytest.raises(glossary.GlossaryError):
        glossary.add_term("de", term, translation, "", translator)


# -- matching ----------------------------------------------------------------------------------
def test_terms_are_found_as_words_also_in_the_plural(app):
    pairs = [("comment", "Kommentar"), ("post", "Beitrag")]
    found = glossary.found("Comments on posts, not postmen", pairs)
    assert [(hit.text, hit.translation) for hit in found] == [
        ("Comments", "Kommentar"),
        ("posts", "Beitrag"),
    ]


def test_the_highlight_marks_terms_and_escapes_everything_else(app):
    marked = glossary.highlight('<b>Comment</b> & "x"', [("comment", 'Komm"entar<')])
    assert str(marked) == (
        '&lt;b&gt;<mark class="workbench-term" title="Komm&#34;entar&lt;" data-testid="term">'
        "Comment</mark>&lt;/b&gt; &amp; &#34;x&#34;"
    )


# -- the check ---------------------------------------------------------------------------------
def test_check_warns_when_the_agreed_translation_is_missing(app):
    result = checks.check("Comments", None, ["Anmerkungen"], 2, glossary=[("comment", "Kommentar")])
    assert result.ok
    assert glossary_warnings(result.warnings) == [
        "The source text has the glossary term “comment”: its agreed translation “Kommentar” "
        "is missing."
    ]


def test_check_accepts_the_agreed_translation_in_any_case_or_inflection(app):
    result = checks.check("Comments", None, ["kommentare"], 2, glossary=[("comment", "Kommentar")])
    assert glossary_warnings(result.warnings) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_saving_the_real_catalogs_translation_passes_and_a_wrong_one_warns(
    app, catalog_copy, translator, lang
):
    """The agreed term is the catalog's own "Comment"; its "Comments" uses it."""
    agreed = catalog_text(catalog_copy, lang, "Comment")
    glossary.add_term(lang, "comment", agreed, "", translator)
    comments = next(e for e in store.entries(lang) if e.msgid == "Comments")
    kept = store.save_entry(lang, comments.key, ["Xyz"], False, comments.version, translator)
    assert kept.changed  # a warning never blocks
    assert len(glossary_warnings(kept.warnings)) == 1
    assert agreed in glossary_warnings(kept.warnings)[0]
    original = catalog_text(catalog_copy, lang, "Comments")
    back = store.save_entry(lang, comments.key, [original], False, kept.entry.version, translator)
    assert glossary_warnings(back.warnings) == []


# -- the pages ---------------------------------------------------------------------------------
def test_translator_adds_edits_and_deletes_a_term_through_the_pages(client, login_as, translator):
    login_as(translator)
    page = client.get(GLOSSARY.format(lang="de")).get_data(as_text=True)
    response = client.post(
        GLOSSARY.format(lang="de"),
        data={"csrf_token": extract_csrf(page), "term": "comment", "translation": "Kommentar"},
    )
    assert response.status_code == 303
    term = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.lang == "de"))
    assert (term.term, term.translation, term.updated_by_id) == (
        "comment",
        "Kommentar",
        translator.id,
    )
    listing = client.get(GLOSSARY.format(lang="de")).get_data(as_text=True)
    assert 'data-testid="translation">Kommentar<' in listing
    edit = f"/admin/translations/de/glossary/{term.id}/"
    data = {"csrf_token": extract_csrf(listing), "term": "comment", "translation": "Kommentar",
            "note": "Nicht „Anmerkung“"}  # fmt: skip
    assert client.post(edit, data=data).status_code == 303
    db.session.refresh(term)
    assert term.note == "Nicht „Anmerkung“"
    term_id = term.id
    delete = client.post(f"{edit}delete", data={"csrf_token": data["csrf_token"]})
    assert delete.status_code == 303
    assert db.session.scalar(select(GlossaryTerm)) is None
    assert [e.action for e in audit_of(term_id)] == ["create", "update", "delete"]


def test_a_refused_term_shows_the_reason(client, login_as, translator):
    login_as(translator)
    glossary.add_term("de", "comment", "Kommentar", "", translator)
    page = client.get(GLOSSARY.format(lang="de")).get_data(as_text=True)
    response = client.post(
        GLOSSARY.format(lang="de"),
        data={"csrf_token": extract_csrf(page), "term": "COMMENT", "translation": "Anmerkung"},
    )
    assert response.status_code == 400
    assert 'data-testid="glossary-error"' in response.get_data(as_text=True)


def test_a_stale_edit_form_is_a_conflict_and_saving_again_overwrites(client, login_as, translator):
    login_as(translator)
    term = glossary.add_term("de", "comment", "Kommentar", "", translator)
    edit = f"/admin/translations/de/glossary/{term.id}/"
    mine = client.get(edit).get_data(as_text=True)
    assert f'name="version" value="{term.version}"' in mine
    glossary.update_term(term, "comment", "Anmerkung", "", translator, term.version)  # theirs
    data = {"csrf_token": extract_csrf(mine), "term": "comment", "translation": "Kommentare",
            "version": re.search(r'name="version" value="(\d+)"', mine).group(1)}  # fmt: skip
    conflict = client.post(edit, data=data)
    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Anmerkung" in page and 'value="Kommentare"' in page  # theirs named, mine kept
    db.session.refresh(term)
    assert term.translation == "Anmerkung"
    data["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert client.post(edit, data=data).status_code == 303  # a deliberate overwrite
    db.session.refresh(term)
    assert term.translation == "Kommentare"


def test_a_stale_delete_is_refused(client, login_as, translator):
    login_as(translator)
    term = glossary.add_term("de", "comment", "Kommentar", "", translator)
    listing = client.get(GLOSSARY.format(lang="de")).get_data(as_text=True)
    old_version = term.version
    glossary.update_term(term, "comment", "Anmerkung", "", translator, old_version)
    response = client.post(
        f"/admin/translations/de/glossary/{term.id}/delete",
        data={"csrf_token": extract_csrf(listing), "version": str(old_version)},
        follow_redirects=True,
    )
    assert "Someone else saved this term" in response.get_data(as_text=True)
    assert db.session.get(GlossaryTerm, term.id) is not None


def test_the_database_refuses_a_write_over_a_newer_row(app, translator):
    term = glossary.add_term("de", "comment", "Kommentar", "", translator)
    version = term.version
    # Another process changes the row between our read and our write.
    db.session.execute(
        table_of(GlossaryTerm).update().values(translation="Anmerkung", version=version + 1)
    )
    db.session.commit()
    set_committed_value(term, "version", version)  # what our process read before that
    with pytest.raises(glossary.GlossaryConflict):
        glossary.update_term(term, "comment", "Kommentare", "", translator, version)
    assert db.session.get(GlossaryTerm, term.id).translation == "Anmerkung"


def test_a_change_without_the_csrf_token_is_refused(client, login_as, translator):
    login_as(translator)
    response = client.post(GLOSSARY.format(lang="de"), data={"term": "a", "translation": "b"})
    assert response.status_code == 400
    assert db.session.scalar(select(GlossaryTerm)) is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_german_translator_cannot_use_the_french_glossary(client, login_as, translator, method):
    login_as(translator)
    token = extract_csrf(client.get(GLOSSARY.format(lang="de")).get_data(as_text=True))
    call = getattr(client, method)
    data = {"csrf_token": token, "term": "comment", "translation": "Commentaire"}
    response = call(GLOSSARY.format(lang="fr"), data=data if method == "post" else None)
    assert response.status_code == 403
    assert db.session.scalar(select(GlossaryTerm)) is None


def test_a_term_of_another_language_is_not_found_through_this_one(client, login_as, translator):
    french = glossary.add_term("fr", "comment", "Commentaire", "", translator)
    login_as(translator)
    assert client.get(f"/admin/translations/de/glossary/{french.id}/").status_code == 404


def test_an_editor_cannot_open_the_glossary(client, login_as):
    login_as("editor")
    assert client.get(GLOSSARY.format(lang="de")).status_code in (302, 403)


def test_admin_may_edit_every_languages_glossary(client, login_as):
    login_as("admin")
    for lang in LANGUAGES:
        assert client.get(GLOSSARY.format(lang=lang)).status_code == 200


# -- the editor --------------------------------------------------------------------------------
def test_editor_marks_the_terms_and_warns_before_saving(client, login_as, translator):
    glossary.add_term("de", "comment", "Anmerkung", "", translator)  # the catalog says Kommentare
    login_as(translator)
    page = client.get(edit_url("de", "Comments")).get_data(as_text=True)
    assert re.search(r'data-testid="msgid"><mark [^>]*title="Anmerkung"[^>]*>Comments</mark>', page)
    assert 'data-testid="term-translation">Anmerkung<' in page
    warning = re.search(
        r'<li [^>]*data-agreed="Anmerkung" data-testid="glossary-warning"( hidden)?>', page
    )
    assert warning and warning.group(1) is None  # shown: "Kommentare" lacks "Anmerkung"


def test_editor_hides_the_warning_when_the_translation_uses_the_term(client, login_as, translator):
    glossary.add_term("de", "comment", "Kommentar", "", translator)
    login_as(translator)
    page = client.get(edit_url("de", "Comments")).get_data(as_text=True)
    assert 'data-agreed="Kommentar" data-testid="glossary-warning" hidden>' in page


def test_saving_through_the_editor_flashes_the_glossary_warning(client, login_as, translator):
    glossary.add_term("de", "comment", "Kommentar", "", translator)
    login_as(translator)
    page = client.get(edit_url("de", "Comments")).get_data(as_text=True)
    response = client.post(
        edit_url("de", "Comments"), data={**form_of(page), "string-0": "Anmerkungen"},
        follow_redirects=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert store.get_entry("de", key_of("de", "Comments")).strings == ("Anmerkungen",)
    assert "agreed translation “Kommentar” is missing" in response.get_data(as_text=True)
