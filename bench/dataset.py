"""The data set: built once with the project's own commands, reused while its sizes match."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.server import ROOT

DATA_DIR = ROOT / "bench" / "data"
ADMIN_NAME = "bench-admin"
ADMIN_PASSWORD = "bench-admin-password"
#: A word no seeded post contains: the fallback "rare" search term.
ABSENT_WORD = "zephyrine"


@dataclass(frozen=True)
class Sizes:
    """What the seed command was asked for (the data set is reused only for the same)."""

    posts: int
    comments: int
    tags: int
    seed: int = 1


def sqlite_url(sizes: Sizes) -> str:
    """The SQLite file of a data set, named by its sizes."""
    name = f"bench-{sizes.posts}p-{sizes.comments}c-{sizes.tags}t-s{sizes.seed}.sqlite"
    return f"sqlite:///{DATA_DIR / name}"


def flask(
    args: list[str], env: Mapping[str, str], stdin: str | None = None, root: Path = ROOT
) -> str:
    """Run ``flask --app main ARGS`` in the project (at ``root``); its output, or an error."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "main", *args],
        cwd=root,
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _params_file(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") + ".json")
    return DATA_DIR / f"{hashlib.sha256(url.encode()).hexdigest()[:12]}.params.json"


def _empty(url: str) -> None:
    """Remove the old data set: delete the SQLite file, or drop PostgreSQL's public schema."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def build(url: str, sizes: Sizes, env: Mapping[str, str], rebuild: bool = False) -> bool:
    """Migrate, seed (unless reusable), build assets and create the bench admin.

    Returns True if the data set was (re)built. ``--tags`` goes to the seed command only if
    the command offers it.
    """
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    params = _params_file(url)
    wanted = {**asdict(sizes), "url": url}
    reuse = not rebuild and params.exists() and json.loads(params.read_text()) == wanted
    if not reuse:
        params.unlink(missing_ok=True)
        _empty(url)
    flask(["db", "upgrade"], env)
    if not reuse:
        args = ["seed", "--posts", str(sizes.posts), "--comments", str(sizes.comments)]
        args += ["--tags", str(sizes.tags), "--seed", str(sizes.seed)]
        flask(args, env)
        params.write_text(json.dumps(wanted, indent=2))
    flask(["assets", "build"], env)
    try:
        flask(["users", "create", ADMIN_NAME, "--role", "admin", "--password-stdin"], env,
              stdin=ADMIN_PASSWORD + "\n")  # fmt: skip
    except RuntimeError as error:
        if "already exists" not in str(error):  # a reused data set keeps its admin
            raise
    return not reuse


@dataclass(frozen=True)
class Facts:
    """What is really in the database, and the search words picked from it."""

    posts: int
    comments: int
    tags: int
    common_word: str
    rare_word: str


def facts(url: str, sample: int = 300) -> Facts:
    """Count the rows and pick search words from a sample of posts.

    The common word is the most frequent word of the sample; the rare word the least frequent
    one seen in at most 1 % of the sample, else a word no post contains (the seed's vocabulary
    is small, and a term with no match is the worst case for a scan).
    """
    engine = create_engine(url)
    with engine.connect() as conn:
        count = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("posts", "comments", "tags")
        }
        rows = conn.execute(
            text("SELECT title, body FROM posts ORDER BY id LIMIT :n"), {"n": sample}
        ).all()
    engine.dispose()
    per_post: Counter[str] = Counter()
    for title, body in rows:
        plain = re.sub(r"<[^>]*>", " ", f"{title} {body}").lower()
        per_post.update({w for w in re.findall(r"[^\W\d_]{4,}", plain)})
    common = per_post.most_common(1)[0][0] if per_post else "river"
    rare_words = [w for w, n in per_post.items() if n <= max(1, len(rows) // 100)]
    rare = sorted(rare_words)[0] if rare_words else ABSENT_WORD
    return Facts(count["posts"], count["comments"], count["tags"], common, rare)
