"""Every change made through the admin is written to the audit log."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.extensions import db
from backoffice.models import AuditEntry, Comment, Post


def test_creating_a_post_in_the_admin_is_audited_with_the_user(client, login_as, csrf):
    editor = login_as("editor")
    client.post(
        "/admin/posts/new/", data={"title": "Audited", "status": "draft", "csrf_token": csrf()}
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "Post"))
    assert entry.action == "create"
    assert entry.user_id == editor.id
    assert entry.changes["title"] == [None, "Audited"]


def test_moderating_a_comment_records_old_and_new_status(client, login_as, csrf):
    editor = login_as("editor")
    post = Post(title="P", slug="p")
    comment = Comment(post=post, author_name="a", text="t")
    db.session.add_all([post, comment])
    db.session.commit()
    client.post("/admin/comments/action/", data={"action": "approve", "rowid": comment.id,
                                                 "csrf_token": csrf()})  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "approved"
    assert db.session.get(Comment, comment.id).moderated_by_id == editor.id
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "Comment", AuditEntry.action == "moderate"
        )
    )
    assert entry.changes["status"] == ["pending", "approved"]
    assert entry.user_id == editor.id


def test_password_changes_are_audited_without_the_hash(client, login_as, csrf, make_user):
    login_as("admin")
    user = make_user("target", "author")
    client.post(f"/admin/users/edit/?id={user.id}", data={
        "username": "target", "password": "brand new password", "active": "y",
        "roles": [str(r.id) for r in user.roles], "csrf_token": csrf()})  # fmt: skip
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.object_type == "User", AuditEntry.action == "update")
    )
    assert entry.changes["password_hash"] == ["***", "***"]
    db.session.refresh(user)
    assert user.password_hash not in str(entry.changes)


def test_deleting_in_the_admin_is_audited_with_the_label(client, login_as, csrf):
    admin = login_as("admin")
    post = Post(title="Doomed", slug="doomed")
    db.session.add(post)
    db.session.commit()
    post_id = post.id
    client.post("/admin/posts/delete/", data={"id": post_id, "csrf_token": csrf()})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delete"))
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "Post",
        str(post_id),
        "Doomed",
    )
    assert entry.user_id == admin.id
