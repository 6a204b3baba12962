"""Comments: the moderation queue.

The list opens on pending comments; tabs per status show their counts. Bulk and per-row
actions go through :mod:`backoffice.domain.moderation`, and the last bulk change can be undone.

Every change is compare-and-set: the list page sends, with any action, the status each of its
rows had when it was shown (hidden ``seen`` field: ``id:status,…``), the edit form the
status the comment had when the form was opened (``seen_status``). A comment changed by
someone else in between is left alone and the moderator is told.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import HiddenField

from backoffice.admin.base import GatedModelView
from backoffice.admin.comment_cells import (
    EXCERPT,
    HOLD_REASON_LABELS,
    QueueCells,
    comment_cell,
    email_cell,
    status_cell,
)
from backoffice.admin.comment_queue import QUEUE_TABS, UNDO_KEY, current_tab
from backoffice.admin.filters import PostFilter
from backoffice.admin.formatting import STATUS_LABELS, datetime_formatter
from backoffice.admin.links import row_url
from backoffice.admin.rows import ROW_SLOT
from backoffice.admin.search import FullTextSearch
from backoffice.compat.flask_admin import action_title
from backoffice.core.ids import parse_id
from backoffice.domain.comment_authors import author_counts, pending_of
from backoffice.domain.moderation import (
    lock_comment,
    parse_seen,
    set_comment_status,
    status_counts,
    undo_batch,
)
from backoffice.domain.replies import MAX_REPLY, post_reply
from backoffice.extensions import db
from backoffice.models import COMMENT_STATUSES, Comment, Post, User, counts
from backoffice.models.clock import utcnow
from backoffice.security.redirects import safe_next
from backoffice.security.roles import can

COMMENT_STATUS_CHOICES = [(status, STATUS_LABELS[status]) for status in COMMENT_STATUSES]
#: Per-row quick actions: action name -> the status it sets.
QUICK_ACTIONS: dict[str, str] = {"approve": "approved", "reject": "rejected", "spam": "spam"}
QUICK_ICONS: dict[str, str] = {
    "approve": "fa-check",
    "reject": "fa-ban",
    "spam": "fa-exclamation-triangle",
}
#: The bulk actions on all pending comments of an author: name -> the status they set.
AUTHOR_ACTIONS: dict[str, str] = {"approve": "approved", "spam": "spam"}


def _post_link(view: Any, context: Any, model: Comment, name: str) -> Markup:
    # The admin page of the post: drafts have no public page yet.
    url = row_url("post-details", lambda: url_for("posts.details_view", id=ROW_SLOT), model.post_id)
    return Markup(f'<a href="{escape(url)}">{escape(model.post.title)}</a>')  # per row: no .format


class SeenStatusField(HiddenField):
    """The status a comment had when its edit form was shown: compared on save (compare and
    set), never written to the comment."""

    def populate_obj(self, obj: Any, name: str) -> None:
        pass


#: The list's rows: the columns shown and the post's title. The text is read one character
#: longer than an excerpt, so the excerpt still knows to cut.
LIST_ROWS = select(
    Comment.id, Comment.post_id, Post.title.label("post.title"), Comment.author_name,
    Comment.email, func.substr(Comment.text, 1, EXCERPT + 1).label("text"), Comment.status,
    Comment.created_at, Comment.hold_reason, Comment.hold_detail, Comment.parent_id,
).join(Post, Comment.post_id == Post.id)  # fmt: skip


class CommentView(FullTextSearch, GatedModelView):
    access_key = "comments"

    can_create = False
    list_template = "admin/comments/list.html"
    column_list = ["post", "author_name", "email", "text", "status", "created_at"]
    column_default_sort = ("created_at", True)
    column_sortable_list = ["author_name", "status", "created_at"]
    column_searchable_list = ["author_name", "email", "text"]
    column_filters = [
        PostFilter(Comment.post_id, _l("Post")),
        "post.title",
        "status",
        "created_at",
        FilterEqual(Comment.email, _l("E-mail")),
        FilterEqual(
            Comment.hold_reason, _l("Held because"), options=list(HOLD_REASON_LABELS.items())
        ),
    ]
    column_details_list = [
        "post", "author_name", "email", "text", "status", "created_at", "moderated_by",
        "moderated_at",
    ]  # fmt: skip
    column_labels = {
        "post": _l("Post"),
        "post.title": _l("Post"),
        "author_name": _l("Author"),
        "email": _l("E-mail"),
        "text": _l("Comment"),
        "status": _l("Status"),
        "created_at": _l("Date"),
        "moderated_by": _l("Moderated by"),
        "moderated_at": _l("Moderated at"),
    }
    column_choices = {"status": COMMENT_STATUS_CHOICES}
    column_formatters = {
        "post": _post_link,
        "email": email_cell,
        "text": comment_cell,
        "status": status_cell,
        "created_at": datetime_formatter,
        "moderated_at": datetime_formatter,
    }
    column_formatters_detail = {"text": lambda v, c, m, n: m.text}
    form_columns = ["author_name", "email", "text", "status", "seen_status"]
    form_choices = {"status": COMMENT_STATUS_CHOICES}
    form_extra_fields = {"seen_status": SeenStatusField()}
    column_export_list = ["post.title", "author_name", "email", "text", "status", "created_at"]

    # -- the queue --------------------------------------------------------------------------
    def _shown_status(self) -> str | None:
        """The status the list page shows (its queue tab), None for every comment."""
        tab = current_tab()
        if request.endpoint == f"{self.endpoint}.index_view" and tab != "all":
            return tab
        return None

    def _in_tab(self, query: Any) -> Any:
        status = self._shown_status()
        return query if status is None else query.filter(Comment.status == status)

    def row_scope(self) -> Hashable | None:
        return ("status", self._shown_status())

    def get_query(self) -> Any:
        # List pages read list_row_select; this query serves the queue tab (bulk actions).
        return self._in_tab(super().get_query())

    def list_row_select(self) -> Any:
        return LIST_ROWS

    def get_count_query(self) -> Any:
        return self._in_tab(super().get_count_query())

    def seek_scope(self) -> Any:
        # Every comment, whatever the tab: an approved comment still marks where its page of
        # the pending tab ended.
        return super().get_count_query()

    def _quick_buttons(self) -> Callable[[Any, Any], Markup]:
        """Each row's quick buttons (every status but the row's own), each submitting the shared
        form of its action (list.html) with the row id: made once per status, language and
        catalog, with the list's row slot for the id (rows.ROW_SLOT)."""
        by_status = self._translated.get("quick", self._quick_buttons_by_status)
        return lambda row, pk: by_status[row.status].replace(ROW_SLOT, pk)

    def _quick_buttons_by_status(self) -> dict[str, Markup]:
        button = Markup(
            ' <button form="quick-{name}" name="rowid" value="{id}" '
            'class="btn btn-link p-0 fa {icon}" data-testid="quick-{name}-{id}" '
            'title="{title}"></button>'
        )
        return {
            status: Markup("").join(
                button.format(name=name, id=ROW_SLOT, icon=QUICK_ICONS[name],
                              title=action_title(self, name))
                for name, sets in QUICK_ACTIONS.items() if sets != status
            )
            for status in COMMENT_STATUSES
        }  # fmt: skip

    def exact_count(self) -> int | None:
        # The unfiltered tab: the status counters (the same ones the tabs show).
        numbers = status_counts(db.session)
        tab = current_tab()
        return sum(numbers.values()) if tab == "all" else numbers[tab]

    def render(self, template: str, **kwargs: Any) -> str:
        if template == self.list_template:
            kwargs.update(
                queue_tab=current_tab(),
                queue_tabs=QUEUE_TABS,
                status_counts=status_counts(db.session),
                quick_actions=QUICK_ACTIONS,
                status_label=lambda status: str(STATUS_LABELS[status]),
                format_number=format_number,
                undo=session.pop(UNDO_KEY, None),
                # What the moderator sees: sent back with every action (compare and set).
                seen=",".join(f"{row.id}:{row.status}" for row in kwargs.get("data") or ()),
                queue_cells=QueueCells(
                    author_counts(db.session, (row.email for row in kwargs.get("data") or ())),
                    may_moderate=bool(kwargs.get("actions")),
                ),
                # The author buttons act on comments that had arrived by now (seen ones).
                shown_at=utcnow().isoformat(),
                author_actions=AUTHOR_ACTIONS,
                # The keys' list is the same for every reader of a language: made once.
                keys_overlay=self._translated.get(
                    "keys", lambda: Markup(render_template("admin/comments/_keys.html"))
                ),
            )
            if kwargs.get("actions"):
                kwargs["row_extras"] = self._quick_buttons()
        return super().render(template, **kwargs)

    # -- editing a single comment -------------------------------------------------------------
    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        if obj is not None and form.seen_status.data not in COMMENT_STATUSES:
            form.seen_status.data = obj.status  # opening the form (or a form without it)
        return form

    def update_model(self, form: Any, model: Comment) -> bool:
        # Compare and set: lock the comment, then save only if its status is still the one
        # the form showed. Otherwise nothing is saved (not even the text: the form would write
        # its stale status back) and the form shows the status it has now.
        seen = form.seen_status.data
        current = lock_comment(db.session, model)
        if current is None:
            db.session.rollback()
            flash(admin_gettext("Record does not exist."), "error")
            return False
        if "status" in form and seen != current:
            db.session.rollback()
            flash(
                _(
                    "Someone else changed the status of this comment to “%(status)s” while "
                    "you were editing it. Nothing was saved: check the comment and save again.",
                    status=str(STATUS_LABELS[current]),
                ),
                "warning",
            )
            form.seen_status.data = form.status.data = current
            return False
        if "status" in form:
            form.status.object_data = current  # on_model_change: a change of the status now
        return bool(super().update_model(form, model))

    def on_model_change(self, form: Any, model: Comment, is_created: bool) -> None:
        if "status" in form and form.status.object_data != form.status.data:
            model.moderated_by = db.session.get(User, current_user.id)
            model.moderated_at = utcnow()

    # -- moderation -----------------------------------------------------------------------------
    def _moderate(self, ids: list[Any], status: str, seen: dict[int, str] | None = None) -> None:
        moderator = db.session.get(User, current_user.id)
        if seen is None:
            seen = parse_seen(request.form.getlist("seen"))
        result = set_comment_status(db.session, ids, status, moderator, seen)
        count = result.changed
        if count or not result.conflicts:
            flash(_moderated_message(status, count), "success")
        if result.conflicts:
            flash(
                ngettext(
                    "%(num)d comment had been changed by someone else since you saw it and "
                    "was left as it is.",
                    "%(num)d comments had been changed by someone else since you saw them and "
                    "were left as they are.",
                    len(result.conflicts),
                ),
                "warning",
            )
        if count:
            session[UNDO_KEY] = {"batch": result.batch, "count": count, "status": status}

    @action("approve", _l("Approve"))
    def action_approve(self, ids: list[str]) -> None:
        self._moderate(ids, "approved")

    @action("reject", _l("Reject"))
    def action_reject(self, ids: list[str]) -> None:
        self._moderate(ids, "rejected")

    @action("spam", _l("Mark as spam"))
    def action_spam(self, ids: list[str]) -> None:
        self._moderate(ids, "spam")

    @expose("/author/", methods=["POST"])
    def author_view(self) -> Response:
        """Approve, or mark as spam, every pending comment of one author (by e-mail) that had
        arrived when the moderator's page was shown; undone like a bulk action."""
        back = safe_next(request.form.get("url"), self.get_url(".index_view"))
        status = AUTHOR_ACTIONS.get(request.form.get("action", ""))
        email = (request.form.get("email") or "").strip()
        until = _parse_time(request.form.get("shown_at"))
        if not self.may("edit") or status is None or not email or until is None:
            flash(_("This action cannot be done. Reload the page and try again."), "error")
            return redirect(back)
        ids = pending_of(db.session, email, until)
        self._moderate(ids, status, dict.fromkeys(ids, "pending"))
        return redirect(back)

    @expose("/reply/", methods=["POST"])
    def reply_view(self) -> Response | tuple[str, int]:
        """Answer a comment from the queue (see backoffice.domain.replies). A reply that
        cannot be sent is shown again on a page of its own, with why, to be sent again or
        copied: nothing typed is lost (and nothing of it waits in the session cookie)."""
        back = safe_next(request.form.get("url"), self.get_url(".index_view"))
        parent = parse_id(request.form.get("parent"))
        text = (request.form.get(f"text-{parent}") or "").strip() if parent else ""
        if parent is None or not text:
            flash(_("Write a reply before sending it."), "error")
            return redirect(back)
        if len(text) > MAX_REPLY:
            problem, status = "too_long", 400
        else:
            editor = db.session.get(User, current_user.id)
            seen = parse_seen(request.form.getlist("seen")).get(parent)
            result = post_reply(db.session, parent, text, editor, seen)
            if result.problem is None:
                if result.approved_parent:
                    flash(_("The comment is approved and your reply is published."), "success")
                else:
                    flash(_("Your reply is published."), "success")
                return redirect(back)
            problem, status = result.problem, 404 if result.problem == "missing" else 409
        comment = db.session.get(Comment, parent)
        page = self.render(
            "admin/comments/reply.html", comment=comment, text=text, back=back,
            problem=_reply_problem(problem, len(text)), max_length=MAX_REPLY,
            status_label=lambda status: str(STATUS_LABELS[status]),
        )  # fmt: skip
        return page, status

    @expose("/undo/", methods=["POST"])
    def undo_view(self) -> Response:
        """Put back the statuses a bulk change of the current user replaced."""
        batch = request.form.get("batch", "")
        if not (len(batch) == 32 and batch.isalnum()):
            flash(_("This change cannot be undone."), "error")
            return redirect(self.get_url(".index_view"))
        moderator = db.session.get(User, current_user.id)
        restored, skipped = undo_batch(db.session, batch, moderator)
        if not restored and not skipped:
            flash(_("This change cannot be undone (already undone, or not yours)."), "error")
        else:
            flash(
                ngettext("%(num)d comment restored.", "%(num)d comments restored.", restored),
                "success",
            )
        if skipped:
            flash(
                ngettext(
                    "%(num)d comment was changed again since and was left as it is.",
                    "%(num)d comments were changed again since and were left as they are.",
                    skipped,
                ),
                "warning",
            )
        return redirect(self.get_url(".index_view", status=request.form.get("status") or None))


def _reply_problem(problem: str, length: int) -> str:
    """Why a reply was not sent, for the reply page."""
    if problem == "too_long":
        return _(
            "A reply can be at most %(max)s characters long; yours has %(length)s.",
            max=format_number(MAX_REPLY), length=format_number(length),
        )  # fmt: skip
    if problem == "conflict":
        return _(
            "Someone else moderated this comment since you saw it, so your reply was not "
            "sent. Here it is: send it again if it still fits, or go back to the queue."
        )
    if problem == "unanswerable":
        return _("Only pending and approved comments can be answered.")
    return _("This comment no longer exists.")


def _parse_time(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    # Stored times are naive UTC.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _moderated_message(status: str, count: int) -> str:
    # One sentence per status: the participle agrees with "comment" differently per language.
    if status == "approved":
        return ngettext("%(num)d comment approved.", "%(num)d comments approved.", count)
    if status == "rejected":
        return ngettext("%(num)d comment rejected.", "%(num)d comments rejected.", count)
    return ngettext("%(num)d comment marked as spam.", "%(num)d comments marked as spam.", count)


def pending_count() -> int:
    """Pending comments for the menu badge (the trigger-kept counter, which the request reads
    once with the other status counters), and 0 for users who cannot open the queue."""
    if not can(current_user, "comments"):
        return 0
    key = counts.status_key("comments", "pending")
    return counts.read(db.session, [key])[key]
