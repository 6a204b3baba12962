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


def test_flask_admin_makes_a_list_cells_value_as_our_rows_do(app):
    """admin/rows.py makes a cell's value as ``_get_list_value`` does: these steps, these
    arguments, and the choices taken from ``column_choices``."""
    from inspect import signature

    from flask_admin.model import BaseModelView

    from backoffice.admin.links import find_view
    from backoffice.compat.flask_admin import changes_list_values

    steps = {"get_list_value": ["context", "model", "name"],
             "_get_list_value": ["context", "model", "name", "column_formatters",
                                 "column_type_formatters"],
             "_get_field_value": ["model", "name"]}  # fmt: skip
    for name, params in steps.items():
        found = [p for p in signature(getattr(BaseModelView, name)).parameters if p != "self"]
        assert found == params, f"BaseModelView.{name}{found}"
    with app.test_request_context():
        posts = find_view("posts")
    assert posts._column_choices_map == {
        name: dict(pairs) for name, pairs in posts.column_choices.items()
    }
    assert not changes_list_values(posts)


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


def test_flask_babel_records_the_chosen_locale_zone_and_domain_where_we_read_them(app):
    import flask_babel

    with app.test_request_context(headers={"Accept-Language": "fr"}):
        state = babel_compat.request_state()
        assert babel_compat.chosen_locale(state) is None  # not chosen yet
        locale, zone, domain = flask_babel.get_locale(), flask_babel.get_timezone(), None
        domain = flask_babel.get_domain()
        assert babel_compat.chosen_locale(state) is locale
        assert babel_compat.chosen_timezone(state) is zone
        assert babel_compat.chosen_domain(state) is domain
        babel_compat.translations_memo(state)["k"] = 1
        assert babel_compat.translations_memo(babel_compat.request_state()) == {"k": 1}
        flask_babel.refresh()  # drops the choice: asked again, not read stale
        assert babel_compat.chosen_locale(state) is None


def test_flask_babel_default_domain_is_a_cached_property_that_assignment_replaces(app):
    import flask_babel

    from backoffice.extensions import babel
    from backoffice.i18n.reload import ReloadingDomain

    fresh = flask_babel.Babel()
    assert babel_compat.default_domain(fresh) is None  # made on first use, not before
    made = fresh.domain_instance
    assert babel_compat.default_domain(fresh) is made
    ours = flask_babel.Domain(domain="ours")
    babel_compat.replace_default_domain(fresh, ours)
    assert fresh.domain_instance is ours
    assert isinstance(babel_compat.default_domain(babel), ReloadingDomain)
    with app.test_request_context():
        assert flask_babel.get_domain() is babel_compat.default_domain(babel)


def test_flask_admin_works_out_a_views_settings_again_when_asked(app):
    from backoffice.admin.tags import TagView
    from backoffice.compat.flask_admin import admin_views, rework_settings

    view = next(v for v in admin_views(app.extensions["admin"][0]) if isinstance(v, TagView))
    with app.test_request_context():
        before = [name for name, _label in view.get_list_columns()]
        try:
            view.column_list = list(reversed(before))
            rework_settings(view)
            assert [name for name, _label in view._list_columns] == list(reversed(before))
        finally:
            view.column_list = before
            rework_settings(view)


def test_flask_admin_keeps_the_page_context_on_g_that_we_drop(app):
    from flask import g
    from flask_admin import helpers

    from backoffice.compat.flask_admin import FileAdminHooks, admin_views, forget_render_context

    with app.test_request_context():
        app.jinja_env.from_string("{{ resolve_ctx() }}").render(resolve_ctx=helpers.resolve_ctx)
        assert helpers.get_render_ctx() is not None
        forget_render_context()
        assert helpers.get_render_ctx() is None and "_admin_render_ctx" not in g
    media = next(
        v for v in admin_views(app.extensions["admin"][0]) if isinstance(v, FileAdminHooks)
    )
    with app.test_request_context("/admin/media/"):
        assert media.dir_url(".index_view", "docs") == "/admin/media/b/docs"


def test_sqlalchemy_orders_by_a_label_through_a_reference_we_see_through(app):
    from sqlalchemy import desc, func
    from sqlalchemy.sql.elements import Label, UnaryExpression

    from backoffice.compat.sqlalchemy import order_by_clauses, unlabelled
    from backoffice.extensions import db
    from backoffice.models import Tag

    uses = func.count(Tag.id).label("uses")  # how a column_property sorts
    with app.app_context():
        for order, seen in ((uses, Label), (desc(uses), UnaryExpression)):
            query = db.session.query(Tag.id, uses).group_by(Tag.id).order_by(order)
            (clause,) = order_by_clauses(query)
            assert clause is not order and isinstance(unlabelled(clause), seen)
        assert unlabelled(uses) is uses  # anything else comes back unchanged


# -- The wall itself ---------------------------------------------------------------------------
def _library_private_names() -> set[str]:
    import re
    from pathlib import Path

    import flask_admin
    import flask_babel
    import sqlalchemy

    found: set[str] = set()
    for package in (flask_admin, flask_babel, sqlalchemy):
        for path in Path(package.__file__).parent.rglob("*.py"):
            found.update(re.findall(r"(?<![\w.])_[a-z]\w*|(?<=\.)_[a-z]\w*", path.read_text()))
    return found


# SQLAlchemy's Row spells its public API with a leading underscore (so it never clashes with a
# column's name): https://docs.sqlalchemy.org/en/20/core/connections.html#sqlalchemy.engine.Row
PUBLIC_DESPITE_THE_UNDERSCORE = {"_mapping", "_asdict", "_fields", "_tuple", "_t"}
# Names of other libraries that the three happen to use too: Flask-Login's session key.
NOT_THEIRS = {"_user_id"}
NAME_READERS = {"getattr", "setattr", "hasattr", "delattr", "get", "pop", "setdefault"}


def _uses_of_private_names(tree) -> set[tuple[str, int]]:
    """``x._name``, ``getattr(x, "_name")``, ``g.pop("_name")``, ``x["_name"]`` and
    ``from lib import _name``."""
    import ast

    def private(node) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith("_") and node.value.isidentifier():
                return node.value
        return None

    uses = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            uses.add((node.attr, node.lineno))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called in NAME_READERS:
                for arg in node.args[:2]:
                    if name := private(arg):
                        uses.add((name, node.lineno))
        elif isinstance(node, ast.Subscript) and (name := private(node.slice)):
            uses.add((name, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            uses.update((alias.name, node.lineno) for alias in node.names
                        if alias.name.startswith("_"))  # fmt: skip
    return {
        (name, line)
        for name, line in uses
        if not name.startswith("__") and name not in PUBLIC_DESPITE_THE_UNDERSCORE | NOT_THEIRS
    }


def _names_we_define(trees) -> set[str]:
    import ast

    ours = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                ours.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                ours.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                ours.add(node.id)
            elif isinstance(node, ast.arg):
                ours.add(node.arg)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                ours.add(node.target.id)
    return ours


def test_only_the_compat_modules_reach_a_private_name_of_flask_admin_babel_or_sqlalchemy():
    # The package, the tests, the bench and the scripts; the contracts (this file) and the
    # bench's git-ignored data (another commit's tree, for bench/compare.py) excepted.
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    contracts = (root / "backoffice" / "compat", Path(__file__).resolve(), root / "bench" / "data")
    trees = {
        path: ast.parse(path.read_text())
        for folder in ("backoffice", "tests", "bench", "scripts")
        for path in (root / folder).rglob("*.py")
        if not any(path == c or c in path.parents for c in contracts)
    }
    library = _library_private_names() - _names_we_define(trees.values())
    assert {"_apply_search", "_views", "_order_by_clauses", "_args"} <= library  # it sees them
    reached = [
        f"{path.relative_to(root)}:{line} uses {name}"
        for path, tree in trees.items()
        for name, line in sorted(_uses_of_private_names(tree))
        if name in library
    ]
    assert not reached, "private names outside backoffice/compat:\n" + "\n".join(reached)


def test_a_models_table_is_reached_through_table_of():
    """SQLAlchemy's declarative ``__table__`` and ``__mapper__`` only where a model is
    defined (backoffice/models/); everywhere else ``backoffice.core.database.table_of``,
    SQLAlchemy's public inspection."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    models = root / "backoffice" / "models"
    reached = [
        f"{path.relative_to(root)}:{node.lineno} uses {node.attr}"
        for folder in ("backoffice", "tests", "bench", "scripts")
        for path in (root / folder).rglob("*.py")
        if models not in path.parents and root / "bench" / "data" not in path.parents
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in ("__table__", "__mapper__")
    ]
    assert not reached, "declarative internals outside the models:\n" + "\n".join(reached)


def test_our_templates_reach_no_private_name_of_flask_admin():
    """Flask-Admin hands its own templates ``_gettext`` and ``_ngettext``; ours use the public
    ``admin_gettext`` (``flask_admin.babel.gettext``) instead, so a template of ours works
    wherever it is rendered."""
    from pathlib import Path

    from jinja2 import Environment

    root = Path(__file__).resolve().parents[1]
    library = _library_private_names()
    lexer = Environment(extensions=["jinja2.ext.i18n"])
    reached = [
        f"{path.relative_to(root)}:{line} uses {value}"
        for path in sorted((root / "templates").rglob("*.html"))
        for line, kind, value in lexer.lex(path.read_text())
        if kind == "name" and value in library
    ]
    assert "_gettext" in library  # it sees them
    assert not reached, "Flask-Admin's private names in our templates:\n" + "\n".join(reached)


def test_unproxied_gives_the_object_behind_a_context_proxy(app, make_user):
    from flask import current_app
    from flask_login import current_user, login_user

    from backoffice.compat.werkzeug import unproxied

    user = make_user("proxied", "editor")
    with app.test_request_context("/"):
        login_user(user)
        assert type(current_user) is not type(user)  # a proxy
        assert unproxied(current_user) is user
        assert unproxied(current_app) is app
        assert unproxied(user) is user  # anything else as it is
