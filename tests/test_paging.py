"""Lists page right at any depth, and their counts stay exact (backoffice.admin.list_paging).

The lists page the ids first and load the rows after; past the middle of an exactly counted
list they read from the other end. These tests walk every page and compare with the order
computed here: the sort key, then the id in the same direction, ties never split or repeated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest
from helpers.pages import statements_built_each_request
from sqlalchemy import delete, func, select

from backoffice.admin.filters import PostFilter
from backoffice.admin.links import find_view, list_url
from backoffice.extensions import db
from backoffice.models import COMMENT_STATUSES, AuditEntry, Comment, Post, Tag, counts

PAGE = 20
ROWS = 67  # four pages: 20, 20, 20, 7
T0 = datetime(2026, 3, 1, 12, 0)
STATUS_CYCLE = ("pending", "approved", "approved", "spam", "rejected")
NAMES = ("Ann", "Bob", "Cleo")


def listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="action-checkbox" value="(\d+)"', html)]


@pytest.fixture
def many_comments(app) -> list[Comment]:
    """67 comments on two posts; created_at in groups of three equal times (ties)."""
    first, second = Post(title="First", slug="first"), Post(title="Second", slug="second")
    rows = [
        Comment(post=first if i % 4 else second, author_name=NAMES[i % 3],
                email=f"r{i}@example.org", status=STATUS_CYCLE[i % 5],
                text=("A river at dawn" if i % 2 else "Quiet harbour") + f" no. {i}",
                created_at=T0 + timedelta(minutes=i // 3))
        for i in range(ROWS)
    ]  # fmt: skip
    db.session.add_all([first, second, *rows])
    db.session.commit()
    return rows


def _expected(rows: list[Comment], key: str, desc: bool) -> list[int]:
    ordered = sorted(rows, key=lambda c: (getattr(c, key), c.id), reverse=desc)
    return [c.id for c in ordered]


def _walk(client, url: str) -> list[list[int]]:
    """Every page of ``url`` (page_size 20), until the first short page."""
    pages, page = [], 0
    while True:
        html = client.get(f"{url}&page={page}&page_size={PAGE}").get_data(as_text=True)
        pages.append(listed(html))
        if len(pages[-1]) < PAGE:
            return pages
        page += 1


def _sort_arg(view, column: str) -> int:
    """Flask-Admin's ``sort=`` argument: the column's position in the list."""
    return [name for name, _heading in view.get_list_columns()].index(column)


def _sorted_tab(
    comments: list[Comment], tab: str, column: str | None, key: str, desc: int
) -> tuple[str, list[int]]:
    """The URL of a queue tab sorted by ``column`` (None: the default sort), and the ids it
    should list, in order."""
    url = f"/admin/comments/?status={tab}"
    if column is not None:
        url += f"&sort={_sort_arg(find_view('comments'), column)}" + ("&desc=1" if desc else "")
    rows = [c for c in comments if tab == "all" or c.status == tab]
    return url, _expected(rows, key, bool(desc))


SORTS = [(None, "created_at", True)] + [
    (column, column, desc) for column in ("author_name", "status", "created_at") for desc in (0, 1)
]


def each_sorted_tab(test: Callable[..., None]) -> Callable[..., None]:
    """Run ``test`` for every sort of SORTS in the "all" and the "approved" tab."""
    test = pytest.mark.parametrize(("column", "key", "desc"), SORTS)(test)
    return pytest.mark.parametrize("tab", ["all", "approved"])(test)


@each_sorted_tab
def test_every_page_holds_exactly_the_right_rows(
    client, login_as, many_comments, column, key, desc, tab
):
    login_as("editor")
    url, expected = _sorted_tab(many_comments, tab, column, key, desc)
    pages = _walk(client, url)
    assert [i for page in pages for i in page] == expected
    assert [len(p) for p in pages[:-1]] == [PAGE] * (len(pages) - 1)


def test_pages_of_a_search_and_a_filter_together(app, client, login_as, many_comments):
    login_as("editor")
    post_id = many_comments[1].post_id  # "First": comments whose index is not a multiple of 4
    with app.test_request_context():
        flt = ("post_id", PostFilter, post_id)
        base = list_url("comments", flt, status="all", search="river")
    rows = [c for c in many_comments if c.post_id == post_id and "river" in c.text]
    pages = _walk(client, base)
    assert [i for page in pages for i in page] == _expected(rows, "created_at", True)
    assert len(pages) >= 2


def test_a_page_past_the_end_is_empty(client, login_as, many_comments):
    login_as("editor")
    html = client.get("/admin/comments/?status=all&page=40").get_data(as_text=True)
    assert listed(html) == []


def test_last_page_of_the_unfiltered_list_is_read_from_the_other_end(
    client, login_as, many_comments, count_queries
):
    login_as("editor")
    with count_queries as counted:
        html = client.get("/admin/comments/?status=all&page=3").get_data(as_text=True)
    assert listed(html) == _expected(many_comments, "created_at", True)[60:]
    page_query = next(s for s in counted.statements if "LIMIT" in s and "comments.text" in s)
    # The ids are paged from the far end (ascending), then the rows sorted as the list shows.
    assert "ORDER BY comments.created_at ASC, comments.id ASC" in page_query
    assert page_query.rstrip().endswith("ORDER BY page.key0 DESC, page.key1 DESC")


# -- seek paging: next and previous step from the rows shown --------------------------------
PAGER_LINK = r'<a class="page-link" href="(/[^"]+)"[^>]*>{}</a>'  # not a disabled one


def _pager_link(html: str, label: str) -> str | None:
    """The href of the pager's next ("&gt;") or previous ("&lt;") link, if it leads on."""
    found = re.search(PAGER_LINK.format(label), html)
    return found[1].replace("&amp;", "&") if found else None


def _step(
    client, url: str, label: str, ids: Callable[[str], list[int]] = listed
) -> list[list[int]]:
    """The pages from ``url`` on, following the pager's ``label`` link to the end."""
    pages = []
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(ids(html))
        url = _pager_link(html, label)
    return pages


@each_sorted_tab
def test_next_and_previous_step_through_every_row_once(
    client, login_as, many_comments, column, key, desc, tab
):
    login_as("editor")
    url, expected = _sorted_tab(many_comments, tab, column, key, desc)
    url += f"&page_size={PAGE}"
    forward = _step(client, url, "&gt;")
    assert [i for page in forward for i in page] == expected
    last = (len(expected) - 1) // PAGE
    backward = _step(client, f"{url}&page={last}", "&lt;")
    assert [i for page in reversed(backward) for i in page] == expected
    assert [len(p) for p in backward[1:]] == [PAGE] * (len(backward) - 1)


def test_next_steps_on_from_the_last_row_and_previous_back_from_the_first(
    client, login_as, many_comments, count_queries
):
    login_as("editor")
    html = client.get("/admin/comments/?status=all&page=1").get_data(as_text=True)
    shown = listed(html)
    assert "page=2&" in _pager_link(html, "&gt;")
    assert _pager_link(html, "&gt;").endswith(f"&after={shown[-1]}")
    assert "before=" not in _pager_link(html, "&lt;")  # the first page is read as it is
    with count_queries as counted:
        nxt = client.get(_pager_link(html, "&gt;")).get_data(as_text=True)
    assert listed(nxt) == _expected(many_comments, "created_at", True)[40:60]
    assert "page=1&" in _pager_link(nxt, "&lt;")
    assert _pager_link(nxt, "&lt;").endswith(f"&before={listed(nxt)[0]}")
    page_query = next(s for s in counted.statements if "comments.text" in s)
    # Seek: compared as (created_at, id) rows with the cursor row's place, not an offset.
    assert "(comments.created_at, comments.id) < ((SELECT comments.created_at" in page_query
    assert not re.search(r"OFFSET [1-9]", page_query)
    with count_queries as counted:
        client.get("/admin/comments/?status=all&page=2")  # the same page by number
    assert [s for s in counted.statements if re.search(r"OFFSET [1-9]", s)]


def test_next_after_moderating_a_page_skips_no_comment(client, login_as, csrf, many_comments):
    login_as("editor")
    approved = [c for c in many_comments if c.status == "approved"]
    approved = _expected(approved, "created_at", True)
    assert len(approved) > PAGE
    html = client.get("/admin/comments/?status=approved").get_data(as_text=True)
    assert listed(html) == approved[:PAGE]
    form = {"action": "reject", "rowid": approved[:PAGE], "csrf_token": csrf()}
    client.post("/admin/comments/action/?status=approved", data=form)
    # By number, page 2 now starts where the rest of the tab ends; next still follows on.
    by_number = client.get("/admin/comments/?status=approved&page=1").get_data(as_text=True)
    assert listed(by_number) == []
    stepped = client.get(_pager_link(html, "&gt;")).get_data(as_text=True)
    assert listed(stepped) == approved[PAGE:]


def test_a_cursor_to_a_deleted_row_pages_by_number(client, login_as, many_comments):
    login_as("editor")
    html = client.get("/admin/comments/?status=all").get_data(as_text=True)
    next_url, gone = _pager_link(html, "&gt;"), listed(html)[-1]
    remaining = [c for c in many_comments if c.id != gone]
    db.session.execute(delete(Comment).where(Comment.id == gone))
    db.session.commit()
    stepped = client.get(next_url).get_data(as_text=True)
    assert listed(stepped) == _expected(remaining, "created_at", True)[20:40]


@pytest.mark.parametrize(
    "cursor", ["after=abc", "after=-3", "after=0", "after=99999999999", "before=1e3", "after="]
)
def test_a_malformed_cursor_pages_by_number(client, login_as, many_comments, cursor):
    login_as("editor")
    response = client.get(f"/admin/comments/?status=all&page=1&{cursor}")
    assert response.status_code == 200
    assert (
        listed(response.get_data(as_text=True))
        == _expected(many_comments, "created_at", True)[20:40]
    )


def test_cursors_go_only_to_next_previous_and_the_way_back(client, login_as, many_comments):
    login_as("editor")
    first = client.get("/admin/comments/?status=all").get_data(as_text=True)
    here = _pager_link(first, "&gt;")
    html = client.get(here).get_data(as_text=True)
    shown = listed(html)
    found = re.findall(r'(?:href|value)="(/[^"]*)"', html)
    links = [unquote(h.replace("&amp;", "&")) for h in found]
    # Next (previous is the first page, read as it is), and the language switcher's way back
    # to this very page.
    stepping = {h for h in links if "after=" in h or "before=" in h}
    assert stepping == {_pager_link(html, "&gt;"), here}
    # Actions, quick buttons and row links come back to this page from its first row.
    returning = [h for h in links if "from=" in h]
    assert len(returning) > PAGE and all(h.endswith(f"&from={shown[0]}") for h in returning)
    sorting = [h for h in links if "sort=" in h and "url=" not in h]
    assert sorting and not [h for h in sorting if re.search(r"(after|before|from)=", h)]


def test_the_way_back_to_a_page_is_not_pushed_down_by_new_comments(client, login_as, many_comments):
    login_as("editor")
    html = client.get("/admin/comments/?status=all&page=1").get_data(as_text=True)
    back = re.search(r'id="quick-approve".*?name="url" value="([^"]+)"', html, re.S)[1]
    newest = many_comments[0].post
    db.session.add_all(
        Comment(post=newest, author_name="New", text="Just in", created_at=T0 + timedelta(days=1))
        for _ in range(3)
    )
    db.session.commit()
    again = client.get(back.replace("&amp;", "&")).get_data(as_text=True)
    assert listed(again) == listed(html)
    by_number = client.get("/admin/comments/?status=all&page=1").get_data(as_text=True)
    assert listed(by_number)[3:] == listed(html)[:-3]  # pushed down by the three new ones


def test_a_cursor_naming_a_row_the_reader_may_not_see_pages_by_number(
    client, login_as, make_user, long_posts
):
    """An author sees their own posts only; a cursor naming another author's post must not
    tell where it sorts (its last edit), so it is ignored."""
    other = make_user("someone.else", "author")
    author = long_posts[0].author
    for i, post in enumerate(long_posts):  # alternate authors, one update a minute
        post.author, post.updated_at = (author if i % 2 else other), T0 + timedelta(minutes=i)
    db.session.commit()
    hidden = next(p.id for p in long_posts[10:] if p.author is other)
    login_as(author)
    by_number = client.get("/admin/posts/?page_size=20").get_data(as_text=True)
    probing = client.get(f"/admin/posts/?page_size=20&after={hidden}").get_data(as_text=True)
    assert listed(by_number) and listed(probing) == listed(by_number)


def test_a_nullable_or_joined_sort_pages_by_number(client, login_as, long_posts):
    login_as("admin")
    view = find_view("posts")
    for column in ("published_at", "author"):
        html = client.get(f"/admin/posts/?sort={_sort_arg(view, column)}&page_size=10")
        text = html.get_data(as_text=True)
        assert _pager_link(text, "&gt;") is not None
        assert "after=" not in _pager_link(text, "&gt;")
    default = client.get("/admin/posts/?page_size=10").get_data(as_text=True)
    assert "after=" in _pager_link(default, "&gt;")


def test_next_and_previous_step_through_a_list_of_orm_rows(client, login_as):
    """The audit log loads ORM objects (no list_row_select): stepping back reverses them."""
    login_as("admin")
    db.session.add_all(
        AuditEntry(action="update", object_type="Post", object_id=str(i), object_label=f"#{i}",
                   created_at=T0 + timedelta(minutes=i // 4), changes={})
        for i in range(50)
    )  # fmt: skip
    db.session.commit()
    rows = db.session.execute(select(AuditEntry.id, AuditEntry.created_at)).all()
    expected = [i for i, _when in sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)]

    def shown(html: str) -> list[int]:  # the audit log has no checkboxes: its eye links
        return [int(i) for i in re.findall(r'href="/admin/audit/details/\?id=(\d+)[&"]', html)]

    url = "/admin/audit/?page_size=20"
    forward = _step(client, url, "&gt;", shown)
    assert [i for page in forward for i in page] == expected
    backward = _step(client, f"{url}&page={(len(expected) - 1) // PAGE}", "&lt;", shown)
    assert [i for page in reversed(backward) for i in page] == expected


# -- tags: sorted by a computed column ---------------------------------------------------------
TAG_ROWS = 45  # three pages


@pytest.fixture
def used_tags(app) -> dict[int, int]:
    """45 tags used by 0-4 of five posts (ties in the usage): tag id -> usage."""
    tags = [Tag(title=f"tag {i:02}") for i in range(TAG_ROWS)]
    posts = [Post(title=f"P{n}", slug=f"p{n}", tags=[t for i, t in enumerate(tags) if i % 5 > n])
             for n in range(4)]  # fmt: skip
    db.session.add_all([*tags, *posts])
    db.session.commit()
    return {t.id: len(t.posts) for t in tags}


@pytest.mark.parametrize("desc", [0, 1])
def test_tags_by_usage_page_right_by_number_and_by_stepping(client, login_as, used_tags, desc):
    login_as("editor")
    url = f"/admin/tags/?sort={_sort_arg(find_view('tags'), 'post_count')}&desc={desc}"
    expected = sorted(used_tags, key=lambda i: (used_tags[i], i), reverse=bool(desc))
    by_number = _walk(client, url)  # the last page is read from the other end
    assert [i for page in by_number for i in page] == expected
    stepped = _step(client, f"{url}&page_size={PAGE}", "&gt;")
    assert [i for page in stepped for i in page] == expected


# -- counts -----------------------------------------------------------------------------------
def _true_counts() -> dict[str, int]:
    rows = db.session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    found = dict.fromkeys(COMMENT_STATUSES, 0)
    found.update(dict(rows.all()))
    return found


def _shown_counts(client) -> dict[str, int]:
    html = client.get("/admin/comments/").get_data(as_text=True)
    shown = {
        status: int(re.search(rf'data-testid="count-{status}">([\d,]+)<', html)[1].replace(",", ""))
        for status in COMMENT_STATUSES
    }
    badge = re.search(r'data-testid="badge-comments">([\d,]+)<', html)
    shown["badge"] = int(badge[1].replace(",", "")) if badge else 0
    return shown


def _assert_counts_true(client) -> None:
    db.session.expire_all()
    truth = _true_counts()
    assert _shown_counts(client) == {**truth, "badge": truth["pending"]}
    recount = counts.read(db.session, [counts.status_key("comments", s) for s in truth])
    assert recount == {counts.status_key("comments", s): n for s, n in truth.items()}


def test_tabs_and_badge_follow_approve_reject_delete_and_undo(
    client, login_as, csrf, many_comments
):
    login_as("editor")
    _assert_counts_true(client)
    pending = [c.id for c in many_comments if c.status == "pending"]
    for action, ids in (("approve", pending[:4]), ("reject", pending[4:6])):
        client.post("/admin/comments/action/",
                    data={"action": action, "rowid": ids, "csrf_token": csrf()})  # fmt: skip
        banner = client.get("/admin/comments/").get_data(as_text=True)  # offers the undo once
        _assert_counts_true(client)
    token = re.search(r'name="batch" value="(\w+)"', banner)[1]
    client.post("/admin/comments/undo/", data={"batch": token, "csrf_token": csrf()})
    _assert_counts_true(client)
    client.post("/admin/comments/action/",
                data={"action": "delete", "rowid": pending[6:9], "csrf_token": csrf()})  # fmt: skip
    _assert_counts_true(client)


def test_counts_follow_a_public_comment_and_a_deleted_post(client, login_as, csrf, many_comments):
    post = many_comments[0].post
    post.status = "published"
    db.session.commit()
    form = {"author_name": "Zoe", "text": "Nice!", "csrf_token": csrf()}
    response = client.post(f"/post/{post.slug}", data=form)
    assert response.status_code == 303
    login_as("admin")
    _assert_counts_true(client)
    post_id = post.id
    client.post("/admin/posts/delete/", data={"id": post_id, "csrf_token": csrf()})
    assert db.session.get(Post, post_id) is None
    _assert_counts_true(client)


def test_counters_follow_raw_sql_updates_and_month_moves(app, many_comments):
    db.session.execute(delete(Comment).where(Comment.status == "spam"))
    first = many_comments[0]
    first.created_at = datetime(2025, 1, 15)
    first.status = "rejected"
    db.session.commit()
    db.session.expire_all()
    assert counts.read(db.session, ["comments.status.spam"]) == {"comments.status.spam": 0}
    months = counts.read(db.session, ["comments.month.2025-01", "comments.month.2026-03"])
    total = db.session.scalar(select(func.count()).select_from(Comment))
    assert months == {"comments.month.2025-01": 1, "comments.month.2026-03": total - 1}


def test_a_list_counted_past_the_cap_says_so(client, login_as, many_comments, monkeypatch):
    login_as("editor")
    monkeypatch.setattr(find_view("comments"), "count_cap", 25)
    html = client.get("/admin/comments/?status=all&search=no.").get_data(as_text=True)
    assert "List (25+)" in html
    assert "page=1&amp;" in html and "page=2&amp;" not in html  # pages up to the cap
    # Past the cap the pages are still served, by URL.
    deep = client.get("/admin/comments/?status=all&search=no.&page=3").get_data(as_text=True)
    assert listed(deep) == _expected(many_comments, "created_at", True)[60:]


def test_a_list_under_the_cap_shows_its_exact_count(client, login_as, many_comments):
    login_as("editor")
    html = client.get("/admin/comments/?status=all&search=river").get_data(as_text=True)
    assert f"List ({sum('river' in c.text for c in many_comments)})" in html


# -- posts ------------------------------------------------------------------------------------
@pytest.fixture
def long_posts(app, make_user) -> list[Post]:
    """25 posts with long titles (ties in the title) and three long tags each."""
    author = make_user("alexandra.konstantinou", "author")
    names = ["Accessibility", "Performance engineering", "Internationalisation", "Open source",
             "Photography and travel", "Software architecture"]  # fmt: skip
    tags = [Tag(title=name) for name in names]
    words = "Notes from a quiet river morning in the old harbour city, a long subtitle"
    posts = [
        Post(title=f"{words} and more: part {i // 2}", slug=f"p-{i}", body="<p>x</p>" * 200,
             status="published", published_at=T0, author=author, tags=tags[i % 4: i % 4 + 3],
             comments=[Comment(author_name="R", text="t", status=s) for s in STATUS_CYCLE[:2]])
        for i in range(25)
    ]  # fmt: skip
    db.session.add_all(posts)
    db.session.commit()
    return posts


def test_post_list_pages_by_title_with_ties(client, login_as, long_posts):
    login_as("admin")
    view = find_view("posts")
    pages = _walk(client, f"/admin/posts/?sort={_sort_arg(view, 'title')}&desc=1")
    expected = [p.id for p in sorted(long_posts, key=lambda p: (p.title, p.id), reverse=True)]
    assert [i for page in pages for i in page] == expected


def test_post_list_never_selects_post_bodies(client, login_as, long_posts, count_queries):
    login_as("admin")
    with count_queries as counted:
        assert client.get("/admin/posts/").status_code == 200
    assert not [s for s in counted.statements if "posts.body" in s]


def test_post_list_page_weighs_at_most_31_kb(client, login_as, long_posts):
    # 30 KB until the accessibility markup (skip link, landmarks, named pager and checkboxes)
    # added about 0.7 KB to a page of 20 rows.
    login_as("admin")
    html = client.get("/admin/posts/?page_size=20").get_data()
    assert len(listed(html.decode())) == 20
    assert len(html) <= 31 * 1024, len(html)


def test_the_shared_delete_form_deletes_the_row_of_its_button(client, login_as, long_posts):
    login_as("admin")
    html = client.get("/admin/posts/").get_data(as_text=True)
    assert html.count('form="row-delete"') == 20 and html.count('id="row-delete"') == 1
    form = re.search(r'<form id="row-delete".*?</form>', html, re.S)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    victim = listed(html)[0]
    response = client.post("/admin/posts/delete/", data={"id": victim, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(Post, victim) is None


# -- statements kept for lists without filters ----------------------------------------------
def _kept(app) -> int:
    """How many list statements the app keeps."""
    return len(app.extensions.get("list statements") or ())


LIST_URLS = [
    ("comments", "/admin/comments/?status=all", "editor"),
    ("comments", "/admin/comments/?status=approved", "editor"),
    ("posts", "/admin/posts/?x=1", "admin"),
    ("tags", "/admin/tags/?x=1", "editor"),
]


@pytest.mark.parametrize(("view_name", "url", "role"), LIST_URLS)
def test_kept_statements_list_what_statements_built_each_time_list(
    app, client, login_as, many_comments, long_posts, used_tags, view_name, url, role
):
    """Every sort, both directions, every page (the back half read from the other end): the
    same rows, whether the statements were kept from an earlier request or built anew."""
    login_as(role)
    view = find_view(view_name)
    sorts = [""] + [
        f"&sort={_sort_arg(view, column)}&desc={desc}"
        for column, _heading in view.get_list_columns()
        if view.is_sortable(column)
        for desc in (0, 1)
    ]
    for sort in sorts:
        with statements_built_each_request(view_name):
            built = _walk(client, url + sort)
        first, again = _walk(client, url + sort), _walk(client, url + sort)
        assert first == again == built, sort
        assert sum(map(len, built)) > PAGE, "more than one page"
        # Stepping by next from the first page, and by previous from the last.
        steps = [(f"{url}{sort}&page_size={PAGE}", "&gt;")]
        steps.append((f"{steps[0][0]}&page={len(built) - 1}", "&lt;"))
        for start, link in steps:
            kept = _step(client, start, link)
            with statements_built_each_request(view_name):
                assert kept == _step(client, start, link), (sort, link)
    assert _kept(app) > len(sorts)


def test_an_authors_list_is_not_read_with_statements_kept_for_editors(
    app, client, login_as, make_user, long_posts
):
    """The admin's list keeps its statements; an author's own posts are read with their own."""
    author = long_posts[0].author
    theirs = Post(title="Another author's post", slug="others", author=make_user("other", "author"))
    db.session.add(theirs)
    db.session.commit()
    login_as("admin")
    assert theirs.id in listed(client.get("/admin/posts/?page_size=100").get_data(as_text=True))
    kept = _kept(app)
    assert kept
    login_as(author)
    shown = listed(client.get("/admin/posts/?page_size=100").get_data(as_text=True))
    assert sorted(shown) == sorted(p.id for p in long_posts)
    assert _kept(app) == kept


def test_each_queue_tab_lists_its_own_comments_after_another_tab(client, login_as, many_comments):
    login_as("editor")
    for tab in ("all", "pending", "approved", "all", "spam", "pending"):
        shown = _walk(client, f"/admin/comments/?status={tab}")
        rows = [c for c in many_comments if tab == "all" or c.status == tab]
        assert [i for page in shown for i in page] == _expected(rows, "created_at", True), tab


def test_a_kept_statement_is_used_again_and_a_new_row_is_listed(
    app, client, login_as, many_comments
):
    login_as("editor")
    url = f"/admin/comments/?status=all&page_size={PAGE}"
    before = listed(client.get(url).get_data(as_text=True))
    kept = [id(value) for value in app.extensions["list statements"].values()]
    db.session.add(Comment(post_id=many_comments[0].post_id, author_name="New", text="Late",
                           status="pending", created_at=T0 + timedelta(days=1)))  # fmt: skip
    db.session.commit()
    after = listed(client.get(url).get_data(as_text=True))
    assert [id(value) for value in app.extensions["list statements"].values()] == kept
    assert len(before) == PAGE and after[1:] == before[:-1] and after[0] not in before
