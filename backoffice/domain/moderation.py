"""Comment moderation as plain functions: views and the CLI call these.

Each bulk change is one *batch*: its audit entries share a batch id, which is what
:func:`undo_batch` reads to put the previous statuses back.

Several moderators work on one queue at once, so every change here holds under concurrency:

- **Compare and set.** A change says, per comment, which status the moderator saw (``seen``,
  sent by the list page and the edit form); a comment whose status is no longer that one is
  left alone and reported (:attr:`ModerationResult.conflicts`), never overwritten.
- **True audit values.** The comments are locked before they are read, so the "old" values
  in the audit entries are what the change replaced, in the same transaction: PostgreSQL
  locks the rows (``FOR NO KEY UPDATE``), SQLite takes its write lock at once
  (``BEGIN IMMEDIATE``; pysqlite would begin the transaction only at the first write, and
  the reads before it would hold nothing).
- **One lock order.** Comment rows are locked in id order before anything is written, and a
  change is ONE ``UPDATE`` statement, so PostgreSQL's counting trigger (one per statement,
  :mod:`backoffice.models.counts`) runs once per transaction and locks the shared counters
  in name order. Every transaction takes comment rows (by id), then counters (by name):
  two of them can wait for each other but never deadlock.
- **Undo once.** An undo first locks its batch's audit entries (SQLite: the write lock), then
  looks for an earlier undo of the batch. Of two undos arriving together the second waits
  for the first to end and then finds its entries; a comment changed again since the batch
  is skipped (compare and set again).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from backoffice.core.database import table_of, write_lock
from backoffice.core.ids import parse_id, parse_ids
from backoffice.domain import audit
from backoffice.models import COMMENT_STATUSES, AuditEntry, Comment, User, counts
from backoffice.models.clock import utcnow

#: The most comments one change touches (a list page shows at most 100 rows).
MAX_BATCH = 1000
COMMENTS = table_of(Comment)


@dataclass
class ModerationResult:
    """What a bulk change did: the batch id, each changed comment's previous status, and the
    comments left alone because their status was no longer the one the moderator saw."""

    batch: str
    previous: dict[int, str] = field(default_factory=dict)
    conflicts: set[int] = field(default_factory=set)

    @property
    def changed(self) -> int:
        return len(self.previous)


def status_counts(session: Session) -> dict[str, int]:
    """Number of comments per status, every status present: the trigger-kept counters
    (one primary-key lookup per status, whatever the number of comments)."""
    keys = {status: counts.status_key("comments", status) for status in COMMENT_STATUSES}
    return counts.read_named(session, keys)


def parse_seen(values: Iterable[Any]) -> dict[int, str]:
    """What a list page says its rows showed: ``["12:pending,13:spam"]`` -> ``{12: "pending",
    13: "spam"}`` (its hidden ``seen`` field). Tokens that are not a row id and a comment
    status are ignored."""
    seen: dict[int, str] = {}
    for value in values:
        for token in str(value).split(","):
            row_id, _sep, status = token.strip().partition(":")
            number = parse_id(row_id)
            if number is not None and status in COMMENT_STATUSES:
                seen[number] = status
    return seen


def set_comment_status(
    session: Session,
    ids: Iterable[int | str],
    status: str,
    moderator: User | None,
    seen: Mapping[int, str] | None = None,
    batch: str | None = None,
) -> ModerationResult:
    """Set ``status`` on the comments ``ids`` and commit; unknown ids are ignored.

    ``seen`` maps ids to the status the moderator saw: a comment whose status is another one
    now is left alone and counted in ``conflicts`` (whatever its status, even ``status``).
    A comment without a seen status is compared with its status as read here, under the
    lock. Comments already in ``status`` are left alone (and not part of the batch).
    ``batch`` joins the change to a batch begun by an earlier call (one undo for both).
    """
    if status not in COMMENT_STATUSES:
        raise ValueError(f"unknown comment status {status!r}")
    result = ModerationResult(batch=batch or uuid.uuid4().hex)
    wanted = parse_ids(ids)[:MAX_BATCH]
    if not wanted:
        return result
    seen = seen or {}
    rows = _locked(session, wanted)
    targets: dict[int, tuple[str, str]] = {}
    for row_id, row in rows.items():
        if seen.get(row_id, row.status) != row.status:
            result.conflicts.add(row_id)
        elif row.status != status:
            targets[row_id] = (row.status, status)
    now = utcnow()
    changed = _write(session, targets, moderator, now)
    result.conflicts.update(set(targets) - changed)  # none while the rows are locked
    result.previous = {row_id: rows[row_id].status for row_id in sorted(changed)}
    audit.record_rows(
        session, "moderate", "Comment",
        [(str(i), _label(rows[i]), _changes(rows[i], status, moderator, now))
         for i in sorted(changed)],
        user_id=moderator.id if moderator is not None else None, batch=result.batch,
    )  # fmt: skip
    session.commit()
    return result


def undo_batch(session: Session, batch: str, moderator: User) -> tuple[int, int]:
    """Restore the statuses a batch of ``moderator`` replaced; return (restored, skipped).

    A comment changed again since the batch (its status, or its moderation time: changed and
    changed back) is skipped rather than overwritten. A batch is undone once: (0, 0) for a
    batch that is unknown, not the moderator's or already undone, also when another undo of
    it is under way (this one waits for it to end).
    """
    write_lock(session)
    entries = session.execute(
        select(AuditEntry.object_id, AuditEntry.changes)
        .where(
            AuditEntry.batch == batch,
            AuditEntry.user_id == moderator.id,
            AuditEntry.object_type == "Comment",
            AuditEntry.action == "moderate",
        )
        .order_by(AuditEntry.id)
        .with_for_update(key_share=True)  # a second undo of the batch waits here
    ).all()
    undone = select(AuditEntry.id).where(
        AuditEntry.batch == batch, AuditEntry.object_type == "Comment", AuditEntry.action == "undo"
    )
    # Read after the lock: under READ COMMITTED this statement sees a finished first undo.
    if not entries or session.execute(undone.limit(1)).first() is not None:
        session.commit()
        return 0, 0
    wanted: dict[int, tuple[str, str, str | None]] = {}
    for object_id, changes in entries:
        old_new = (changes or {}).get("status")
        stamp = ((changes or {}).get("moderated_at") or [None, None])[1]
        row_id = parse_id(object_id)
        if old_new and row_id is not None:
            wanted[row_id] = (old_new[0], old_new[1], stamp)
    rows = _locked(session, sorted(wanted))
    # Back from the batch's status to the one it replaced, where the comment is as the batch
    # left it (and, in the UPDATE, still has the batch's status).
    targets = {
        i: (new, old)
        for i, (old, new, stamp) in wanted.items()
        if i in rows and (stamp is None or _iso(rows[i].moderated_at) == stamp)
    }
    now = utcnow()
    changed = _write(session, targets, moderator, now)
    audit.record_rows(
        session, "undo", "Comment",
        [(str(i), _label(rows[i]), _changes(rows[i], targets[i][1], moderator, now))
         for i in sorted(changed)],
        user_id=moderator.id, batch=batch,
    )  # fmt: skip
    session.commit()
    return len(changed), len(wanted) - len(changed)


def lock_comment(session: Session, comment: Comment) -> str | None:
    """Lock ``comment`` until the transaction ends and reload it; return its status now (the
    edit form compares it with the status the form showed before saving), None if it has
    been deleted meanwhile. Reloaded, its "old" values in the audit are the true ones."""
    write_lock(session)
    try:
        session.refresh(comment, with_for_update={"key_share": True})
    except InvalidRequestError:  # the row is gone
        return None
    return comment.status


# -- locks and the one UPDATE -----------------------------------------------------------------
def _locked(session: Session, ids: list[int]) -> dict[int, Row[Any]]:
    """The comments ``ids`` as they are now, locked until the transaction ends: PostgreSQL
    locks the rows in id order (so changes of overlapping sets queue instead of deadlocking),
    SQLite is under the write lock taken first."""
    if not ids:
        return {}
    write_lock(session)
    moderator = select(User.username).where(User.id == COMMENTS.c.moderated_by_id)
    query = (
        select(
            COMMENTS.c.id, COMMENTS.c.status, COMMENTS.c.moderated_by_id,
            COMMENTS.c.moderated_at, COMMENTS.c.author_name,
            func.substr(COMMENTS.c.text, 1, 40).label("excerpt"),
            moderator.scalar_subquery().label("moderator"),
        )
        .where(COMMENTS.c.id.in_(ids))
        .order_by(COMMENTS.c.id)
        .with_for_update(of=COMMENTS, key_share=True)
    )  # fmt: skip
    return {row.id: row for row in session.execute(query)}


def _write(
    session: Session,
    targets: Mapping[int, tuple[str, str]],
    moderator: User | None,
    now: datetime,
) -> set[int]:
    """Move each comment of ``targets`` (id -> (expected status, new status)) to its new
    status in ONE statement, only where it still has the expected one; the ids changed."""
    if not targets:
        return set()
    by_expected: dict[str, list[int]] = {}
    for row_id, (expected, _new) in targets.items():
        by_expected.setdefault(expected, []).append(row_id)
    news = {new for _expected, new in targets.values()}
    status: Any = (
        news.pop() if len(news) == 1 else case({i: new for i, (_e, new) in targets.items()},
                                               value=COMMENTS.c.id)
    )  # fmt: skip
    statement = (
        update(COMMENTS)
        .where(or_(*(and_(COMMENTS.c.id.in_(ids), COMMENTS.c.status == expected)
                     for expected, ids in by_expected.items())))
        .values(status=status, moderated_at=now,
                moderated_by_id=moderator.id if moderator is not None else None)
        .returning(COMMENTS.c.id)
    )  # fmt: skip
    return set(session.execute(statement).scalars())


def _iso(moment: datetime | None) -> str | None:
    # As the audit log stores times (audit._jsonable).
    return moment.isoformat() if moment is not None else None


def _label(row: Row[Any]) -> str:
    # As str(Comment) labels a comment in the audit log.
    return f"{row.author_name}: {row.excerpt}"


def _changes(
    row: Row[Any], status: str, moderator: User | None, now: datetime
) -> dict[str, tuple[Any, Any]]:
    """Field -> (old, new) of a moderation, the old values as read under the lock (the same
    fields the flush hook records for a comment)."""
    new_id = moderator.id if moderator is not None else None
    changes: dict[str, tuple[Any, Any]] = {"status": (row.status, status)}
    if row.moderated_by_id != new_id:
        changes["moderated_by"] = (row.moderator, str(moderator) if moderator else None)
        changes["moderated_by_id"] = (row.moderated_by_id, new_id)
    changes["moderated_at"] = (row.moderated_at, now)
    return changes
