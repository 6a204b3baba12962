"""Who may open what: the access table, checked endpoint by endpoint."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice.extensions import db
from backoffice.models import AuditEntry, Comment, Post, Reminder, Role, Tag, User
from backoffice.models.clock import utcnow
from backoffice.security.redirects import is_safe_path, safe_next

ROLES = ["admin", "editor", "author", "translator", "nobody", "anonymous"]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)

# The access table, written out independently of the code: view -> roles that may open it.
ALLOWED = {
    "posts": {"admin", "editor", "author"},
    "comments": {"admin", "editor"},
    "tags": {"admin", "editor"},
    "reminders": {"admin", "editor"},
    "users": {"admin"},
    "roles": {"admin"},
    "audit": {"admin"},
}
# Views whose rows may be deleted at all (by the roles allowed to open them).
DELETABLE = {"posts", "comments", "tags", "reminders", "users"}
CREATABLE = {"posts", "tags", "reminders", "users"}


def _make_object(view: str) -> int:
    """One row for ``view``, owned by a *different* author where ownership matters."""
    other = User(username="someone-else", password_hash="x")
    db.session.add(other)
    post = Post(title="Another author's post", slug="another", author=other, body="<p>x</p>")
    db.session.add(post)
    db.session.flush()
    obj = {
        "posts": lambda: post,
        "comments": lambda: Comment(post=post, author_name="Ann", text="Hello"),
        "tags": lambda: Tag(title="Flask"),
        "reminders": lambda: Reminder(date=utcnow(), email="a@example.org", text="Call"),
        "users": lambda: other,
        "roles": lambda: db.session.scalar(select(Role).where(Role.name == "translator")),
        "audit": lambda: AuditEntry(action="update", object_type="Post", object_id="1"),
    }[view]()
    db.session.add(obj)
    db.session.commit()
    return obj.id


def _sign_in(role: str, login_as) -> None:
    if role != "anonymous":
        login_as(role)


def _assert_denied(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response.location.startswith("/login")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", sorted(ALLOWED))
@pytest.mark.parametrize("page", ["list", "create", "edit", "details"])
def test_opening_admin_pages_follows_the_roles_table(client, login_as, view, role, page):
    obj_id = _make_object(view)
    _sign_in(role, login_as)
    url = {
        "list": f"/admin/{view}/",
        "create": f"/admin/{view}/new/",
        "edit": f"/admin/{view}/edit/?id={obj_id}",
        "details": f"/admin/{view}/details/?id={obj_id}",
    }[page]
    response = client.get(url)
    if role not in ALLOWED[view]:
        _assert_denied(response, role)
    elif role == "author" and view == "posts" and page in ("edit", "details"):
        assert response.status_code == 403  # another author's post
    elif page == "create" and view not in CREATABLE or page == "edit" and view == "audit":
        assert response.status_code == 302  # the view has no such page
        assert not response.location.startswith("/login")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", sorted(ALLOWED))
@pytest.mark.parametrize("how", ["delete", "action"])
def test_deleting_follows_the_roles_table(client, login_as, csrf, view, role, how):
    obj_id = _make_object(view)
    model = db.session.get(
        {
            "posts": Post,
            "comments": Comment,
            "tags": Tag,
            "reminders": Reminder,
            "users": User,
            "roles": Role,
            "audit": AuditEntry,
        }[view],  # fmt: skip
        obj_id,
    ).__class__
    _sign_in(role, login_as)
    token = csrf()
    if how == "delete":
        response = client.post(f"/admin/{view}/delete/", data={"id": obj_id, "csrf_token": token})
    else:
        response = client.post(
            f"/admin/{view}/action/",
            data={"action": "delete", "rowid": obj_id, "csrf_token": token},
        )
    db.session.expire_all()
    still_there = db.session.get(model, obj_id) is not None
    may_delete = role in ALLOWED[view] and view in DELETABLE
    if role == "author" and view == "posts":
        may_delete = False  # not their post
    if role not in ALLOWED[view]:
        _assert_denied(response, role)
    elif role == "author":
        assert response.status_code == 403  # another author's post, by URL or bulk action
    assert still_there is not may_delete


def test_author_edits_and_deletes_only_their_own_posts(client, login_as, csrf):
    author = login_as("author")
    mine = Post(title="Mine", slug="mine", author=author)
    theirs = Post(title="Theirs", slug="theirs", author=User(username="b", password_hash="x"))
    db.session.add_all([mine, theirs])
    db.session.commit()

    listing = client.get("/admin/posts/").get_data(as_text=True)
    assert "Mine" in listing and "Theirs" not in listing
    assert client.get(f"/admin/posts/edit/?id={mine.id}").status_code == 200
    assert client.get(f"/admin/posts/edit/?id={theirs.id}").status_code == 403

    response = client.post(
        f"/admin/posts/edit/?id={theirs.id}",
        data={"title": "Hijacked", "status": "draft", "csrf_token": csrf()},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, theirs.id).title == "Theirs"

    mine_id = mine.id
    client.post("/admin/posts/delete/", data={"id": mine_id, "csrf_token": csrf()})
    assert db.session.get(Post, mine_id) is None


def test_posts_created_by_an_author_belong_to_them(client, login_as, csrf):
    author = login_as("author")
    response = client.post(
        "/admin/posts/new/",
        data={
            "title": "My first post",
            "status": "draft",
            "body": "<p>Hi</p>",
            "csrf_token": csrf(),
        },
    )
    assert response.status_code == 302
    post = db.session.scalar(select(Post).where(Post.title == "My first post"))
    assert post.author_id == author.id
    assert post.slug == "my-first-post"


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("admin", ["Posts", "Comments", "Media library", "Users", "Audit log"], []),
        (
            "editor",
            ["Posts", "Comments", "Tags", "Reminders", "Media library"],
            ["Users", "Roles", "Audit log"],
        ),
        (
            "author",
            ["Posts", "Media library"],
            ["Comments", "Tags", "Reminders", "Users", "Audit log"],
        ),
        ("translator", ["Dashboard"], ["Posts", "Comments", "Media library", "Users", "Audit log"]),
    ],
)
def test_menu_shows_only_what_the_user_may_open(client, login_as, role, visible, hidden):
    login_as(role)
    html = client.get("/admin/").get_data(as_text=True)
    menu = html.split('id="admin-navbar-collapse"', 1)[1].split("</nav>", 1)[0]
    for name in visible:
        assert name in menu
    for name in hidden:
        assert name not in menu


# The media library (a file view, not a model view): operation -> roles that may perform it.
MEDIA_ALLOWED = {
    "list": {"admin", "editor", "author"},
    "download": {"admin", "editor", "author"},
    "upload": {"admin", "editor", "author"},
    "mkdir": {"admin", "editor"},
    "rename": {"admin", "editor"},
    "delete": {"admin", "editor"},
    "edit": set(),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(MEDIA_ALLOWED))
def test_media_library_follows_the_roles_table(app, client, login_as, csrf, role, operation):
    uploads = Path(app.config["UPLOADS_DIR"])
    (uploads / "a.png").write_bytes(PNG)
    _sign_in(role, login_as)
    token = csrf()
    response = {
        "list": lambda: client.get("/admin/media/"),
        "download": lambda: client.get("/admin/media/download/a.png"),
        "upload": lambda: client.post(
            "/admin/media/upload/",
            data={"upload": (io.BytesIO(PNG), "b.png"), "csrf_token": token},
            content_type="multipart/form-data",
        ),
        "mkdir": lambda: client.post(
            "/admin/media/mkdir/", data={"name": "new", "csrf_token": token}
        ),
        "rename": lambda: client.post(
            "/admin/media/rename/", data={"path": "a.png", "name": "c.png", "csrf_token": token}
        ),
        "delete": lambda: client.post(
            "/admin/media/delete/", data={"path": "a.png", "csrf_token": token}
        ),
        "edit": lambda: client.get("/admin/media/edit/?path=a.png"),
    }[operation]()
    response.close()
    after = sorted(path.name for path in uploads.iterdir())
    if role in MEDIA_ALLOWED[operation]:
        assert response.status_code in (200, 302)
        assert (after == ["a.png"]) is (operation in ("list", "download"))
        return
    if role in MEDIA_ALLOWED["list"]:
        assert response.status_code == 403  # may open the library, not do this
    else:
        _assert_denied(response, role)
    assert after == ["a.png"]


def test_dashboard_shows_real_counts(client, login_as):
    login_as("editor")
    post = Post(title="P", slug="p", status="draft")
    db.session.add_all(
        [
            post,
            Comment(post=post, author_name="a", text="t"),
            Comment(post=post, author_name="b", text="t"),
        ]
    )
    db.session.commit()
    html = client.get("/admin/").get_data(as_text=True)
    assert "Pending comments" in html
    assert '<div class="display-4 dashboard-count">2</div>' in html


def test_forbidden_page_is_a_page_not_a_redirect_loop(client, login_as):
    login_as("translator")
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert "Access denied" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_with_a_safe_next(client):
    response = client.get("/admin/comments/?page=2")
    assert response.status_code == 302
    assert response.location == "/login?next=/admin/comments/?page%3D2"


def test_sign_in_follows_a_safe_next_and_lands_there(client, make_user, csrf):
    make_user("ed", "editor")
    response = client.post(
        "/login",
        data={
            "username": "ed",
            "password": "correct horse battery",
            "next": "/admin/tags/",
            "csrf_token": csrf(),
        },  # fmt: skip
    )
    assert response.location == "/admin/tags/"


@pytest.mark.parametrize(
    "hostile",
    ["//evil.example", "https://evil.example/", "javascript:alert(1)", "/\\evil.example",
     "/\t/evil.example", "http:/evil.example", "\\\\evil.example", " //evil.example"],
)  # fmt: skip
def test_sign_in_never_follows_a_hostile_next(client, make_user, csrf, hostile):
    make_user("ed", "editor")
    response = client.post(
        "/login",
        data={
            "username": "ed",
            "password": "correct horse battery",
            "next": hostile,
            "csrf_token": csrf(),
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert response.location == "/admin/"


def test_wrong_password_is_refused_with_a_message(client, make_user, csrf):
    make_user("ed", "editor")
    response = client.post(
        "/login", data={"username": "ed", "password": "nope", "csrf_token": csrf()}
    )
    assert response.status_code == 200
    assert "Unknown username or wrong password." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_inactive_user_cannot_sign_in(client, make_user, csrf):
    make_user("ed", "editor", active=False)
    client.post(
        "/login", data={"username": "ed", "password": "correct horse battery", "csrf_token": csrf()}
    )
    assert client.get("/admin/").status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(client, login_as, csrf):
    login_as("editor")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data={"csrf_token": csrf()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_passwords_are_stored_hashed(make_user):
    user = make_user("ed", "editor")
    assert "correct horse battery" not in user.password_hash
    assert user.check_password("correct horse battery")
    assert not user.check_password("wrong")


@pytest.mark.parametrize(
    "url", ["/admin/posts/new/", "/admin/posts/delete/", "/admin/posts/action/", "/language",
            "/logout", "/login"],
)  # fmt: skip
def test_posts_without_a_csrf_token_are_refused(client, login_as, url):
    login_as("admin")
    before = db.session.scalar(select(Post.id).limit(1))
    response = client.post(url, data={"title": "x", "status": "draft", "id": "1", "locale": "de",
                                      "action": "delete", "rowid": "1"})  # fmt: skip
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(Post.id).limit(1)) == before


def test_comment_bulk_action_without_csrf_changes_nothing(client, login_as):
    login_as("editor")
    post = Post(title="P", slug="p")
    comment = Comment(post=post, author_name="a", text="t")
    db.session.add_all([post, comment])
    db.session.commit()
    response = client.post(
        "/admin/comments/action/", data={"action": "approve", "rowid": comment.id}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "pending"


def test_users_password_is_set_through_the_form_and_never_shown(client, login_as, csrf):
    login_as("admin")
    response = client.post(
        "/admin/users/new/",
        data={
            "username": "newbie",
            "password": "a long password",
            "active": "y",
            "csrf_token": csrf(),
        },  # fmt: skip
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    user = db.session.scalar(select(User).where(User.username == "newbie"))
    assert user.check_password("a long password")
    for url in (
        "/admin/users/",
        f"/admin/users/edit/?id={user.id}",
        f"/admin/users/details/?id={user.id}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert user.password_hash not in html
        assert "scrypt:" not in html and "pbkdf2:" not in html


def test_creating_a_user_without_a_password_is_refused(client, login_as, csrf):
    login_as("admin")
    response = client.post(
        "/admin/users/new/", data={"username": "nopass", "active": "y", "csrf_token": csrf()}
    )
    assert response.status_code == 200
    assert "Set a password for the new user." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "nopass")) is None


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/admin/", True), ("/admin/posts/?page=2&sort=1", True), ("//evil.example", False),
     ("https://evil.example", False), ("javascript:alert(1)", False), ("/\\evil", False),
     ("/\t/evil", False), ("/\n/evil", False), ("", False), (None, False), ("admin", False),
     ("\\/evil", False), ("/" + "a" * 3000, False)],
)  # fmt: skip
def test_only_same_site_paths_are_safe(target, safe):
    assert is_safe_path(target) is safe
    assert safe_next(target, "/fallback") == (target if safe else "/fallback")


def test_an_admin_can_edit_a_user_and_keep_the_username(client, login_as, csrf, make_user):
    login_as("admin")
    user = make_user("keepme", "author")
    response = client.post(f"/admin/users/edit/?id={user.id}", data={
        "username": "keepme", "email": "k@example.org", "active": "y",
        "roles": [str(r.id) for r in user.roles], "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "k@example.org"


def test_a_duplicate_username_is_refused_on_the_form(client, login_as, csrf, make_user):
    login_as("admin")
    make_user("taken", "author")
    response = client.post(
        "/admin/users/new/",
        data={
            "username": "taken",
            "password": "long enough pw",
            "active": "y",
            "csrf_token": csrf(),
        },
    )
    assert response.status_code == 200
    assert "Already exists." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "bad_id", ["abc", "-1", "0", "1.5", "' OR 1=1 --", "9999999999", "9" * 40, "", "١٢"]
)
@pytest.mark.parametrize("page", ["edit", "details"])
def test_hostile_ids_are_not_found_never_a_server_error(client, login_as, bad_id, page):
    login_as("admin")
    response = client.get(f"/admin/posts/{page}/", query_string={"id": bad_id})
    assert response.status_code == 302  # back to the list, with "Record does not exist."
    assert "/admin/posts/" in response.location


@pytest.mark.parametrize(
    "query",
    [{"page": "-5"}, {"page": "abc"}, {"sort": "99"}, {"search": "%_'\""},
     {"flt0_published_at_greater_than": "not a date"}, {"page_size": "100000"}],
)  # fmt: skip
def test_hostile_list_arguments_never_cause_a_server_error(client, login_as, query):
    login_as("admin")
    assert client.get("/admin/posts/", query_string=query).status_code < 500


@pytest.mark.parametrize(("view", "action"), [("posts", "delete"), ("comments", "approve")])
@pytest.mark.parametrize("rowid", ["9" * 30, "2147483648", "abc", "-3"])
def test_bulk_actions_ignore_ids_that_cannot_exist(client, login_as, csrf, view, action, rowid):
    login_as("admin")
    response = client.post(
        f"/admin/{view}/action/", data={"action": action, "rowid": rowid, "csrf_token": csrf()}
    )
    assert response.status_code == 302


def test_author_bulk_delete_including_another_authors_post_is_refused_whole(client, login_as, csrf):
    author = login_as("author")
    mine = Post(title="Mine", slug="mine", author=author)
    theirs = Post(title="Theirs", slug="theirs", author=User(username="b", password_hash="x"))
    db.session.add_all([mine, theirs])
    db.session.commit()
    response = client.post(
        "/admin/posts/action/",
        data={"action": "delete", "rowid": [mine.id, theirs.id], "csrf_token": csrf()},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, mine.id) is not None  # nothing half-done
    assert db.session.get(Post, theirs.id) is not None


@pytest.mark.parametrize("url", ["/login", "/admin/", "/admin/posts/", "/nowhere", "/"])
def test_every_page_refuses_to_be_framed_by_other_sites(client, login_as, url):
    login_as("admin")
    response = client.get(url)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"].split("; ")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
