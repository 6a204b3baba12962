"""The result: a markdown report, printed and written into bench/README.md between markers."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Throughput, Timing

START = "<!-- results:start -->"
END = "<!-- results:end -->"


@dataclass
class PageResult:
    """One row of the table: Backoffice's timing and those of its two references."""

    name: str
    target: str
    backoffice: Timing
    stock: Timing | None = None
    floor: Timing | None = None

    def ratio_to_stock(self) -> float | None:
        """Backoffice's p50 divided by stock Flask-Admin's (None without a stock page)."""
        return self.backoffice.p50_ms / self.stock.p50_ms if self.stock else None

    def ratio_to_floor(self) -> float | None:
        """Backoffice's p50 divided by the bare Flask floor's."""
        return self.backoffice.p50_ms / self.floor.p50_ms if self.floor else None


@dataclass
class AppRun:
    """Per server: the concurrent run and the worker's peak memory."""

    name: str
    throughput: Throughput
    peak_memory_mb: float


@dataclass
class WireRow:
    """One page in headless Chromium: requests and bytes cold, uncompressed and again."""

    path: str
    assets: int  # stylesheet and script requests, cold
    other: int  # other requests (fonts, images), cold
    bytes_cold: int  # everything transferred, HTML and headers included
    bytes_uncompressed: int  # the same cold visit with Accept-Encoding: identity
    bytes_repeat: int
    dcl_cold_ms: int  # DOMContentLoaded
    dcl_repeat_ms: int


def render_wire(rows: list[WireRow]) -> str:
    """The Chromium table, one row per page."""
    lines = [
        "| page | CSS/JS requests | other requests | KB cold | KB uncompressed | KB repeat "
        "| DOMContentLoaded cold / repeat |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| `{row.path}` | {row.assets} | {row.other} | {row.bytes_cold / 1000:.0f} "
            f"| {row.bytes_uncompressed / 1000:.0f} | {row.bytes_repeat / 1000:.1f} "
            f"| {row.dcl_cold_ms} ms / {row.dcl_repeat_ms} ms |"
        )
    return "\n".join(lines) + "\n"


@dataclass
class Report:
    """Everything the markdown section shows."""

    command: str
    date: str
    database: str
    sizes: dict[str, int]
    searches: dict[str, str]
    pages: list[PageResult]
    runs: list[AppRun] = field(default_factory=list)
    requests: int = 0
    wire: list[WireRow] = field(default_factory=list)


def machine() -> str:
    """CPU count, Python, SQLite library and OS, for the report header."""
    return (
        f"{os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _timing(timing: Timing | None) -> str:
    return "—" if timing is None else f"{_ms(timing.p50_ms)} / {_ms(timing.p95_ms)}"


def render(report: Report) -> str:
    """The markdown section (without the markers)."""
    sizes = ", ".join(f"{n:,} {what}" for what, n in report.sizes.items())
    words = ", ".join(f"{kind} “{word}”" for kind, word in report.searches.items())
    lines = [
        f"Run {report.date} on {machine()}; database: {report.database}; data: {sizes}; "
        f"search words: {words}. {report.requests} sequential requests per page after a "
        "warm-up, one gunicorn worker (gthread), production config, loopback.",
        "",
        "```sh",
        report.command,
        "```",
        "",
        "| page | target p50 | Backoffice p50 / p95 ms | HTML KB | stock p50 / p95 ms "
        "| floor p50 / p95 ms | Backoffice ÷ stock | Backoffice ÷ floor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page in report.pages:
        lines.append(
            f"| {page.name} | {page.target} | {_timing(page.backoffice)} "
            f"| {page.backoffice.size / 1024:.1f} | {_timing(page.stock)} | {_timing(page.floor)} "
            f"| {_ratio(page.ratio_to_stock())} | {_ratio(page.ratio_to_floor())} |"
        )
    if report.runs:
        lines += [
            "",
            "| server | concurrent requests/s | errors | worker peak memory (VmHWM) |",
            "|---|---|---|---|",
        ]
        for run in report.runs:
            t = run.throughput
            lines.append(
                f"| {run.name} | {t.per_second:.1f} ({t.clients} clients, {t.seconds:.0f} s, "
                f"page mix) | {t.errors} | {run.peak_memory_mb:.0f} MiB |"
            )
    if report.wire:
        lines += [
            "",
            "In headless Chromium (Debian's), signed in, each page with an empty cache (cold), "
            "the same visit with `Accept-Encoding: identity` (uncompressed) and again (repeat):",
            "",
            render_wire(report.wire).rstrip("\n"),
        ]
    return "\n".join(lines) + "\n"


def markers(database: str = "SQLite") -> tuple[str, str]:
    """The README markers of one database's results: SQLite's are the plain ones, another
    database's carry its name (``postgresql+psycopg`` -> ``results-postgresql``)."""
    if database == "SQLite":
        return START, END
    name = database.split("+", 1)[0]
    return f"<!-- results-{name}:start -->", f"<!-- results-{name}:end -->"


def replace_section(text: str, section: str, database: str = "SQLite") -> str:
    """``text`` with everything between ``database``'s result markers replaced by
    ``section``."""
    start, end = markers(database)
    try:
        head, rest = text.split(start, 1)
        _old, tail = rest.split(end, 1)
    except ValueError:
        raise ValueError(f"the README lacks the {start} … {end} markers") from None
    return f"{head}{start}\n{section}{end}{tail}"


def write_readme(readme: Path, section: str, database: str = "SQLite") -> None:
    """Put ``section`` into ``readme`` between ``database``'s markers."""
    readme.write_text(replace_section(readme.read_text(), section, database))


def command_line() -> str:
    """How this run was started, to paste into a shell."""
    return " ".join(["python", "bench/run.py", *sys.argv[1:]])
