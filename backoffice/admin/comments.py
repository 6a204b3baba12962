"""Comments: the moderation queue (full queue features arrive with the editorial desk)."""

from __future__ import annotations

from typing import Any

from flask import flash, url_for
from flask_admin.actions import action
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin.base import GatedModelView
from backoffice.admin.formatting import datetime_formatter, status_formatter
from backoffice.extensions import db
from backoffice.models import Comment, User
from backoffice.models._time import utcnow
from backoffice.moderation import set_comment_status

COMMENT_STATUS_CHOICES = [
    ("pending", _l("Pending")),
    ("approved", _l("Approved")),
    ("spam", _l("Spam")),
    ("rejected", _l("Rejected")),
]


def _post_link(view: Any, context: Any, model: Comment, name: str) -> Markup:
    # The admin page of the post: drafts have no public page yet.
    url = url_for("posts.details_view", id=model.post_id)
    return Markup('<a href="{}">{}</a>').format(url, model.post.title)


def _excerpt(view: Any, context: Any, model: Comment, name: str) -> str:
    text = model.text or ""
    return text if len(text) <= 120 else text[:117] + "…"


class CommentView(GatedModelView):
    access_key = "comments"

    can_create = False
    column_list = ["post", "author_name", "email", "text", "status", "created_at"]
    column_default_sort = ("created_at", True)
    column_sortable_list = ["author_name", "status", "created_at"]
    column_searchable_list = ["author_name", "email", "text"]
    column_filters = ["status", "post.title", "created_at"]
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
        "text": _excerpt,
        "status": status_formatter,
        "created_at": datetime_formatter,
    }
    form_columns = ["author_name", "email", "text", "status"]
    form_choices = {"status": COMMENT_STATUS_CHOICES}
    column_export_list = ["post.title", "author_name", "email", "text", "status", "created_at"]

    def get_query(self) -> Any:
        return super().get_query().options(joinedload(Comment.post))

    def on_model_change(self, form: Any, model: Comment, is_created: bool) -> None:
        if "status" in form and form.status.object_data != form.status.data:
            model.moderated_by = db.session.get(User, current_user.id)
            model.moderated_at = utcnow()

    def _moderate(self, ids: list[str], status: str) -> None:
        moderator = db.session.get(User, current_user.id)
        previous = set_comment_status(db.session, ids, status, moderator)
        count = len(previous)
        flash(
            ngettext("%(num)d comment updated.", "%(num)d comments updated.", count),
            "success",
        )

    @action("approve", _l("Approve"))
    def action_approve(self, ids: list[str]) -> None:
        self._moderate(ids, "approved")

    @action("reject", _l("Reject"))
    def action_reject(self, ids: list[str]) -> None:
        self._moderate(ids, "rejected")

    @action("spam", _l("Mark as spam"))
    def action_spam(self, ids: list[str]) -> None:
        self._moderate(ids, "spam")
