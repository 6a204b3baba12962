"""Admins work on every catalog; translators on their assigned languages only."""

from __future__ import annotations

import pytest

from backoffice.workbench.access import languages_for, may_edit

ALL = ["de", "fr", "es", "pt", "ar"]


def test_an_admin_works_on_every_catalog_language(make_user):
    assert languages_for(make_user("boss", "admin")) == ALL


def test_a_translator_works_only_on_assigned_languages_that_exist(make_user):
    user = make_user("hans", "translator", translation_languages=["de", "xx"])
    assert languages_for(user) == ["de"]
    assert may_edit(user, "de") and not may_edit(user, "fr")


def test_a_translator_without_languages_gets_none(make_user):
    user = make_user("nobody-yet", "translator")
    assert languages_for(user) == [] and not may_edit(user, "de")


@pytest.mark.parametrize("role", ["editor", "author"])
def test_other_roles_get_no_catalog_even_with_languages_assigned(make_user, role):
    user = make_user(f"{role}-x", role, translation_languages=["de"])
    assert languages_for(user) == [] and not may_edit(user, "de")


def test_anonymous_users_get_no_catalog(app):
    from flask_login import AnonymousUserMixin

    assert languages_for(AnonymousUserMixin()) == []
