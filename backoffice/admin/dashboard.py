"""The admin index: a dashboard with live counts."""

from __future__ import annotations

from flask_admin import expose
from sqlalchemy import func, select

from backoffice.admin.base import GatedIndexView
from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag, User


def dashboard_counts() -> dict[str, int]:
    """Counts shown on the dashboard, in as few queries as the data allows."""
    comments = dict(
        db.session.execute(select(Comment.status, func.count()).group_by(Comment.status)).all()
    )
    posts = dict(db.session.execute(select(Post.status, func.count()).group_by(Post.status)).all())
    return {
        "pending_comments": comments.get("pending", 0),
        "drafts": posts.get("draft", 0),
        "published": posts.get("published", 0),
        "tags": db.session.scalar(select(func.count()).select_from(Tag)) or 0,
        "users": db.session.scalar(select(func.count()).select_from(User)) or 0,
    }


class DashboardView(GatedIndexView):
    access_key = "dashboard"

    @expose("/")
    def index(self) -> str:
        return self.render("admin/dashboard.html", counts=dashboard_counts())
