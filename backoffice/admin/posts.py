"""Posts: authors see and change only their own; bodies are sanitised on save."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import abort, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, select
from werkzeug.routing import BuildError
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from backoffice.admin.base import GatedModelView
from backoffice.admin.fields import LocalDateTimeField
from backoffice.admin.filters import (
    AuthorFilter,
    DateTimeBetween,
    DateTimeGreater,
    DateTimeSmaller,
    PostFilter,
    StatusFilter,
    TagFilter,
)
from backoffice.admin.formatting import datetime_formatter, format_count, status_formatter
from backoffice.admin.links import list_url, row_url
from backoffice.admin.rows import ROW_SLOT
from backoffice.admin.search import FullTextSearch
from backoffice.domain.comment_pages import approved_comments
from backoffice.domain.sanitize import clean_html
from backoffice.domain.slugs import slugify, unique_slug
from backoffice.extensions import db
from backoffice.models import POST_STATUSES, Comment, Post, Tag, User, counts, post_tags
from backoffice.models.clock import utcnow
from backoffice.security.own_posts import (
    may_edit_post,
    others_posts,
    sees_every_post,
    visible_posts,
)
from backoffice.security.roles import can

POST_STATUS_CHOICES = [("draft", _l("Draft")), ("published", _l("Published"))]


#: Joins a post's tag titles in one list column. Titles are saved with their whitespace
#: collapsed (TagView), and str.split() counts this unit separator as whitespace.
TAG_SEPARATOR = "\x1f"


def _correlated(value: Any, source: Any, condition: Any) -> Any:
    """``(SELECT value FROM source WHERE condition)`` for each post of the list."""
    return select(value).select_from(source).where(condition).correlate(Post).scalar_subquery()


def _comment_counts(view: Any, context: Any, model: Post, name: str) -> Markup:
    total, pending = model.comments_total, model.comments_pending
    if not total:
        return Markup('<span class="text-muted">0</span>')
    on_post = ("post_id", PostFilter, ROW_SLOT)
    url = row_url("post-comments", lambda: list_url("comments", on_post, status="all"), model.id)
    # Built with escape() rather than Markup.format: this runs for every row of the list.
    link = Markup(f'<a href="{escape(url)}">{escape(format_count(total))}</a>')
    if pending:
        badge = ngettext("%(num)d pending", "%(num)d pending", pending)
        # The queue opens on its pending tab: no need to say so in every row's link.
        pending_url = row_url("post-pending", lambda: list_url("comments", on_post), model.id)
        return link + Markup(
            f' <a class="badge badge-warning" href="{escape(pending_url)}">{escape(badge)}</a>'
        )
    return link


#: The post list's rows: its columns, the author's name, the tag titles and the comment
#: counts in one statement (no body, no User or Tag objects, no query per relation).
_ON_POST = Comment.post_id == Post.id
LIST_ROWS = select(
    Post.id, Post.title, Post.status, Post.published_at, Post.updated_at,
    User.username.label("author"),
    _correlated(func.aggregate_strings(Tag.title, TAG_SEPARATOR), post_tags.join(Tag),
                post_tags.c.post_id == Post.id).label("tags"),
    _correlated(func.count(), Comment, _ON_POST).label("comments_total"),
    _correlated(func.count(), Comment, _ON_POST & (Comment.status == "pending"))
    .label("comments_pending"),
).outerjoin(User, Post.author_id == User.id)  # fmt: skip


class PostView(FullTextSearch, GatedModelView):
    access_key = "posts"

    edit_template = "admin/posts/edit.html"
    create_template = "admin/posts/create.html"
    details_template = "admin/posts/details.html"
    column_list = ["title", "author", "status", "tags", "published_at", "comment_counts"]
    row_link_column = "title"  # the title opens the post (instead of an eye icon)
    column_sortable_list = [
        "title",
        ("author", "author.username"),
        "status",
        "published_at",
        "updated_at",
    ]
    column_default_sort = ("updated_at", True)
    column_searchable_list = ["title", "body"]
    column_filters = [
        StatusFilter(Post.status, _l("Status"), options=POST_STATUS_CHOICES),
        AuthorFilter(Post.author_id, _l("Author")),
        TagFilter(Post.id, _l("Tag")),  # the column only tells Flask-Admin "no join"
        DateTimeBetween(Post.published_at, _l("Publish date")),
        DateTimeGreater(Post.published_at, _l("Publish date")),
        DateTimeSmaller(Post.published_at, _l("Publish date")),
    ]
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
        "comment_counts": _l("Comments"),
    }
    column_choices = {"status": POST_STATUS_CHOICES}
    column_formatters = {
        "status": status_formatter,
        "published_at": datetime_formatter,
        "updated_at": datetime_formatter,
        "created_at": datetime_formatter,
        "comment_counts": _comment_counts,
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

    # -- row-level rule: authors only ever see their own posts (security/own_posts.py) --
    def get_query(self) -> Any:
        # List pages read list_row_select; this query serves the row rule (bulk actions).
        return visible_posts(current_user, super().get_query())

    def get_count_query(self) -> Any:
        return visible_posts(current_user, super().get_count_query())

    def exact_count(self) -> int | None:
        # All posts: the status counters. An author's own posts are counted (capped).
        if not sees_every_post(current_user):
            return None
        keys = [counts.status_key("posts", status) for status in POST_STATUSES]
        return sum(counts.read(db.session, keys).values())

    def list_row_select(self) -> Any:
        return LIST_ROWS

    def row_scope(self) -> Hashable | None:
        # An author's list is their own posts: built for each request.
        return "all" if sees_every_post(current_user) else None

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, posts = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True):
            for post in posts:
                # As Post.tags orders them (by title); the aggregate's order is not defined.
                post.tags = sorted(post.tags.split(TAG_SEPARATOR)) if post.tags else []
        return count, posts

    def get_one(self, id: Any) -> Post | None:
        post = super().get_one(id)
        if post is not None and not may_edit_post(current_user, post):
            abort(403)
        return post

    def authorize_rows(self, ids: list[int]) -> None:
        others = others_posts(current_user)
        if others is None or not ids:
            return
        foreign = db.session.scalar(select(Post.id).where(Post.id.in_(ids), others).limit(1))
        if foreign is not None:
            abort(403)

    def render(self, template: str, **kwargs: Any) -> str:
        if template in (self.edit_template, self.create_template):
            kwargs["editor_media"] = self._editor_media()
        return super().render(template, **kwargs)

    @staticmethod
    def _editor_media() -> dict[str, str] | None:
        """Where the editor uploads images and lists the library's, if this user may."""
        if not can(current_user, "media", "upload"):
            return None
        try:
            return {
                "upload": url_for("media.editor_upload"),
                "images": url_for("media.images_json"),
            }
        except BuildError:
            return None

    # -- preview ----------------------------------------------------------------------------
    @expose("/preview/")
    def preview_view(self) -> Any:
        """The post as its public page shows it (drafts included), for whoever may edit it."""
        post = self.get_one(request.args.get("id", ""))
        if post is None:
            abort(404)
        comments = approved_comments(db.session, post.id)
        html = render_template(
            "blog/post.html",
            post=post,
            comments=comments,
            form=None,
            preview_edit_url=self.get_url(".edit_view", id=post.id),
        )
        return html, 200, {"X-Robots-Tag": "noindex", "Cache-Control": "no-store"}

    # -- saving ----------------------------------------------------------------------------
    def on_model_change(self, form: Any, model: Post, is_created: bool) -> None:
        with db.session.no_autoflush:  # the half-filled row must not be flushed by our queries
            self._fill_post(form, model, is_created)

    def _fill_post(self, form: Any, model: Post, is_created: bool) -> None:
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
