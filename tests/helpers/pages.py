"""Seeded sites and their pages, and what counts as English on a page.

- :func:`seed_one_of_everything` and :func:`admin_pages` / :func:`workbench_pages`: a row of
  every model, so that every admin page exists, and the (label, URL) of each page (inside a
  request context).
- :func:`seed_site`, :data:`SITE_ADMIN`/:data:`SITE_PASSWORD`, :func:`admin_and_workbench_pages`
  and :data:`PUBLIC_PAGES`: the site the browser crawls (every word, accessibility) visit.
- :func:`matchers_for`: catalog sources as exact texts and patterns, to find them on a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask, url_for
from flask_admin.model import BaseModelView
from sqlalchemy import select

from backoffice.admin.links import find_view
from backoffice.compat.flask_admin import admin_views, default_endpoint
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.i18n.catalogs import PLACEHOLDER
from backoffice.models import Comment, Post, Reminder, Tag, User
from backoffice.models.clock import utcnow
from backoffice.workbench import store

#: The admin of :func:`seed_site`.
SITE_ADMIN, SITE_PASSWORD = "rosa", "every word password"
PUBLIC_PAGES = [("sign-in", "/login"), ("404 page", "/no-such-page"), ("blog index", "/"),
                ("blog post", "/post/zeta-post")]  # fmt: skip


# -- what counts as English --------------------------------------------------------------------
def normal(text: str) -> str:
    """``text`` with its whitespace collapsed, as a reader sees it."""
    return " ".join(text.split())


def matchers_for(sources: Iterable[str]) -> tuple[set[str], list[re.Pattern[str]]]:
    """``sources`` as exact texts, and as patterns where they hold placeholders."""
    exact: set[str] = set()
    patterns = []
    for source in sources:
        text = normal(source)
        parts = PLACEHOLDER.split(text)
        if len(parts) == 1:
            exact.add(text.replace("%%", "%"))
        elif re.search(r"[^\W\d_]{2,}", "".join(parts)):  # words around the placeholders
            patterns.append(".+?".join(re.escape(part.replace("%%", "%")) for part in parts))
    # One pattern of alternatives: a text is tried once, not against each of a few hundred.
    combined = "|".join(f"(?:{body})" for body in patterns)
    return exact, [re.compile(combined, re.DOTALL)] if patterns else []


# -- the pages of the app under test -------------------------------------------------------------
def seed_one_of_everything(author: User) -> None:
    """One row per model, so every edit and details page exists (audit entries follow)."""
    tag = Tag(title="Zeta")
    post = Post(title="Zeta post", slug="zeta-post", body="<p>Zeta</p>", status="published",
                published_at=utcnow() - timedelta(days=1), author=author, tags=[tag])  # fmt: skip
    comment = Comment(post=post, author_name="Zed", text="Zeta zeta", status="approved")
    reminder = Reminder(date=utcnow() + timedelta(days=3), email="zed@example.org", text="Zeta")
    db.session.add_all([tag, post, comment, reminder])
    db.session.commit()


def admin_pages(app: Flask) -> list[tuple[str, str]]:
    """(label, URL) of every page of every admin view: list, create, edit, details, others."""
    pages = []
    for admin in app.extensions["admin"]:
        for view in admin_views(admin):
            endpoint = view.endpoint
            if not isinstance(view, BaseModelView):
                pages.append((endpoint, url_for(default_endpoint(view))))
                continue
            pages.append((f"{endpoint} list", url_for(f"{endpoint}.index_view")))
            if view.can_create:
                pages.append((f"{endpoint} create", url_for(f"{endpoint}.create_view")))
            row = db.session.scalars(select(view.model).limit(1)).first()
            assert row is not None, f"seed a {view.model.__name__} to check {endpoint}'s pages"
            row_id = view.get_pk_value(row)
            if view.can_edit:
                pages.append((f"{endpoint} edit", url_for(f"{endpoint}.edit_view", id=row_id)))
            if view.can_view_details:
                pages.append(
                    (f"{endpoint} details", url_for(f"{endpoint}.details_view", id=row_id))
                )
    return pages


def workbench_pages(lang: str = "ar") -> list[tuple[str, str]]:
    """The workbench's pages inside a catalog (by default Arabic, whose six plural forms are
    all labelled), and its tools."""
    plural = next(entry for entry in store.entries(lang) if entry.msgid_plural)
    return [
        ("workbench entries", url_for("translations.entries_view", lang=lang, state="all")),
        ("workbench search", url_for("translations.entries_view", lang=lang, q="zzz-none")),
        ("workbench editor", url_for("translations.edit_view", lang=lang, key=plural.key)),
        ("workbench upload", url_for("translations.upload_view", lang=lang)),
        ("workbench glossary", url_for("translations.glossary_view", lang=lang)),
        ("workbench consistency", url_for("translations.consistency_view", lang=lang)),
        ("workbench progress", url_for("translations.progress_view")),
    ]


# -- the site the browser crawls visit -----------------------------------------------------------
def seed_site(app: Flask) -> None:
    """An admin (:data:`SITE_ADMIN`), and one row of every model, so that every edit page
    exists; on ``app``'s database, whose schema this creates."""
    with app.app_context():
        db.create_all()
        admin = create_user(db.session, SITE_ADMIN, SITE_PASSWORD, ["admin"])
        tag = Tag(title="Zeta")
        post = Post(
            title="Zeta post",
            slug="zeta-post",
            body="<p>Zeta</p>",
            status="published",
            published_at=utcnow() - timedelta(days=1),
            author=admin,
            tags=[tag],
        )
        db.session.add_all([
            tag, post,
            Comment(post=post, author_name="Zed", text="Zeta zeta", status="pending"),
            Reminder(date=utcnow() + timedelta(days=3), email="zed@example.org", text="Zeta"),
        ])  # fmt: skip
        db.session.commit()


def admin_and_workbench_pages(app: Flask) -> list[tuple[str, str]]:
    """(label, path) of every page of every admin view, and the workbench's pages and tools
    (the same pages as tests/test_i18n_pages.py renders)."""
    with app.test_request_context():
        return admin_pages(app) + workbench_pages("de")


@contextmanager
def statements_built_each_request(view_name: str) -> Iterator[None]:
    """Within it, the list of the view ``view_name`` builds its statements on every request,
    as before they were kept (``FastListMixin.row_scope``): what kept statements list is
    compared with this."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(find_view(view_name)), "row_scope", lambda self: None)
        yield
