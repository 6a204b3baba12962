"""Revocable sessions: sign-out, a password change or reset, deactivation and a change of roles
end every earlier session of the user at once; the CSRF token is renewed at sign-in.

"A copied cookie" is the session cookie of a signed-in browser, copied into a second browser
before the change: it stands for a stolen cookie or a forgotten session on another device.
"""

from __future__ import annotations

import pytest
from helpers.app import PASSWORD, extract_csrf
from sqlalchemy import inspect, select, text

from backoffice import create_app
from backoffice.core.database import table_of
from backoffice.extensions import db
from backoffice.models import Role, User
from backoffice.security import _load_user

NEW_PASSWORD = "a much better secret"


@pytest.fixture
def copy_of(app):
    """``copy_of(client)``: a second browser holding the same session cookie."""

    def copy(client):
        cookie = client.get_cookie("session")
        assert cookie is not None, "the browser has no session to copy"
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        return other

    return copy


def signed_in(browser) -> bool:
    return browser.get("/admin/").status_code == 200


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_a_copied_cookie_works_while_nothing_has_changed(client, login_as, copy_of):
    login_as("editor")
    assert signed_in(copy_of(client))


def test_sign_out_ends_a_copied_session(client, login_as, csrf, copy_of):
    login_as("editor")
    stolen = copy_of(client)
    client.post("/logout", data={"csrf_token": csrf()})
    assert not signed_in(client)
    assert not signed_in(stolen)


def test_sign_out_ends_the_users_sessions_in_every_browser(app, client, login_as, csrf):
    user = login_as("editor")
    elsewhere = app.test_client()
    token = extract_csrf(elsewhere.get("/login").text)
    elsewhere.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in(elsewhere)
    client.post("/logout", data={"csrf_token": csrf()})
    assert not signed_in(elsewhere)


def test_sign_out_clears_the_session_but_keeps_the_language(client, login_as, csrf):
    login_as("editor")
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    client.post("/logout", data={"csrf_token": csrf()})
    with client.session_transaction() as session:
        assert session.get("locale") == "de"
        assert set(session) <= {"locale", "_flashes"}


def change_own_password(client, csrf):
    return client.post(
        "/admin/profile/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
              "confirm_password": NEW_PASSWORD, "csrf_token": csrf()},
    )  # fmt: skip


def test_a_password_change_ends_other_sessions_and_keeps_the_current_one(
    client, login_as, csrf, copy_of
):
    login_as("author")
    stolen = copy_of(client)
    assert change_own_password(client, csrf).status_code == 303
    assert not signed_in(stolen)
    assert signed_in(client)


def test_after_a_password_change_the_current_session_holds_the_new_token(
    client, login_as, csrf, copy_of
):
    user = login_as("author")
    change_own_password(client, csrf)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{fresh(user).session_token}"
    assert signed_in(copy_of(client))  # a copy made now is the current session


@pytest.fixture
def victim(app, make_user, copy_of):
    """An editor signed in in a browser of their own; returns (user, that browser)."""
    user = make_user("victim", "editor", email="victim@example.org")
    browser = app.test_client()
    token = extract_csrf(browser.get("/login").text)
    browser.post("/login", data={"username": "victim", "password": PASSWORD, "csrf_token": token})
    assert signed_in(browser)
    return user, copy_of(browser)


def edit_user(client, csrf, user: User, **changes: object):
    data = {"username": user.username, "email": user.email or "", "active": "y",
            "roles": [str(role.id) for role in user.roles], "csrf_token": csrf()}  # fmt: skip
    data.update(changes)
    if data["active"] is None:
        del data["active"]
    response = client.post(f"/admin/users/edit/?id={user.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def role_id(name: str) -> str:
    return str(db.session.scalar(select(Role.id).where(Role.name == name)))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"password": NEW_PASSWORD}, id="password reset by an admin"),
        pytest.param({"active": None}, id="deactivation"),
        pytest.param({"roles": ["author"]}, id="role taken away"),
        pytest.param({"roles": ["editor", "admin"]}, id="role added"),
    ],
)
def test_an_admins_change_to_an_account_ends_its_sessions(client, login_as, csrf, victim, change):
    user, stolen = victim
    login_as("admin")
    if "roles" in change:
        change = {"roles": [role_id(name) for name in change["roles"]]}
    edit_user(client, csrf, user, **change)
    assert not signed_in(stolen)


def test_an_admins_change_to_other_fields_keeps_the_sessions(client, login_as, csrf, victim):
    user, browser = victim
    login_as("admin")
    edit_user(client, csrf, user, email="new-address@example.org")
    assert fresh(user).email == "new-address@example.org"
    assert signed_in(browser)


def test_an_admin_who_resets_their_own_password_stays_signed_in_there_only(
    client, login_as, csrf, copy_of
):
    admin = login_as("admin")
    stolen = copy_of(client)
    edit_user(client, csrf, admin, password=NEW_PASSWORD)
    assert signed_in(client)
    assert not signed_in(stolen)


def test_a_change_made_outside_the_admin_ends_sessions_too(victim):
    """The CLI and domain functions change the model; the flush ends the sessions."""
    user, stolen = victim
    user.set_password(NEW_PASSWORD)
    db.session.commit()
    assert not signed_in(stolen)


def test_a_session_from_before_session_tokens_is_signed_out(client, make_user):
    user = make_user("old", "editor")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not signed_in(client)


@pytest.mark.parametrize("session_id", ["1", "1:", ":abc", "x:abc", "1:" + "a" * 65])
def test_malformed_session_ids_load_nobody(app, session_id, count_queries):
    with count_queries as counted:
        assert _load_user(session_id) is None
    assert len(counted) == 0


def test_the_user_is_loaded_in_one_statement_only_with_the_current_token(
    app, make_user, count_queries
):
    user = make_user("ed", "editor")
    session_id = user.get_id()
    db.session.expire_all()
    with count_queries as counted:
        loaded = _load_user(session_id)
    assert loaded is not None and loaded.id == user.id and loaded.role_names == {"editor"}
    assert len(counted) == 1
    assert _load_user(f"{user.id}:not-the-token") is None


def test_an_inactive_user_is_never_loaded(app, make_user):
    user = make_user("ed", "editor")
    session_id = user.get_id()
    db.session.execute(table_of(User).update().values(active=False))  # token left as it was
    db.session.commit()
    assert _load_user(session_id) is None


def test_the_csrf_token_is_renewed_at_sign_in(client, make_user):
    make_user("ed", "editor")
    before = extract_csrf(client.get("/login").text)
    client.post("/login", data={"username": "ed", "password": PASSWORD, "csrf_token": before})
    with client.session_transaction() as session:
        assert "csrf_token" not in session  # dropped; a new one is made with the next form
    after = extract_csrf(client.get("/admin/profile/").text)
    assert after != before
    refused = client.post(
        "/admin/profile/", data={"locale": "de", "timezone": "", "csrf_token": before}
    )
    assert refused.status_code == 400
    accepted = client.post(
        "/admin/profile/", data={"locale": "de", "timezone": "", "csrf_token": after}
    )
    assert accepted.status_code == 303


def test_sign_in_starts_a_new_session_keeping_only_the_language(client, make_user, csrf):
    make_user("ed", "editor")
    client.post("/language", data={"locale": "fr", "csrf_token": csrf()})
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"username": "ed", "password": PASSWORD, "csrf_token": csrf()})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "fr"


@pytest.mark.sqlite_only("migrates a database file of its own up and down")
def test_the_migration_gives_every_existing_user_a_token_of_their_own(tmp_path):
    from flask_migrate import downgrade, upgrade

    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with migrated.app_context():
        upgrade(revision="0007")
        for name in ("ann", "bob"):
            db.session.execute(
                text("INSERT INTO users (username, password_hash, active, created_at) "
                     "VALUES (:name, 'x', 1, '2026-01-01 00:00:00')"),
                {"name": name},
            )  # fmt: skip
        db.session.commit()
        upgrade()
        tokens = db.session.scalars(select(User.session_token)).all()
        assert len(set(tokens)) == 2 and all(len(token) >= 20 for token in tokens)
        downgrade(revision="0007")
        assert "session_token" not in db.session.execute(text("SELECT * FROM users")).keys()
        assert "throttles" not in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


def test_login_as_leaves_the_session_the_sign_in_form_leaves(client, make_user, login_as,
                                                             sign_in_by_form):  # fmt: skip
    # Most tests sign in with the fixture, which skips the form: it must leave what it leaves.
    user = make_user("twice", "editor")
    sessions = []
    for sign_in in (sign_in_by_form, login_as):
        client.delete_cookie("session")
        with client.session_transaction() as visitor:
            visitor.update({"locale": "de", "chosen": "before signing in"})
        sign_in(user)
        with client.session_transaction() as after:
            sessions.append(dict(after))
        assert signed_in(client)
    by_form, by_fixture = sessions
    assert "chosen" not in by_form and by_form["locale"] == "de"
    assert set(by_fixture) == set(by_form) - {"csrf_token"}  # the form's page made a token
    assert by_fixture["_user_id"] == by_form["_user_id"] == user.get_id()
