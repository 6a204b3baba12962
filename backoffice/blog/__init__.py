"""The small public blog: published posts and a comment form (comments start pending)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from backoffice.extensions import db
from backoffice.models import Comment, Post

bp = Blueprint("blog", __name__)


class CommentForm(FlaskForm):
    author_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=255)])
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


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
def post(slug: str) -> str | Response | tuple[str, int]:
    """A published post with its approved comments and a form for a new one."""
    entry = db.session.scalar(select(Post).where(Post.slug == slug, Post.status == "published"))
    if entry is None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        db.session.add(
            Comment(
                post=entry,
                author_name=form.author_name.data.strip(),
                email=(form.email.data or "").strip() or None,
                text=form.text.data.strip(),
                status="pending",
            )
        )
        db.session.commit()
        flash(_("Thank you! Your comment will appear once a moderator approves it."), "success")
        return redirect(url_for("blog.post", slug=slug), code=303)
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.post_id == entry.id, Comment.status == "approved")
        .order_by(Comment.created_at)
    ).all()
    status = 400 if form.errors else 200
    return render_template("blog/post.html", post=entry, comments=comments, form=form), status


def init_app(app: Flask) -> None:
    """Register the blog and the ``sanitize`` filter (bodies are cleaned again on output)."""
    from markupsafe import Markup

    from backoffice.sanitize import clean_html

    app.jinja_env.filters["sanitize"] = lambda html: Markup(clean_html(html))
    app.register_blueprint(bp)
