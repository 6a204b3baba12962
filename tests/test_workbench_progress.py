"""Progress: per language and translator, the entries changed this week (from the audit), and
per language the entries changed since the last release (their text differs from ``base``,
the repository's at the last ``translate sync``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from backoffice.extensions import db
from backoffice.models import AuditEntry
from backoffice.workbench import files, progress, store, sync

PROGRESS = "/admin/translations/progress/"


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def entry(lang: str, msgid: str) -> store.Entry:
    return next(e for e in store.entries(lang) if e.msgid == msgid)


def save(lang: str, msgid: str, text: str, user) -> store.Entry:
    current = entry(lang, msgid)
    return store.save_entry(lang, current.key, [text], False, current.version, user).entry


def test_the_week_starts_on_monday_at_midnight_utc():
    sunday = datetime(2026, 12, 6, 15, 0)
    assert progress.week_start(sunday) == datetime(2026, 11, 30)
    assert progress.week_start(datetime(2026, 11, 30, 0, 0)) == datetime(2026, 11, 30)


def test_this_week_counts_each_translators_entries_and_saves(app, make_user, translator):
    other = make_user("fatima", "translator", translation_languages=["de", "ar"])
    save("de", "Comment", "Anmerkung", translator)
    save("de", "Comment", "Kommentar", translator)
    save("de", "Comments", "Anmerkungen", translator)
    save("de", "Tags", "Stichwörter", other)
    save("ar", "Comment", "تعليق", other)
    week = progress.this_week(["de", "ar", "fr"])
    assert week["de"] == [
        progress.TranslatorWeek("de", "hans", 2, 3),
        progress.TranslatorWeek("de", "fatima", 1, 1),
    ]
    assert week["ar"] == [progress.TranslatorWeek("ar", "fatima", 1, 1)]
    assert week["fr"] == []


def test_last_weeks_saves_and_syncs_are_not_this_weeks_work(app, translator):
    save("de", "Comment", "Anmerkung", translator)
    db.session.execute(
        update(AuditEntry).values(created_at=progress.week_start() - timedelta(seconds=1))
    )
    db.session.commit()
    changed = files.repository_catalog("de")
    changed["Tags"].string = "Etiketten"
    sync.sync_language(db.session, "de", changed)  # a release step: audited as "sync"
    db.session.commit()
    assert progress.this_week(["de"]) == {"de": []}


def test_nothing_has_changed_right_after_the_import(app):
    for lang in ["de", "fr", "es", "pt", "ar"]:
        assert progress.changed_since_sync(lang) == []


def test_a_save_is_listed_with_the_releases_text_until_it_is_undone(app, translator):
    save("de", "Comment", "Anmerkung", translator)
    [changed] = progress.changed_since_sync("de")
    assert (changed.msgid, changed.base, changed.strings) == (
        "Comment",
        ("Kommentar",),
        ("Anmerkung",),
    )
    assert changed.updated_by == "hans"
    save("de", "Comment", "Kommentar", translator)
    assert progress.changed_since_sync("de") == []


def test_a_sync_of_the_saved_text_makes_it_the_release(app, translator):
    save("de", "Comment", "Anmerkung", translator)
    released = files.repository_catalog("de")
    released["Comment"].string = "Anmerkung"  # the export, committed and released
    sync.sync_language(db.session, "de", released)
    db.session.commit()
    assert progress.changed_since_sync("de") == []


def test_the_page_shows_the_week_and_the_changes_of_the_users_languages(
    client, login_as, translator
):
    save("de", "Comment", "Anmerkung", translator)
    login_as(translator)
    page = client.get(PROGRESS).get_data(as_text=True)
    assert 'data-testid="week-de"' in page and 'data-testid="week-fr"' not in page
    assert "<td>hans</td>" in page
    assert page.count('data-testid="changed-entry"') == 1
    assert f"/admin/translations/de/edit/?key={entry('de', 'Comment').key}" in page
    assert "Anmerkung" in page
    # Who and when, each isolated: a Latin name beside an Arabic date keeps its order.
    assert "<bdi>hans</bdi> · <bdi>" in page


def test_the_catalog_list_links_to_the_progress_page(client, login_as, translator):
    login_as(translator)
    assert PROGRESS in client.get("/admin/translations/").get_data(as_text=True)
