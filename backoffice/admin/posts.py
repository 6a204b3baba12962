"""Posts: authors see and change only their own; bodies are sanitised on save."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from backoffice.admin.base import GatedModelView
from backoffice.admin.fields import LocalDateTimeField
from backoffice.admin.formatting import datetime_formatter, status_formatter
from backoffice.extensions import db
from backoffice.models import Post, User
from backoffice.models._time import utcnow
from backoffice.sanitize import clean_html
from backoffice.slugs import slugify, unique_slug

POST_STATUS_CHOICES = [("draft", _l("Draft")), ("published", _l("Published"))]


class PostView(GatedModelView):
    access_key = "posts"

    column_list = ["title", "author", "status", "tags", "published_at", "updated_at"]
    column_sortable_list = [
        "title",
        ("author", "author.username"),
        "status",
        "published_at",
        "updated_at",
    ]
    column_default_sort = ("updated_at", True)
    column_searchable_list = ["title", "body"]
    column_filters = ["status", "author.username", "tags.title", "published_at"]
    column_details_list = [
        "title", "slug", "author", "status", "tags", "published_at", "created_at", "updated_at",
        "body",
    ]  # fmt: skip
    column_labels = {
        "title": _l("Title"),
        "slug": _l("Slug"),
        "body": _l("Text"),
        "author": _l("Author"),
        "author.username": _l("Author"),
        "status": _l("Status"),
        "tags": _l("Tags"),
        "tags.title": _l("Tag"),
        "published_at": _l("Publish date"),
        "created_at": _l("Created"),
        "updated_at": _l("Updated"),
    }
    column_choices = {"status": POST_STATUS_CHOICES}
    column_formatters = {
        "status": status_formatter,
        "published_at": datetime_formatter,
        "updated_at": datetime_formatter,
        "created_at": datetime_formatter,
    }
    column_formatters_detail = {"body": lambda v, c, m, n: Markup(clean_html(m.body))}
    form_columns = ["title", "slug", "body", "status", "published_at", "tags"]
    form_overrides = {"body": TextAreaField, "published_at": LocalDateTimeField}
    # Declared by hand: the column is required, the field is not (empty -> from the title).
    form_extra_fields = {
        "slug": StringField(
            _l("Slug"),
            validators=[Optional(), Length(max=200)],
            description=_l("Leave empty to derive it from the title."),
        )
    }
    form_choices = {"status": POST_STATUS_CHOICES}
    form_args = {
        "body": {"render_kw": {"rows": 12}},
    }
    form_ajax_refs = {"tags": {"fields": ["title"], "page_size": 20}}
    column_export_list = ["title", "slug", "status", "published_at", "author", "tags"]

    # -- row-level rule: authors only ever see their own posts --------------------------
    def _own_only(self) -> bool:
        return not self.may("edit_any")

    def get_query(self) -> Any:
        query = super().get_query().options(joinedload(Post.author), selectinload(Post.tags))
        if self._own_only():
            query = query.filter(Post.author_id == current_user.id)
        return query

    def get_count_query(self) -> Any:
        query = super().get_count_query()
        if self._own_only():
            query = query.filter(Post.author_id == current_user.id)
        return query

    def get_one(self, id: Any) -> Post | None:
        post = super().get_one(id)
        if post is not None and self._own_only() and post.author_id != current_user.id:
            abort(403)
        return post

    def authorize_rows(self, ids: list[int]) -> None:
        if not self._own_only() or not ids:
            return
        others = Post.author_id.is_distinct_from(current_user.id)  # NULL author: not theirs
        foreign = db.session.scalar(select(Post.id).where(Post.id.in_(ids), others).limit(1))
        if foreign is not None:
            abort(403)

    # -- saving ----------------------------------------------------------------------------
    def on_model_change(self, form: Any, model: Post, is_created: bool) -> None:
        with db.session.no_autoflush:  # the half-filled row must not be flushed by our queries
            self._prepare(form, model, is_created)

    def _prepare(self, form: Any, model: Post, is_created: bool) -> None:
        model.title = (model.title or "").strip()
        if not model.title:
            raise ValidationError(_("A post needs a title."))
        model.body = clean_html(model.body)
        wanted = (form.slug.data or "").strip()
        if wanted:
            slug = slugify(wanted)
            clash = db.session.scalar(
                select(Post.id).where(Post.slug == slug, Post.id != (model.id or 0))
            )
            if clash is not None:
                raise ValidationError(
                    _("Another post already uses the slug “%(slug)s”.", slug=slug)
                )
            model.slug = slug
        else:
            model.slug = unique_slug(db.session, model.title, exclude_id=model.id)
        if is_created and model.author is None:
            model.author = db.session.get(User, current_user.id)
        if model.status == "published" and model.published_at is None:
            model.published_at = utcnow()
