"""Authors see and change only their own posts: the row rule, in one place.

The roles table (:mod:`backoffice.security.roles`) says who may work on every post, the
action ``("posts", "edit_any")``; anyone else who may open the posts view works only on the
posts they wrote. The posts list (its rows, counts and bulk actions), the edit, details and
preview pages and the dashboard's numbers all ask here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from backoffice.models import Post
from backoffice.security.roles import can


def sees_every_post(user: Any) -> bool:
    """True if ``user`` may see and change every post, not only their own."""
    return can(user, "posts", "edit_any")


def own_posts_conditions(user: Any) -> list[ColumnElement[bool]]:
    """The conditions a post meets to be ``user``'s to see: none for those who see every
    post, else "written by ``user``" (a post without an author is nobody's)."""
    return [] if sees_every_post(user) else [Post.author_id == user.id]


def visible_posts(user: Any, query: Any) -> Any:
    """``query`` (over posts) narrowed to the posts ``user`` may see and change."""
    conditions = own_posts_conditions(user)
    return query.filter(*conditions) if conditions else query


def others_posts(user: Any) -> ColumnElement[bool] | None:
    """The condition of the posts ``user`` may not change (a post without an author counts
    as another's), or None if they may change every post."""
    return None if sees_every_post(user) else Post.author_id.is_distinct_from(user.id)


def may_edit_post(user: Any, post: Post) -> bool:
    """True if ``user`` may see and change ``post``."""
    return sees_every_post(user) or post.author_id == user.id
