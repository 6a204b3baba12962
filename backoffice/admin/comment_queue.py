"""What the comment queue's pages share: the tab asked for in the URL, and where the last
bulk change waits in the session to be undone (the queue, its cells and the rules page)."""

from __future__ import annotations

from flask import request

from backoffice.models import COMMENT_STATUSES

#: Tabs of the queue: the ``status`` query argument; "all" shows every comment.
QUEUE_TABS: tuple[str, ...] = (*COMMENT_STATUSES, "all")
DEFAULT_TAB = "pending"
#: The session key of the last bulk change the moderator may undo (its batch and count).
UNDO_KEY = "comments_undo"


def current_tab() -> str:
    """The queue tab asked for in the URL; anything unknown is the default tab."""
    tab = request.args.get("status", DEFAULT_TAB)
    return tab if tab in QUEUE_TABS else DEFAULT_TAB
