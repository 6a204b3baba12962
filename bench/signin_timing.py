"""How long a failed sign-in takes for a known and for an unknown user name.

    python bench/signin_timing.py [--requests 40]

Issue 15 measured ~136 ms for a known name and ~8 ms for an unknown one: the time told which
names exist. Every checked attempt now runs one password hash (an unknown name against a
stand-in hash of the same method, backoffice/security/auth.py), so the two should match.
The app runs with the production hash method (scrypt) on a throwaway SQLite file; the
throttles' counts are deleted after every request (untimed), so none is refused. Prints the median
and the 95th percentile per case, and their ratio.
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

from sqlalchemy import delete  # noqa: E402

from backoffice import create_app  # noqa: E402
from backoffice.domain.accounts import create_user  # noqa: E402
from backoffice.extensions import db  # noqa: E402
from backoffice.models import Throttle  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def timings(app, username: str, requests: int, first_address: int) -> list[float]:
    """Seconds per ``POST /login`` with a wrong password, each from a fresh address."""
    result = []
    for n in range(requests):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.{first_address}.{n // 250}.{n % 250 + 1}"
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        data = {"username": username, "password": "not the password", "csrf_token": token}
        start = time.perf_counter()
        response = client.post("/login", data=data)
        result.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        with app.app_context():  # untimed: no throttle ever refuses the next attempt
            db.session.execute(delete(Throttle))
            db.session.commit()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/signin.db",
            UPLOADS_DIR=f"{folder}/uploads",
            PASSWORD_HASH_METHOD="scrypt",  # what production uses (tests use a cheap one)
        )
        with app.app_context():
            db.create_all()
            create_user(db.session, "known-editor", "correct horse battery", ["editor"])
        # Requests outside that context, each with its own, as in a server.
        timings(app, "warm-up", 3, 250)  # templates compiled, stand-in hash made
        # Interleaved, so a change in the machine's load falls on both cases alike.
        cases: dict[str, list[float]] = {"known user name": [], "unknown user name": []}
        for n in range(options.requests):
            cases["known user name"] += timings(app, "known-editor", 1, 1 + n % 200)
            cases["unknown user name"] += timings(app, "nobody-by-this-name", 1, 1 + n % 200)
        with app.app_context():
            db.engine.dispose()
    print(f"{'case':<20} {'p50 ms':>8} {'p95 ms':>8}")
    medians = []
    for name, seconds in cases.items():
        ordered = sorted(seconds)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        medians.append(statistics.median(ordered))
        print(f"{name:<20} {medians[-1] * 1000:>8.1f} {p95 * 1000:>8.1f}")
    print(f"unknown / known median: {medians[1] / medians[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
