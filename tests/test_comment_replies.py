"""Replies from the queue: an editor answers a comment in place; the reply is an approved
comment of theirs on the same post, linked to its parent, shown under it on the public post."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from backoffice.domain.comment_pages import PER_PAGE, approved_comments
from backoffice.extensions import db
from backoffice.models import AuditEntry, Comment, Post


@pytest.fixture
def thread(app):
    post = Post(title="Thread post", slug="thread-post", status="published")
    pending = Comment(post=post, author_name="Asker", email="a@example.org", text="A question?")
    approved = Comment(post=post, author_name="Fan", text="Nice post", status="approved")
    spam = Comment(post=post, author_name="Bot", text="buy", status="spam")
    db.session.add_all([post, pending, approved, spam])
    db.session.commit()
    return post, pending, approved, spam


def reply(client, csrf, parent, text, seen=None):
    data = {"parent": str(parent.id), f"text-{parent.id}": text, "csrf_token": csrf(),
            "url": "/admin/comments/"}  # fmt: skip
    if seen:
        data["seen"] = f"{parent.id}:{seen}"
    return client.post("/admin/comments/reply/", data=data)


def replies_to(parent):
    db.session.expire_all()
    return db.session.scalars(select(Comment).where(Comment.parent_id == parent.id)).all()


def test_every_answerable_row_has_a_reply_box_of_the_one_reply_form(client, login_as, thread):
    login_as("editor")
    _post, pending, approved, spam = thread
    html = client.get("/admin/comments/?status=all").get_data(as_text=True)
    assert html.count('<form id="reply"') == 1
    assert f'name="text-{pending.id}"' in html and f'name="text-{approved.id}"' in html
    assert f'name="text-{spam.id}"' not in html  # nobody would see a reply to spam
    assert re.search(rf"<summary>Approve and reply</summary>.*?text-{pending.id}", html, re.S)


def test_a_reply_is_an_approved_comment_of_the_editor_on_the_same_post(client, login_as, csrf,
                                                                     thread):  # fmt: skip
    editor = login_as("editor")
    post, _pending, approved, _spam = thread
    response = reply(client, csrf, approved, "  Thank you!  ", seen="approved")
    assert response.status_code == 302
    [answer] = replies_to(approved)
    assert (answer.post_id, answer.status, answer.text, answer.author_id, answer.author_name) \
        == (post.id, "approved", "Thank you!", editor.id, editor.username)  # fmt: skip
    assert "Your reply is published." in client.get(response.location).get_data(as_text=True)
    created = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "Comment", AuditEntry.action == "create")
        .order_by(AuditEntry.id)
    ).all()
    assert created[-1].object_id == str(answer.id) and created[-1].user_id == editor.id


def test_answering_a_pending_comment_approves_it(client, login_as, csrf, thread):
    login_as("editor")
    _post, pending, _approved, _spam = thread
    response = reply(client, csrf, pending, "Here is the answer.", seen="pending")
    db.session.expire_all()
    assert db.session.get(Comment, pending.id).status == "approved"
    assert len(replies_to(pending)) == 1
    assert "The comment is approved and your reply is published." in client.get(
        response.location).get_data(as_text=True)  # fmt: skip


def test_a_comment_moderated_meanwhile_is_not_answered(client, login_as, csrf, thread):
    login_as("editor")
    _post, pending, _approved, _spam = thread
    pending.status = "spam"  # someone else, after the editor's page was shown
    db.session.commit()
    response = reply(client, csrf, pending, "My <b>careful</b> answer", seen="pending")
    assert response.status_code == 409
    assert replies_to(pending) == []
    html = response.get_data(as_text=True)
    assert "Someone else moderated this comment" in html
    # The reply comes back as text, with the comment as it is now (spam: no send button).
    assert re.search(r'data-testid="reply-text">\s*My &lt;b&gt;careful&lt;/b&gt; answer</textarea>',
                     html)  # fmt: skip
    assert "badge-spam" in html


def test_a_reply_sent_again_after_a_conflict_is_published(client, login_as, csrf, thread):
    login_as("editor")
    _post, _pending, approved, _spam = thread
    response = reply(client, csrf, approved, "Still true", seen="pending")  # stale: conflict
    assert response.status_code == 409
    seen = re.search(r'name="seen" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert seen == f"{approved.id}:approved"  # the page sends what it shows
    again = client.post("/admin/comments/reply/", data={
        "parent": approved.id, f"text-{approved.id}": "Still true", "seen": seen,
        "csrf_token": csrf()})  # fmt: skip
    assert again.status_code == 302
    assert [r.text for r in replies_to(approved)] == ["Still true"]


def test_a_too_long_reply_is_shown_again_whole_and_escaped(client, login_as, csrf, thread):
    login_as("editor")
    _post, _pending, approved, _spam = thread
    text = "<script>x</script>" + "a" * 5001
    response = reply(client, csrf, approved, text, seen="approved")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A reply can be at most 5,000 characters long; yours has 5,019." in html
    assert "&lt;script&gt;x&lt;/script&gt;" + "a" * 5001 + "</textarea>" in html
    assert replies_to(approved) == []


def test_an_empty_reply_is_refused_with_a_message(client, login_as, csrf, thread):
    login_as("editor")
    _post, pending, _approved, _spam = thread
    response = reply(client, csrf, pending, "   ", seen="pending")
    assert "Write a reply before sending it." in client.get(response.location).get_data(
        as_text=True)  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Comment, pending.id).status == "pending"  # not approved either


def test_spam_cannot_be_answered_and_unknown_comments_are_told(client, login_as, csrf, thread):
    login_as("editor")
    _post, _pending, _approved, spam = thread
    response = reply(client, csrf, spam, "hello")
    assert response.status_code == 409
    assert "Only pending and approved comments" in response.get_data(as_text=True)
    gone = client.post("/admin/comments/reply/", data={
        "parent": "999999", "text-999999": "hi there", "csrf_token": csrf()})  # fmt: skip
    assert gone.status_code == 404
    assert "no longer exists" in gone.get_data(as_text=True)
    assert "hi there</textarea>" in gone.get_data(as_text=True)


def test_a_reply_to_a_reply_joins_the_thread_of_its_comment(client, login_as, csrf, thread):
    login_as("editor")
    _post, _pending, approved, _spam = thread
    reply(client, csrf, approved, "first answer")
    [first] = replies_to(approved)
    reply(client, csrf, first, "second answer")
    assert [r.text for r in replies_to(approved)] == ["first answer", "second answer"]


def test_only_editors_reply(client, login_as, csrf, thread):
    login_as("author")
    _post, _pending, approved, _spam = thread
    assert reply(client, csrf, approved, "sneaky").status_code == 403
    assert replies_to(approved) == []


def test_the_public_post_shows_each_comment_with_its_replies(client, login_as, csrf, thread):
    login_as("editor")
    post, pending, approved, _spam = thread
    reply(client, csrf, approved, "Glad you like it")
    html = client.get(f"/post/{post.slug}").get_data(as_text=True)
    thread_html = re.search(rf'<article[^>]*id="comment-{approved.id}".*?</article>\s*</div>',
                            html, re.S).group(0)  # fmt: skip
    assert "Glad you like it" in thread_html and "Editor" in thread_html
    assert "2 comments" in html  # the comment and its reply
    assert "A question?" not in html  # still pending


def test_pages_count_threads_so_replies_never_push_comments_to_another_page(app, thread):
    post, _pending, approved, _spam = thread
    db.session.add_all(
        [Comment(post=post, parent_id=approved.id, author_name="E", text=f"r{i}",
                 status="approved") for i in range(PER_PAGE + 5)]
        + [Comment(post=post, author_name="R", text=f"c{i}", status="approved")
           for i in range(PER_PAGE - 1)]
    )  # fmt: skip
    db.session.commit()
    page = approved_comments(db.session, post.id, 1)
    assert page.pages == 1 and len(page.comments) == PER_PAGE
    assert len(page.replies_to(approved)) == PER_PAGE + 5
    assert page.total == 1 + (PER_PAGE + 5) + (PER_PAGE - 1)


def test_a_page_of_threads_costs_three_statements(app, thread, count_queries):
    post, _pending, approved, _spam = thread
    db.session.add(Comment(post=post, parent_id=approved.id, author_name="E", text="r",
                           status="approved"))  # fmt: skip
    db.session.commit()
    post_id = post.id
    with count_queries as counted:
        approved_comments(db.session, post_id, 1)
    assert len(counted) == 3, counted.statements  # count, page, replies
