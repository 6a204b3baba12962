"""Benchmark Backoffice's admin pages against stock Flask-Admin and a bare Flask floor.

    python bench/run.py [--posts 100000 --comments 1000000 --tags 1000] [--requests 30]

See bench/README.md. Every page of the benchmark's table is in ``PAGES`` below: adjust URLs there.
"""

from __future__ import annotations

import argparse
import html
import math
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``backoffice`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset, measure, report, wire
from bench.server import ROOT, Server, serve

PAGE_SIZE = 20  # Flask-Admin's ``?page=`` is 0-based: page 2,000 is ``page=1999``
ROW = 'name="rowid"'  # one row's checkbox: the page shows rows, not an empty table
LIST = "model-list"  # Flask-Admin's list table, with or without rows
FLOOR_ROW = "<td>"
#: A URL that means "the pager's next link on this page" (found on the page before measuring).
NEXT_OF = "next-of:"
NEXT_LINK = re.compile(r'<a class="page-link" href="(/[^"]+)"[^>]*>&gt;</a>')


@dataclass(frozen=True)
class Page:
    """One page of the benchmark's table: its URL on each server and a marker its HTML must hold.

    URLs may use ``{common}``, ``{rare}`` (search words), ``{last}`` (0-based index of the
    last page of all comments), ``{deep}`` (page 2,000, ``1999``, or the last page if the
    data set has fewer) and ``{before_deep}`` (the page before it). A URL starting with
    ``NEXT_OF`` is the next link of that page, as an editor clicking it gets it. ``stock`` is
    None where stock Flask-Admin has no equivalent.
    """

    name: str
    target: str
    url: str
    marker: str
    stock: str | None
    stock_marker: str
    floor: str


PAGES: tuple[Page, ...] = (
    Page("post list (default sort)", "≤ 10 ms", "/admin/posts/", ROW,
         "/admin/post/", ROW, "/posts"),
    Page("comment queue (pending)", "≤ 10 ms", "/admin/comments/", ROW, None, ROW, "/comments"),
    Page("comment list (all)", "≤ 10 ms", "/admin/comments/?status=all", ROW,
         "/admin/comment/", ROW, "/comments"),
    Page("comment list page 2,000", "≤ 10 ms", "/admin/comments/?status=all&page={deep}", ROW,
         "/admin/comment/?page={deep}", ROW, "/comments"),
    Page("comment list page 2,000, by next (seek)", "≤ 10 ms",
         NEXT_OF + "/admin/comments/?status=all&page={before_deep}", ROW, None, ROW,
         "/comments"),
    Page("last page of all comments", "≤ 70 ms", "/admin/comments/?status=all&page={last}",
         ROW, "/admin/comment/?page={last}", ROW, "/comments"),
    Page("post search, common word", "≤ 25 ms", "/admin/posts/?search={common}", ROW,
         "/admin/post/?search={common}", ROW, "/posts"),
    Page("post search, rare word", "≤ 25 ms", "/admin/posts/?search={rare}", LIST,
         "/admin/post/?search={rare}", LIST, "/posts"),
    Page("tag list with usage counts", "≤ 15 ms", "/admin/tags/", ROW, "/admin/tag/", ROW,
         "/comments"),
    Page("tag list by usage, most used first", "≤ 15 ms", "/admin/tags/?sort=1&desc=1", ROW,
         None, ROW, "/comments"),
    Page("dashboard", "≤ 15 ms", "/admin/", 'data-testid="dashboard"', None, ROW, "/comments"),
)  # fmt: skip

SECRET_KEY = "bench-secret-key-not-for-production"


@dataclass
class Options:
    """The command line."""

    posts: int = 100_000
    comments: int = 1_000_000
    tags: int = 1_000
    seed: int = 1
    requests: int = 30
    warmup: int = 3
    clients: int = 4
    concurrent_seconds: float = 10.0
    database_url: str | None = None
    rebuild: bool = False
    browser: bool = True
    readme: Path | None = ROOT / "bench" / "README.md"
    log_dir: Path = dataset.DATA_DIR


def parse(argv: list[str] | None = None) -> Options:
    """Options from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Options()
    parser.add_argument("--posts", type=int, default=defaults.posts)
    parser.add_argument("--comments", type=int, default=defaults.comments)
    parser.add_argument("--tags", type=int, default=defaults.tags,
                        help="passed to the seed command only if it has --tags")  # fmt: skip
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--requests", type=int, default=defaults.requests,
                        help="timed sequential requests per page (after the warm-up)")  # fmt: skip
    parser.add_argument("--warmup", type=int, default=defaults.warmup)
    parser.add_argument("--clients", type=int, default=defaults.clients)
    parser.add_argument("--concurrent-seconds", type=float, default=defaults.concurrent_seconds)
    parser.add_argument("--database-url",
                        help="e.g. postgresql+psycopg://user:pw@127.0.0.1:5432/bench "
                        "(its public schema is dropped when the data set is rebuilt); "
                        "default: a SQLite file under bench/data/")  # fmt: skip
    parser.add_argument("--rebuild", action="store_true", help="seed again even if reusable")
    parser.add_argument(
        "--no-browser",
        dest="browser",
        action="store_false",
        help="leave out the Chromium table (requests, bytes, DOMContentLoaded)",
    )
    parser.add_argument("--no-readme", action="store_true", help="only print the results")
    args = parser.parse_args(argv)
    return Options(
        posts=args.posts,
        comments=args.comments,
        tags=args.tags,
        seed=args.seed,
        requests=args.requests,
        warmup=args.warmup,
        clients=args.clients,
        concurrent_seconds=args.concurrent_seconds,
        database_url=args.database_url,
        rebuild=args.rebuild,
        browser=args.browser,
        readme=None if args.no_readme else defaults.readme,
    )


def resolve(url: str, facts: dataset.Facts) -> str:
    """Fill in the search words and the last page's index."""
    last = max(0, math.ceil(facts.comments / PAGE_SIZE) - 1)
    deep = min(1999, last)
    return url.format(
        common=facts.common_word, rare=facts.rare_word, last=last, deep=deep,
        before_deep=max(0, deep - 1),
    )  # fmt: skip


def follow_next(client: measure.Client, url: str) -> str:
    """The URL of the pager's next link on ``url``, which must step by seek (``after=``)."""
    page = client.request("GET", url)
    found = NEXT_LINK.search(page.body.decode())
    if page.status != 200 or not found or "after=" not in found[1]:
        raise measure.BenchError(f"GET {url}: {page.status}, no next link stepping by seek")
    return html.unescape(found[1])


def _measure_server(
    server: Server, pages: list[tuple[str, str]], options: Options
) -> tuple[list[measure.Timing], report.AppRun]:
    """Time each (url, marker) sequentially, without signing in (the stock app), then the
    concurrent run over the same mix."""
    client = measure.Client("127.0.0.1", server.port)
    timings = []
    for url, marker in pages:
        timing = measure.measure(client, url, marker, options.requests, options.warmup)
        print(f"  {server.name:<10} {url:<55} p50 {timing.p50_ms:8.1f} ms", flush=True)
        timings.append(timing)
    return timings, _concurrent_run(server, client, pages, options)


def _measure_against_floor(
    server: Server, floor: Server, pages: list[tuple[str, str, str]], options: Options
) -> tuple[list[measure.Timing], list[measure.Timing], report.AppRun, report.AppRun]:
    """Each (url, marker, floor path) of Backoffice and its floor route, interleaved request
    by request (the ratio the target is about); then each server's concurrent run."""
    ours = measure.Client("127.0.0.1", server.port)
    ours.sign_in("/login", dataset.ADMIN_NAME, dataset.ADMIN_PASSWORD)
    bare = measure.Client("127.0.0.1", floor.port)
    bare.request("GET", "/")  # its session cookie, which every floor page reads
    our_timings, floor_timings, mix = [], [], []
    for url, marker, path in pages:
        url = follow_next(ours, url.removeprefix(NEXT_OF)) if url.startswith(NEXT_OF) else url
        mix.append((url, marker))
        timing, base = measure.interleaved(
            [(ours, url, marker), (bare, path, FLOOR_ROW)], options.requests, options.warmup
        )
        print(f"  {server.name:<10} {url:<55} p50 {timing.p50_ms:8.1f} ms", flush=True)
        print(f"  {floor.name:<10} {path:<55} p50 {base.p50_ms:8.1f} ms (interleaved)", flush=True)
        our_timings.append(timing)
        floor_timings.append(base)
    floor_mix = sorted({(path, FLOOR_ROW) for _page, _marker, path in pages})
    return (
        our_timings,
        floor_timings,
        _concurrent_run(server, ours, mix, options),
        _concurrent_run(floor, bare, floor_mix, options),
    )


def _concurrent_run(
    server: Server, client: measure.Client, mix: list[tuple[str, str]], options: Options
) -> report.AppRun:
    throughput = measure.concurrent(client, mix, options.clients, options.concurrent_seconds)
    client.close()
    return report.AppRun(server.name, throughput, server.worker_peak_memory_mb())


def run(options: Options) -> report.Report:
    """Build or reuse the data set, measure the three servers, return the report."""
    sizes = dataset.Sizes(options.posts, options.comments, options.tags, options.seed)
    url = options.database_url or dataset.sqlite_url(sizes)
    env = {
        "BACKOFFICE_CONFIG": "production",
        "SECRET_KEY": SECRET_KEY,
        "SESSION_COOKIE_SECURE": "0",
        "DATABASE_URL": url,
    }
    print(f"data set: {url}", flush=True)
    built = dataset.build(url, sizes, env, rebuild=options.rebuild)
    print("seeded" if built else "reused (same sizes; --rebuild to seed again)", flush=True)
    facts = dataset.facts(url)

    ours = [(resolve(p.url, facts), p.marker, p.floor) for p in PAGES]
    stock = [(resolve(p.stock, facts), p.stock_marker) for p in PAGES if p.stock]
    with (
        serve("backoffice", "main:app", env, options.log_dir) as server,
        serve("floor", "bench.floor_app:app", env, options.log_dir) as floor,
    ):
        our_timings, floor_timings, our_run, floor_run = _measure_against_floor(
            server, floor, ours, options
        )
        wire_rows = []
        if options.browser:
            admin = (dataset.ADMIN_NAME, dataset.ADMIN_PASSWORD)
            wire_rows = wire.measure_pages(f"http://127.0.0.1:{server.port}", wire.PAGES, admin)
    with serve("stock", "bench.stock_app:app", env, options.log_dir) as server:
        stock_timings, stock_run = _measure_server(server, stock, options)
    runs = [our_run, stock_run, floor_run]

    stock_by_url = dict(zip([u for u, _ in stock], stock_timings, strict=True))
    results = [
        report.PageResult(
            page.name,
            page.target,
            timing,
            stock_by_url[resolve(page.stock, facts)] if page.stock else None,
            base,
        )
        for page, timing, base in zip(PAGES, our_timings, floor_timings, strict=True)
    ]
    database = "SQLite" if url.startswith("sqlite") else url.split(":", 1)[0]
    return report.Report(
        command=report.command_line(),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        database=database,
        sizes={"posts": facts.posts, "comments": facts.comments, "tags": facts.tags},
        searches={"common": facts.common_word, "rare": facts.rare_word},
        pages=results,
        runs=runs,
        requests=options.requests,
        wire=wire_rows,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, and write it into bench/README.md."""
    options = parse(argv)
    result = run(options)
    section = report.render(result)
    print()
    print(section)
    if options.readme is not None:
        report.write_readme(options.readme, section, result.database)
        print(f"written into {options.readme.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
