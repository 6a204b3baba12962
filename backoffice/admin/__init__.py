"""The admin: a fresh Flask-Admin per app, one module per area."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.babel import gettext as admin_gettext
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from backoffice.admin.audit import AuditView
from backoffice.admin.comment_rules import CommentRulesView
from backoffice.admin.comments import CommentView, pending_count
from backoffice.admin.dashboard import DashboardView
from backoffice.admin.in_context import init_app as init_in_context
from backoffice.admin.media import MediaView
from backoffice.admin.menu import add_badge, cached_menu
from backoffice.admin.posts import PostView
from backoffice.admin.profile import ProfileView
from backoffice.admin.reminders import ReminderView
from backoffice.admin.tags import TagView
from backoffice.admin.translations import TranslationsView
from backoffice.admin.users import RoleView, UserView
from backoffice.compat.flask_admin import forget_render_context
from backoffice.media import storage_of
from backoffice.models import AuditEntry, Comment, Post, Reminder, Role, Tag, User


def init_app(app: Flask) -> Admin:
    """Build the Admin for ``app`` (never module-level: a second app would clash)."""
    admin = Admin(
        app,
        name="Backoffice",
        theme=Bootstrap4Theme(base_template="admin/backoffice_base.html", swatch="default"),
        index_view=DashboardView(name=_l("Dashboard"), url="/admin"),
    )
    blog = _l("Blog")
    people = _l("People")
    admin.add_view(PostView(Post, name=_l("Posts"), endpoint="posts", category=blog))
    admin.add_view(CommentView(Comment, name=_l("Comments"), endpoint="comments", category=blog))
    admin.add_view(
        CommentRulesView(
            name=_l("Moderation rules"), endpoint="comment_rules", url="comment-rules",
            category=blog,
        )
    )  # fmt: skip
    admin.add_view(TagView(Tag, name=_l("Tags"), endpoint="tags", category=blog))
    admin.add_view(
        MediaView(storage_of(app), name=_l("Media library"), endpoint="media", category=blog)
    )
    admin.add_view(ReminderView(Reminder, name=_l("Reminders"), endpoint="reminders"))
    admin.add_view(UserView(User, name=_l("Users"), endpoint="users", category=people))
    admin.add_view(RoleView(Role, name=_l("Roles"), endpoint="roles", category=people))
    admin.add_view(AuditView(AuditEntry, name=_l("Audit log"), endpoint="audit"))
    admin.add_view(
        TranslationsView(name=_l("Translations"), endpoint="translations", url="translations")
    )
    # Not in the menu: the user name in the navbar links to it.
    admin.add_view(ProfileView(name=_l("Profile"), endpoint="profile", url="profile"))
    add_badge(admin, "comments", pending_count)
    init_in_context(app, admin)
    app.add_template_global(cached_menu)
    # Flask-Admin's own texts (its catalog) in our templates, by a public name: its templates
    # get them as ``_gettext``, a name it passes to its renders only.
    app.add_template_global(admin_gettext, "admin_gettext")
    app.teardown_appcontext(forget_render_context)
    return admin
