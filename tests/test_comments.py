"""The comment moderation queue: tabs with counts, bulk and quick actions, audit, undo."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from backoffice.extensions import db
from backoffice.models import AuditEntry, Comment, Post


@pytest.fixture
def comments(app):
    """A post with comments in every status: 3 pending, 2 approved, 1 spam, 1 rejected."""
    post = Post(title="Queue post", slug="queue-post")
    statuses = ["pending"] * 3 + ["approved"] * 2 + ["spam", "rejected"]
    rows = [
        Comment(post=post, author_name=f"reader{i}", email=f"r{i}@example.org", text=f"text {i}",
                status=status)
        for i, status in enumerate(statuses)
    ]  # fmt: skip
    db.session.add_all([post, *rows])
    db.session.commit()
    return rows


def statuses(ids):
    db.session.expire_all()
    return [db.session.get(Comment, i).status for i in ids]


def listed_ids(html):
    return {int(i) for i in re.findall(r'name="rowid" value="(\d+)"', html)}


def test_the_queue_opens_on_pending_comments_with_counts_per_status(client, login_as, comments):
    login_as("editor")
    html = client.get("/admin/comments/").get_data(as_text=True)
    assert listed_ids(html) == {c.id for c in comments if c.status == "pending"}
    counts = dict(re.findall(r'data-testid="count-(\w+)">(\d+)<', html))
    assert counts == {"pending": "3", "approved": "2", "spam": "1", "rejected": "1"}
    assert re.search(r'data-status="pending"\s+aria-current="page"', html)


@pytest.mark.parametrize("tab", ["approved", "spam", "rejected"])
def test_each_status_tab_lists_exactly_its_comments(client, login_as, comments, tab):
    login_as("editor")
    html = client.get(f"/admin/comments/?status={tab}").get_data(as_text=True)
    assert listed_ids(html) == {c.id for c in comments if c.status == tab}


def test_the_all_tab_lists_every_comment_and_unknown_tabs_fall_back(client, login_as, comments):
    login_as("editor")
    all_html = client.get("/admin/comments/?status=all").get_data(as_text=True)
    assert listed_ids(all_html) == {c.id for c in comments}
    odd = client.get("/admin/comments/?status=<script>").get_data(as_text=True)
    assert listed_ids(odd) == {c.id for c in comments if c.status == "pending"}


def test_menu_shows_the_pending_count_to_editors_only(client, login_as, comments):
    login_as("editor")
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'data-testid="badge-comments">3<', html)


def test_authors_see_no_pending_badge(client, login_as, comments):
    login_as("author")
    html = client.get("/admin/").get_data(as_text=True)
    assert "badge-comments" not in html
    assert "badge-category-comments" not in html


def test_bulk_approve_changes_exactly_the_selected_rows(client, login_as, csrf, comments):
    editor = login_as("editor")
    pending = [c.id for c in comments if c.status == "pending"]
    others = [c.id for c in comments if c.id not in pending[:2]]
    before = statuses(others)
    response = client.post("/admin/comments/action/", data={
        "action": "approve", "rowid": pending[:2], "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 302
    assert statuses(pending[:2]) == ["approved", "approved"]
    assert statuses(others) == before
    for comment_id in pending[:2]:
        comment = db.session.get(Comment, comment_id)
        assert comment.moderated_by_id == editor.id
        assert comment.moderated_at is not None


@pytest.mark.parametrize(("action", "status"), [("reject", "rejected"), ("spam", "spam")])
def test_bulk_reject_and_spam(client, login_as, csrf, comments, action, status):
    login_as("admin")
    ids = [comments[0].id, comments[3].id]
    client.post("/admin/comments/action/",
                data={"action": action, "rowid": ids, "csrf_token": csrf()})  # fmt: skip
    assert statuses(ids) == [status, status]


def test_moderation_writes_one_audit_entry_per_changed_comment(client, login_as, csrf, comments):
    editor = login_as("editor")
    ids = [comments[0].id, comments[1].id, comments[3].id]  # the last one is already approved
    client.post("/admin/comments/action/",
                data={"action": "approve", "rowid": ids, "csrf_token": csrf()})  # fmt: skip
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "moderate")).all()
    assert sorted(int(e.object_id) for e in entries) == sorted(ids[:2])
    assert {e.user_id for e in entries} == {editor.id}
    assert all(e.changes["status"] == ["pending", "approved"] for e in entries)
    assert len({e.batch for e in entries}) == 1


@pytest.mark.parametrize("role", ["author", "translator"])
def test_moderation_is_refused_for_other_roles(client, login_as, csrf, comments, role):
    login_as(role)
    response = client.post("/admin/comments/action/", data={
        "action": "approve", "rowid": [comments[0].id], "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 403
    assert statuses([comments[0].id]) == ["pending"]


def test_undo_restores_the_previous_statuses(client, login_as, csrf, comments):
    login_as("editor")
    ids = [comments[0].id, comments[3].id, comments[5].id]  # pending, approved, spam
    client.post("/admin/comments/action/",
                data={"action": "reject", "rowid": ids, "csrf_token": csrf()})  # fmt: skip
    html = client.get("/admin/comments/").get_data(as_text=True)
    assert 'data-testid="undo-banner"' in html
    batch = re.search(r'name="batch" value="(\w+)"', html).group(1)
    response = client.post("/admin/comments/undo/", data={"batch": batch, "csrf_token": csrf()})
    assert response.status_code == 302
    assert statuses(ids) == ["pending", "approved", "spam"]
    undo = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "undo")).all()
    assert len(undo) == 3
    # A second undo of the same batch changes nothing.
    client.post("/admin/comments/undo/", data={"batch": batch, "csrf_token": csrf()})
    assert statuses(ids) == ["pending", "approved", "spam"]


def test_undo_leaves_comments_changed_since_alone(client, login_as, csrf, comments):
    login_as("editor")
    ids = [comments[0].id, comments[1].id]
    client.post("/admin/comments/action/",
                data={"action": "approve", "rowid": ids, "csrf_token": csrf()})  # fmt: skip
    batch = db.session.scalar(select(AuditEntry.batch).where(AuditEntry.action == "moderate"))
    client.post("/admin/comments/action/",
                data={"action": "spam", "rowid": [ids[1]], "csrf_token": csrf()})  # fmt: skip
    response = client.post(
        "/admin/comments/undo/", data={"batch": batch, "csrf_token": csrf()}, follow_redirects=True
    )
    assert statuses(ids) == ["pending", "spam"]
    assert "changed again since" in response.get_data(as_text=True)


def test_one_moderator_cannot_undo_anothers_batch(client, login_as, csrf, comments, make_user):
    login_as("editor")
    client.post("/admin/comments/action/", data={
        "action": "approve", "rowid": [comments[0].id], "csrf_token": csrf()})  # fmt: skip
    batch = db.session.scalar(select(AuditEntry.batch).where(AuditEntry.action == "moderate"))
    client.post("/logout", data={"csrf_token": csrf()})
    login_as(make_user("other-editor", "editor"))
    client.post("/admin/comments/undo/", data={"batch": batch, "csrf_token": csrf()})
    assert statuses([comments[0].id]) == ["approved"]


@pytest.mark.parametrize("batch", ["", "x" * 500, "../../etc", "0" * 32])
def test_undo_with_a_bogus_batch_is_a_clean_message(client, login_as, csrf, comments, batch):
    login_as("editor")
    response = client.post(
        "/admin/comments/undo/", data={"batch": batch, "csrf_token": csrf()}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "cannot be undone" in response.get_data(as_text=True)


def test_undo_without_csrf_is_refused(client, login_as, csrf, comments):
    login_as("editor")
    client.post("/admin/comments/action/", data={
        "action": "approve", "rowid": [comments[0].id], "csrf_token": csrf()})  # fmt: skip
    batch = db.session.scalar(select(AuditEntry.batch).where(AuditEntry.action == "moderate"))
    assert client.post("/admin/comments/undo/", data={"batch": batch}).status_code == 400
    assert statuses([comments[0].id]) == ["approved"]


def test_rows_offer_quick_actions_for_the_other_statuses(client, login_as, comments):
    login_as("editor")
    html = client.get("/admin/comments/?status=approved").get_data(as_text=True)
    approved = comments[3].id
    assert f'data-testid="quick-reject-{approved}"' in html
    assert f'data-testid="quick-spam-{approved}"' in html
    assert f'data-testid="quick-approve-{approved}"' not in html


def test_the_post_title_is_shown_and_linked(client, login_as, comments):
    login_as("editor")
    html = client.get("/admin/comments/").get_data(as_text=True)
    post_id = comments[0].post_id
    assert f'<a href="/admin/posts/details/?id={post_id}">Queue post</a>' in html


@pytest.mark.parametrize(("term", "expected"), [("reader1", {1}), ("r2@example", {2}),
                                                ("text 0", {0})])  # fmt: skip
def test_search_by_author_email_and_text(client, login_as, comments, term, expected):
    login_as("editor")
    html = client.get("/admin/comments/", query_string={"status": "all", "search": term})
    assert listed_ids(html.get_data(as_text=True)) == {comments[i].id for i in expected}
