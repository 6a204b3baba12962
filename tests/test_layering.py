"""The layering that docs/modules.md promises, read from the sources: each rule in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import url_for

from backoffice.admin.rows import ROW_ID, ROW_SLOT

PACKAGE = Path(__file__).resolve().parent.parent / "backoffice"


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "i18n").rglob("*.py")), ids=lambda p: p.name)
def test_i18n_never_imports_the_workbench(path):
    workbench = {
        m for m in imported_modules(path) if m.split(".")[:2] == ["backoffice", "workbench"]
    }
    assert workbench == set()


@pytest.mark.parametrize("path", sorted((PACKAGE / "models").rglob("*.py")), ids=lambda p: p.name)
def test_models_read_no_flask_state(path):
    assert {m for m in imported_modules(path) if m.split(".")[0] == "flask"} == set()


def test_urls_spell_the_row_slot_as_row_id(app):
    # List pages build a URL once with ROW_SLOT as the id and put each row's id in for ROW_ID.
    with app.test_request_context():
        assert url_for("posts.details_view", id=ROW_SLOT).endswith(f"?id={ROW_ID}")


def view_modules() -> set[str]:
    """The modules of the views the admin registers (what ``admin/__init__.py`` imports)."""
    registered = imported_modules(PACKAGE / "admin" / "__init__.py")
    modules = {f"backoffice.admin.{p.stem}" for p in (PACKAGE / "admin").glob("*.py")}
    return (registered & modules) - {"backoffice.admin.base"}


@pytest.mark.parametrize(
    "path", sorted(p for p in (PACKAGE / "admin").glob("*.py") if p.stem != "__init__"),
    ids=lambda p: p.name,
)  # fmt: skip
def test_a_view_imports_no_other_views_module(path):
    """What views share (filters, row helpers, the gate) lives in modules of its own."""
    own = f"backoffice.admin.{path.stem}"
    assert imported_modules(path) & (view_modules() - {own}) == set()


def test_the_views_are_found():
    assert {"backoffice.admin.posts", "backoffice.admin.comments"} <= view_modules()
