"""What "translate in context" costs a page when it is off.

Two apps of the same code over the same SQLite file serve the same admin, signed in, in
German: one as it is, one without the in-context hook (its per-request check removed, its
two template helpers answering nothing), which is what a page cost before the feature. A
third client of the first app has the mode on, for comparison. Requests alternate between
them round by round, so a change of the machine's speed hits all of them alike:

    python bench/in_context.py                       # 2,000 posts, 200 rounds
    python bench/in_context.py --posts 20000 --rounds 400

Prints the median and the 90th percentile per page and variant, and the differences.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from markupsafe import Markup  # noqa: E402

from backoffice import create_app  # noqa: E402
from backoffice.domain.accounts import create_user, ensure_roles  # noqa: E402
from backoffice.extensions import db  # noqa: E402
from bench.measure import percentile  # noqa: E402

PAGES = {"post list": "/admin/posts/", "dashboard": "/admin/"}
PASSWORD = "bench password"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def without_hook(app: Flask) -> Flask:
    """``app`` as it was before the feature: no per-request check, no template helpers."""
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [f for f in hooks if f.__name__ != "_in_context"]
    app.jinja_env.globals["in_context_toggle"] = lambda: Markup("")
    app.jinja_env.globals["in_context_head"] = lambda: Markup("")
    app.jinja_env.globals["in_context_tail"] = lambda: Markup("")
    return app


def signed_in(app: Flask, mode_on: bool = False):
    """A test client of ``app`` signed in as the bench admin, in German."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    data = {"username": "bench-admin", "password": PASSWORD, "csrf_token": CSRF.search(page)[1]}
    assert client.post("/login", data=data).status_code == 302
    with client.session_transaction() as session:
        session["locale"] = "de"
    if mode_on:
        token = CSRF.search(client.get("/admin/").get_data(as_text=True))[1]
        data = {"on": "1", "next": "/admin/", "csrf_token": token}
        assert client.post("/admin/in-context/toggle", data=data).status_code == 303
    return client


def timed(client, url: str, marker: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200 and marker in response.get_data(as_text=True), url
    return elapsed * 1000


def per_call(function, rounds: int = 7, calls: int = 2000) -> float:
    """Median over ``rounds`` of the time of one call, in microseconds."""
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        results.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(results)


def helpers(app: Flask) -> None:
    """The feature's own work on a page with the mode off, call by call."""
    from flask import session
    from flask_login import login_user

    from backoffice.admin.in_context import in_context_head, in_context_tail, in_context_toggle
    from backoffice.models import User

    hook = next(f for f in app.before_request_funcs[None] if f.__name__ == "_in_context")
    with app.test_request_context("/admin/posts/"):
        session["locale"] = "de"
        print(f"per-request check (mode off):          {per_call(hook):6.2f} µs")
        print(f"navbar switch, no translator role:    {per_call(in_context_toggle):6.2f} µs")
        print(f"page head (mode off):                  {per_call(in_context_head):6.2f} µs")
        print(f"page tail (mode off):                  {per_call(in_context_tail):6.2f} µs")
        login_user(db.session.scalar(db.select(User).filter_by(username="bench-admin")))
        print(f"navbar switch, an admin in German:     {per_call(in_context_toggle):6.2f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-in-context-"))
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "UPLOADS_DIR": str(folder / "uploads")}
    current = create_app("testing", **settings)
    with current.app_context():
        db.create_all()
        ensure_roles(db.session)
        create_user(db.session, "bench-admin", PASSWORD, ["admin"])
        db.session.commit()
        sizes = ["--posts", str(options.posts), "--comments", str(options.comments)]
        result = current.test_cli_runner().invoke(args=["seed", *sizes])
        assert result.exit_code == 0, result.output
    with current.app_context():
        helpers(current)
    before = without_hook(create_app("testing", **settings))
    variants = {
        "before the feature": signed_in(before),
        "mode off": signed_in(current),
        "mode on": signed_in(current, mode_on=True),
    }
    markers = {"post list": "<table", "dashboard": "monthly-chart"}
    times: dict[tuple[str, str], list[float]] = {}
    for page, path in PAGES.items():
        for round_number in range(options.warmup + options.rounds):
            for name, client in variants.items():
                elapsed = timed(client, path, markers[page])
                if round_number >= options.warmup:
                    times.setdefault((page, name), []).append(elapsed)
    print(f"{options.posts} posts, {options.comments} comments; {options.rounds} rounds, SQLite")
    print(f"{'page':<10} {'variant':<20} {'median ms':>10} {'p90 ms':>8}")
    for (page, name), values in times.items():
        median, p90 = statistics.median(values), percentile(values, 0.9)
        print(f"{page:<10} {name:<20} {median:>10.2f} {p90:>8.2f}")
    for page in PAGES:
        base = statistics.median(times[(page, "before the feature")])
        off = statistics.median(times[(page, "mode off")])
        on = statistics.median(times[(page, "mode on")])
        print(f"{page}: mode off {off - base:+.2f} ms ({(off / base - 1) * 100:+.1f} %), "
              f"mode on {on - base:+.2f} ms ({(on / base - 1) * 100:+.1f} %)")  # fmt: skip


if __name__ == "__main__":
    main()
