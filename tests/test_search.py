"""Full-text search of posts and comments: what a term matches, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from helpers.app import IS_SQLITE
from helpers.pages import statements_built_each_request
from sqlalchemy import select

from backoffice.admin.filters import StatusFilter
from backoffice.admin.links import filter_key, find_view
from backoffice.admin.search import FullTextSearch
from backoffice.domain.search import (
    COMMENTS,
    COMMON,
    POSTS,
    PROBE,
    RARE,
    fts5_query,
    matching,
    probes_cheaply,
    term_statement_key,
    words,
)
from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag, User

HOSTILE_TERMS = [
    '"', '""', "'", "*", "**", "NEAR(", "NEAR(a b", "AND", "OR", "NOT", "a AND", "-x", "+x",
    "^x", "x:y", "title:x", "(", ")", "{a}", "a OR b", "\\", "\\'", "'; DROP TABLE posts; --",
    "x" * 5000, "ä" * 500, "a\x00b", "\u200b", "!!!", " ", "\t\n", "é́", "中文", "🙂", "a&b|c",
    ":*", "!a", "a <-> b", "x" * 3000 + " y", " ".join(["w"] * 200),
]  # fmt: skip


@pytest.fixture
def posts(app):
    """Posts whose words the tests look for; one with an accent and one with an e-mail."""
    author = User(username="author1", password_hash="x")
    flask, python = Tag(title="Flask"), Tag(title="Python")
    rows = [
        Post(title="Flask deployment notes", slug="a", body="<p>Gunicorn behind nginx</p>",
             status="published", author=author, tags=[flask]),
        Post(title="Python packaging", slug="b", body="<p>Wheels and <b>sdists</b></p>",
             status="draft", author=author, tags=[python]),
        Post(title="Au café", slug="c", body="<p>Un CAFÉ crème, s'il vous plaît</p>",
             status="published", tags=[flask, python]),
        Post(title="Contact", slug="d", body="<p>Write to ana@example.org</p>", status="draft"),
    ]  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()
    return {post.slug: post.id for post in rows}


def found(term: str, plan: str | None = None) -> set[int]:
    condition = matching(Post, term, db.engine.dialect.name, plan)
    query = select(Post.id)
    if condition is not None:
        query = query.where(condition)
    return set(db.session.scalars(query))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("flask", {"a"}),  # a title word
        ("nginx", {"a"}),  # a body word
        ("FLASK Notes", {"a"}),  # case does not matter, words in any order
        ("flask python", set()),  # every word must occur (AND)
        ("pack", {"b"}),  # the last word is a prefix …
        ("pack python", set()),  # … the others are whole words
        ("python pack", {"b"}),
        ("sdists", {"b"}),  # words inside markup
        ("café", {"c"}),
        ("Café crème", {"c"}),  # accented words, any case
        ("cafe", set()),  # accents count
        ("ana@example.org", {"d"}),  # an e-mail address as a whole
        ("ana", {"d"}),
    ],
)
@pytest.mark.parametrize("plan", [None, RARE, COMMON, PROBE])
def test_search_terms(posts, term, expected, plan):
    # Every plan is a way to find the same rows (search.matching).
    assert found(term, plan) == {posts[slug] for slug in expected}


@pytest.mark.parametrize(
    ("spec", "term", "cheap"),
    [
        (POSTS, "quiet", True),
        (POSTS, "python pa", True),  # whole words, then a prefix of 2 to 6 characters
        (POSTS, "q", False),  # no index of 1-character prefixes
        (POSTS, "quietly", False),  # nor of 7-character ones
        (POSTS, "ana@example.org", False),  # a phrase
        (COMMENTS, "quiet", False),  # comments have no prefix index
    ],
)
def test_which_terms_can_be_looked_up_row_by_row(spec, term, cheap):
    assert probes_cheaply(spec, term) is cheap


@pytest.mark.parametrize("term", ["", "   ", "!!!", "*", '"', "-", None])
def test_a_term_without_letters_or_digits_is_no_filter(posts, term):
    assert matching(Post, term, db.engine.dialect.name) is None


@pytest.mark.parametrize("term", HOSTILE_TERMS)
def test_hostile_terms_never_fail(posts, term):
    for plan in (RARE, COMMON, PROBE):
        found(term, plan)  # no exception
    condition = matching(Comment, term, db.engine.dialect.name)
    if condition is not None:
        db.session.scalars(select(Comment.id).where(condition)).all()


def test_fts5_query_quotes_every_word():
    assert fts5_query(words('say "hi" NEAR( *')) == '"say" AND """hi""" AND "NEAR("*'


def test_the_index_follows_inserts_updates_and_deletes(posts):
    post = db.session.get(Post, posts["a"])
    post.title = "Django deployment notes"
    db.session.commit()
    assert found("flask") == set()
    assert found("django") == {post.id}
    db.session.add(Post(title="Flask again", slug="e", body=""))
    db.session.commit()
    assert len(found("flask")) == 1
    db.session.delete(post)
    db.session.commit()
    assert found("django") == set()
    assert found("deployment") == set()


def test_status_changes_leave_the_index_alone(posts):
    post = db.session.get(Post, posts["b"])
    post.status = "published"
    db.session.commit()
    assert found("wheels") == {post.id}


def test_comments_follow_their_post_when_it_is_deleted(posts):
    post = db.session.get(Post, posts["a"])
    db.session.add(Comment(post=post, author_name="Zed", text="ephemeral remark"))
    db.session.commit()
    db.session.delete(post)
    db.session.commit()
    condition = matching(Comment, "ephemeral", db.engine.dialect.name)
    assert db.session.scalars(select(Comment.id).where(condition)).all() == []


# -- through the admin ---------------------------------------------------------------------
def titles(html: str) -> list[str]:
    return re.findall(r'<td class="col-title">\s*<a href="[^"]*">([^<]+?)</a>\s*</td>', html)


def test_admin_search_combines_with_filters_and_sorting(client, login_as, posts):
    login_as("editor")
    html = client.get("/admin/posts/", query_string={"search": "flask", "sort": "0"}).text
    assert titles(html) == ["Flask deployment notes"]
    # "a" is a prefix of "au", "and", "ana": three posts, by title, one of them published
    status = f"flt0_{filter_key(find_view('posts'), 'status', StatusFilter)}"
    html = client.get("/admin/posts/", query_string={"search": "a", "sort": "0",
                                                     status: "published"}).text  # fmt: skip
    assert titles(html) == ["Au café"]
    html = client.get("/admin/posts/", query_string={"search": "a", "sort": "0"}).text
    assert titles(html) == ["Au café", "Contact", "Python packaging"]


@pytest.mark.parametrize("common_from", [1, 1000], ids=["common-term plan", "rare-term plan"])
def test_admin_search_finds_the_same_rows_whichever_plan(client, login_as, posts, common_from):
    # A term with at least common_from matches walks the sort index (search.matching).
    find_view("posts").common_from = common_from
    login_as("editor")
    for desc, expected in ((0, ["Au café", "Contact", "Python packaging"]),
                           (1, ["Python packaging", "Contact", "Au café"])):  # fmt: skip
        html = client.get("/admin/posts/", query_string={"search": "a", "sort": "0",
                                                         "desc": desc}).text  # fmt: skip
        assert titles(html) == expected
        # PostgreSQL counts a search's matches only up to common_from (FullTextSearch.match_cap)
        assert ("List (3)" if IS_SQLITE or common_from > 3 else "List (1+)") in html


@pytest.fixture
def chosen_plans(monkeypatch) -> list[str | None]:
    """The plans the list chooses for its search, in order (a kept statement of the same plan
    may then be run instead of one built with search.matching)."""
    chosen: list[str | None] = []
    real = FullTextSearch.search_plan

    def spy(view, session, term, matches, dialect):
        chosen.append(real(view, session, term, matches, dialect))
        return chosen[-1]

    monkeypatch.setattr(FullTextSearch, "search_plan", spy)
    return chosen


def test_a_common_term_is_looked_up_row_by_row_when_its_page_comes_early(
    client, login_as, posts, chosen_plans
):
    view = find_view("posts")
    view.common_from = 1
    login_as("editor")
    # One post in four matches: the first page is expected within 80 rows of the sort index.
    html = client.get("/admin/posts/", query_string={"search": "pack", "sort": "0"}).text
    assert titles(html) == ["Python packaging"]
    assert chosen_plans[-1] == (PROBE if IS_SQLITE else COMMON)
    view.probe_budget = 79
    html = client.get("/admin/posts/", query_string={"search": "pack", "sort": "0"}).text
    assert titles(html) == ["Python packaging"]
    assert chosen_plans[-1] == COMMON


@pytest.mark.sqlite_only("row-by-row lookups are SQLite's plan")
def test_a_filtered_search_counts_with_one_plan_and_reads_its_page_with_another(
    client, login_as, posts, chosen_plans
):
    find_view("posts").common_from = 1
    login_as("editor")
    status = f"flt0_{filter_key(find_view('posts'), 'status', StatusFilter)}"
    html = client.get("/admin/posts/", query_string={"search": "pack", status: "draft"}).text
    assert titles(html) == ["Python packaging"]
    # Counting reads every match: looking them up one by one would cost a lookup per row.
    assert chosen_plans == [COMMON, PROBE]


@pytest.mark.sqlite_only("row-by-row lookups are SQLite's plan")
@pytest.mark.parametrize(("budget", "plan"), [(40, PROBE), (27, COMMON)])
def test_a_capped_count_is_continued_in_the_index_to_choose_the_plan(
    client, login_as, posts, chosen_plans, budget, plan
):
    # "an" matches two posts ("and", "ana"); the list counts only one of them (cap 0), and
    # the page needs 2 (budget 40) or 3 (budget 27) matching rows in 4 to be looked up.
    view = find_view("posts")
    view.common_from = view.count_cap = 0
    view.probe_budget = budget
    login_as("editor")
    html = client.get("/admin/posts/", query_string={"search": "an", "sort": "0"}).text
    assert titles(html) == ["Contact", "Python packaging"]
    assert chosen_plans[-1] == plan


def test_a_search_is_counted_up_to_the_cap_and_says_so(client, login_as, posts):
    view = find_view("posts")
    view.common_from = view.count_cap = 2  # three posts match "a"
    login_as("editor")
    html = client.get("/admin/posts/", query_string={"search": "a", "sort": "0"}).text
    assert "List (2+)" in html
    assert titles(html) == ["Au café", "Contact", "Python packaging"]


def test_admin_comment_search(client, login_as, posts):
    post = db.session.get(Post, posts["a"])
    db.session.add_all([Comment(post=post, author_name="Marie Curie", email="mc@example.org",
                                text="Radium glows"),
                        Comment(post=post, author_name="Pierre", text="Polonium")])  # fmt: skip
    db.session.commit()
    login_as("editor")
    for term in ("radium", "marie", "mc@example.org", "mc@exa"):
        html = client.get("/admin/comments/", query_string={"status": "all", "search": term}).text
        assert "Radium glows" in html and "Polonium" not in html, term


def test_hostile_terms_in_the_admin_search_boxes(client, login_as, posts):
    login_as("admin")
    failures = []
    for term in HOSTILE_TERMS:
        for url, extra in (("/admin/posts/", {}), ("/admin/comments/", {"status": "all"})):
            status = client.get(url, query_string={"search": term, **extra}).status_code
            if status not in (200, 400):  # 400: NUL characters are refused
                failures.append((url, term[:20], status))
    assert not failures


def test_search_page_statements_do_not_grow_with_the_page_size(client, login_as, count_queries):
    login_as("editor")
    db.session.add_all(
        [Post(title=f"Kiwi {i}", slug=f"k{i}", tags=[Tag(title=f"t{i}")]) for i in range(110)]
    )
    db.session.commit()
    client.get("/admin/posts/?search=kiwi")
    counts = []
    for size in (20, 100):
        with count_queries as counted:
            html = client.get(f"/admin/posts/?search=kiwi&page_size={size}").text
        assert len(titles(html)) == size
        counts.append(len(counted))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("common_from", [1, 1000], ids=["common-term plan", "rare-term plan"])
def test_kept_search_statements_run_with_each_terms_own_words(
    app, client, login_as, posts, common_from
):
    """A list's search statements are kept per plan and shape of the words, and run with each
    term's words: each term lists what a statement built for it lists."""
    find_view("posts").common_from = common_from
    login_as("editor")
    terms = ["flask", "nginx", "pack", "python pack", "FLASK Notes", "café", "ana",
             "ana@example.org", "ana", "cafe", "a", "wheels sdists", "flask"]  # fmt: skip

    def shown(term: str) -> list[str]:
        return titles(client.get("/admin/posts/", query_string={"search": term}).text)

    kept = [shown(term) for term in terms]
    with statements_built_each_request("posts"):
        assert kept == [shown(term) for term in terms]
    if common_from > len(posts):  # every match counted: each term's own count
        for term in terms:
            html = client.get("/admin/posts/", query_string={"search": term}).text
            assert f"List ({len(found(term))})" in html or not found(term), term
    assert kept[terms.index("pack")] == ["Python packaging"]
    assert kept[terms.index("ana@example.org")] == ["Contact"]
    statements = app.extensions["list statements"]
    assert 0 < len(statements) < len(set(terms)) / 2, "one statement per plan and shape"


def test_words_are_parameters_of_a_search_statement_never_its_shape():
    for dialect in ("sqlite", "postgresql"):
        shape, values = term_statement_key("flask notes", dialect)
        assert term_statement_key("python pack", dialect)[0] == shape
        assert term_statement_key("python pack", dialect)[1] != values
        assert term_statement_key("ana@example.org notes", dialect)[1] != values
    # PostgreSQL also matches a word with punctuation as a whole: a statement of its own.
    assert (
        term_statement_key("ana@example.org", "postgresql")[0]
        != (term_statement_key("ana", "postgresql")[0])
    )


def test_a_search_steps_through_its_matches_by_next_and_previous(client, login_as):
    """Next and previous on a searched list (kept statements, the cursor and the words as
    parameters) list every match once, as statements built for each page do. The matches of
    the two words alternate in the list's order, so the other word's rows would show."""
    words = ("alpha", "beta")
    db.session.add_all(Post(title=f"Fruit {i:03} {words[i % 2]}", slug=f"f{i}") for i in range(90))
    db.session.commit()
    login_as("editor")

    def step(url: str, label: str) -> list[list[str]]:
        pages = []
        while url:
            html = client.get(url).text
            pages.append(titles(html))
            found = re.search(rf'<a class="page-link" href="(/[^"]+)"[^>]*>{label}</a>', html)
            url = found[1].replace("&amp;", "&") if found else None
        return pages

    for term, first in (("alpha", 0), ("beta", 1)):
        url = f"/admin/posts/?search={term}&sort=0&page_size=20"
        forward, backward = step(url, "&gt;"), step(f"{url}&page=2", "&lt;")
        expected = [f"Fruit {i:03} {term}" for i in range(first, 90, 2)]
        assert [title for page in forward for title in page] == expected
        assert [title for page in reversed(backward) for title in page] == expected
        with statements_built_each_request("posts"):
            assert step(url, "&gt;") == forward
