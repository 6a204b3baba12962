"""URL slugs for posts."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import Post


def slugify(text: str, max_length: int = 200) -> str:
    """``"Hello, Wörld!"`` -> ``"hello-world"``; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or "post"


def unique_slug(session: Session, wanted: str, exclude_id: int | None = None) -> str:
    """``wanted`` slugified, with ``-2``, ``-3``… appended until no other post uses it."""
    base = slugify(wanted)
    taken_query = select(Post.slug).where(Post.slug.like(f"{base}%"))
    if exclude_id is not None:
        taken_query = taken_query.where(Post.id != exclude_id)
    taken = set(session.scalars(taken_query))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
