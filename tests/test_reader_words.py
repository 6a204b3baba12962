"""The reader's words where English used to slip through: the page-size menu, ambiguous short
verbs (with their own contexts), the post editor's texts and lists joined for a reader.

A private catalog copy gives the new entries French translations, as the lead will.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from backoffice.extensions import db
from backoffice.i18n import catalogs
from backoffice.models import Comment, Post, Tag

FRENCH = {
    ("%(num)d item", "%(num)d items"): ("%(num)d élément", "%(num)d éléments"),
    ("moderation batch", "Undo"): "Rétablir",
    ("form", "Cancel"): "Fermer sans fusionner",
    ("text style", "Paragraph"): "Paragraphe",
}


@pytest.fixture
def app_config(catalog_copy: Path) -> dict[str, str]:
    path = catalog_copy / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for key, string in FRENCH.items():
        if isinstance(string, tuple):
            catalog.add(key, string)
        else:
            catalog.add(key[1], string, context=key[0])
    path.write_bytes(catalogs.po_bytes(catalog))
    catalogs.compile_all(catalog_copy)
    return {"BABEL_TRANSLATION_DIRECTORIES": str(catalog_copy)}


def speak(client, csrf, lang: str) -> None:
    client.post("/language", data={"locale": lang, "csrf_token": csrf()})


def test_the_page_size_menu_counts_in_the_language(client, login_as, csrf):
    login_as("admin")
    speak(client, csrf, "fr")
    html = client.get("/admin/tags/").get_data(as_text=True)
    assert re.search(r'dropdown-toggle" data-toggle="dropdown" href="#">20 éléments</a>', html)
    options = re.findall(
        r'class="dropdown-item(?: active)?" href="[^"]*page_size=\d+[^"]*">([^<]+)<', html
    )
    assert options[-2:] == ["50 éléments", "100 éléments"]
    assert "items" not in " ".join(options)


def test_undo_and_cancel_are_translated_each_in_its_own_sense(client, login_as, csrf):
    login_as("admin")
    post = Post(title="P", slug="p")
    comment = Comment(post=post, author_name="A", text="t", status="pending")
    db.session.add_all([post, comment, Tag(title="a"), Tag(title="b")])
    db.session.commit()
    speak(client, csrf, "fr")
    action = {"action": "approve", "rowid": [comment.id], "csrf_token": csrf()}
    client.post("/admin/comments/action/", data=action)
    queue = client.get("/admin/comments/").get_data(as_text=True)
    undo = re.search(r'data-testid="undo">([^<]+)</button>', queue).group(1)
    tags = [tag.id for tag in db.session.query(Tag).all()]
    merge = client.get(f"/admin/tags/merge/?ids={','.join(map(str, tags))}")
    cancel = re.search(r'class="btn btn-secondary"[^>]*>([^<]+)</a>', merge.get_data(as_text=True))
    assert (undo, cancel.group(1)) == ("Revenir en arrière", "Annuler")  # two words, two senses


def test_the_post_editor_gets_its_texts_from_our_catalog_as_json(client, login_as, csrf):
    login_as("admin")
    speak(client, csrf, "fr")
    html = client.get("/admin/posts/new/").get_data(as_text=True)
    raw = re.search(r'<script type="application/json" id="post-editor-texts">(.*?)</script>',
                    html, re.S).group(1)  # fmt: skip
    texts = json.loads(raw)
    label = re.search(r'<label[^>]*for="body"[^>]*>\s*([^<]*?)\s*<', html).group(1)
    assert texts["label"] == unescape(label).strip() != ""
    assert texts["headings"]["paragraph"] == "Paragraphe"
    assert set(texts["headings"]) == {"paragraph", "heading2", "heading3", "heading4"}


def test_the_search_placeholder_is_a_list_in_the_language(client, login_as, csrf):
    login_as("admin")
    speak(client, csrf, "ar")
    html = client.get("/admin/users/").get_data(as_text=True)
    placeholder = unescape(
        re.search(r'name="search" value="" placeholder="([^"]*)"', html).group(1)
    )
    assert " أو " in placeholder and "," not in placeholder
