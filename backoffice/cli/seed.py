"""``flask seed``: a realistic, reproducible demo data set, inserted in bulk."""

from __future__ import annotations

import random
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

import click
from sqlalchemy import Connection, func, insert, select

from backoffice.cli import bulk, seed_data
from backoffice.cli.seed_data import Writer
from backoffice.domain.accounts import ensure_roles
from backoffice.domain.comment_rules import rules_of
from backoffice.extensions import db
from backoffice.models import Comment, Post, Reminder, Tag, User
from backoffice.models.clock import utcnow

AUTHORS = ["alice", "bruno", "chloe", "dmitri", "emma", "farid"]
EDITORS = ["grace"]
TRANSLATORS = ["hiro"]
TAGS = [
    "Flask", "Python", "Databases", "Design", "Travel", "Cooking", "Music", "Science",
    "Security", "Testing", "Performance", "Translation", "Accessibility", "Open source",
    "Deployment", "Editorial", "Photography", "History", "Books", "Gardening",
]  # fmt: skip


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


def _ensure_tags(count: int) -> list[int]:
    """At least ``count`` demo tags (the named ones first) -> the ids of every tag."""
    have = {t.lower() for t in db.session.scalars(select(Tag.title))}
    wanted = [t for t in seed_data.tag_titles(count, TAGS) if t.lower() not in have]
    if wanted:
        db.session.execute(insert(Tag), [{"title": title} for title in wanted])
    return list(db.session.scalars(select(Tag.id).order_by(Tag.id)))


@click.command("seed")
@click.option("--posts", default=60, show_default=True, type=click.IntRange(0, 10_000_000))
@click.option("--comments", default=400, show_default=True, type=click.IntRange(0, 100_000_000))
@click.option("--tags", default=len(TAGS), show_default=True, type=click.IntRange(0, 100_000),
              help="Demo tags (created if missing).")  # fmt: skip
@click.option("--reminders", default=10, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--seed", "seed", default=1, show_default=True, help="Random seed (reproducible).")
def seed_command(posts: int, comments: int, tags: int, reminders: int, seed: int) -> None:
    """Fill the database with demo authors, posts, tags, comments and reminders.

    Rows are inserted in bulk in one transaction; on SQLite with relaxed durability
    settings while it runs (a crash mid-seed may need a fresh database file).
    """
    rng = random.Random(seed)
    db.session.info["audit_disabled"] = True  # bulk demo data is not an editorial change
    try:
        author_ids = _ensure_users(rng)
        tag_ids = _ensure_tags(tags)
        rules = rules_of(db.session)
        if not rules.version:  # never saved: the demo's rules
            for name, value in seed_data.DEMO_RULES.items():
                setattr(rules, name, value)
            rules.version = None
            db.session.add(rules)
        db.session.commit()
    finally:
        db.session.info.pop("audit_disabled", None)
    db.session.remove()  # the load runs on its own connection, outside the session
    with db.engine.connect() as conn, bulk.sqlite_pragmas(conn):
        writer = Writer(rng, words=posts * 100 + comments * 20)
        loader = _Loader(conn, writer, utcnow())
        if comments and not posts and not loader.has_posts():
            raise click.ClickException("There are no posts to comment on; seed posts first.")
        total = posts + comments + reminders
        with click.progressbar(length=total, label="Seeding", show_pos=True) as bar:
            loader.run(posts, comments, reminders, author_ids, tag_ids, bar)
        conn.commit()
    bulk.vacuum_analyze(
        db.engine, ["posts", "post_tags", "comments", "reminders", "row_counts", "tag_counts"]
    )
    click.echo(f"Seeded {posts} posts, {comments} comments and {reminders} reminders.")


class _Loader:
    """Inserts the generated rows on one connection, in one transaction."""

    POST_COLUMNS = ("id", "title", "slug", "body", "status", "published_at", "created_at",
                    "updated_at", "author_id")  # fmt: skip
    COMMENT_COLUMNS = ("post_id", "author_name", "email", "text", "created_at", "status",
                       "hold_reason", "hold_detail")  # fmt: skip

    def __init__(self, conn: Connection, writer: Writer, now: datetime) -> None:
        self.conn, self.writer, self.rng, self.now = conn, writer, writer.rng, now

    def has_posts(self) -> bool:
        return self.conn.scalar(select(Post.id).limit(1)) is not None

    def _max_id(self, model: Any) -> int:
        return int(self.conn.scalar(select(func.max(model.id))) or 0)

    def _rows_in(self, model: Any) -> int:
        return int(self.conn.scalar(select(func.count()).select_from(model)) or 0)

    def run(self, posts: int, comments: int, reminders: int, author_ids: list[int],
            tag_ids: list[int], bar: Any) -> None:  # fmt: skip
        max_ids = {"posts": self._max_id(Post), "comments": self._max_id(Comment)}
        # Building an index once is much faster than updating it row by row, unless the
        # tables already hold more than is being added.
        defer = posts + comments > self._rows_in(Post) + self._rows_in(Comment)
        tables = ("posts", "comments", "post_tags")
        with bulk.deferred_indexes(self.conn, tables, max_ids) if defer else nullcontext():
            if posts:
                ids, ages = self._posts(posts, max_ids["posts"] + 1, author_ids, tag_ids, bar)
            else:
                ids, ages = self._existing_posts()
            if comments:
                self._comments(comments, ids, ages, bar)
        self._reminders(reminders, bar)
        if self.conn.dialect.name == "postgresql":  # posts were given explicit ids
            self.conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('posts', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM posts), false)"
            )

    def _posts(self, count: int, first_id: int, author_ids: list[int], tag_ids: list[int],
               bar: Any) -> tuple[list[int], list[float]]:  # fmt: skip
        ids: list[int] = []
        ages: list[float] = []
        made = seed_data.posts(self.writer, count, first_id, author_ids, tag_ids, self.now)
        for chunk in bulk.chunks(made, bulk.CHUNK // 4):
            bulk.insert_rows(self.conn, "posts", self.POST_COLUMNS, [row for row, _, _ in chunk])
            links = [link for _, post_links, _ in chunk for link in post_links]
            bulk.insert_rows(self.conn, "post_tags", ("post_id", "tag_id"), links)
            ids.extend(row[0] for row, _, _ in chunk)  # type: ignore[misc]
            ages.extend(age for _, _, age in chunk)
            bar.update(len(chunk))
        return ids, ages

    def _existing_posts(self) -> tuple[list[int], list[float]]:
        rows = self.conn.execute(select(Post.id, Post.created_at)).all()
        return [r.id for r in rows], [(self.now - r.created_at).total_seconds() for r in rows]

    def _comments(self, count: int, post_ids: list[int], ages: list[float], bar: Any) -> None:
        made = seed_data.comments(self.writer, count, post_ids, ages, self.now)
        for chunk in bulk.chunks(made):
            bulk.insert_rows(self.conn, "comments", self.COMMENT_COLUMNS, chunk)
            bar.update(len(chunk))

    def _reminders(self, count: int, bar: Any) -> None:
        rows = [
            {
                "date": self.now + timedelta(days=self.rng.randint(1, 60)),
                "email": f"{self.rng.choice(AUTHORS)}@example.org",
                "text": f"Follow up: {self.writer.sentence(3, 8)}",
            }
            for _ in range(count)
        ]
        if rows:
            self.conn.execute(insert(Reminder), rows)
        bar.update(count)
