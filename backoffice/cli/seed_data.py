"""Demo rows for ``flask seed``, generated as plain tuples (fast to build and to insert).

The text follows a Zipf distribution over a fixed vocabulary, so searches have common words
(``quiet`` is in nearly every post) and rare ones (``vosuru`` is in few); dates span two years;
comments come after their post and bunch on popular posts; most posts carry one to three tags,
some tags far more often than others.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from backoffice.core.caches import memoized
from backoffice.domain.slugs import slugify

#: The most frequent words (in this order); the rest of the vocabulary is made up.
COMMON_WORDS = (
    "quiet river morning light city garden notes letter winter summer harbor journey "
    "market kitchen library window bridge mountain signal pattern season story craft "
    "method practice reading writing field evening forest voice detail island road"
).split()
ACCENTED_WORDS = ["café", "über", "naïve", "façade", "crème", "año", "smörgåsbord", "déjà"]
VOCABULARY_SIZE = 6_000
SYLLABLES = "ka ri to mu se la no vi da pe su ro mi te lu fa zo ne bi go".split()
NAMES = ["Ana", "Ben", "Carla", "David", "Eli", "Fatima", "Gustav", "Hana", "Ivan", "Julia"]
STATUSES = ("pending", "approved", "spam", "rejected")
#: Cumulative weights: most comments are approved, a real queue is pending.
STATUS_CUM_WEIGHTS = (20, 80, 90, 100)
SPAN = timedelta(days=730)
#: The moderation rules of a seeded site (the demo comments held by them say why).
DEMO_RULES = {"link_limit": 2, "hold_words": "casino", "spam_words": "viagra\ncheap pills"}


@memoized(8)
def vocabulary() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(words, cumulative Zipf weights); the same for every seed."""
    made_up: list[str] = []
    taken = set(COMMON_WORDS) | set(ACCENTED_WORDS)
    rng = random.Random(0)
    while len(made_up) + len(taken) < VOCABULARY_SIZE:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
        if word not in taken:
            taken.add(word)
            made_up.append(word)
    words = (*COMMON_WORDS, *ACCENTED_WORDS, *made_up)
    weights = itertools.accumulate(1.0 / rank for rank in range(1, len(words) + 1))
    return words, tuple(weights)


def stamp(moment: datetime) -> str:
    """A time as SQLAlchemy's SQLite DateTime stores it; PostgreSQL reads it as well."""
    return moment.isoformat(" ", "microseconds")


class Writer:
    """Sentences from the vocabulary, reproducible from ``rng``.

    Words are drawn once into a long Zipf-distributed corpus and sentences are slices of it
    at random offsets: drawing every word of a million comments one by one would dominate
    the seed's run time.
    """

    def __init__(self, rng: random.Random, words: int) -> None:
        """``words``: about how many words will be written (sizes the corpus)."""
        self.rng = rng
        vocab, cum_weights = vocabulary()
        self.corpus = rng.choices(vocab, cum_weights=cum_weights, k=min(max(words, 10_000), 10**6))

    def sentence(self, lo: int, hi: int) -> str:
        length = self.rng.randint(lo, hi)
        start = int(self.rng.random() * (len(self.corpus) - length))
        return " ".join(self.corpus[start : start + length]).capitalize()


def tag_titles(count: int, named: Sequence[str]) -> list[str]:
    """``count`` distinct titles: the named ones first, then capitalised vocabulary words."""
    titles = list(named[:count])
    words = (w.capitalize() for w in vocabulary()[0] if w.capitalize() not in titles)
    titles.extend(itertools.islice(words, count - len(titles)))
    titles.extend(f"Topic {i}" for i in range(len(titles), count))
    return titles


def posts(
    writer: Writer,
    count: int,
    first_id: int,
    author_ids: Sequence[int],
    tag_ids: Sequence[int],
    now: datetime,
) -> Iterator[tuple[tuple[object, ...], list[tuple[int, int]], float]]:
    """(post row, its (post_id, tag_id) rows, its age in seconds) for each new post.

    Row order: id, title, slug, body, status, published_at, created_at, updated_at, author_id.
    """
    rng = writer.rng
    span = SPAN.total_seconds()
    # Popular tags: a Zipf-like pick over the tags in a fixed shuffled order.
    tag_order = list(tag_ids)
    rng.shuffle(tag_order)
    tag_weights = list(itertools.accumulate(1.0 / r for r in range(1, len(tag_order) + 1)))
    for post_id in range(first_id, first_id + count):
        title = writer.sentence(3, 7)
        age = rng.random() * span
        created = now - timedelta(seconds=age)
        published = rng.random() < 0.75
        updated = created + timedelta(seconds=rng.random() * min(age, 86_400 * 30))
        body = "".join(f"<p>{writer.sentence(12, 40)}.</p>" for _ in range(3))
        row = (
            post_id,
            title,
            f"{slugify(title, 180)}-{post_id}",
            body,
            "published" if published else "draft",
            stamp(created + timedelta(hours=2)) if published else None,
            stamp(created),
            stamp(updated),
            rng.choice(author_ids),
        )
        picked = set(rng.choices(tag_order, cum_weights=tag_weights, k=rng.randint(1, 3)))
        yield row, [(post_id, tag_id) for tag_id in sorted(picked)], age


def comments(
    writer: Writer,
    count: int,
    post_ids: Sequence[int],
    post_ages: Sequence[float],
    now: datetime,
) -> Iterator[tuple[object, ...]]:
    """Comment rows: post_id, author_name, email, text, created_at, status, hold_reason,
    hold_detail.

    A fifth of the posts get about four fifths of the comments; a comment is written after
    its post, mostly soon after. Some pending comments are held by the demo rules
    (:data:`DEMO_RULES`): every 8th has two links, every 13th the hold word "casino".
    """
    rng = writer.rng
    order = list(range(len(post_ids)))
    rng.shuffle(order)
    n = len(order)
    popular = max(n // 5, 1)
    random_ = rng.random
    # Readers come back: about twenty comments per address (999 addresses a name at most).
    addresses = max(2, min(999, count // (20 * len(NAMES))))
    for number in range(count):
        # 80 % of the comments go to the popular fifth, and there mostly to its first posts.
        draw = popular * random_() ** 2 if random_() < 0.8 else n * random_()
        index = order[int(draw)]
        age = post_ages[index] * (1.0 - random_() ** 4)  # mostly soon after the post
        name = NAMES[int(random_() * len(NAMES))]
        status = STATUSES[_status_index(random_() * 100)]
        email = f"{name.lower()}{int(random_() * addresses) + 1}@example.com"
        text = writer.sentence(5, 30) + "."
        reason = detail = None
        if status == "pending" and number % 8 == 0:
            reason, detail = "links", "2"
            text += " https://example.com/a https://example.com/b"
        elif status == "pending" and number % 13 == 0:
            reason, detail = "word", "casino"
            text += " Casino tonight!"
        yield (
            post_ids[index], name, email, text, stamp(now - timedelta(seconds=age)), status,
            reason, detail,
        )  # fmt: skip


def _status_index(draw: float) -> int:
    for index, bound in enumerate(STATUS_CUM_WEIGHTS):
        if draw < bound:
            return index
    return len(STATUS_CUM_WEIGHTS) - 1
