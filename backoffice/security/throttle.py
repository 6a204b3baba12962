"""Throttling of sign-in attempts and public comments, counted in the database.

Every worker and every instance counts in one table (``throttles``), on SQLite and
PostgreSQL alike, so starting more processes does not buy an attacker more attempts.

A *bucket* counts attempts (one account from one address, one address, ...). The first
``free`` attempts of a bucket go ahead at once; after that each attempt makes the next one
wait, ``first_wait`` seconds, doubling, at most ``max_wait``. A bucket is forgotten
``forget_after`` seconds after its last wait has ended, and its row deleted.

An attempt is counted *before* the work it asks for (the password hash, storing a comment),
by one statement per bucket that counts it only if the bucket is not waiting: a burst of
parallel requests cannot slip through before the first of them is counted. Refused
attempts count nothing, so retrying while refused does not prolong the wait.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from flask import current_app, request
from sqlalchemy import Double, bindparam, case, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from backoffice.core.caches import memoized
from backoffice.core.database import table_of
from backoffice.extensions import db
from backoffice.models import Throttle

#: Seconds between two sweeps of forgotten buckets, per process.
SWEEP_EVERY = 60.0


@dataclass(frozen=True)
class Policy:
    """How one kind of bucket counts; see the module's docstring."""

    scope: str
    free: int
    first_wait: float
    max_wait: float
    forget_after: float

    def wait(self, attempts: int) -> float:
        """Seconds the attempt after the ``attempts``-th must wait."""
        over = attempts - self.free
        if over <= 0:
            return 0.0
        if over > 64:  # far past the cap; 2 ** over would only overflow
            return float(self.max_wait)
        return float(min(self.first_wait * 2 ** (over - 1), self.max_wait))

    def bucket(self, *parts: str) -> Bucket:
        """The bucket of this policy for ``parts`` (an account name, an address, ...)."""
        return Bucket(self, f"{self.scope}:{digest(*parts)}")


class Bucket(NamedTuple):
    policy: Policy
    key: str


# Sign-in. The pair (account, address) is throttled hard: a guesser from one address gets
# five tries, then waits that double up to 15 minutes (about four guesses an hour). Across all
# addresses an account is throttled only mildly, with a short cap, so that a botnet cannot
# keep its real user out for long; a browser that has signed in to the account before is not
# held up by that bucket at all (it has one of its own: backoffice/security/browsers.py).
# One address across all accounts (password spraying) waits up to 5 minutes.
SIGN_IN_PAIR = Policy("signin-pair", free=5, first_wait=1, max_wait=15 * 60, forget_after=3600)
SIGN_IN_ACCOUNT = Policy("signin-account", free=10, first_wait=1, max_wait=30, forget_after=900)
SIGN_IN_BROWSER = Policy(
    "signin-browser", free=5, first_wait=1, max_wait=15 * 60, forget_after=3600
)
SIGN_IN_ADDRESS = Policy("signin-address", free=20, first_wait=1, max_wait=300, forget_after=3600)
# The public comment form: five comments from an address at once, then 30 s, 1 min, 2 min, ...
# up to 10 minutes between two; forgotten 10 minutes after the last wait.
COMMENTS = Policy("comment", free=5, first_wait=30, max_wait=600, forget_after=600)


def now() -> float:
    """The throttles' clock: Unix time, or ``THROTTLE_CLOCK`` (a callable; tests set it)."""
    clock: Callable[[], float] = current_app.config.get("THROTTLE_CLOCK") or time.time
    return float(clock())


def digest(*parts: str) -> str:
    """A keyed digest of ``parts``: buckets name accounts and addresses without storing them
    (people type passwords into the user name field by mistake)."""
    secret = str(current_app.secret_key or "").encode()
    message = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def client_address() -> str:
    """The address the throttles count for this request.

    ``request.remote_addr`` is the peer, or with ``TRUSTED_PROXIES`` set the client those
    proxies name (backoffice/security/transport.py). An IPv6 address counts as its /64
    network: one subscriber usually holds a whole /64.
    """
    raw = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:100] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address.exploded}/64", strict=False))
    return str(address)


def hold(*buckets: Bucket) -> int:
    """Count one attempt in every bucket; 0 if it may go ahead, else the seconds to wait.

    Commits: the count must be visible to every other process before the attempt's work.
    """
    moment = now()
    _sweep(moment)
    wait = seconds_to_wait(buckets, moment)
    if wait:
        return wait
    counted = True
    # One order for every request, so that two requests never wait for each other's rows.
    for bucket in sorted(buckets, key=lambda b: b.key):
        statement, parameters = _count(bucket, moment)
        if db.session.execute(statement, parameters).first() is None:
            counted = False  # another request made it wait just now
            break
    db.session.commit()
    return 0 if counted else max(seconds_to_wait(buckets, moment), 1)


def seconds_to_wait(buckets: tuple[Bucket, ...] | list[Bucket], moment: float) -> int:
    """Whole seconds until every bucket lets an attempt through (0: now)."""
    keys = [bucket.key for bucket in buckets]
    until = db.session.scalar(
        select(func.max(Throttle.blocked_until)).where(Throttle.key.in_(keys))
    )
    return math.ceil(until - moment) if until is not None and until > moment else 0


def settle(cleared: tuple[Bucket, ...], kept: tuple[Bucket, ...]) -> None:
    """After a success: forget the ``cleared`` buckets (a sign-in clears its pair) and take the
    attempt back from the ``kept`` ones, so that only failures add up there. The caller commits.

    The rows are locked first in key order, the order ``hold`` counts in: a success and a
    second attempt at the same moment (a double click) never wait for each other's rows.
    """
    keys = sorted(bucket.key for bucket in (*cleared, *kept))
    db.session.execute(
        select(Throttle.key).where(Throttle.key.in_(keys)).order_by(Throttle.key).with_for_update()
    )
    db.session.execute(delete(Throttle).where(Throttle.key.in_([b.key for b in cleared])))
    db.session.execute(
        update(Throttle)
        .where(Throttle.key.in_([b.key for b in kept]), Throttle.hits > 0)
        .values(hits=Throttle.hits - 1)
    )


def retry_after(seconds: int) -> dict[str, str]:
    """The headers of a refused attempt's 429 answer."""
    return {"Retry-After": str(max(int(seconds), 1))}


def _count(bucket: Bucket, moment: float) -> tuple[Any, dict[str, Any]]:
    """The statement (and its parameters) that counts an attempt in ``bucket``, or returns no
    row if the bucket is waiting; see :func:`_count_statement`."""
    policy = bucket.policy
    first_wait = policy.wait(1)
    return _count_statement(policy, _dialect()), {
        "key": bucket.key,
        "at": moment,
        "first_blocked": moment + first_wait if first_wait else 0.0,
        "first_expires": moment + first_wait + policy.forget_after,
    }


@memoized()
def _count_statement(policy: Policy, dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE ... WHERE not waiting ... RETURNING: one statement that
    counts the attempt, or returns no row if the bucket is waiting. Built once per policy:
    building it costs more than running it.

    An attempt that sets no wait leaves ``blocked_until`` as it was (in the past): moving it
    to "now" would make a request whose clock read a moment earlier (another worker, another
    instance) wait for nothing.
    """
    table = table_of(Throttle)
    at = bindparam("at", type_=Double)
    forgotten = table.c.expires_at <= at
    attempts = case((forgotten, 1), else_=table.c.hits + 1)
    wait = _wait_sql(policy, attempts)
    insert = _INSERTS[dialect](table).values(
        key=bindparam("key"),
        hits=1,
        blocked_until=bindparam("first_blocked", type_=Double),
        expires_at=bindparam("first_expires", type_=Double),
    )
    return insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "hits": attempts,
            "blocked_until": case((wait > 0, at + wait), else_=table.c.blocked_until),
            "expires_at": at + wait + literal(policy.forget_after, Double),
        },
        where=table.c.blocked_until <= at,
    ).returning(table.c.hits)


def _wait_sql(policy: Policy, attempts: Any) -> Any:
    """``policy.wait(attempts)`` as SQL: a CASE over the few counts before the cap."""
    steps = [(attempts <= policy.free, literal(0.0, Double))]
    n = policy.free + 1
    while policy.wait(n) < policy.max_wait:
        steps.append((attempts == n, literal(policy.wait(n), Double)))
        n += 1
    return case(*steps, else_=literal(float(policy.max_wait), Double))


_INSERTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _dialect() -> str:
    name: str = db.session.get_bind(mapper=Throttle).dialect.name
    if name not in _INSERTS:
        raise RuntimeError(f"Throttling needs SQLite or PostgreSQL, not {name}.")
    return name


def _sweep(moment: float) -> None:
    """Delete forgotten buckets, at most every SWEEP_EVERY seconds per process, in a
    transaction of its own that waits for no row another request holds."""
    state = current_app.extensions.setdefault("throttle", {"next_sweep": 0.0})
    if moment < state["next_sweep"]:
        return
    state["next_sweep"] = moment + SWEEP_EVERY
    expired = select(Throttle.key).where(Throttle.expires_at < moment)
    if db.session.get_bind(mapper=Throttle).dialect.name == "postgresql":
        expired = expired.with_for_update(skip_locked=True)
    db.session.execute(delete(Throttle).where(Throttle.key.in_(expired)))
    db.session.commit()
