"""What a long translation costs, and what refusing one costs (``TRANSLATION_MAX_LENGTH``).

    python bench/catalog_limits.py

1. Babel's ``.po`` writer (``catalogs.po_bytes``, width 100) on one entry of n characters:
   prose (words and spaces) and one unbroken word, whose cost grows with the square of n.
2. The German catalog with every translation replaced by an unbroken word of n characters:
   what every later save would cost if a translator filled the catalog up to the limit.
3. The workbench refusing a 1.9 M-character translation: through ``save_entry`` and through
   a ``.po`` upload, on a private copy of the catalogs (nothing in the repository is written).

Absolute times vary between machines; the shape (square, milliseconds to refuse) does not.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from backoffice import create_app  # noqa: E402
from backoffice.i18n import catalogs  # noqa: E402


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def one_entry(text: str) -> float:
    catalog = Catalog(locale="de")
    catalog.add("People", text)
    return seconds(lambda: catalogs.po_bytes(catalog))


def whole_catalog(length: int) -> tuple[int, float]:
    with (catalogs.TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    messages = [message for message in catalog if message.id]
    for message in messages:
        word = "x" * length
        message.string = tuple(word for _ in message.string) if message.pluralizable else word
    return len(messages), seconds(lambda: catalogs.po_bytes(catalog))


def refusals() -> tuple[float, float]:
    from backoffice.workbench import store, transfer

    huge = "x" * 1_900_000
    user = SimpleNamespace(id=None, username="bench", email=None)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "translations"
        shutil.copytree(catalogs.TRANSLATIONS, target, ignore=shutil.ignore_patterns("*.mo"))
        catalogs.compile_all(target)
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI="sqlite://",
            BABEL_TRANSLATION_DIRECTORIES=str(target),
        )
        with app.test_request_context():
            key = store.entry_key("Sign in", None)
            version = store.get_entry("de", key).version

            def save() -> None:
                try:
                    store.save_entry("de", key, [huge], False, version, user)
                except store.CheckFailed:
                    return
                raise AssertionError("the overlong translation was saved")

            data = transfer.export_po("de").replace(
                b'msgid "Sign in"\nmsgstr "Anmelden"', f'msgid "Sign in"\nmsgstr "{huge}"'.encode()
            )
            assert len(data) > len(huge)

            def upload() -> None:
                assert not transfer.import_po("de", data, user).ok

            return seconds(save), seconds(upload)


def main() -> None:
    one_entry("warm up " * 100)  # Babel compiles its patterns on first use
    print("| characters | prose, one entry | one unbroken word, one entry |")
    print("|---:|---:|---:|")
    for length in (1_000, 2_000, 5_000, 10_000, 20_000):
        prose = one_entry(("Leute " * length)[:length])
        word = one_entry("x" * length)
        print(f"| {length:,} | {prose * 1000:.1f} ms | {word * 1000:.0f} ms |")
    print()
    print("| characters per translation | entries | whole German catalog written |")
    print("|---:|---:|---:|")
    for length in (500, 1_000, 2_000):
        count, cost = whole_catalog(length)
        print(f"| {length:,} | {count} | {cost:.2f} s |")
    print()
    save, upload = refusals()
    print(
        f"Refusing 1.9 M characters: save_entry {save * 1000:.0f} ms, upload {upload * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
