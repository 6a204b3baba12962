"""Every cache goes stale in one known way, and all of them can be emptied at once."""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask

from backoffice.core import caches
from backoffice.core.caches import (
    CatalogCache,
    FileCache,
    ProcessCache,
    app_cache,
    memoized,
    request_memo,
)
from backoffice.i18n.catalogs import signature
from backoffice.i18n.lookup import current_locale

PACKAGE = Path(__file__).resolve().parent.parent / "backoffice"


def test_a_process_cache_makes_a_value_once_and_starts_afresh_when_full():
    made = []
    cache: ProcessCache[int] = ProcessCache("test", size=2)
    for key in ("a", "a", "b", "c"):
        cache.get(key, lambda key=key: made.append(key) or len(made))
    assert made == ["a", "b", "c"]
    assert len(cache) == 1  # full at "c": emptied, then "c" kept


def test_a_process_cache_with_seconds_makes_its_values_again_after_them(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(caches.time, "monotonic", lambda: now[0])
    cache: ProcessCache[float] = ProcessCache("test", seconds=30)
    assert cache.get("k", lambda: 1.0) == 1.0
    now[0] += 29
    assert cache.get("k", lambda: 2.0) == 1.0
    now[0] += 2
    assert cache.get("k", lambda: 3.0) == 3.0


def test_a_file_cache_follows_the_files_signature():
    cache: FileCache[str] = FileCache("test")
    assert cache.get("x.po", (1, 10), lambda: "first") == "first"
    assert cache.get("x.po", (1, 10), lambda: "again") == "first"
    assert cache.get("x.po", (2, 11), lambda: "changed") == "changed"


def test_a_catalog_cache_keeps_a_value_per_language_and_catalog(app: Flask):
    cache: CatalogCache[str] = CatalogCache("test")
    # Each in an app context of its own, as a served request is (the fixture holds one open).
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "de"}):
        assert str(current_locale()) == "de"
        assert cache.get("k", lambda: "german") == "german"
        assert cache.get("k", lambda: "again") == "german"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "fr"}):
        assert cache.get("k", lambda: "french") == "french"


def test_a_request_memo_lasts_one_request(app: Flask):
    with app.app_context(), app.test_request_context():
        request_memo("test")["k"] = 1
        assert request_memo("test") == {"k": 1}
    with app.app_context(), app.test_request_context():
        assert request_memo("test") == {}


def test_clear_all_empties_every_cache_of_the_process():
    calls = []

    @memoized(8)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    cache: ProcessCache[int] = ProcessCache("test")
    cache.get("k", lambda: 1)
    square(3)
    caches.clear_all()
    assert len(cache) == 0
    square(3)
    assert calls == [3, 3]


def test_clear_all_may_keep_what_was_read_from_files(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("one")
    reads = []

    def read() -> str:
        reads.append(path)
        return path.read_text()

    files: FileCache[str] = FileCache("test files")
    kept: ProcessCache[int] = ProcessCache("test kept")
    files.get(path, signature(path), read)
    kept.get("k", lambda: 1)
    caches.clear_all(files=False)
    assert len(kept) == 0
    assert files.get(path, signature(path), read) == "one"
    assert len(reads) == 1
    caches.clear_all()
    files.get(path, signature(path), read)
    assert len(reads) == 2


def test_no_module_keeps_a_cache_of_its_own():
    """Caches are made with backoffice.core.caches: no ``functools.lru_cache``/``cache`` and no
    ``flask.g.setdefault`` memo elsewhere in the package."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "caches.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = None
            if isinstance(node, ast.Attribute) and node.attr in ("lru_cache", "cache"):
                name = getattr(node.value, "id", "")
                name = f"{name}.{node.attr}" if name == "functools" else None
            elif isinstance(node, ast.ImportFrom) and node.module == "functools":
                names = {alias.name for alias in node.names} & {"lru_cache", "cache"}
                name = ", ".join(sorted(names)) or None
            elif (
                isinstance(node, ast.Attribute)
                and node.attr == "setdefault"
                and getattr(node.value, "id", "") == "g"
            ):
                name = "g.setdefault"
            if name:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert not found, found


def test_an_app_cache_is_made_once_per_app(app):
    made = []

    def make() -> ProcessCache:
        made.append(1)
        return ProcessCache("an app's test cache", 4)

    with app.app_context():
        first = app_cache("backoffice_test_cache", make)
        assert app_cache("backoffice_test_cache", make) is first
    assert made == [1]
    assert app.extensions["backoffice_test_cache"] is first
