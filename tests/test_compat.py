"""Contracts with library internals that backoffice/compat relies on: each fails when an
upgrade changes what the adapter needs, before a page does."""

from __future__ import annotations

import json

from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_babel import lazy_gettext, lazy_ngettext, lazy_pgettext
from flask_babel.speaklater import LazyString
from markupsafe import escape

from backoffice.compat import flask_babel as babel_compat


def test_flask_babel_lazy_strings_keep_their_source_texts_in_args():
    assert lazy_gettext("People")._args == ("People",)
    assert lazy_pgettext("audit action", "Created")._args[-1] == "Created"
    assert lazy_ngettext("%(num)d post", "%(num)d posts", 2)._args[:2] == (
        "%(num)d post",
        "%(num)d posts",
    )


def test_every_lazy_string_of_flask_babel_and_flask_admin_is_one_class_we_adapt(app):
    assert isinstance(admin_lazy_gettext("Save"), LazyString)
    assert LazyString.__html__ is babel_compat._text_as_html
    with app.test_request_context():
        assert escape(lazy_gettext("Q&A")) == "Q&amp;A"


def test_flask_assets_build_subcommand_runs_through_webassets_cmd(runner):
    import flask_assets

    seen: list[str] = []
    original = flask_assets._webassets_cmd
    flask_assets._webassets_cmd = seen.append
    try:
        result = runner.invoke(flask_assets.assets, ["clean"])
    finally:
        flask_assets._webassets_cmd = original
    assert result.exit_code == 0 and seen == ["clean"]


def test_the_shared_assets_manifest_merges_and_replaces_its_file(tmp_path):
    from types import SimpleNamespace

    from webassets.version import FileManifest, get_manifest

    from backoffice.compat.flask_assets import AtomicJsonManifest

    assert hasattr(FileManifest, "_load_manifest") and hasattr(FileManifest, "_save_manifest")
    path = tmp_path / "manifest.json"
    ctx = SimpleNamespace(auto_build=True, directory=str(tmp_path))
    first = get_manifest(f"atomic-json:{path}", env=ctx)
    second = get_manifest(f"atomic-json:{path}", env=ctx)  # another process, read before
    assert isinstance(first, AtomicJsonManifest)
    first.remember(SimpleNamespace(output="gen/a.%(version)s.js"), ctx, "aaaa")
    second.remember(SimpleNamespace(output="gen/b.%(version)s.css"), ctx, "bbbb")
    assert json.loads(path.read_text()) == {
        "gen/a.%(version)s.js": "aaaa",
        "gen/b.%(version)s.css": "bbbb",
    }  # neither process dropped the other's version
    assert first.query(SimpleNamespace(output="gen/b.%(version)s.css"), ctx) == "bbbb"
    path.write_text("")  # half a file written by an older version: rebuilt, not a crash
    assert first.query(SimpleNamespace(output="gen/a.%(version)s.js"), ctx) is None


# -- Flask-Admin (backoffice/compat/flask_admin.py) -------------------------------------------
def test_flask_admin_keeps_the_protected_hooks_our_mixins_rename():
    from inspect import signature

    from flask_admin.contrib.fileadmin import BaseFileAdmin
    from flask_admin.contrib.sqla import ModelView

    hooks = {
        ModelView: {"_get_list_extra_args": [], "_get_filter_groups": [],
                    "_apply_search": ["query", "count_query", "joins", "count_joins",
                                      "search"]},
        BaseFileAdmin: {"_handle_view": ["name"], "_normalize_path": ["path"],
                        "_save_form_files": ["directory", "path", "form"]},
    }  # fmt: skip
    for cls, methods in hooks.items():
        for name, params in methods.items():
            found = [p for p in signature(getattr(cls, name)).parameters if p != "self"]
            assert found[: len(params)] == params, f"{cls.__name__}.{name}{found}"


def test_flask_admin_views_menu_filters_and_actions_are_reached(app, client, login_as):
    from flask import url_for
    from flask_admin.contrib.sqla import ModelView

    from backoffice.admin.comments import CommentView
    from backoffice.admin.media import MediaView
    from backoffice.compat import flask_admin as compat
    from backoffice.compat.flask_admin import FileAdminHooks, ModelViewHooks

    admin = app.extensions["admin"][0]
    views = compat.admin_views(admin)
    comments = next(v for v in views if isinstance(v, CommentView))
    with app.test_request_context():
        assert url_for(compat.default_endpoint(comments)) == "/admin/comments/"
    items = list(compat.walk_menu(admin.menu()))
    assert comments in [compat.menu_view(item) for item in items]
    assert any(compat.menu_children(item) for item in items if item.is_category())
    assert compat.view_filters(comments), "the comment list has filters"
    assert compat.action_title(comments, "approve")
    # Our mixins stand before Flask-Admin's classes, so its calls reach our hooks.
    assert CommentView.__mro__.index(ModelViewHooks) < CommentView.__mro__.index(ModelView)
    assert MediaView._normalize_path is FileAdminHooks._normalize_path
    login_as("editor")
    assert client.get("/admin/comments/?search=zzz-none").status_code == 200


def test_flask_admin_search_filter_and_sort_steps_narrow_and_order_a_query(app):
    from backoffice.admin.comments import CommentView
    from backoffice.compat import flask_admin as compat
    from backoffice.compat.sqlalchemy import loader_options, order_by_clauses

    view = next(v for v in compat.admin_views(app.extensions["admin"][0])
                if isinstance(v, CommentView))  # fmt: skip
    with app.test_request_context():
        query = view.get_query()
        searched, joins = compat.apply_search(view, query, {}, "zeta")
        assert searched is not query
        assert compat.apply_search(view, query, {}, "") == (query, {})
        assert compat.apply_filters(view, query, {}, []) == (query, {})
        ordered, _joins = compat.apply_sorting(view, query, {}, "created_at", True)
        assert order_by_clauses(ordered) and order_by_clauses(query) == []
        assert isinstance(loader_options(query), tuple)


# -- Flask-Babel's state and domains (backoffice/compat/flask_babel.py) -------------------------
def test_flask_babel_request_state_and_a_domains_directories(app):
    import flask_babel
    from flask_admin import babel as admin_babel

    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert str(flask_babel.get_locale()) == "de"
        assert babel_compat.request_state().babel_locale == flask_babel.get_locale()
    assert hasattr(admin_babel.domain, "_translation_directories")
    assert admin_babel.domain._translation_directories is None  # ours: the app's setting
