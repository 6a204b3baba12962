"""The dashboard: counts that lead to the counted rows, recent activity and the monthly chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from flask_admin.contrib.sqla.filters import FilterEqual
from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite

from backoffice.admin.chart import Series, bar_chart, nice_scale
from backoffice.admin.links import filtered_list_url, find_view
from backoffice.compat.flask_admin import view_filters
from backoffice.domain.dashboard_stats import fill_months, month_bucket, month_key, month_starts
from backoffice.extensions import db
from backoffice.models import AuditEntry, Comment, Post, Tag, User
from backoffice.models.clock import utcnow

SVG = "{http://www.w3.org/2000/svg}"
GERMAN_MONTHS = {1: "Jan.", 2: "Feb.", 3: "März", 4: "Apr.", 5: "Mai", 6: "Juni", 7: "Juli",
                 8: "Aug.", 9: "Sept.", 10: "Okt.", 11: "Nov.", 12: "Dez."}  # fmt: skip
CARD = re.compile(
    r'data-testid="card-(\w+)">.*?dashboard-count">([^<]*)</div>.*?<a href="([^"]*)">', re.S
)


def cards(html: str) -> dict[str, tuple[str, str]]:
    """card key -> (number as shown, link)."""
    return {key: (number, href.replace("&amp;", "&")) for key, number, href in CARD.findall(html)}


def list_cells(html: str, column: str) -> list[str]:
    cells = re.findall(rf'<td class="col-{column}">\s*(.*?)\s*</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match, "the dashboard has no inline SVG"
    return ET.fromstring(match.group(0))


def table_of(html: str) -> list[list[str]]:
    match = re.search(r"<table class=\"table table-sm mt-2\"[^>]*>.*?</table>", html, re.S)
    assert match, "the chart has no data table"
    rows = ET.fromstring(match.group(0)).iter("tr")
    return [["".join(cell.itertext()).strip() for cell in row] for row in rows]


def switch_language(client, csrf, code: str) -> None:
    client.post("/language", data={"locale": code, "csrf_token": csrf()})


def posts(*specs: tuple[str, str], author: User | None = None) -> list[Post]:
    made = [Post(title=t, slug=f"s-{t}", status=s, author=author) for t, s in specs]
    db.session.add_all(made)
    db.session.commit()
    return made


def ago(months_back: int, now: datetime | None = None) -> datetime:
    """The middle of the month ``months_back`` months before the current one."""
    now = now or utcnow()
    first = month_starts(now.date(), months_back + 1)[0]
    return datetime.combine(first, datetime.min.time()) + timedelta(days=14, hours=12)


# -- counts --------------------------------------------------------------------------------


def test_counts_are_right_and_each_link_lists_exactly_the_counted_posts(client, login_as):
    login_as("admin")
    posts(("d1", "draft"), ("d2", "draft"), ("d3", "draft"), ("p1", "published"),
          ("p2", "published"))  # fmt: skip
    found = cards(client.get("/admin/").get_data(as_text=True))
    assert found["drafts"][0] == "3" and found["published"][0] == "2"
    drafts = client.get(found["drafts"][1]).get_data(as_text=True)
    assert sorted(list_cells(drafts, "title")) == ["d1", "d2", "d3"]
    published = client.get(found["published"][1]).get_data(as_text=True)
    assert sorted(list_cells(published, "title")) == ["p1", "p2"]


def test_pending_comments_link_to_the_queue_filtered_by_status(client, login_as):
    login_as("editor")
    post = posts(("p", "draft"))[0]
    db.session.add_all([Comment(post=post, author_name="a", text="t", status=s)
                        for s in ("pending", "pending", "approved", "spam")])  # fmt: skip
    db.session.commit()
    found = cards(client.get("/admin/").get_data(as_text=True))
    assert found["pending_comments"] == ("2", "/admin/comments/?status=pending")
    queue = client.get(found["pending_comments"][1]).get_data(as_text=True)
    assert sorted(list_cells(queue, "status")) == ["Pending", "Pending"]


def test_tag_and_user_counts_lead_to_lists_with_that_many_rows(client, login_as, make_user):
    login_as("admin")
    make_user("second", "editor")
    db.session.add_all([Tag(title="a"), Tag(title="b"), Tag(title="c")])
    db.session.commit()
    found = cards(client.get("/admin/").get_data(as_text=True))
    assert found["tags"][0] == "3" and found["users"][0] == "2"
    assert len(list_cells(client.get(found["tags"][1]).get_data(as_text=True), "title")) == 3
    users = client.get(found["users"][1]).get_data(as_text=True)
    assert len(list_cells(users, "username")) == 2


def test_authors_count_their_own_posts_as_their_list_shows_them(client, login_as, make_user):
    author = login_as("author")
    other = make_user("other", "author")
    posts(("mine", "draft"), author=author)
    posts(("theirs", "draft"), ("theirs too", "draft"), author=other)
    found = cards(client.get("/admin/").get_data(as_text=True))
    assert found["drafts"][0] == "1"
    assert list_cells(client.get(found["drafts"][1]).get_data(as_text=True), "title") == ["mine"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"pending_comments", "drafts", "published", "tags", "users"}),
        ("editor", {"pending_comments", "drafts", "published", "tags"}),
        ("author", {"drafts", "published"}),
        ("translator", set()),
    ],
)
def test_a_count_is_shown_only_to_those_who_may_open_its_list(client, login_as, role, expected):
    login_as(role)
    assert set(cards(client.get("/admin/").get_data(as_text=True))) == expected


def test_counts_are_grouped_the_local_way(client, login_as, csrf):
    login_as("admin")
    db.session.execute(insert(Tag), [{"title": f"tag {i}"} for i in range(1234)])
    db.session.commit()
    assert cards(client.get("/admin/").get_data(as_text=True))["tags"][0] == "1,234"
    switch_language(client, csrf, "de")
    assert cards(client.get("/admin/").get_data(as_text=True))["tags"][0] == "1.234"


def test_the_filter_link_helper_reads_the_views_own_filter_list(app):
    with app.test_request_context():
        view = find_view("posts")
        url = filtered_list_url("posts", "status", FilterEqual, "draft")
        by_name = filtered_list_url("posts", "status", "equals", "draft")
        index = next(i for i, f in enumerate(view_filters(view)) if isinstance(f, FilterEqual)
                     and f.column.name == "status")  # fmt: skip
        assert url == by_name == f"/admin/posts/?flt0_{index}=draft"
        with pytest.raises(LookupError):
            filtered_list_url("posts", "body", FilterEqual, "x")  # no filter on that column


# -- recent activity -----------------------------------------------------------------------


def test_recent_activity_tells_who_did_what_to_which_object(client, login_as):
    admin = login_as("admin")
    db.session.add(AuditEntry(user=admin, action="update", object_type="Post", object_id="5",
                              object_label="Hello", changes={}))  # fmt: skip
    db.session.commit()
    entry_id = db.session.query(AuditEntry.id).filter_by(object_label="Hello").scalar()
    html = client.get("/admin/").get_data(as_text=True)
    recent = html.split('data-testid="recent-activity"', 1)[1]
    link = (f'<a href="/admin/audit/details/?id={entry_id}"><strong><bdi>admin-user</bdi></strong>'
            " updated Post “<bdi>Hello</bdi>”</a>")  # fmt: skip
    assert link in recent


def test_recent_activity_shows_the_last_ten_newest_first(client, login_as):
    login_as("admin")
    start = utcnow() + timedelta(minutes=1)  # newer than the sign-up's own entries
    for i in range(15):
        db.session.add(AuditEntry(action="create", object_type="Tag", object_id=str(i),
                                  object_label=f"tag-{i:02d}", changes={},
                                  created_at=start + timedelta(hours=i)))  # fmt: skip
    db.session.commit()
    html = client.get("/admin/").get_data(as_text=True).split('data-testid="recent-activity"')[1]
    shown = re.findall(r"“<bdi>(tag-\d\d)</bdi>”", html)
    assert shown == [f"tag-{i:02d}" for i in range(14, 4, -1)]


def test_recent_activity_time_is_in_the_readers_language_and_zone(client, login_as, csrf):
    admin = login_as("admin")
    admin.timezone = "Europe/Berlin"
    db.session.add(AuditEntry(user=admin, action="delete", object_type="Tag", object_id="1",
                              object_label="old", changes={},
                              created_at=datetime(2024, 1, 15, 10, 0)))  # fmt: skip
    db.session.commit()
    switch_language(client, csrf, "de")
    html = client.get("/admin/").get_data(as_text=True)
    assert (
        '<time class="text-muted small" datetime="2024-01-15T10:00:00Z">15.01.2024, 11:00:00'
        in html
    )


def test_a_kept_activity_line_follows_the_readers_zone_and_a_renamed_user(client, login_as):
    # The lines are kept between pages, per language and catalog and what each one shows.
    # (Dated in 2030: the newest entry, the first line.)
    admin = login_as("admin")
    db.session.add(AuditEntry(user=admin, action="delete", object_type="Tag", object_id="1",
                              object_label="old", changes={},
                              created_at=datetime(2030, 1, 15, 10, 0)))  # fmt: skip
    db.session.commit()

    def line() -> str:
        html = client.get("/admin/").get_data(as_text=True)
        return html.split('data-testid="recent-activity"', 1)[1].split("</li>", 1)[0]

    assert "admin-user" in line() and "10:00:00" in line()
    admin.timezone = "Asia/Tokyo"
    db.session.commit()
    assert "7:00:00" in line()  # 19:00 in Tokyo, as "7:00:00 PM"
    admin.username = "root-user"
    db.session.commit()
    assert "root-user" in line() and "admin-user" not in line()


@pytest.mark.parametrize("role", ["editor", "author", "translator"])
def test_recent_activity_is_only_for_those_who_may_read_the_audit_log(client, login_as, role):
    login_as(role)
    db.session.add(AuditEntry(action="update", object_type="Post", object_id="1",
                              object_label="Secret plans", changes={}))  # fmt: skip
    db.session.commit()
    html = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="recent-activity"' not in html and "Secret plans" not in html


def test_hostile_titles_are_escaped_on_the_dashboard(client, login_as, csrf):
    login_as("admin")
    client.post("/admin/posts/new/", data={"title": "<script>alert(1)</script>",
                                           "status": "draft", "csrf_token": csrf()})  # fmt: skip
    html = client.get("/admin/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "“<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>”" in html


# -- the monthly chart: pure parts ---------------------------------------------------------


def test_the_window_is_the_current_month_and_the_eleven_before_it():
    months = month_starts(date(2024, 3, 31))
    assert len(months) == 12
    assert months[0] == date(2023, 4, 1) and months[-1] == date(2024, 3, 1)
    assert [month_key(m) for m in months[8:10]] == ["2023-12", "2024-01"]


def test_months_without_rows_count_zero():
    months = month_starts(date(2024, 3, 1), 3)
    assert fill_months({"2024-03": 4, "2024-01": 1, "2023-01": 9}, months) == [1, 0, 4]


@pytest.mark.parametrize(
    ("maximum", "scale"),
    [(0, (4, 1)), (3, (4, 1)), (5, (8, 2)), (37, (40, 10)), (1234, (2000, 500))],
)
def test_the_value_axis_ends_at_a_round_number(maximum, scale):
    assert nice_scale(maximum) == scale


def test_bar_heights_follow_the_values_and_share_one_baseline():
    chart = bar_chart([("Jan", "2024"), ("Feb", "")], [Series("Posts", [2, 4])])
    low, high = chart.bars
    assert high.height == pytest.approx(2 * low.height)
    assert low.y + low.height == high.y + high.height == chart.plot_bottom
    assert high.y == chart.plot_top  # 4 is the top of the scale


def test_right_to_left_mirrors_the_time_axis_and_keeps_anchors_logical():
    labels = [("Jan", "2024"), ("Feb", ""), ("Mar", "")]
    series = [Series("Posts", [1, 2, 3]), Series("Comments", [3, 2, 1])]
    ltr, rtl = bar_chart(labels, series), bar_chart(labels, series, rtl=True)
    assert [m.x for m in ltr.months] == sorted(m.x for m in ltr.months)
    assert [m.x for m in rtl.months] == sorted((m.x for m in rtl.months), reverse=True)
    assert ltr.label_x < ltr.axis_x and rtl.label_x > rtl.axis_x  # labels outside the plot
    assert rtl.legend[0].text_x < rtl.legend[0].swatch_x  # text follows its swatch leftwards
    for a, b in zip(ltr.bars, rtl.bars, strict=True):
        assert a.x + a.width + b.x == pytest.approx(ltr.width, abs=0.02)  # rounded to 0.01


def test_the_month_bucket_speaks_each_dialect():
    bucket = month_bucket(Post.created_at)
    assert str(bucket.compile(dialect=sqlite.dialect())) == "strftime('%Y-%m', posts.created_at)"
    assert (
        str(bucket.compile(dialect=postgresql.dialect()))
        == "to_char(date_trunc('month', posts.created_at), 'YYYY-MM')"
    )


# -- the monthly chart on the page ---------------------------------------------------------


def test_chart_counts_each_month_and_shows_empty_months(client, login_as):
    login_as("admin")
    made = posts(("now a", "draft"), ("now b", "published"), ("five", "draft"), ("eleven", "draft"))
    for post, months_back in zip(made, (0, 0, 5, 11), strict=True):
        post.created_at = ago(months_back)
    db.session.add_all([Comment(post=made[0], author_name="a", text="t", created_at=ago(3))
                        for _ in range(3)])  # fmt: skip
    db.session.commit()
    rows = table_of(client.get("/admin/").get_data(as_text=True))
    assert rows[0] == ["Month", "Posts", "Comments"]
    body = rows[1:]
    assert len(body) == 12
    posts_per_month = [int(r[1]) for r in body]
    comments_per_month = [int(r[2]) for r in body]
    assert posts_per_month == [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2]
    assert comments_per_month == [0] * 8 + [3, 0, 0, 0]


def test_chart_window_excludes_what_is_twelve_months_old_or_more(client, login_as):
    login_as("admin")
    now = utcnow()
    window_start = datetime.combine(month_starts(now.date())[0], datetime.min.time())
    made = posts(("first second", "draft"), ("last second before", "draft"),
                 ("twelve", "draft"), ("thirteen", "draft"))  # fmt: skip
    made[0].created_at = window_start
    made[1].created_at = window_start - timedelta(seconds=1)
    made[2].created_at = ago(12, now)
    made[3].created_at = ago(13, now)
    db.session.commit()
    body = table_of(client.get("/admin/").get_data(as_text=True))[1:]
    assert sum(int(r[1]) for r in body) == 1
    assert int(body[0][1]) == 1


def test_chart_is_well_formed_svg_with_title_description_and_legend(client, login_as):
    login_as("admin")
    svg = svg_of(client.get("/admin/").get_data(as_text=True))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Posts and comments per month"
    assert "table below" in svg.find(f"{SVG}desc").text
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.text in ("Posts", "Comments")]
    assert legend == ["Posts", "Comments"]
    assert len(svg.findall(f".//{SVG}g[@class='chart-bars']/{SVG}rect")) == 24


def test_chart_month_names_are_german_in_german(client, login_as, csrf):
    login_as("admin")
    switch_language(client, csrf, "de")
    svg = svg_of(client.get("/admin/").get_data(as_text=True))
    labels = svg.find(f".//{SVG}g[@class='chart-months']")
    shown = [t.text for t in labels if not (t.text or "").isdigit()]
    expected = [GERMAN_MONTHS[m.month] for m in month_starts(utcnow().date())]
    assert shown == expected


def test_chart_reads_right_to_left_in_arabic(client, login_as, csrf):
    login_as("admin")
    switch_language(client, csrf, "ar")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'dir="rtl"' in html
    svg = svg_of(html)
    assert svg.get("direction") == "rtl"
    months = [float(t.get("x")) for t in svg.find(f".//{SVG}g[@class='chart-months']")]
    assert months == sorted(months, reverse=True)  # oldest month on the right
    axis = float(svg.find(f"{SVG}line[@class='chart-axis']").get("x1"))
    values = svg.find(f".//{SVG}g[@class='chart-values']")
    assert values.get("text-anchor") == "end"
    assert all(float(t.get("x")) > axis for t in values)


def test_chart_kept_between_pages_follows_each_new_row_at_once(client, login_as):
    # The chart's markup is kept per language and numbers: a new row is another chart.
    login_as("admin")
    made = posts(("now", "draft"))

    def this_month() -> list[str]:
        return table_of(client.get("/admin/").get_data(as_text=True))[-1][1:]

    assert this_month() == ["1", "0"]
    db.session.add(Comment(post=made[0], author_name="a", text="t"))
    db.session.commit()
    assert this_month() == ["1", "1"]
    posts(("later", "published"))
    assert this_month() == ["2", "1"]


def test_translators_see_no_chart_of_what_they_cannot_open(client, login_as):
    login_as("translator")
    assert "<svg" not in client.get("/admin/").get_data(as_text=True)


# -- cost ----------------------------------------------------------------------------------

# user with roles, tags and users, the status counters (cards, menu badge), the monthly
# counters, the recent activity
DASHBOARD_STATEMENTS = 5


def _lots_of_data(admin: User, n: int, prefix: str) -> None:
    for i in range(n):
        post = Post(title=f"{prefix} {i}", slug=f"{prefix}-{i}", author=admin,
                    created_at=ago(i % 12), status="published" if i % 2 else "draft")  # fmt: skip
        db.session.add_all([post, Tag(title=f"{prefix} {i}")])
        db.session.add_all([Comment(post=post, author_name="x", text="t", created_at=ago(i % 12))
                            for _ in range(3)])  # fmt: skip
    db.session.commit()


def test_the_dashboard_costs_a_fixed_number_of_statements(
    client, login_as, make_user, count_queries
):
    admin = login_as("admin")
    _lots_of_data(admin, 1, "small")
    admin_id = admin.id
    db.session.expunge_all()  # as in production, the request loads its user (with the roles)
    with count_queries as counter:
        client.get("/admin/")
    small = len(counter)
    _lots_of_data(db.session.get(User, admin_id), 40, "large")
    others = [make_user(f"user {i}", "editor") for i in range(5)]
    newest = ago(0) + timedelta(days=20)
    db.session.add_all([AuditEntry(user=u, action="update", object_type="Tag", object_id="1",
                                   object_label="t", changes={}, created_at=newest)
                        for u in others])  # fmt: skip
    db.session.commit()
    db.session.expunge_all()  # nothing cached in this test's session helps the request
    with count_queries as counter:
        assert client.get("/admin/").status_code == 200
    assert small == len(counter) == DASHBOARD_STATEMENTS, counter.statements
