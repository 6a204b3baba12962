"""The icon font the admin serves is Font Awesome cut down to the icons we name
(scripts/subset_icons.py): every icon named has its glyph, and the stylesheet names the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
SUBSET = ROOT / "static" / "vendor" / "font-awesome-subset"


def _script():
    spec = importlib.util.spec_from_file_location("subset_icons", ROOT / "scripts/subset_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_icon_named_has_its_glyph_in_the_subset():
    script = _script()
    (font_file,) = SUBSET.glob("fontawesome-subset.*.woff2")
    in_font = set(TTFont(font_file).getBestCmap())
    named = script.named_icons()
    assert {"fa-pencil", "fa-trash", "fa-eye", "fa-chevron-up", "fa-check-circle"} <= set(named)
    missing = sorted(name for name, code in named.items() if code not in in_font)
    assert not missing, f"run `python scripts/subset_icons.py`: the font lacks {missing}"


def test_the_admin_stylesheet_names_the_subset_and_is_served_with_it(client, login_as):
    (font_file,) = SUBSET.glob("fontawesome-subset.*.woff2")
    icons_css = (ROOT / "static" / "css" / "icons.css").read_text()
    # A family of its own, which the icons use: the whole font is never asked for.
    assert font_file.name in icons_css and '.fa {\n  font-family: "Backoffice icons"' in icons_css
    login_as("editor")
    page = client.get("/admin/").get_data(as_text=True)
    admin_css = page.split('href="/static/gen/admin.')[1].split('"')[0]
    with client.get(f"/static/gen/admin.{admin_css}") as css:
        body = css.get_data(as_text=True)
    url = f"../vendor/font-awesome-subset/{font_file.name}"
    # After Flask-Admin's own rules, so that its .fa takes our family, not its 77 KB font.
    assert body.index(url) > body.index("fontawesome-webfont.woff2")
    with client.get(f"/static/vendor/font-awesome-subset/{font_file.name}") as font:
        assert font.status_code == 200 and font.data == font_file.read_bytes()
        assert "immutable" in font.headers["Cache-Control"]
