"""Moderation rules: what happens to a comment from the public blog, the rules page (admins,
audited, compare-and-set), the badges and the filter per reason, and applying changed rules
to the pending queue after a preview, with an undo."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from backoffice.domain.comment_rules import RuleSet, words
from backoffice.extensions import db
from backoffice.models import RULES_ID, AuditEntry, Comment, ModerationRules, Post


@pytest.fixture
def post(app):
    entry = Post(title="Rules post", slug="rules-post", status="published")
    db.session.add(entry)
    db.session.commit()
    return entry


def set_rules(**fields):
    rules = db.session.get(ModerationRules, RULES_ID) or ModerationRules(id=RULES_ID)
    values = {"link_limit": 2, "hold_words": "", "spam_words": "", "approve_known": False,
              "known_count": 1} | fields  # fmt: skip
    for name, value in values.items():
        setattr(rules, name, value)
    db.session.add(rules)
    db.session.commit()
    return rules


def send_comment(client, csrf, text, name="Reader", email="reader@example.org"):
    return client.post(
        "/post/rules-post",
        data={"author_name": name, "email": email, "text": text, "csrf_token": csrf()},
    )


def newest():
    db.session.expire_all()
    return db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()


# -- the rules themselves -------------------------------------------------------------------
def test_word_lists_are_one_per_line_without_case_blanks_or_repeats():
    assert words("Casino\n\n  cheap pills \ncasino\n") == ["casino", "cheap pills"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", ("pending", None, None)),
        ("see https://a.example and www.b.example", ("pending", "links", "2")),
        ("one link http://a.example", ("pending", None, None)),
        ("a CASINO nearby", ("pending", "word", "casino")),
        ("buy Viagra here", ("spam", "spam_word", "viagra")),
        # Spam words are checked first, even with too many links and a hold word.
        ("casino viagra http://a http://b", ("spam", "spam_word", "viagra")),
        # Inside longer words too, as WordPress matches.
        ("casinos are fun", ("pending", "word", "casino")),
    ],
)
def test_a_comment_meets_the_rules_in_order(text, expected):
    rules = RuleSet(link_limit=2, hold_words=("casino",), spam_words=("viagra",),
                    approve_known=False, known_count=1)  # fmt: skip
    verdict = rules.verdict("Reader", None, text, approved_before=0)
    assert (verdict.status, verdict.reason, verdict.detail) == expected


def test_words_are_matched_in_the_name_and_the_email_too():
    rules = RuleSet(0, ("casino",), ("spammer",), False, 1)
    assert rules.verdict("Casino Bob", None, "hi", 0).reason == "word"
    assert rules.verdict("Bob", "spammer@example.org", "hi", 0).status == "spam"


def test_a_link_limit_of_zero_holds_no_comment_for_its_links():
    rules = RuleSet(0, (), (), False, 1)
    assert rules.verdict("R", None, "http://a http://b http://c", 0).reason is None


def test_known_authors_are_approved_only_with_enough_approved_comments():
    rules = RuleSet(2, (), (), True, 2)
    assert rules.verdict("R", "r@example.org", "hi", approved_before=1).status == "pending"
    assert rules.verdict("R", "r@example.org", "hi", approved_before=2).status == "approved"
    assert rules.verdict("R", None, "hi", approved_before=5).status == "pending"
    # A rule that holds outranks a known author.
    assert rules.verdict("R", "r@example.org", "http://a http://b", 9).status == "pending"


# -- comments arriving from the blog -----------------------------------------------------------
def test_the_blog_holds_spams_and_approves_by_the_rules(client, csrf, post):
    set_rules(link_limit=2, hold_words="casino", spam_words="viagra", approve_known=True)
    send_comment(client, csrf, "See http://a.example and http://b.example")
    held = newest()
    assert (held.status, held.hold_reason, held.hold_detail) == ("pending", "links", "2")
    response = send_comment(client, csrf, "cheap VIAGRA")
    assert (newest().status, newest().hold_reason) == ("spam", "spam_word")
    # The sender is told the same as for any held comment: a spammer learns nothing.
    assert "once a moderator approves it" in client.get(response.location).get_data(as_text=True)
    send_comment(client, csrf, "the casino", email="other@example.org")
    assert (newest().status, newest().hold_detail) == ("pending", "casino")


def test_an_author_with_an_approved_comment_is_published_at_once(client, csrf, post):
    set_rules(approve_known=True, known_count=1)
    db.session.add(Comment(post=post, author_name="Known", email="known@example.org",
                           text="earlier", status="approved"))  # fmt: skip
    db.session.commit()
    response = send_comment(client, csrf, "hello again", email="known@example.org")
    assert newest().status == "approved"
    assert "Your comment is published" in client.get(response.location).get_data(as_text=True)
    send_comment(client, csrf, "first time", email="new@example.org")
    assert newest().status == "pending"


def test_without_saved_rules_comments_wait_and_links_are_held_at_two(client, csrf, post):
    send_comment(client, csrf, "no links")
    assert (newest().status, newest().hold_reason) == ("pending", None)
    send_comment(client, csrf, "http://a and http://b")
    assert newest().hold_reason == "links"


# -- the rules page ----------------------------------------------------------------------------
def rules_form(csrf, version, **fields):
    data = {"link_limit": "3", "hold_words": "casino\npoker", "spam_words": "viagra",
            "known_count": "2", "version": str(version), "csrf_token": csrf()}  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_only_admins_open_the_rules_page(client, login_as):
    login_as("editor")
    assert client.get("/admin/comment-rules/").status_code == 403
    login_as("admin")
    page = client.get("/admin/comment-rules/")
    assert page.status_code == 200
    assert 'data-testid="rules-form"' in page.get_data(as_text=True)


def shown_version(client) -> str:
    html = client.get("/admin/comment-rules/").get_data(as_text=True)
    return re.search(r'name="version"[^>]*value="(\d+)"', html).group(1)


def test_looking_at_the_rules_saves_nothing_and_the_first_save_makes_them(client, login_as,
                                                                          csrf):  # fmt: skip
    login_as("admin")
    assert shown_version(client) == "0"
    assert db.session.get(ModerationRules, RULES_ID) is None
    rules_entries = select(AuditEntry).where(AuditEntry.object_type == "ModerationRules")
    assert db.session.scalars(rules_entries).all() == []
    response = client.post("/admin/comment-rules/", data=rules_form(csrf, 0))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ModerationRules, RULES_ID).version == 1
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert re.search(r'<a href="/admin/comment-rules/">Moderation rules</a>', page)


def test_admins_save_the_rules_and_the_change_is_audited(client, login_as, csrf, app):
    admin = login_as("admin")
    set_rules()
    version = int(shown_version(client))
    response = client.post(
        "/admin/comment-rules/", data=rules_form(csrf, version, approve_known="y")
    )
    assert response.status_code == 303
    db.session.expire_all()
    rules = db.session.get(ModerationRules, RULES_ID)
    assert (rules.link_limit, rules.hold_words, rules.spam_words, rules.approve_known,
            rules.known_count) == (3, "casino\npoker", "viagra", True, 2)  # fmt: skip
    assert rules.version == version + 1
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "ModerationRules")
        .order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.user_id == admin.id
    assert entry.changes["link_limit"] == [2, 3]


def test_rules_saved_meanwhile_are_not_overwritten_and_the_typing_is_kept(client, login_as, csrf):
    login_as("admin")
    stale = shown_version(client)  # the defaults, never saved
    set_rules(hold_words="someone else's words")
    response = client.post("/admin/comment-rules/",
                           data=rules_form(csrf, stale, hold_words="mine"))  # fmt: skip
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved the rules" in html
    assert re.search(r">\s*mine</textarea>", html)
    db.session.expire_all()
    assert db.session.get(ModerationRules, RULES_ID).hold_words == "someone else's words"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"link_limit": "many"}, "Not a valid integer"),
        ({"link_limit": "-1"}, "Enter a number from 0 to 100."),
        ({"known_count": "0"}, "Enter a number from 1 to 1000."),
        ({"hold_words": "x" * 201}, "at most 200 characters"),
        ({"spam_words": "\n".join(f"w{i}" for i in range(501))}, "At most 500 words"),
    ],
)
def test_bad_rules_get_a_clear_error_and_nothing_is_saved(client, login_as, csrf, fields,
                                                          message):  # fmt: skip
    login_as("admin")
    set_rules()
    version = shown_version(client)
    response = client.post("/admin/comment-rules/", data=rules_form(csrf, version, **fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert str(db.session.get(ModerationRules, RULES_ID).version) == version


def test_hostile_words_are_shown_as_text(client, login_as, csrf, post):
    login_as("admin")
    set_rules(hold_words='<script>alert(1)</script>\n"><img src=x>')
    html = client.get("/admin/comment-rules/").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- the queue: badges, filter ----------------------------------------------------------------
@pytest.fixture
def held(post):
    rows = [
        Comment(post=post, author_name="A", text="x", hold_reason="links", hold_detail="3"),
        Comment(post=post, author_name="B", text="y", hold_reason="word",
                hold_detail="<b>casino</b>"),
        Comment(post=post, author_name="C", text="z"),
    ]  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_the_queue_shows_why_each_held_comment_waits(client, login_as, held):
    login_as("editor")
    html = client.get("/admin/comments/").get_data(as_text=True)
    assert re.search(r'data-testid="hold-links">3 links<', html)
    assert 'data-testid="hold-word">word: &lt;b&gt;casino&lt;/b&gt;<' in html
    assert html.count('class="badge badge-hold"') == 2


def test_the_queue_filters_by_reason_and_the_badge_links_there(client, login_as, held):
    login_as("editor")
    html = client.get("/admin/comments/").get_data(as_text=True)
    link = re.search(r'<a class="badge badge-hold" href="([^"]+)"[^>]*data-testid="hold-links"',
                     html).group(1).replace("&amp;", "&")  # fmt: skip
    filtered = client.get(link).get_data(as_text=True)
    ids = {int(i) for i in re.findall(r'name="rowid" value="(\d+)"', filtered)}
    assert ids == {held[0].id}


# -- applying the rules to the queue ------------------------------------------------------------
def test_the_preview_counts_what_would_move_and_changes_nothing(client, login_as, post):
    login_as("admin")
    set_rules(hold_words="casino", spam_words="viagra")
    db.session.add_all([
        Comment(post=post, author_name="A", text="viagra"),
        Comment(post=post, author_name="B", text="casino"),
        Comment(post=post, author_name="C", text="fine"),
        Comment(post=post, author_name="D", text="viagra", status="approved"),
    ])  # fmt: skip
    db.session.commit()
    html = client.get("/admin/comment-rules/preview/").get_data(as_text=True)
    assert re.search(r'data-testid="plan-spam">1 would go to spam', html)
    assert re.search(r'data-testid="plan-reasons">2 would show a new reason', html)
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Comment.status))) == [
        "approved", "pending", "pending", "pending"]  # fmt: skip


def test_applying_moves_the_queue_in_one_batch_that_undo_puts_back(client, login_as, csrf, post):
    login_as("admin")
    set_rules(spam_words="viagra", approve_known=True)
    spam = Comment(post=post, author_name="A", text="viagra")
    known = Comment(post=post, author_name="K", email="k@example.org", text="hi")
    earlier = Comment(post=post, author_name="K", email="k@example.org", text="old",
                      status="approved")  # fmt: skip
    db.session.add_all([spam, known, earlier])
    db.session.commit()
    version = db.session.get(ModerationRules, RULES_ID).version
    response = client.post("/admin/comment-rules/apply/",
                           data={"version": version, "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 303
    queue = client.get(response.location).get_data(as_text=True)
    assert "The rules are applied: 2 comments moved." in queue
    db.session.expire_all()
    assert (db.session.get(Comment, spam.id).status, db.session.get(Comment, known.id).status) \
        == ("spam", "approved")  # fmt: skip
    assert db.session.get(Comment, spam.id).hold_reason == "spam_word"
    batch = re.search(r'name="batch" value="(\w+)"', queue).group(1)
    client.post("/admin/comments/undo/", data={"batch": batch, "csrf_token": csrf()})
    db.session.expire_all()
    assert db.session.get(Comment, spam.id).status == "pending"
    assert db.session.get(Comment, known.id).status == "pending"


def test_applying_rules_changed_since_the_preview_is_refused(client, login_as, csrf, post):
    login_as("admin")
    set_rules(spam_words="viagra")
    db.session.add(Comment(post=post, author_name="A", text="viagra"))
    db.session.commit()
    stale = db.session.get(ModerationRules, RULES_ID).version
    set_rules(spam_words="")
    response = client.post("/admin/comment-rules/apply/",
                           data={"version": stale, "csrf_token": csrf()})  # fmt: skip
    assert "/preview/" in response.location
    db.session.expire_all()
    assert db.session.scalars(select(Comment.status)).all() == ["pending"]
