"""Throttled sign-in and public comments: counted in the database, on an injected clock.

The clock (``THROTTLE_CLOCK``) only moves when a test moves it, so every wait is exact.
"""

from __future__ import annotations

import re
import threading

import pytest
from helpers.app import DATABASE_URL, IS_SQLITE, PASSWORD, extract_csrf
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from backoffice import create_app
from backoffice.domain.accounts import create_user, ensure_roles
from backoffice.extensions import db
from backoffice.models import Comment, Post, Throttle
from backoffice.security import auth, browsers, throttle

ATTACKER = "203.0.113.9"
USER_ADDRESS = "198.51.100.7"
WRONG = "not the password"
THANKS = "Thank you! Your comment will appear once a moderator approves it."


class Clock:
    """A clock that stands still until ``advance`` moves it."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(clock: Clock) -> dict[str, object]:
    return {"THROTTLE_CLOCK": clock}


@pytest.fixture
def ed(make_user):
    return make_user("ed", "editor")


@pytest.fixture
def browser(app):
    """A fresh browser at an address: ``browser(address)`` -> a test client that sends it."""

    def make(address: str = ATTACKER):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    return make


def sign_in(client, username: str, password: str):
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def retry_after(response) -> int:
    assert response.status_code == 429, response.status_code
    return int(response.headers["Retry-After"])


# -- sign-in -------------------------------------------------------------------------------------
def test_six_wrong_passwords_go_through_then_sign_in_waits_with_429_and_retry_after(ed, browser):
    attacker = browser()
    for _ in range(6):
        response = sign_in(attacker, "ed", WRONG)
        assert response.status_code == 200
        assert "Unknown username or wrong password." in response.get_data(as_text=True)
    refused = sign_in(attacker, "ed", WRONG)
    assert retry_after(refused) == 1
    assert "Too many sign-in attempts. Please wait 1 second and try again." in refused.text


def test_the_right_password_waits_too_and_then_signs_in(ed, browser, clock):
    attacker = browser()
    for _ in range(6):
        sign_in(attacker, "ed", WRONG)
    assert sign_in(attacker, "ed", PASSWORD).status_code == 429
    clock.advance(1)
    assert sign_in(attacker, "ed", PASSWORD).status_code == 302


def test_waits_double_up_to_fifteen_minutes_for_one_account_from_one_address(ed, browser, clock):
    attacker = browser()
    waits = []
    for _ in range(6):
        sign_in(attacker, "ed", WRONG)
    for _ in range(12):
        wait = retry_after(sign_in(attacker, "ed", WRONG))
        waits.append(wait)
        clock.advance(wait)
        assert sign_in(attacker, "ed", WRONG).status_code == 200  # the wait is over: one try
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]


def test_retrying_while_refused_does_not_prolong_the_wait(ed, browser, clock):
    attacker = browser()
    for _ in range(8):  # the 8th sets a wait of 4 s
        clock.advance(10)
        sign_in(attacker, "ed", WRONG)
    for _ in range(20):
        assert retry_after(sign_in(attacker, "ed", WRONG)) == 4
    clock.advance(4)
    assert sign_in(attacker, "ed", WRONG).status_code == 200


def test_a_successful_sign_in_clears_the_count_of_its_account_and_address(ed, browser, clock):
    client = browser(USER_ADDRESS)
    for _ in range(6):
        sign_in(client, "ed", WRONG)
    clock.advance(1)
    assert sign_in(client, "ed", PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": extract_csrf(client.get("/").text)})
    for _ in range(6):  # five free tries again, and a sixth that sets the first wait
        assert sign_in(client, "ed", WRONG).status_code == 200
    assert sign_in(client, "ed", WRONG).status_code == 429


def test_counts_are_forgotten_an_hour_after_the_last_wait(ed, browser, clock):
    attacker = browser()
    for _ in range(6):
        sign_in(attacker, "ed", WRONG)
    clock.advance(1 + 3600)
    for _ in range(6):
        assert sign_in(attacker, "ed", WRONG).status_code == 200


def test_an_unknown_user_name_is_throttled_exactly_like_a_known_one(ed, browser):
    def statuses(username: str, address: str) -> list[tuple[int, str | None]]:
        client = browser(address)
        answers = [sign_in(client, username, WRONG) for _ in range(8)]
        return [(r.status_code, r.headers.get("Retry-After")) for r in answers]

    known = statuses("ed", "192.0.2.1")
    assert known == statuses("nobody-by-this-name", "192.0.2.2")
    assert known[-1] == (429, "1")


def test_attempts_from_another_address_do_not_hold_up_the_user(ed, browser):
    attacker = browser(ATTACKER)
    for _ in range(7):
        sign_in(attacker, "ed", WRONG)
    assert sign_in(attacker, "ed", PASSWORD).status_code == 429
    assert sign_in(browser(USER_ADDRESS), "ed", PASSWORD).status_code == 302


def _from_many_addresses(browser, clock, username: str, count: int) -> list[int]:
    """One wrong password from each of ``count`` new addresses, each waiting out any refusal
    first; returns the waits they were told."""
    waits = []
    for n in range(count):
        client = browser(f"10.1.{n // 250}.{n % 250 + 1}")
        response = sign_in(client, username, WRONG)
        if response.status_code == 429:
            waits.append(retry_after(response))
            clock.advance(waits[-1])
            response = sign_in(client, username, WRONG)
        assert response.status_code == 200
    return waits


def test_an_account_attacked_from_many_addresses_waits_at_most_thirty_seconds(ed, browser, clock):
    waits = _from_many_addresses(browser, clock, "ed", 30)
    assert waits[:6] == [1, 2, 4, 8, 16, 30]
    assert max(waits) == 30
    assert retry_after(sign_in(browser(USER_ADDRESS), "ed", PASSWORD)) <= 30


def test_a_browser_that_signed_in_before_is_not_held_up_by_a_botnet(ed, browser, clock):
    mine = browser(USER_ADDRESS)
    assert sign_in(mine, "ed", PASSWORD).status_code == 302
    mine.post("/logout", data={"csrf_token": extract_csrf(mine.get("/").text)})
    _from_many_addresses(browser, clock, "ed", 20)
    assert sign_in(browser("10.9.9.9"), "ed", PASSWORD).status_code == 429  # a new browser
    assert sign_in(mine, "ed", PASSWORD).status_code == 302  # no wait for a known one


def test_a_copied_known_browser_cookie_is_throttled_on_its_own(ed, browser, clock):
    mine = browser(USER_ADDRESS)
    sign_in(mine, "ed", PASSWORD)
    cookie = mine.get_cookie(browsers.COOKIE, path="/login")
    assert cookie is not None
    answers = []
    for n in range(7):  # a different address each time: only the copied cookie is shared
        thief = browser(f"10.2.0.{n + 1}")
        thief.set_cookie(browsers.COOKIE, cookie.value, path="/login")
        answers.append(sign_in(thief, "ed", WRONG).status_code)
    assert answers == [200] * 6 + [429]


def test_one_address_trying_many_accounts_waits(ed, browser):
    sprayer = browser()
    for n in range(21):
        assert sign_in(sprayer, f"user{n}", WRONG).status_code == 200
    assert retry_after(sign_in(sprayer, "ed", PASSWORD)) == 1


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "wait 1 second and"), (59, "wait 59 seconds and"), (60, "wait 1 minute and"),
     (61, "wait 2 minutes and"), (900, "wait 15 minutes and")],
)  # fmt: skip
def test_the_wait_is_told_in_seconds_or_whole_minutes(app, seconds, text):
    with app.test_request_context():
        assert text in auth._wait_message(seconds)


def _record_hash_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = auth.check_password_hash

    def recording(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(auth, "check_password_hash", recording)
    return checked


def test_known_and_unknown_user_names_each_run_one_hash_check_of_the_same_method(
    ed, browser, monkeypatch
):
    checked = _record_hash_checks(monkeypatch)
    sign_in(browser("192.0.2.1"), "ed", WRONG)
    sign_in(browser("192.0.2.2"), "nobody-by-this-name", WRONG)
    assert len(checked) == 2
    real, stand_in = checked
    assert real == ed.password_hash and stand_in != real
    assert stand_in.split("$")[0] == real.split("$")[0] == "pbkdf2:sha256:1000"


@pytest.mark.parametrize("method", sorted(auth.SHIPPED_STAND_INS))
def test_a_shipped_stand_in_hash_has_the_parameters_its_method_gives_today(method):
    shipped = auth.SHIPPED_STAND_INS[method]
    made = generate_password_hash("any password", method=method)
    # Same method, cost and length: checking it takes as long as checking a real password.
    assert shipped.split("$")[0] == made.split("$")[0]
    assert len(shipped) == len(made)
    assert not check_password_hash(shipped, "any password")


def test_a_refused_attempt_checks_no_password(ed, browser, monkeypatch):
    attacker = browser()
    for _ in range(6):
        sign_in(attacker, "ed", WRONG)
    checked = _record_hash_checks(monkeypatch)
    assert sign_in(attacker, "ed", PASSWORD).status_code == 429
    assert checked == []


def test_buckets_hold_no_user_name_or_address(ed, browser):
    sign_in(browser(), "typed-my-password-here", WRONG)
    keys = db.session.scalars(select(Throttle.key)).all()
    assert len(keys) == 3  # the pair, the address, the account
    assert not any("typed-my-password-here" in key or ATTACKER in key for key in keys)


def test_forgotten_buckets_are_deleted(ed, browser, clock):
    sign_in(browser(), "ed", WRONG)
    old = set(db.session.scalars(select(Throttle.key)))
    clock.advance(2 * 3600)
    sign_in(browser(USER_ADDRESS), "someone-else", WRONG)
    db.session.expire_all()
    assert old.isdisjoint(db.session.scalars(select(Throttle.key)))


def test_parallel_attempts_cannot_slip_past_the_count(app, tmp_path):
    """Every attempt is counted before its work, in one statement that refuses it when the
    bucket waits: of 16 simultaneous attempts on a bucket with 3 free, exactly 4 go ahead.
    (On the real clock, which each thread reads at a slightly different moment.)"""
    # Threads need a database file of their own (the suite's SQLite database is in memory).
    url = f"sqlite:///{tmp_path / 't.db'}" if IS_SQLITE else DATABASE_URL
    parallel = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    if IS_SQLITE:
        with parallel.app_context():
            db.create_all()
    policy = throttle.Policy("test", free=3, first_wait=60, max_wait=60, forget_after=60)
    start = threading.Barrier(16)
    results: list[int] = []

    def attempt() -> None:
        with parallel.app_context():
            bucket = policy.bucket("shared")
            start.wait()
            results.append(throttle.hold(bucket))
            db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with parallel.app_context():
        db.engine.dispose()
    assert results.count(0) == 4
    assert all(59 <= wait <= 61 for wait in results if wait), results


def test_simultaneous_sign_ins_to_one_account_never_fail(app, tmp_path):
    """A double click, or a guesser racing the real user: rights and wrongs at once, from one
    address, are each answered (never a 500 from a deadlock or a locked database)."""
    url = f"sqlite:///{tmp_path / 't.db'}" if IS_SQLITE else DATABASE_URL
    parallel = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with parallel.app_context():
        if IS_SQLITE:
            db.create_all()
        ensure_roles(db.session)
        create_user(db.session, "racer", PASSWORD, ["editor"])
    parallel.test_client().get("/login")  # one first page: bundles built before the race
    statuses: list[int] = []

    def attempt(password: str, start: threading.Barrier) -> None:
        client = parallel.test_client()
        token = extract_csrf(client.get("/login").get_data(as_text=True))
        data = {"username": "racer", "password": password, "csrf_token": token}
        start.wait(timeout=30)
        statuses.append(client.post("/login", data=data).status_code)

    for _ in range(5):
        start = threading.Barrier(4)
        passwords = [PASSWORD, WRONG, PASSWORD, WRONG]
        threads = [threading.Thread(target=attempt, args=(p, start)) for p in passwords]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    with parallel.app_context():
        db.engine.dispose()
    assert len(statuses) == 20
    assert set(statuses) <= {200, 302, 429}
    assert 302 in statuses


# -- comments ------------------------------------------------------------------------------------
@pytest.fixture
def post(app) -> Post:
    entry = Post(title="Public post", slug="public", status="published", body="<p>Body</p>")
    db.session.add(entry)
    db.session.commit()
    return entry


def comment(client, text: str, **extra: str):
    token = extract_csrf(client.get("/post/public").get_data(as_text=True))
    data = {"author_name": "Zoe", "text": text, "csrf_token": token, **extra}
    return client.post("/post/public", data=data)


def stored() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(Comment.text).order_by(Comment.id)).all()


def test_six_comments_from_one_address_go_through_then_the_next_waits(post, browser, clock):
    visitor = browser()
    for n in range(6):
        assert comment(visitor, f"comment {n}").status_code == 303
    refused = comment(visitor, "one too many")
    assert retry_after(refused) == 30
    assert (
        "You have sent several comments in a short time. Please wait 30 seconds and send it "
        "again; your comment is still in the form." in refused.text
    )
    assert stored() == [f"comment {n}" for n in range(6)]
    clock.advance(30)
    assert comment(visitor, "one too many").status_code == 303
    assert stored()[-1] == "one too many"


def test_a_refused_comment_stays_in_the_form(post, browser):
    visitor = browser()
    for n in range(6):
        comment(visitor, f"comment {n}")
    html = comment(visitor, "Words I would hate to type again", author_name="Zoë").text
    assert re.search(r"<textarea[^>]*>\s*Words I would hate to type again</textarea>", html)
    assert re.search(r'name="author_name"[^>]*value="Zoë"|value="Zoë"[^>]*name="author_name"', html)


def test_the_comment_limit_is_per_address(post, browser):
    for n in range(7):
        comment(browser(ATTACKER), f"flood {n}")
    assert comment(browser(USER_ADDRESS), "Hello").status_code == 303
    assert stored()[-1] == "Hello"


def test_an_invalid_comment_does_not_count(post, browser):
    visitor = browser()
    for _ in range(10):
        assert comment(visitor, "").status_code == 400
    assert comment(visitor, "Now with text").status_code == 303


def test_a_filled_honeypot_is_answered_like_any_comment_but_not_stored(post, browser):
    answers = []
    for address, extra in (("192.0.2.1", {}), ("192.0.2.2", {"website": "http://spam.example"})):
        client = browser(address)
        response = comment(client, f"from {address}", **extra)
        thanked = THANKS in client.get(response.location).text
        answers.append((response.status_code, response.location, thanked))
    assert answers[0] == answers[1] == (303, "/post/public", True)
    assert stored() == ["from 192.0.2.1"]


def test_filled_honeypots_count_against_the_address(post, browser):
    robot = browser()
    for n in range(6):
        comment(robot, f"spam {n}", website="x")
    assert comment(robot, "spam", website="x").status_code == 429


def test_the_honeypot_is_hidden_from_people_screen_readers_and_autofill(post, client):
    html = client.get("/post/public").get_data(as_text=True)
    wrapper = re.search(r'<div class="comment-trap" aria-hidden="true">(.*?)</div>', html, re.S)
    assert wrapper, "the honeypot sits off-screen and out of the accessibility tree"
    field = re.search(r"<input[^>]*>", wrapper.group(1)).group(0)
    assert 'name="website"' in field
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field
    assert "Leave this field empty" in wrapper.group(1)  # if styles fail to load
    assert "<script>" not in html and not re.search(r"\son[a-z]+=", html)


def test_comment_counts_live_in_the_shared_database(post, browser):
    comment(browser(), "one")
    (hits,) = db.session.execute(select(Throttle.hits).where(Throttle.key.like("comment:%"))).one()
    assert hits == 1
    assert db.session.scalar(select(func.count()).select_from(Throttle)) == 1
