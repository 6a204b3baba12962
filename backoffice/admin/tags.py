"""Tags: unique regardless of case, usage counts, merge, delete the unused ones."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from backoffice.admin.base import GatedModelView
from backoffice.admin.filters import TagFilter
from backoffice.admin.links import list_url
from backoffice.core.ids import parse_id, parse_ids
from backoffice.domain.tags import merge_tags, plan_merge
from backoffice.extensions import db
from backoffice.models import Tag

#: More tags than this in one merge is a mistake, not a merge.
MAX_MERGE = 100


def _usage_link(view: Any, context: Any, model: Tag, name: str) -> Markup:
    count = model.post_count or 0
    if not count:
        return Markup('<span class="text-muted">0</span>')
    url = list_url("posts", ("id", TagFilter, model.title))
    return Markup('<a href="{}">{}</a>').format(url, format_number(count))


#: The list's rows: a tag's title and how many posts use it.
LIST_ROWS = select(Tag.id, Tag.title, Tag.post_count.expression.label("post_count"))


class TagView(GatedModelView):
    access_key = "tags"

    column_list = ["title", "post_count"]
    column_sortable_list = ["title", "post_count"]
    column_default_sort = "title"
    column_searchable_list = ["title"]
    column_labels = {"title": _l("Title"), "post_count": _l("Posts")}
    column_formatters = {"post_count": _usage_link}
    column_details_list = ["title", "post_count"]
    form_columns = ["title"]

    def get_query(self) -> Any:
        return super().get_query().options(undefer(Tag.post_count))

    def list_row_select(self) -> Any:
        return LIST_ROWS

    def row_scope(self) -> Hashable | None:
        return "all"  # every editor sees every tag

    def on_model_change(self, form: Any, model: Tag, is_created: bool) -> None:
        model.title = " ".join((model.title or "").split())
        if not model.title:
            raise ValidationError(_("A tag needs a title."))
        with db.session.no_autoflush:
            clash = db.session.scalar(
                select(Tag.title).where(
                    func.lower(Tag.title) == model.title.lower(), Tag.id != (model.id or 0)
                )
            )
        if clash is not None:
            raise ValidationError(_("The tag “%(title)s” already exists.", title=clash))

    # -- delete the unused ------------------------------------------------------------------
    @action(
        "delete_unused",
        _l("Delete if unused"),
        _l("Delete the selected tags that no post uses?"),
    )
    def action_delete_unused(self, ids: list[str]) -> None:
        tags = db.session.scalars(
            select(Tag).where(Tag.id.in_(parse_ids(ids))).options(undefer(Tag.post_count))
        ).all()
        unused = [tag for tag in tags if not tag.post_count]
        for tag in unused:
            db.session.delete(tag)
        db.session.commit()
        flash(ngettext("%(num)d tag deleted.", "%(num)d tags deleted.", len(unused)), "success")
        kept = len(tags) - len(unused)
        if kept:
            flash(
                ngettext(
                    "%(num)d tag is still used by posts and was kept.",
                    "%(num)d tags are still used by posts and were kept.",
                    kept,
                ),
                "warning",
            )

    # -- merge ------------------------------------------------------------------------------
    @action("merge", _l("Merge…"))
    def action_merge(self, ids: list[str]) -> Response:
        wanted = parse_ids(ids)
        return redirect(self.get_url(".merge_view", ids=",".join(map(str, wanted))))

    def _selected(self) -> list[Tag]:
        raw = request.values.get("ids", "")
        wanted = parse_ids(raw.split(",")[: MAX_MERGE + 1])
        if len(wanted) > MAX_MERGE:
            abort(400)
        return list(
            db.session.scalars(
                select(Tag)
                .where(Tag.id.in_(wanted))
                .options(undefer(Tag.post_count))
                .order_by(Tag.title)
            )
        )

    @expose("/merge/", methods=["GET", "POST"])
    def merge_view(self) -> Any:
        """Choose a target among the selected tags, see what moves, then merge."""
        if not self.may("merge"):
            abort(403)
        tags = self._selected()
        if len(tags) < 2:
            flash(_("Select at least two tags to merge."), "error")
            return redirect(self.get_url(".index_view"))
        by_id = {tag.id: tag for tag in tags}
        target = by_id.get(parse_id(request.values.get("target")) or 0)
        if request.method == "POST":
            if target is None:
                flash(_("Choose the tag to keep."), "error")
            else:
                title = target.title
                plan = merge_tags(db.session, target, tags)
                flash(
                    ngettext(
                        "%(num)d tag merged into “%(title)s”.",
                        "%(num)d tags merged into “%(title)s”.",
                        len(plan.sources),
                        title=title,
                    ),
                    "success",
                )
                return redirect(self.get_url(".index_view"))
        plans = {tag.id: plan_merge(db.session, tag, tags) for tag in tags}
        return self.render(
            "admin/tags/merge.html",
            tags=tags,
            plans=plans,
            target=target,
            ids=",".join(str(tag.id) for tag in tags),
            format_number=format_number,
        )
