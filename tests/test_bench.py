"""The benchmark harness works end to end on a tiny data set (no timing assertions)."""

from __future__ import annotations

import pytest

from bench import report, run
from bench.measure import Response, Timing, interleaved, percentile


def test_percentile_is_nearest_rank():
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.50) == 2.0
    assert percentile(list(map(float, range(1, 101))), 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_interleaved_pages_take_turns_request_by_request():
    asked: list[str] = []

    class Recorder:
        def __init__(self, name: str) -> None:
            self.name = name

        def request(self, method: str, url: str) -> Response:
            asked.append(f"{self.name}{url}")
            return Response(200, b"<td>row</td>", {}, 0.002 if self.name == "ours" else 0.001)

    ours, floor = Recorder("ours"), Recorder("floor")
    timings = interleaved([(ours, "/a", "row"), (floor, "/b", "<td>")], requests=3, warmup=1)
    assert asked == ["ours/a", "floor/b"] * 4  # the warm-up, then three timed rounds
    assert [t.seconds for t in timings] == [[0.002] * 3, [0.001] * 3]


def test_results_replace_only_the_marked_section():
    text = f"intro\n{report.START}\nold\n{report.END}\nafter\n"
    assert report.replace_section(text, "new\n") == (
        f"intro\n{report.START}\nnew\n{report.END}\nafter\n"
    )


def test_each_database_has_its_own_results_section():
    start, end = report.markers("postgresql+psycopg")
    assert start == "<!-- results-postgresql:start -->"
    text = f"{report.START}\nsqlite\n{report.END}\n{start}\npg\n{end}\n"
    replaced = report.replace_section(text, "new pg\n", "postgresql+psycopg")
    assert replaced == f"{report.START}\nsqlite\n{report.END}\n{start}\nnew pg\n{end}\n"


def test_results_need_the_markers():
    with pytest.raises(ValueError):
        report.replace_section("no markers", "new\n")


def test_ratios_divide_backoffice_by_each_reference():
    page = report.PageResult(
        "p", "≤ 10 ms", Timing("/a", [0.004], 1), Timing("/b", [0.008], 1), Timing("/c", [0.001], 1)
    )
    assert page.ratio_to_stock() == pytest.approx(0.5)
    assert page.ratio_to_floor() == pytest.approx(4.0)


def test_the_report_shows_chromium_numbers_when_measured():
    row = report.WireRow("/admin/posts/", 4, 1, 142_400, 702_000, 3_600, 729, 197)
    base = dict(command="python bench/run.py", date="today", database="SQLite",
                sizes={"posts": 1}, searches={"common": "a"}, pages=[])  # fmt: skip
    assert "Chromium" not in report.render(report.Report(**base))
    section = report.render(report.Report(**base, wire=[row]))
    assert "| `/admin/posts/` | 4 | 1 | 142 | 702 | 3.6 | 729 ms / 197 ms |" in section


def test_harness_measures_every_page_on_a_tiny_data_set(tmp_path):
    options = run.Options(
        posts=50,
        comments=200,
        tags=10,
        requests=3,
        warmup=1,
        concurrent_seconds=1.0,
        database_url=f"sqlite:///{tmp_path / 'bench.sqlite'}",
        readme=None,
        log_dir=tmp_path,
        browser=False,  # a cold and repeat visit in Chromium: tests/test_browser_assets.py
    )
    result = run.run(options)
    assert [page.name for page in result.pages] == [page.name for page in run.PAGES]
    for page, spec in zip(result.pages, run.PAGES, strict=True):
        assert len(page.backoffice.seconds) == 3 and page.backoffice.size > 0
        assert page.floor is not None and page.ratio_to_floor() is not None
        assert len(page.floor.seconds) == 3  # its own floor, interleaved with it
        assert (page.ratio_to_stock() is None) == (spec.stock is None)
    assert result.sizes["posts"] == 50 and result.sizes["comments"] == 200
    assert [r.name for r in result.runs] == ["backoffice", "stock", "floor"]
    assert all(r.throughput.errors == 0 and r.throughput.requests for r in result.runs)
    assert all(r.peak_memory_mb > 0 for r in result.runs)
    section = report.render(result)
    assert all(page.name in section for page in result.pages)
