"""The small public blog: published posts and a comment form (comments start pending).

The comment form is rate-limited per client address (backoffice/security/throttle.py,
``COMMENTS``): a refused comment is answered 429 with ``Retry-After`` and the form as it was
typed. It also has a honeypot, ``website``, that people never see or reach (off-screen,
hidden from screen readers, out of the tab order, no autofill): a comment that fills it is
answered exactly like any other (the same thanks and redirect) but is not stored, so a
program learns nothing from the answer.
"""

from __future__ import annotations

import math

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from backoffice.core.ids import parse_id
from backoffice.domain.comment_pages import approved_comments
from backoffice.domain.comment_rules import receive
from backoffice.extensions import db
from backoffice.models import Post
from backoffice.security import throttle

bp = Blueprint("blog", __name__)


class CommentForm(FlaskForm):
    author_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=255)])
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
    # The honeypot: no validators, so whatever a program puts in it is accepted like the rest.
    website = StringField(_l("Leave this field empty"))


@bp.route("/")
def index() -> str:
    """The newest published posts."""
    posts = db.session.scalars(
        select(Post)
        .where(Post.status == "published")
        .options(selectinload(Post.tags))
        .order_by(Post.published_at.desc())
        .limit(20)
    ).all()
    return render_template("blog/index.html", posts=posts)


@bp.route("/post/<slug>", methods=["GET", "POST"])
def post(slug: str) -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """A published post with its approved comments and a form for a new one."""
    entry = db.session.scalar(select(Post).where(Post.slug == slug, Post.status == "published"))
    if entry is None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        wait = throttle.hold(throttle.COMMENTS.bucket(throttle.client_address()))
        if wait:
            flash(_comment_wait_message(wait), "error")
            html, status = _page(entry, form, 429)
            return html, status, throttle.retry_after(wait)
        if not form.website.data:  # an empty honeypot: a person
            comment = receive(
                db.session, entry.id, form.author_name.data.strip(),
                (form.email.data or "").strip() or None, form.text.data.strip(),
            )  # fmt: skip
            if comment.status == "approved":  # a known author (the rules); spam is not told
                flash(_("Thank you! Your comment is published."), "success")
                return redirect(url_for("blog.post", slug=slug), code=303)
        flash(_("Thank you! Your comment will appear once a moderator approves it."), "success")
        return redirect(url_for("blog.post", slug=slug), code=303)
    return _page(entry, form, 400 if form.errors else 200)


def _page(entry: Post, form: CommentForm, status: int) -> tuple[str, int]:
    """The post with a page of its approved comments (``?comments=N``, a page that does not
    exist is a 404) and the comment form as given."""
    asked = request.args.get("comments")
    number = 1 if asked is None else parse_id(asked)
    page = approved_comments(db.session, entry.id, number) if number else None
    if page is None:
        abort(404)
    html = render_template("blog/post.html", post=entry, comments=page, form=form)
    return html, status


def _comment_wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "You have sent several comments in a short time. Please wait %(num)d second and "
            "send it again; your comment is still in the form.",
            "You have sent several comments in a short time. Please wait %(num)d seconds and "
            "send it again; your comment is still in the form.",
            seconds,
        )
    return ngettext(
        "You have sent several comments in a short time. Please wait %(num)d minute and "
        "send it again; your comment is still in the form.",
        "You have sent several comments in a short time. Please wait %(num)d minutes and "
        "send it again; your comment is still in the form.",
        math.ceil(seconds / 60),
    )


def init_app(app: Flask) -> None:
    """Register the blog and the ``sanitize`` filter (bodies are cleaned again on output)."""
    from markupsafe import Markup

    from backoffice.domain.sanitize import clean_html

    app.jinja_env.filters["sanitize"] = lambda html: Markup(clean_html(html))
    app.register_blueprint(bp)
