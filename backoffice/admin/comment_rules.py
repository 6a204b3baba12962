"""The moderation rules page (admins): the rules of backoffice/domain/comment_rules.py, and
applying them to the pending queue after a preview, undone like a bulk action.

Saving is compare-and-set: the form carries the version of the rules it showed; rules saved
by someone else meanwhile are not overwritten (the form keeps what was typed and says so).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, session, url_for
from flask_admin import expose
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from backoffice.admin.base import GatedView
from backoffice.admin.comment_queue import UNDO_KEY
from backoffice.domain.comment_rules import MAX_WORDS, apply_to_queue, plan_for_queue, rules_of
from backoffice.extensions import db
from backoffice.models import User

#: Longest word or phrase of a list (the column that keeps a held comment's word).
MAX_WORD = 200


def _word_list(form: FlaskForm, field: TextAreaField) -> None:
    lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
    if len(lines) > MAX_WORDS:
        raise ValidationError(
            _("At most %(max)s words or phrases, one per line.", max=format_number(MAX_WORDS))
        )
    if any(len(line) > MAX_WORD for line in lines):
        raise ValidationError(
            _("A word or phrase can be at most %(max)s characters long.", max=MAX_WORD)
        )


class RulesForm(FlaskForm):
    link_limit = IntegerField(
        _l("Hold a comment that has this many links or more (0: never for its links)"),
        validators=[InputRequired(_l("Enter a number.")),
                    NumberRange(0, 100, _l("Enter a number from %(min)s to %(max)s."))],
    )  # fmt: skip
    hold_words = TextAreaField(
        _l("Hold words: a comment that has one of these waits in the queue"),
        validators=[_word_list],
    )
    spam_words = TextAreaField(
        _l("Spam words: a comment that has one of these goes straight to spam"),
        validators=[_word_list],
    )
    approve_known = BooleanField(_l("Approve comments from authors already approved"))
    known_count = IntegerField(
        _l("Approved comments an e-mail needs for that"),
        validators=[InputRequired(_l("Enter a number.")),
                    NumberRange(1, 1000, _l("Enter a number from %(min)s to %(max)s."))],
    )  # fmt: skip
    version = HiddenField()


def _version(value: str | None) -> int | None:
    """The rules' version a form carries (0: the defaults, never saved), None if none."""
    text = value or ""
    return int(text) if text.isdigit() and len(text) < 10 else None


#: The fields of the form saved into the rules.
EDITABLE = ("link_limit", "hold_words", "spam_words", "approve_known", "known_count")


class CommentRulesView(GatedView):
    """``/admin/comment-rules/``: the rules, and applying them to the queue."""

    access_key = "comment_rules"

    @expose("/", methods=["GET", "POST"])
    def index(self) -> str | Response | tuple[str, int]:
        rules = rules_of(db.session)
        if request.method == "GET":
            return self._render(RulesForm(formdata=None, obj=rules), rules)
        form = RulesForm()
        if not form.validate_on_submit():
            return self._render(form, rules, 400)
        if _version(form.version.data) != rules.version:
            flash(
                _(
                    "Someone else saved the rules while you were editing them. Nothing was "
                    "saved: the page shows what you typed; compare it with the rules now "
                    "in use and save again."
                ),
                "warning",
            )
            form.version.data = str(rules.version)
            return self._render(form, rules, 409)
        for name in EDITABLE:  # not the version: the mapper bumps it
            setattr(rules, name, getattr(form, name).data)
        if not rules.version:  # never saved: the defaults become the first version
            rules.version = None
            db.session.add(rules)
        rules.updated_by = db.session.get(User, current_user.id)
        db.session.commit()
        flash(_("The rules are saved. They apply to comments that arrive from now on."), "success")
        return redirect(url_for(".index"), code=303)

    @expose("/preview/", methods=["GET"])
    def preview(self) -> str:
        """What applying the rules would change in the queue (nothing is changed)."""
        rules = rules_of(db.session)
        plan = plan_for_queue(db.session)
        return self._render(RulesForm(formdata=None, obj=rules), rules, plan=plan)[0]

    @expose("/apply/", methods=["POST"])
    def apply(self) -> Response:
        """Apply the rules to the pending queue, if they are the ones the preview showed."""
        form = FlaskForm()
        rules = rules_of(db.session)
        if not form.validate_on_submit():
            flash(_("The form has expired. Preview again and apply."), "error")
            return redirect(url_for(".preview"))
        if _version(request.form.get("version")) != rules.version:
            flash(_("The rules changed since the preview. Check the new preview."), "warning")
            return redirect(url_for(".preview"))
        moderator = db.session.get(User, current_user.id)
        result, plan = apply_to_queue(db.session, moderator)
        if result.changed:
            session[UNDO_KEY] = {"batch": result.batch, "count": result.changed, "status": ""}
        flash(
            ngettext(
                "The rules are applied: %(num)d comment moved.",
                "The rules are applied: %(num)d comments moved.",
                result.changed,
            ),
            "success",
        )
        if result.conflicts:
            flash(
                ngettext(
                    "%(num)d comment had been moderated by someone else and was left as it is.",
                    "%(num)d comments had been moderated by someone else and were left as "
                    "they are.",
                    len(result.conflicts),
                ),
                "warning",
            )
        left = plan.moves - result.changed - len(result.conflicts)
        if left > 0:
            flash(
                ngettext(
                    "%(num)d more comment is to move: apply the rules again.",
                    "%(num)d more comments are to move: apply the rules again.",
                    left,
                ),
                "info",
            )
        return redirect(url_for("comments.index_view"), code=303)

    def _render(
        self, form: RulesForm, rules: Any, status: int = 200, plan: Any = None
    ) -> tuple[str, int]:
        if form.version.data in (None, ""):
            form.version.data = str(rules.version)
        page = self.render("admin/comments/rules.html", form=form, rules=rules, plan=plan)
        return page, status
