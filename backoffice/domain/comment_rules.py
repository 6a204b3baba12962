"""The moderation rules: what happens to a comment from the public blog, as WordPress does it.

In this order, the first that applies decides:

1. a **spam word** in the name, e-mail or text sends the comment straight to spam;
2. **links**: a comment with ``link_limit`` links or more waits in the queue (0: no limit);
3. a **hold word** in the name, e-mail or text makes it wait in the queue;
4. a **known author** (``approve_known``): a comment whose e-mail already has ``known_count``
   approved comments is approved at once;
5. otherwise it waits in the queue, as every comment did before there were rules.

Words are one per line, matched without regard to case anywhere in the text ("press" also
matches "WordPress", as in WordPress). A held comment keeps why (``Comment.hold_reason`` and
``hold_detail``): the queue shows it as a badge and filters by it.

Rules changed later can be applied to the pending queue (:func:`plan_for_queue`, then
:func:`apply_to_queue`), one undoable batch like a bulk action's.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from backoffice.domain.comment_authors import author_counts
from backoffice.domain.moderation import MAX_BATCH, ModerationResult, set_comment_status
from backoffice.models import RULES_ID, Comment, ModerationRules, User

#: What a link looks like in a plain-text comment.
LINK = re.compile(r"(?i)\b(?:https?://|www\.)")
#: Longest word list an admin may save, in lines.
MAX_WORDS = 500
#: Pending comments read at a time when the rules are applied to the queue.
CHUNK = 2000


@dataclass(frozen=True)
class Verdict:
    """What the rules make of a comment: its status and, if a rule held it, why."""

    status: str
    reason: str | None = None  # models.HOLD_REASONS
    detail: str | None = None  # the number of links, or the word


def words(text: str) -> list[str]:
    """A word list as typed in the rules form: one per line, blank lines and case ignored,
    duplicates dropped, in the order given."""
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        word = line.strip().casefold()
        if word:
            seen.setdefault(word, None)
    return list(seen)


def rules_of(session: Session) -> ModerationRules:
    """The rules; never saved yet, WordPress's defaults, not added to the session (version
    0: the first save inserts them, as version 1)."""
    rules = session.get(ModerationRules, RULES_ID)
    if rules is None:
        rules = ModerationRules(
            id=RULES_ID, link_limit=2, hold_words="", spam_words="", approve_known=False,
            known_count=1, version=0,
        )  # fmt: skip
    return rules


@dataclass(frozen=True)
class RuleSet:
    """The rules as the checks read them (the word lists split once)."""

    link_limit: int
    hold_words: tuple[str, ...]
    spam_words: tuple[str, ...]
    approve_known: bool
    known_count: int

    @classmethod
    def of(cls, rules: ModerationRules) -> RuleSet:
        return cls(
            link_limit=max(0, rules.link_limit or 0),
            hold_words=tuple(words(rules.hold_words)),
            spam_words=tuple(words(rules.spam_words)),
            approve_known=bool(rules.approve_known),
            known_count=max(1, rules.known_count or 1),
        )

    def held(self, name: str, email: str | None, text: str) -> Verdict | None:
        """Spam, held for its links or for a word; None if no such rule applies."""
        haystack = "\n".join((name or "", email or "", text or "")).casefold()
        for word in self.spam_words:
            if word in haystack:
                return Verdict("spam", "spam_word", word)
        # Most comments have no link: two substring tests spare them the regex.
        if self.link_limit and ("http" in haystack or "www." in haystack):
            links = len(LINK.findall(text or ""))
            if links >= self.link_limit:
                return Verdict("pending", "links", str(links))
        for word in self.hold_words:
            if word in haystack:
                return Verdict("pending", "word", word)
        return None

    def verdict(self, name: str, email: str | None, text: str, approved_before: int) -> Verdict:
        """The whole decision, given how many approved comments the e-mail has."""
        held = self.held(name, email, text)
        if held is not None:
            return held
        if self.approve_known and email and approved_before >= self.known_count:
            return Verdict("approved")
        return Verdict("pending")


def approved_counts(session: Session, emails: Iterable[str | None]) -> dict[str, int]:
    """Approved comments per e-mail, for the e-mails given (the database's counters)."""
    found = author_counts(session, emails)
    return {email: by_status["approved"] for email, by_status in found.items()}


def judge_new(session: Session, name: str, email: str | None, text: str) -> Verdict:
    """What the rules make of a comment arriving from the public blog."""
    rules = RuleSet.of(rules_of(session))
    before = 0
    if rules.approve_known and email and rules.held(name, email, text) is None:
        before = approved_counts(session, [email]).get(email, 0)
    return rules.verdict(name, email, text, before)


def receive(session: Session, post_id: int, name: str, email: str | None, text: str) -> Comment:
    """Store a comment from the public blog with the status and reason the rules give it."""
    verdict = judge_new(session, name, email, text)
    comment = Comment(
        post_id=post_id, author_name=name, email=email, text=text, status=verdict.status,
        hold_reason=verdict.reason, hold_detail=verdict.detail,
    )  # fmt: skip
    session.add(comment)
    session.commit()
    return comment


# -- applying changed rules to the queue --------------------------------------------------------
@dataclass
class QueuePlan:
    """What the rules would do to the pending queue: ids per new status, and the new reasons
    of the comments that stay pending."""

    to_spam: list[int] = field(default_factory=list)
    to_approved: list[int] = field(default_factory=list)
    reasons: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    pending: int = 0  # pending comments read

    @property
    def moves(self) -> int:
        return len(self.to_spam) + len(self.to_approved)


def _pending(session: Session) -> Iterator[list[Any]]:
    """The pending comments, CHUNK at a time, in the order of the status index (keyset on
    ``ix_comments_status_created_at_id``: each chunk is a range of the index, no sort)."""
    columns = (Comment.id, Comment.author_name, Comment.email, Comment.text,
               Comment.hold_reason, Comment.hold_detail, Comment.created_at)  # fmt: skip
    after: Any = None
    while True:
        statement = select(*columns).where(Comment.status == "pending")
        if after is not None:
            statement = statement.where(tuple_(Comment.created_at, Comment.id) > tuple_(*after))
        rows = (
            session.connection()
            .execute(statement.order_by(Comment.created_at, Comment.id).limit(CHUNK))
            .all()
        )
        if not rows:
            return
        yield [row[:6] for row in rows]
        after = (rows[-1].created_at, rows[-1].id)


def plan_for_queue(session: Session) -> QueuePlan:
    """What applying the current rules to every pending comment would change."""
    rules = RuleSet.of(rules_of(session))
    plan = QueuePlan()
    for chunk in _pending(session):
        plan.pending += len(chunk)
        known = approved_counts(session, (row[2] for row in chunk)) if rules.approve_known else {}
        for row_id, name, email, text, reason, detail in chunk:
            verdict = rules.verdict(name, email, text, known.get(email or "", 0))
            if verdict.status == "spam":
                plan.to_spam.append(row_id)
            elif verdict.status == "approved":
                plan.to_approved.append(row_id)
            if (verdict.reason, verdict.detail) != (reason, detail):
                plan.reasons[row_id] = (verdict.reason, verdict.detail)
    return plan


def apply_to_queue(session: Session, moderator: User) -> tuple[ModerationResult, QueuePlan]:
    """Apply the current rules to the pending queue, as one batch that can be undone (at most
    MAX_BATCH comments move at a time: applying again moves the rest). Comments that stay
    pending get their new reason (or lose the old one); their status is not touched."""
    plan = plan_for_queue(session)
    batch = uuid.uuid4().hex
    result = ModerationResult(batch=batch)
    room = MAX_BATCH
    for status, ids in (("spam", plan.to_spam), ("approved", plan.to_approved)):
        if not ids or room <= 0:
            continue
        part = set_comment_status(
            session,
            ids[:room],
            status,
            moderator,
            {i: "pending" for i in ids[:room]},
            batch=batch,
        )
        result.previous.update(part.previous)
        result.conflicts.update(part.conflicts)
        room -= part.changed + len(part.conflicts)
    _write_reasons(session, plan.reasons)
    session.commit()
    return result, plan


def _write_reasons(session: Session, reasons: dict[int, tuple[str | None, str | None]]) -> None:
    """Set each comment's hold reason, grouped by reason (a statement per distinct reason)."""
    by_reason: dict[tuple[str | None, str | None], list[int]] = {}
    for row_id, reason in reasons.items():
        by_reason.setdefault(reason, []).append(row_id)
    # Not audited (a Core UPDATE): why a comment waits follows from the rules, whose change is.
    for (reason, detail), ids in by_reason.items():
        for start in range(0, len(ids), CHUNK):
            session.execute(
                update(Comment)
                .where(Comment.id.in_(ids[start : start + CHUNK]))
                .values(hold_reason=reason, hold_detail=detail)
                .execution_options(synchronize_session=False)
            )
