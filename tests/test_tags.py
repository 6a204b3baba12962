"""Tag moderation: usage counts, rename, merge, delete the unused ones."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from backoffice.extensions import db
from backoffice.models import AuditEntry, Post, Tag, post_tags


@pytest.fixture
def tagged(app):
    """flask: 3 posts, Flask: —, python: 2 posts, jinja: 1 post (shared with flask), unused."""
    tags = {name: Tag(title=name) for name in ("flask", "Flask-Admin", "python", "jinja",
                                               "unused")}  # fmt: skip
    posts = [
        Post(title="A", slug="a", tags=[tags["flask"], tags["jinja"]]),
        Post(title="B", slug="b", tags=[tags["flask"], tags["python"]]),
        Post(title="C", slug="c", tags=[tags["flask"]]),
        Post(title="D", slug="d", tags=[tags["python"], tags["Flask-Admin"]]),
    ]
    db.session.add_all([*tags.values(), *posts])
    db.session.commit()
    return tags, posts


def usage(html):
    rows = re.findall(r'<td class="col-title">\s*(.*?)\s*</td>\s*<td class="col-post_count">'
                      r"\s*(?:<a[^>]*>|<span[^>]*>)(\d+)<", html)  # fmt: skip
    return {title: int(n) for title, n in rows}


def titles_of(post):
    db.session.expire_all()
    return sorted(t.title for t in db.session.get(Post, post.id).tags)


def test_the_list_shows_usage_counts_in_one_statement(client, login_as, tagged, count_queries):
    login_as("editor")
    client.get("/admin/tags/")
    with count_queries as counted:
        html = client.get("/admin/tags/").get_data(as_text=True)
    small = len(counted)
    assert usage(html) == {"flask": 3, "Flask-Admin": 1, "python": 2, "jinja": 1, "unused": 0}
    with count_queries as counted:
        client.get("/admin/tags/?page_size=100")
    assert len(counted) == small


def test_the_list_sorts_by_usage(client, login_as, tagged):
    login_as("editor")
    html = client.get("/admin/tags/?sort=1&desc=1").get_data(as_text=True)
    assert list(usage(html))[:2] == ["flask", "python"]


def test_renaming_to_an_existing_title_in_another_case_is_refused(client, login_as, csrf, tagged):
    login_as("editor")
    tags, _ = tagged
    response = client.post(f"/admin/tags/edit/?id={tags['python'].id}",
                           data={"title": "  FLASK ", "csrf_token": csrf()})  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" in html
    assert 'value="  FLASK "' in html  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Tag, tags["python"].id).title == "python"


def test_merge_preview_counts_what_moves(client, login_as, tagged):
    login_as("editor")
    tags, _ = tagged
    ids = ",".join(str(tags[n].id) for n in ("flask", "jinja", "python"))
    html = client.get(f"/admin/tags/merge/?ids={ids}&target={tags['flask'].id}").get_data(
        as_text=True
    )
    # Into "flask": jinja's post A already has flask, python's B too, D moves -> 1 post.
    assert re.search(rf'data-testid="moving-{tags["flask"].id}">1<', html)
    # Into "python": A and C move (B already has python).
    assert re.search(rf'data-testid="moving-{tags["python"].id}">2<', html)


def test_merge_relinks_posts_without_duplicates_and_removes_the_others(
    client, login_as, csrf, tagged
):
    editor = login_as("editor")
    tags, posts = tagged
    target = tags["flask"]
    ids = ",".join(str(tags[n].id) for n in ("flask", "jinja", "python"))
    response = client.post("/admin/tags/merge/", data={
        "ids": ids, "target": target.id, "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 302
    assert titles_of(posts[0]) == ["flask"]
    assert titles_of(posts[1]) == ["flask"]
    assert titles_of(posts[2]) == ["flask"]
    assert titles_of(posts[3]) == ["Flask-Admin", "flask"]
    assert db.session.scalars(select(Tag.title).order_by(Tag.title)).all() == [
        "Flask-Admin", "flask", "unused"]  # fmt: skip
    links = db.session.scalar(select(func.count()).select_from(post_tags))
    assert links == 5  # no duplicate rows
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).all()
    assert {e.object_label for e in entries} == {"flask", "jinja", "python"}
    assert {e.user_id for e in entries} == {editor.id}
    assert len({e.batch for e in entries}) == 1
    target_entry = next(e for e in entries if e.object_label == "flask")
    assert target_entry.changes["merged_tags"][1] == ["jinja", "python"]


def test_merge_needs_a_target_among_the_selection(client, login_as, csrf, tagged):
    login_as("editor")
    tags, _ = tagged
    ids = f"{tags['flask'].id},{tags['jinja'].id}"
    response = client.post("/admin/tags/merge/", data={
        "ids": ids, "target": tags["python"].id, "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 200
    assert "Choose the tag to keep" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 5


@pytest.mark.parametrize("ids", ["", "abc", "1", ",".join(["1"] * 500), "9" * 40])
def test_merge_with_a_bad_selection_is_a_clean_refusal(client, login_as, tagged, ids):
    login_as("editor")
    response = client.get("/admin/tags/merge/", query_string={"ids": ids})
    assert response.status_code in (302, 400)
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 5


def test_merge_without_csrf_or_by_an_author_changes_nothing(client, login_as, csrf, tagged):
    tags, _ = tagged
    ids = f"{tags['flask'].id},{tags['jinja'].id}"
    login_as("editor")
    response = client.post("/admin/tags/merge/", data={"ids": ids, "target": tags["flask"].id})
    assert response.status_code == 400
    client.post("/logout", data={"csrf_token": csrf()})
    login_as("author")
    response = client.post("/admin/tags/merge/", data={
        "ids": ids, "target": tags["flask"].id, "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 5


def test_the_merge_action_opens_the_merge_page(client, login_as, csrf, tagged):
    login_as("editor")
    tags, _ = tagged
    response = client.post("/admin/tags/action/", data={
        "action": "merge", "rowid": [tags["flask"].id, tags["jinja"].id],
        "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 302
    assert response.location.startswith("/admin/tags/merge/?ids=")


def test_delete_unused_deletes_only_the_unused(client, login_as, csrf, tagged):
    login_as("editor")
    tags, _ = tagged
    response = client.post("/admin/tags/action/", data={
        "action": "delete_unused", "rowid": [tags["unused"].id, tags["jinja"].id],
        "csrf_token": csrf()}, follow_redirects=True)  # fmt: skip
    assert "still used" in response.get_data(as_text=True)
    assert db.session.scalars(select(Tag.title).order_by(Tag.title)).all() == [
        "Flask-Admin", "flask", "jinja", "python"]  # fmt: skip
