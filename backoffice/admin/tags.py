"""Tags, unique regardless of case."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms.validators import ValidationError

from backoffice.admin.base import GatedModelView
from backoffice.extensions import db
from backoffice.models import Tag


class TagView(GatedModelView):
    access_key = "tags"

    column_list = ["title"]
    column_default_sort = "title"
    column_searchable_list = ["title"]
    column_labels = {"title": _l("Title")}
    form_columns = ["title"]

    def on_model_change(self, form: Any, model: Tag, is_created: bool) -> None:
        model.title = (model.title or "").strip()
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
