"""``flask seed``: a realistic, reproducible demo data set, inserted in bulk."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import click
from sqlalchemy import func, insert, select

from backoffice.accounts import ensure_roles
from backoffice.extensions import db
from backoffice.models import Comment, Post, Reminder, Tag, User, post_tags
from backoffice.models._time import utcnow
from backoffice.slugs import slugify

CHUNK = 10_000
AUTHORS = ["alice", "bruno", "chloe", "dmitri", "emma", "farid"]
EDITORS = ["grace"]
TRANSLATORS = ["hiro"]
TAGS = [
    "Flask", "Python", "Databases", "Design", "Travel", "Cooking", "Music", "Science",
    "Security", "Testing", "Performance", "Translation", "Accessibility", "Open source",
    "Deployment", "Editorial", "Photography", "History", "Books", "Gardening",
]  # fmt: skip
WORDS = (
    "quiet river morning light city garden notes letter winter summer harbor journey "
    "market kitchen library window bridge mountain signal pattern season story craft "
    "method practice reading writing field evening forest voice detail island road"
).split()
NAMES = ["Ana", "Ben", "Carla", "David", "Eli", "Fatima", "Gustav", "Hana", "Ivan", "Julia"]
# pending, approved, spam, rejected: most comments are approved, a real queue is pending.
STATUS_WEIGHTS = (("pending", 20), ("approved", 60), ("spam", 10), ("rejected", 10))


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(lo, hi))
    return " ".join(words).capitalize()


def _ensure_users(rng: random.Random) -> list[int]:
    """Demo staff accounts (no usable password: an admin sets one) -> author ids."""
    roles = ensure_roles(db.session)
    existing = {u.username: u for u in db.session.scalars(select(User))}
    unusable = "!" + "".join(rng.choices("abcdef0123456789", k=32))  # never a valid hash
    for names, role in ((AUTHORS, "author"), (EDITORS, "editor"), (TRANSLATORS, "translator")):
        for name in names:
            if name not in existing:
                user = User(username=name, email=f"{name}@example.org", password_hash=unusable)
                user.roles = [roles[role]]
                db.session.add(user)
                existing[name] = user
    db.session.flush()
    return [existing[name].id for name in AUTHORS]


def _ensure_tags() -> list[int]:
    have = {t.lower() for t in db.session.scalars(select(Tag.title))}
    for title in TAGS:
        if title.lower() not in have:
            db.session.add(Tag(title=title))
    db.session.flush()
    return list(db.session.scalars(select(Tag.id)))


def _chunks(total: int) -> list[int]:
    return [min(CHUNK, total - start) for start in range(0, total, CHUNK)]


@click.command("seed")
@click.option("--posts", default=60, show_default=True, type=click.IntRange(0, 10_000_000))
@click.option("--comments", default=400, show_default=True, type=click.IntRange(0, 100_000_000))
@click.option("--reminders", default=10, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--seed", "seed", default=1, show_default=True, help="Random seed (reproducible).")
def seed_command(posts: int, comments: int, reminders: int, seed: int) -> None:
    """Fill the database with demo authors, posts, tags, comments and reminders."""
    rng = random.Random(seed)
    db.session.info["audit_disabled"] = True  # bulk demo data is not an editorial change
    try:
        author_ids = _ensure_users(rng)
        tag_ids = _ensure_tags()
        db.session.commit()
        now = utcnow()
        first_post_id = (db.session.scalar(select(func.max(Post.id))) or 0) + 1
        total = posts + comments + reminders
        with click.progressbar(length=total, label="Seeding", show_pos=True) as bar:
            post_ids = _insert_posts(rng, posts, first_post_id, author_ids, tag_ids, now, bar)
            if not post_ids:
                post_ids = list(db.session.scalars(select(Post.id)))
            if comments and not post_ids:
                raise click.ClickException("There are no posts to comment on; seed posts first.")
            _insert_comments(rng, comments, post_ids, now, bar)
            _insert_reminders(rng, reminders, now, bar)
        db.session.commit()
    finally:
        db.session.info.pop("audit_disabled", None)
    click.echo(f"Seeded {posts} posts, {comments} comments and {reminders} reminders.")


def _insert_posts(rng, count, first_id, author_ids, tag_ids, now, bar) -> list[int]:  # type: ignore[no-untyped-def]
    ids: list[int] = []
    next_id = first_id
    for size in _chunks(count):
        rows, links = [], []
        for _ in range(size):
            title = _sentence(rng, 3, 7)
            created = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
            published = rng.random() < 0.75
            paragraphs = "".join(f"<p>{_sentence(rng, 12, 40)}.</p>" for _ in range(3))
            rows.append(
                {
                    "id": next_id,
                    "title": title,
                    "slug": f"{slugify(title, 180)}-{next_id}",
                    "body": paragraphs,
                    "status": "published" if published else "draft",
                    "published_at": created + timedelta(hours=2) if published else None,
                    "created_at": created,
                    "updated_at": created,
                    "author_id": rng.choice(author_ids),
                }
            )
            for tag_id in rng.sample(tag_ids, k=min(len(tag_ids), rng.randint(1, 3))):
                links.append({"post_id": next_id, "tag_id": tag_id})
            ids.append(next_id)
            next_id += 1
        db.session.execute(insert(Post), rows)
        if links:
            db.session.execute(insert(post_tags), links)
        bar.update(size)
    return ids


def _insert_comments(rng, count, post_ids, now, bar) -> None:  # type: ignore[no-untyped-def]
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    for size in _chunks(count):
        rows = []
        for status in rng.choices(statuses, weights=weights, k=size):
            name = rng.choice(NAMES)
            created: datetime = now - timedelta(minutes=rng.randint(0, 525_600))
            rows.append(
                {
                    "post_id": rng.choice(post_ids),
                    "author_name": name,
                    "email": f"{name.lower()}{rng.randint(1, 999)}@example.com",
                    "text": _sentence(rng, 5, 30) + ".",
                    "status": status,
                    "created_at": created,
                }
            )
        db.session.execute(insert(Comment), rows)
        bar.update(size)


def _insert_reminders(rng, count, now, bar) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {
            "date": now + timedelta(days=rng.randint(1, 60)),
            "email": f"{rng.choice(AUTHORS)}@example.org",
            "text": f"Follow up: {_sentence(rng, 3, 8)}",
        }
        for _ in range(count)
    ]
    if rows:
        db.session.execute(insert(Reminder), rows)
    bar.update(count)
