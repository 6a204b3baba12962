"""The suite's own layout: helpers the test modules share live in ``tests/helpers/``.

No test module imports another test module or ``conftest`` (pytest imports both itself, and a
test module imported twice runs its tests twice); the helpers package imports neither either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(TESTS.glob("*.py")) + sorted((TESTS / "helpers").glob("*.py"))


def imported_roots(path: Path) -> set[str]:
    """The top-level names of the modules ``path`` imports (at any depth of its code)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def forbidden(roots: set[str]) -> set[str]:
    return {root for root in roots if root == "conftest" or root.startswith("test_")}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(TESTS)))
def test_imports_no_test_module_and_not_conftest(path):
    assert forbidden(imported_roots(path)) == set(), "move what is shared to tests/helpers/"


def test_the_sources_and_the_helpers_are_found():
    names = {str(p.relative_to(TESTS)) for p in SOURCES}
    assert {"conftest.py", "test_suite_layout.py", "helpers/app.py", "helpers/browser.py"} <= names


def test_the_check_sees_both_import_forms(tmp_path):
    source = tmp_path / "test_x.py"
    source.write_text(
        "import test_y\nfrom conftest import A\ndef f():\n    from test_z.q import B\n"
        "from helpers.app import C\nimport testing_lib\n"
    )
    assert forbidden(imported_roots(source)) == {"test_y", "conftest", "test_z"}
