"""Write the icon font subset the admin serves: Font Awesome 4.7 (Flask-Admin's copy) cut down
to the icons our pages, Flask-Admin's templates and scripts name, as WOFF2.

    python scripts/subset_icons.py

Run it after naming a new ``fa-…`` icon; ``tests/test_icons.py`` fails until then. The whole
font is 77 KB on a cold visit, the subset about 2 KB. Needs fontTools (a dev dependency).
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import flask_admin

ROOT = Path(__file__).resolve().parents[1]
FLASK_ADMIN = Path(flask_admin.__file__).parent
FONTS = FLASK_ADMIN / "static" / "bootstrap" / "bootstrap4" / "fonts"
CSS = FLASK_ADMIN / "static" / "bootstrap" / "bootstrap4" / "css" / "font-awesome.min.css"
TARGET = ROOT / "static" / "vendor" / "font-awesome-subset"
#: Where icons are named: ours, and what Flask-Admin renders or scripts for our pages.
SOURCES = (
    (ROOT / "templates", "*.html"),
    (ROOT / "static" / "js", "*.js"),
    (ROOT / "backoffice", "*.py"),
    (FLASK_ADMIN / "templates" / "bootstrap4", "*.html"),
    (FLASK_ADMIN / "static" / "admin" / "js", "*.js"),
    (FLASK_ADMIN, "*.py"),
)
NAME = re.compile(r"fa-[a-z0-9-]+")


def glyphs() -> dict[str, int]:
    """Every icon class of Font Awesome 4.7 and its code point (aliases included)."""
    css = CSS.read_text(encoding="utf-8")
    found: dict[str, int] = {}
    for selectors, code in re.findall(
        r"((?:\.fa-[a-z0-9-]+:before,?\s*)+)\{\s*content:\s*\"\\(f[0-9a-f]+)\"", css
    ):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):before", selectors):
            found[name] = int(code, 16)
    return found


def named_icons() -> dict[str, int]:
    """The icons named anywhere in :data:`SOURCES`; ``fa-chevron-{{ … }}`` counts as every
    icon whose name starts so."""
    known = glyphs()
    used: dict[str, int] = {}
    for folder, pattern in SOURCES:
        for path in folder.rglob(pattern):
            if "fontawesome-free" in str(path):
                continue  # Font Awesome 5, which no page of ours loads
            for token in NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
                names = (
                    [token]
                    if not token.endswith("-")
                    else [n for n in known if n.startswith(token)]
                )
                used.update({n: known[n] for n in names if n in known})
    return dict(sorted(used.items()))


def main() -> int:
    from fontTools import subset

    icons = named_icons()
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    font = subset.load_font(str(FONTS / "fontawesome-webfont.ttf"), options)
    cutter = subset.Subsetter(options)
    # The spaces too: an icon's element may hold one.
    cutter.populate(unicodes=sorted({*icons.values(), 0x20, 0xA0}))
    cutter.subset(font)
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("fontawesome-subset.*.woff2"):
        old.unlink()
    temporary = TARGET / "subset.woff2"
    subset.save_font(font, str(temporary), options)
    digest = hashlib.sha256(temporary.read_bytes()).hexdigest()[:8]
    final = temporary.rename(TARGET / f"fontawesome-subset.{digest}.woff2")
    (TARGET / "icons.txt").write_text("".join(f"{n} {c:04x}\n" for n, c in icons.items()))
    css = ROOT / "static" / "css" / "icons.css"
    css.write_text(
        "/* Font Awesome 4.7 cut down to the icons the admin names (scripts/subset_icons.py).\n"
        '   A family of its own: were it "FontAwesome" too, a browser looking for a character\n'
        "   the subset lacks (a space inside an icon) would fetch the whole font (77 KB). */\n"
        '@font-face {\n  font-family: "Backoffice icons";\n'
        f'  src: url("../vendor/font-awesome-subset/{final.name}") format("woff2");\n'
        "  font-weight: normal;\n  font-style: normal;\n  font-display: block;\n}\n"
        '.fa {\n  font-family: "Backoffice icons";\n}\n'
    )
    print(f"{final.relative_to(ROOT)}: {len(icons)} icons, {final.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
