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
