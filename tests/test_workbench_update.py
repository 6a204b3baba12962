"""Update from code: the CLI's extract + update on the configured template and catalogs."""

from __future__ import annotations

import gettext
import io
import re
import stat

import pytest
from babel.messages.pofile import read_po

from backoffice.i18n import catalogs
from backoffice.workbench import files, store, update


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def remove_entry(text: str, msgid: str) -> str:
    start = text.index(f'msgid "{msgid}"\n')
    start = text.rindex("\n\n", 0, start) + 2
    return text[:start] + text[text.index("\n\n", start) + 2 :]


def test_a_missing_message_is_added_and_a_stale_one_made_obsolete(app):
    po = store.po_path("de")
    text = remove_entry(po.read_text(encoding="utf-8"), "Sign in")
    po.write_text(text + '\nmsgid "Gone from the code"\nmsgstr "Weg"\n', encoding="utf-8")
    repository_template = catalogs.TEMPLATE.read_bytes()

    report = update.update_from_code()

    # (Strings marked in the code since the last extraction are added as well.)
    assert "Sign in" in report.added["de"] and "Sign in" not in report.added["fr"]
    assert report.obsolete["de"] == ["Gone from the code"] and report.obsolete["fr"] == []
    catalog = read_po(io.BytesIO(po.read_bytes()))
    assert catalog["Sign in"].string == "" and catalog["Gone from the code"] is None
    assert 'msgid "Gone from the code"' in po.read_text(encoding="utf-8")  # kept as #~
    with store.mo_path("de").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Gone from the code") == "Gone from the code"
    assert catalogs.TEMPLATE.read_bytes() == repository_template  # only the configured copy
    template = read_po(io.BytesIO(store.files.template_path().read_bytes()))
    assert len(template) == report.messages > 100


def test_an_up_to_date_catalog_is_left_alone(app):
    update.update_from_code()
    for lang in store.languages():  # as if the last extraction were years ago
        po = store.po_path(lang)
        text = re.sub(r"POT-Creation-Date: [^\\]*", "POT-Creation-Date: 2020-01-01 00:00+0000",
                      po.read_text(encoding="utf-8"))  # fmt: skip
        po.write_text(text, encoding="utf-8")
    before = {lang: store.po_path(lang).read_bytes() for lang in store.languages()}
    report = update.update_from_code()
    assert all(not added for added in report.added.values())
    assert all(not obsolete for obsolete in report.obsolete.values())
    assert {lang: store.po_path(lang).read_bytes() for lang in store.languages()} == before


def test_an_update_keeps_the_modes_of_the_template_and_the_catalogs(app):
    template, po = files.template_path(), store.po_path("de")
    template.chmod(0o664)
    po.chmod(0o664)
    store.mo_path("de").chmod(0o640)
    po.write_text(remove_entry(po.read_text(encoding="utf-8"), "Sign in"), encoding="utf-8")
    update.update_from_code()
    assert stat.S_IMODE(template.stat().st_mode) == 0o664
    assert stat.S_IMODE(po.stat().st_mode) == 0o664
    assert stat.S_IMODE(store.mo_path("de").stat().st_mode) == 0o640
