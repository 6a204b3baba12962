"""The command line: users, seed and translate."""

from __future__ import annotations

from sqlalchemy import func, select

from backoffice.core.database import table_of
from backoffice.domain.search import matching
from backoffice.extensions import db
from backoffice.models import Comment, Post, Reminder, Tag, User


def test_users_create_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=["users", "create", "carol", "--role", "editor", "--role", "author",
              "--password-stdin"],
        input="s3cret-password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "carol"))
    assert user.role_names == {"editor", "author"}
    assert user.check_password("s3cret-password")


def test_users_create_refuses_unknown_roles_duplicates_and_short_passwords(runner, make_user):
    make_user("taken", "editor")
    bad_role = runner.invoke(args=["users", "create", "x", "--role", "boss", "--password-stdin"],
                             input="long enough\n")  # fmt: skip
    assert bad_role.exit_code != 0 and "boss" in bad_role.output
    duplicate = runner.invoke(
        args=["users", "create", "taken", "--role", "editor", "--password-stdin"],
        input="long enough\n",
    )
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(
        args=["users", "create", "y", "--role", "editor", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "8 to 1024 characters" in short.output


def test_users_list_shows_names_and_roles(runner, make_user):
    make_user("dora", "translator")
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "dora" in result.output and "translator" in result.output


def test_users_bootstrap_creates_one_admin_once(runner):
    first = runner.invoke(args=["users", "bootstrap"])
    assert first.exit_code == 0 and "password:" in first.output
    password = first.output.split("password:")[1].split()[0]
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    assert admin.has_role("admin") and admin.check_password(password)
    second = runner.invoke(args=["users", "bootstrap"])
    assert "already exists" in second.output and "password:" not in second.output


def _counts() -> tuple[int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Post, Comment, Reminder, Tag)
    )


def test_seed_fills_every_kind_of_demo_data(runner):
    result = runner.invoke(args=["seed", "--posts", "30", "--comments", "300", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert _counts()[:3] == (30, 300, 10)
    statuses = set(db.session.scalars(select(Comment.status).distinct()))
    assert statuses == {"pending", "approved", "spam", "rejected"}
    assert set(db.session.scalars(select(Post.status).distinct())) == {"draft", "published"}
    authors = db.session.scalars(select(User).join(User.roles)).all()
    assert any(u.has_role("author") for u in authors)
    assert all(post.tags for post in db.session.scalars(select(Post)))


def test_seed_is_reproducible(runner, app):
    assert (
        runner.invoke(args=["seed", "--posts", "5", "--comments", "20", "--seed", "42"]).exit_code
        == 0
    )
    first = list(db.session.scalars(select(Post.title).order_by(Post.id)))
    texts = list(db.session.scalars(select(Comment.text).order_by(Comment.id)))
    db.session.execute(table_of(Comment).delete())
    db.session.execute(table_of(Post).delete())
    db.session.commit()
    assert (
        runner.invoke(args=["seed", "--posts", "5", "--comments", "20", "--seed", "42"]).exit_code
        == 0
    )
    assert list(db.session.scalars(select(Post.title).order_by(Post.id))) == first
    assert list(db.session.scalars(select(Comment.text).order_by(Comment.id))) == texts


def test_seed_can_run_twice_without_clashing(runner):
    assert runner.invoke(args=["seed", "--posts", "5", "--comments", "5"]).exit_code == 0
    assert runner.invoke(args=["seed", "--posts", "5", "--comments", "5"]).exit_code == 0
    assert _counts()[:2] == (10, 10)


def test_translate_check_passes_on_the_shipped_catalogs(runner):
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output


def test_seed_makes_the_requested_number_of_tags(runner):
    result = runner.invoke(args=["seed", "--posts", "20", "--comments", "0", "--tags", "50"])
    assert result.exit_code == 0, result.output
    assert _counts()[3] == 50
    assert runner.invoke(args=["seed", "--posts", "0", "--comments", "0"]).exit_code == 0
    assert _counts()[3] == 50  # the default (20 named tags) is already there


def _search(model, term: str) -> set[int]:
    condition = matching(model, term, db.engine.dialect.name)
    return set(db.session.scalars(select(model.id).where(condition)))


def test_seeded_rows_are_searchable_and_new_rows_still_indexed(runner):
    assert runner.invoke(args=["seed", "--posts", "40", "--comments", "200"]).exit_code == 0
    assert len(_search(Post, "quiet")) > 10  # the most frequent word
    assert len(_search(Comment, "example.com")) == 200
    # The search triggers and the id sequence are back in place after the bulk load.
    post = Post(title="Zanzibar travel notes", slug="zanzibar")
    db.session.add(post)
    db.session.commit()
    assert _search(Post, "zanzibar") == {post.id}


def test_seed_adds_comments_to_existing_posts(runner):
    assert runner.invoke(args=["seed", "--posts", "10", "--comments", "0"]).exit_code == 0
    assert runner.invoke(args=["seed", "--posts", "0", "--comments", "30"]).exit_code == 0
    assert _counts()[:2] == (10, 30)
    assert len(_search(Comment, "example.com")) == 30


def test_translate_init_refuses_an_unknown_language_in_one_line(runner):
    result = runner.invoke(args=["translate", "init", "zz_bogus"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: Unknown language code 'zz_bogus': use a code such as 'fr' or 'pt_BR'."
    ]
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_users_create_refuses_what_the_user_form_refuses(runner, client, login_as, csrf):
    """The CLI and the admin's user form apply the same rules (backoffice.domain.accounts)."""
    login_as("admin")
    cases = [
        ({"email": "notanemail"}, "Enter a valid e-mail address."),
        ({"email": "a@" + "b" * 260 + ".org"}, "at most 255 characters"),
        ({"username": "   "}, "The username must be 1 to 80 characters long."),
        ({"username": "x" * 81}, "The username must be 1 to 80 characters long."),
        ({"password": "short"}, "8 to 1024 characters"),
    ]
    for number, (fields, message) in enumerate(cases):
        wanted = {"username": f"new{number}", "email": "", "password": "long enough", **fields}
        args = ["users", "create", wanted["username"], "--role", "editor", "--password-stdin"]
        if wanted["email"]:
            args += ["--email", wanted["email"]]
        result = runner.invoke(args=args, input=wanted["password"] + "\n")
        assert result.exit_code == 1 and message in result.output, (fields, result.output)
        form = {**wanted, "active": "y", "csrf_token": csrf()}
        page = client.post("/admin/users/new/", data=form).get_data(as_text=True)
        assert message in page, fields
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the admin alone


def test_users_create_keeps_a_valid_address_as_typed(runner):
    result = runner.invoke(
        args=["users", "create", "erin", "--role", "author", "--email", " erin@example.org ",
              "--password-stdin"],
        input="long enough\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "erin"))
    assert user.email == "erin@example.org"


def test_demo_logins_give_one_account_per_role_a_password_shown_once(app, runner):
    assert runner.invoke(args=["users", "demo-logins"]).exit_code == 1  # nothing seeded yet
    runner.invoke(args=["seed", "--posts", "2", "--comments", "2", "--tags", "2"])
    app.config["DEMO_LOGINS_ALLOWED"] = True
    result = runner.invoke(args=["users", "demo-logins"])
    assert result.exit_code == 0, result.output
    for role, name in (("editor", "grace"), ("author", "alice"), ("translator", "hiro")):
        line = next(line for line in result.output.splitlines() if f"username: {name} " in line)
        password = line.split("password:")[1].strip()
        user = db.session.scalar(select(User).where(User.username == name))
        assert user.has_role(role) and user.check_password(password)
    hiro = db.session.scalar(select(User).where(User.username == "hiro"))
    assert hiro.translation_languages == ["de", "fr", "es", "pt", "ar"]
    app.config["DEMO_LOGINS_ALLOWED"] = False  # production
    refused = runner.invoke(args=["users", "demo-logins"])
    assert refused.exit_code == 1 and "development only" in refused.output
