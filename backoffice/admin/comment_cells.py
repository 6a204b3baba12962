"""The cells of the comment queue: the e-mail with its author's history, the status with why
the rules held the comment, the comment with its reply box.

A queue page builds one :class:`QueueCells` (``CommentView.render``) and passes it in its
template context as ``queue_cells``: the author counts of the page's e-mails (one statement:
:func:`backoffice.domain.comment_authors.author_counts`), whether the reader moderates, and
what every row repeats, made once a page (the reply box
once per status, with the list's row slot for the id, as the quick buttons are). Per row
only values are put in: a queue page is among the most requested pages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import url_for
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup, escape

from backoffice.admin.comment_queue import current_tab
from backoffice.admin.formatting import STATUS_LABELS, format_count, status_formatter
from backoffice.admin.links import list_url
from backoffice.admin.rows import ROW_ID, ROW_SLOT
from backoffice.domain.replies import ANSWERABLE, MAX_REPLY

#: Why the rules held a comment (models.HOLD_REASONS), as the queue's filter offers it.
HOLD_REASON_LABELS = {
    "links": _l("Too many links"),
    "word": _l("Hold word"),
    "spam_word": _l("Spam word"),
}
#: Comments longer than this are cut to an excerpt in the list.
EXCERPT = 120
#: The author's counts shown beside a comment, in this order.
SHOWN_COUNTS = ("approved", "pending", "spam")
_PENDING_SLOT = "\x00pending\x00"


def hold_text(reason: str | None, detail: str | None) -> str:
    """Why a comment is held, as its badge says it ("3 links", "word: casino")."""
    if reason == "links":
        number = int(detail) if (detail or "").isdigit() else 0
        return ngettext("%(num)d link", "%(num)d links", number)
    if reason == "word":
        return _("word: %(word)s", word=detail or "")
    if reason == "spam_word":
        return _("spam word: %(word)s", word=detail or "")
    return ""


class QueueCells:
    """What the cells of one queue page need, worked out once for the page."""

    def __init__(self, counts: dict[str, dict[str, int]], may_moderate: bool) -> None:
        self.counts = counts
        self.may_moderate = may_moderate
        self._badges: dict[tuple[Any, ...], Markup] = {}
        self._boxes: dict[str, Markup] = {}
        self._links: dict[str, str] = {}
        self._author: tuple[str, str] | None = None
        self._reply_to: str | None = None

    def reply_to(self, parent_id: int) -> Markup:
        """The link from a reply to the comment it answers."""
        if self._reply_to is None:
            text = escape(_("In reply to a comment"))
            url = escape(self.url("details"))
            self._reply_to = f' <a class="small reply-to" href="{url}">{text}</a>'
        return Markup(self._reply_to.replace(ROW_ID, str(parent_id)))

    def url(self, name: str) -> str:
        """A URL of the page's cells, built once (``ROW_ID`` where a value goes)."""
        if name not in self._links:
            self._links[name] = {
                "author": lambda: list_url("comments", ("email", FilterEqual, ROW_SLOT),
                                           status="all"),
                "details": lambda: url_for("comments.details_view", id=ROW_SLOT),
            }[name]()  # fmt: skip
        return self._links[name]

    def status(self, view: Any, context: Any, row: Any, name: str) -> Markup:
        key = (row.status, row.hold_reason, row.hold_detail)
        if key not in self._badges:
            badge = status_formatter(view, context, row, name)
            if row.hold_reason:
                badge += Markup(
                    ' <a class="badge badge-hold" href="{}" title="{}" data-testid="hold-{}">{}</a>'
                ).format(
                    list_url("comments", ("hold_reason", FilterEqual, row.hold_reason),
                             status=current_tab()),
                    _("Show the comments held for this reason"),
                    row.hold_reason,
                    hold_text(row.hold_reason, row.hold_detail),
                )  # fmt: skip
            self._badges[key] = badge
        return self._badges[key]

    def author(self) -> tuple[str, str]:
        """The e-mail cell's ``str.format`` patterns (the cell, the buttons), translated once.
        Kept short: every row repeats them (the link's purpose is given by its cell, the
        author's e-mail, so it needs no title of its own)."""
        if self._author is None:
            counts = " · ".join(
                f"{_brace(escape(str(STATUS_LABELS[status])))} <b>{{{status}}}</b>"
                for status in SHOWN_COUNTS
            )
            cell = (
                '{email}<div class="author-history" data-testid="author-{id}">'
                f'<a href="{{url}}">{counts}</a>{{buttons}}</div>'
            )
            buttons = "".join(
                f' <button form="author-{action}" name="email" value="{{email}}" '
                f'class="author-bulk"><span class="fa {icon}" aria-hidden="true"></span> '
                f"{_brace(escape(text))}</button>"
                for action, icon, text in (
                    ("approve", "fa-check",
                     _("Approve all %(num)s pending", num=_PENDING_SLOT)),
                    ("spam", "fa-exclamation-triangle",
                     _("Spam all %(num)s pending", num=_PENDING_SLOT)),
                )
            ).replace(_brace(_PENDING_SLOT), "{pending}")  # fmt: skip
            self._author = (cell, buttons if self.may_moderate else "")
        return self._author

    def reply_box(self, status: str) -> Markup:
        if status not in self._boxes:
            self._boxes[status] = _reply_box(status)
        return self._boxes[status]


def _brace(text: str) -> str:
    """``text`` as a literal inside a ``str.format`` pattern."""
    return str(text).replace("{", "{{").replace("}", "}}")


def status_cell(view: Any, context: Any, row: Any, name: str) -> Markup:
    """The status badge and, if the rules held the comment, why (a link to the comments held
    for the same reason)."""
    cells: QueueCells | None = context.get("queue_cells")
    if cells is None:
        return status_formatter(view, context, row, name)
    return cells.status(view, context, row, name)


def email_cell(view: Any, context: Any, row: Any, name: str) -> Markup:
    """The author's e-mail and their comments per status (a link to all of them) and, while
    several wait, buttons for all their pending comments at once."""
    email = escape(row.email or "")
    cells: QueueCells | None = context.get("queue_cells")
    counts = cells.counts.get(row.email) if cells is not None and row.email else None
    if not counts:
        return email
    cell, buttons = cells.author()  # type: ignore[union-attr]
    pending = format_count(counts["pending"])
    return Markup(
        cell.format(
            email=email,
            id=row.id,
            url=cells.url("author").replace(ROW_ID, quote(row.email, safe="")),  # type: ignore[union-attr]
            approved=format_count(counts["approved"]),
            pending=pending,
            spam=format_count(counts["spam"]),
            buttons=buttons.format(email=email, pending=pending) if counts["pending"] > 1 else "",
        )
    )


def comment_cell(view: Any, context: Any, row: Any, name: str) -> Markup:
    """The comment's excerpt, what it answers, and a reply box (pending and approved
    comments; answering a pending one approves it)."""
    text = row.text or ""
    cell = escape(text if len(text) <= EXCERPT else text[: EXCERPT - 3] + "…")
    cells: QueueCells | None = context.get("queue_cells")
    if cells is None:
        return cell
    if row.parent_id:
        cell += cells.reply_to(row.parent_id)
    if cells.may_moderate and row.status in ANSWERABLE:
        cell += cells.reply_box(row.status).replace(ROW_SLOT, escape(str(row.id)))
    return cell


def _reply_box(status: str) -> Markup:
    """A row's reply box (with ROW_SLOT for its id): a textarea and a button of the page's
    one reply form (list.html), so the page carries one CSRF token, not one per row."""
    label = _("Approve and reply") if status == "pending" else _("Reply")
    return Markup(
        '<details class="reply-box"><summary>{label}</summary>'
        '<textarea form="reply" name="text-{id}" aria-label="{field}" rows="3" '
        'maxlength="{max}"></textarea>'
        '<button form="reply" name="parent" value="{id}">{label}</button></details>'
    ).format(label=label, id=ROW_SLOT, field=_("Your reply"), max=MAX_REPLY)
