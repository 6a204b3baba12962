"""Tag merging: many tags become one, posts keep every tag they had (mapped to the target)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session

from backoffice.domain import audit
from backoffice.models import Tag, post_tags


@dataclass
class MergePlan:
    """What merging ``sources`` into ``target`` would do."""

    target: Tag
    sources: list[Tag]
    posts_moving: int  # posts that get the target tag added
    links_removed: int  # links to the source tags that go away


def plan_merge(session: Session, target: Tag, sources: list[Tag]) -> MergePlan:
    """Count, without changing anything, what :func:`merge_tags` will do."""
    source_ids = [tag.id for tag in sources if tag.id != target.id]
    if not source_ids:
        return MergePlan(target, [], 0, 0)
    has_target = select(post_tags.c.post_id).where(post_tags.c.tag_id == target.id)
    moving = session.scalar(
        select(func.count(func.distinct(post_tags.c.post_id))).where(
            post_tags.c.tag_id.in_(source_ids), post_tags.c.post_id.not_in(has_target)
        )
    )
    links = session.scalar(
        select(func.count()).select_from(post_tags).where(post_tags.c.tag_id.in_(source_ids))
    )
    return MergePlan(
        target, [t for t in sources if t.id != target.id], int(moving or 0), int(links or 0)
    )


def merge_tags(session: Session, target: Tag, sources: list[Tag]) -> MergePlan:
    """Re-link the posts of ``sources`` to ``target``, delete ``sources``, audit, commit."""
    plan = plan_merge(session, target, sources)
    if not plan.sources:
        return plan
    source_ids = [tag.id for tag in plan.sources]
    batch = uuid.uuid4().hex
    has_target = select(post_tags.c.post_id).where(post_tags.c.tag_id == target.id)
    moving = (
        select(post_tags.c.post_id, literal(target.id, post_tags.c.tag_id.type))
        .where(post_tags.c.tag_id.in_(source_ids), post_tags.c.post_id.not_in(has_target))
        .distinct()
    )
    session.execute(insert(post_tags).from_select(["post_id", "tag_id"], moving))
    session.execute(delete(post_tags).where(post_tags.c.tag_id.in_(source_ids)))
    titles = [tag.title for tag in plan.sources]
    for tag in plan.sources:
        audit.record(session, "merge", tag, {"merged_into": [tag.title, target.title]}, batch)
    audit.record(
        session,
        "merge",
        target,
        {"merged_tags": [None, titles], "posts_relinked": [None, plan.posts_moving]},
        batch,
    )
    session.execute(delete(Tag).where(Tag.id.in_(source_ids)))
    session.commit()
    session.expire_all()
    return plan
