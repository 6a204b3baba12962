"""The audit log screen: admins only, filters, readable changes, links and object history."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import unescape

import pytest
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from sqlalchemy import select

from backoffice.admin.filters import DateTimeBetween as TimeBetweenFilter
from backoffice.admin.filters import DateTimeGreater as TimeAfterFilter
from backoffice.admin.links import history_url, list_url
from backoffice.extensions import db
from backoffice.models import AuditEntry, Comment, Post, Reminder, Role, Tag, User
from backoffice.models.clock import utcnow


def cells(html: str, column: str) -> list[str]:
    found = re.findall(rf'<td class="col-{column}">\s*(.*?)\s*</td>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in found]


def log(user: User | None, action: str, object_type: str, object_id: str, label: str,
        when: datetime, changes: dict | None = None) -> AuditEntry:  # fmt: skip
    entry = AuditEntry(user=user, action=action, object_type=object_type, object_id=object_id,
                       object_label=label, created_at=when, changes=changes or {})  # fmt: skip
    db.session.add(entry)
    db.session.commit()
    return entry


LABELS = {"Alice's post", "Bob's tag", "Alice's comment"}


@pytest.fixture
def entries(make_user):
    """Three entries by two users in 2024 (the sign-ups of today are logged too)."""
    alice, bob = make_user("alice", "admin"), make_user("bob", "editor")
    log(alice, "create", "Post", "1", "Alice's post", datetime(2024, 1, 10, 9, 0))
    log(bob, "update", "Tag", "2", "Bob's tag", datetime(2024, 2, 10, 9, 0))
    log(alice, "delete", "Comment", "3", "Alice's comment", datetime(2024, 3, 10, 9, 0))
    return alice, bob


def shown(client, *conditions) -> list[str]:
    """Which of the three entries the audit list shows when filtered by ``conditions``."""
    with client.application.test_request_context():
        url = list_url("audit", *conditions)
    html = client.get(url).get_data(as_text=True)
    return sorted(label for label in cells(html, "object_label") if label in LABELS)


# -- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("editor", 403), ("author", 403), ("translator", 403), ("anonymous", 302)],
)
def test_only_admins_may_read_the_audit_log(client, login_as, role, status):
    if role != "anonymous":
        login_as(role)
    assert client.get("/admin/audit/").status_code == status


# -- filters -------------------------------------------------------------------------------


def test_filter_by_user(client, login_as, entries):
    login_as("admin")
    assert shown(client, ("user.username", FilterEqual, "alice")) == [
        "Alice's comment", "Alice's post"]  # fmt: skip
    assert shown(client, ("user.username", FilterLike, "bo")) == ["Bob's tag"]


@pytest.mark.parametrize(
    ("action", "labels"),
    [("create", ["Alice's post"]), ("update", ["Bob's tag"]), ("delete", ["Alice's comment"]),
     ("merge", [])],
)  # fmt: skip
def test_filter_by_action(client, login_as, entries, action, labels):
    login_as("admin")
    assert shown(client, ("action", FilterEqual, action)) == labels


def test_filter_by_object_type(client, login_as, entries):
    login_as("admin")
    assert shown(client, ("object_type", FilterEqual, "Tag")) == ["Bob's tag"]
    assert shown(client, ("object_type", FilterEqual, "Reminder")) == []


def test_filter_by_date_range(client, login_as, entries):
    login_as("admin")
    february = "2024-02-01 00:00:00 to 2024-02-29 23:59:59"
    assert shown(client, ("created_at", TimeBetweenFilter, february)) == ["Bob's tag"]
    after = shown(client, ("created_at", TimeAfterFilter, "2024-02-01 00:00:00"))
    assert after == ["Alice's comment", "Bob's tag"]


def test_date_filters_read_the_time_in_the_readers_zone(client, login_as, entries):
    admin = login_as("admin")
    admin.timezone = "Asia/Tokyo"  # UTC+9: 18:30 in Tokyo is 09:30 UTC
    db.session.commit()
    assert shown(client, ("created_at", TimeAfterFilter, "2024-03-10 18:30:00")) == []
    assert shown(client, ("created_at", TimeAfterFilter, "2024-03-10 17:30:00")) == [
        "Alice's comment"]  # fmt: skip


def test_filters_combine(client, login_as, entries):
    login_as("admin")
    assert shown(
        client, ("user.username", FilterEqual, "alice"), ("object_type", FilterEqual, "Post")
    ) == ["Alice's post"]


def test_a_malformed_date_filter_is_a_message_not_an_error(client, login_as, entries):
    login_as("admin")
    with client.application.test_request_context():
        url = list_url("audit", ("created_at", TimeBetweenFilter, "yesterday to <b>now</b>"))
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Invalid Filter Value" in html and "<b>now</b>" not in html


def test_action_and_type_filters_offer_named_choices(client, login_as):
    login_as("admin")
    html = client.get("/admin/audit/").get_data(as_text=True)
    groups = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S)[1])
    actions = dict(groups["Action"][0]["options"])
    assert actions == {"create": "Created", "update": "Updated", "delete": "Deleted",
                       "merge": "Merged", "moderate": "Moderated", "undo": "Undone"}  # fmt: skip
    types = dict(groups["Object type"][0]["options"])
    assert set(types) == {"Post", "Comment", "Tag", "User", "Role", "Reminder", "Translation",
                          "GlossaryTerm", "ModerationRules"}  # fmt: skip
    assert types["GlossaryTerm"] == "Glossary term"
    assert types["ModerationRules"] == "Moderation rules"


# -- what a row shows ----------------------------------------------------------------------


def test_rows_show_translated_action_user_and_local_time(client, login_as, csrf, entries):
    admin = login_as("admin")
    admin.timezone = "Europe/Berlin"
    db.session.commit()
    html = client.get("/admin/audit/").get_data(as_text=True)
    # Newest first: the three entries of 2024 come after today's sign-ups.
    assert cells(html, "action")[-3:] == ["Deleted", "Updated", "Created"]
    assert cells(html, "user")[-3:] == ["alice", "bob", "alice"]
    assert cells(html, "object_type")[-3:] == ["Comment", "Tag", "Post"]
    assert cells(html, "created_at")[-3] == "Mar 10, 2024, 10:00:00\u202fAM"
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert cells(html, "created_at")[-3] == "10.03.2024, 10:00:00"


def test_changes_read_as_old_to_new(client, login_as):
    login_as("admin")
    log(None, "update", "Post", "1", "P", utcnow(), {"title": ["Old", "New"],
                                                    "tags": [["a"], ["a", "b"]]})  # fmt: skip
    html = client.get("/admin/audit/").get_data(as_text=True)
    field = '<span class="audit-field" data-field="{}">{}</span>'
    tags, title = field.format("tags", "Tags"), field.format("title", "Title")
    assert f"<li>{tags}: <bdi>a</bdi> → <bdi>a and b</bdi></li>" in html
    assert f"<li>{title}: <bdi>Old</bdi> → <bdi>New</bdi></li>" in html
    assert cells(html, "user")[0] == "System"


def test_fields_read_as_the_forms_label_them_in_the_language(client, login_as, csrf):
    """One mapping: a column's label in the log is the one its view's list and form show."""
    login_as("admin")
    changes = {"username": [None, "ana"], "roles": [None, ["author", "admin"]],
               "active": [None, True], "locale": [None, "de"], "password_hash": ["***", "***"],
               "made_up": [None, "x"]}  # fmt: skip
    log(None, "create", "User", "1", "ana", utcnow(), changes)
    log(None, "merge", "Tag", "2", "t", utcnow(), {"merged_into": ["a", "b"]})
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    html = client.get("/admin/audit/").get_data(as_text=True)
    fields = dict(re.findall(r'data-field="([^"]+)">([^<]*)</span>', html))
    form = client.get("/admin/users/new/").get_data(as_text=True)
    for column in ("username", "roles", "active", "locale"):
        label = re.search(rf'<label[^>]*for="{column}"[^>]*>\s*([^<]*?)\s*<', form).group(1)
        assert fields[column] == unescape(label).strip() != column
    assert fields["username"] == "Benutzername"
    assert fields["made_up"] == "made_up"  # unknown: the column, as it is
    assert fields["password_hash"] != "password_hash" and fields["merged_into"] != "merged_into"
    assert "<bdi>Administrator und Autor</bdi>" in html  # role names, joined the German way


def test_long_values_are_cut_in_the_list_and_whole_in_the_details(client, login_as):
    login_as("admin")
    body = "word " * 100
    entry = log(None, "update", "Post", "1", "P", utcnow(), {"body": ["", body]})
    listing = client.get("/admin/audit/").get_data(as_text=True)
    assert body not in listing.replace(f'title="{body}"', "")
    assert "…</bdi>" in listing
    details = client.get(f"/admin/audit/details/?id={entry.id}").get_data(as_text=True)
    assert f"<bdi>{body}</bdi>" in details


def test_hostile_values_are_escaped_in_the_list_and_the_details(client, login_as, csrf):
    login_as("admin")
    client.post("/admin/posts/new/", data={"title": "<script>alert(1)</script>",
                                           "status": "draft", "csrf_token": csrf()})  # fmt: skip
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "Post"))
    for url in ("/admin/audit/", f"/admin/audit/details/?id={entry.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


# -- links to objects ----------------------------------------------------------------------


def test_entries_link_to_objects_that_still_exist(client, login_as, csrf):
    login_as("admin")
    kept, gone = Post(title="Kept", slug="kept"), Post(title="Gone", slug="gone")
    db.session.add_all([kept, gone])
    db.session.commit()
    gone_id = gone.id
    client.post("/admin/posts/delete/", data={"id": gone_id, "csrf_token": csrf()})
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert f'<a href="/admin/posts/edit/?id={kept.id}">Kept</a>' in html
    assert f'href="/admin/posts/edit/?id={gone_id}"' not in html
    assert "Gone" in cells(html, "object_label")


def test_object_links_cost_one_query_per_type_not_per_row(client, login_as, count_queries):
    login_as("admin")

    def add_objects(prefix: str, n: int) -> None:
        for i in range(n):
            db.session.add_all([Post(title=f"{prefix} {i}", slug=f"{prefix}-{i}"),
                                Tag(title=f"{prefix} {i}")])  # fmt: skip
        db.session.commit()

    add_objects("few", 1)
    with count_queries as counter:
        client.get("/admin/audit/")
    few = len(counter)
    add_objects("many", 8)
    with count_queries as counter:
        client.get("/admin/audit/")
    assert few == len(counter), counter.statements


# -- history -------------------------------------------------------------------------------


def test_history_from_a_posts_edit_page_shows_that_post_only(client, login_as, csrf):
    login_as("admin")
    for title in ("Mine", "Another"):
        client.post("/admin/posts/new/", data={"title": title, "status": "draft",
                                               "csrf_token": csrf()})  # fmt: skip
    post = db.session.scalar(select(Post).where(Post.title == "Mine"))
    revision = {"title": "Mine, revised", "slug": post.slug, "status": "draft"}
    client.post(f"/admin/posts/edit/?id={post.id}", data={**revision, "csrf_token": csrf()})
    edit = client.get(f"/admin/posts/edit/?id={post.id}").get_data(as_text=True)
    href = re.search(r'href="([^"]+)" data-testid="history-link"', edit)[1].replace("&amp;", "&")
    history = client.get(href).get_data(as_text=True)
    assert cells(history, "action") == ["Updated", "Created"]
    assert cells(history, "object_label") == ["Mine, revised", "Mine"]


def test_history_url_is_built_from_the_audit_views_filters(app):
    post = Post(title="P", slug="p")
    db.session.add(post)
    db.session.commit()
    with app.test_request_context():
        expected = list_url("audit", ("object_type", FilterEqual, "Post"),
                            ("object_id", FilterEqual, str(post.id)))  # fmt: skip
        assert history_url(post) == expected
        assert history_url(Post(title="unsaved", slug="u")) is None


@pytest.mark.parametrize("model", [Post, Comment, Tag, Reminder, User, Role])
def test_every_model_edit_page_offers_the_history(client, login_as, model):
    login_as("admin")
    post = Post(title="P", slug="p")
    obj = {
        Post: lambda: post,
        Comment: lambda: Comment(post=post, author_name="a", text="t"),
        Tag: lambda: Tag(title="t"),
        Reminder: lambda: Reminder(date=utcnow(), email="a@example.org", text="x"),
        User: lambda: User(username="u", password_hash="x"),
        Role: lambda: db.session.scalar(select(Role).where(Role.name == "editor")),
    }[model]()
    db.session.add_all([post, obj])
    db.session.commit()
    endpoint = {Post: "posts", Comment: "comments", Tag: "tags", Reminder: "reminders",
                User: "users", Role: "roles"}[model]  # fmt: skip
    html = client.get(f"/admin/{endpoint}/edit/?id={obj.id}").get_data(as_text=True)
    href = re.search(r'href="([^"]+)" data-testid="history-link"', html)[1].replace("&amp;", "&")
    labels = cells(client.get(href).get_data(as_text=True), "object_label")
    assert labels and set(labels) == {str(obj)}


def test_editors_get_no_history_button(client, login_as):
    login_as("editor")
    post = Post(title="P", slug="p")
    db.session.add(post)
    db.session.commit()
    html = client.get(f"/admin/posts/edit/?id={post.id}").get_data(as_text=True)
    assert 'data-testid="history-link"' not in html
    assert "/admin/audit/" not in html
