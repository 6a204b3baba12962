"""Geometry of a grouped bar chart, drawn as inline SVG by templates/admin/_chart.html.

Pure functions: numbers and labels in, coordinates out. Right-to-left pages get a mirrored
chart (time runs from right to left, the value axis stands on the right); text anchors stay
logical ("end" of a value label touches the axis) because the SVG carries ``direction``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 720
HEIGHT = 280
MARGIN_START = 52  # room for the value labels
MARGIN_END = 12
MARGIN_TOP = 40  # room for the legend
MARGIN_BOTTOM = 44  # two lines of month labels
#: Bars and swatches at 3:1 or more against the white page (WCAG 1.4.11).
COLORS = ("#1f6fd1", "#c25e00", "#2e7d32", "#8e24aa")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: int
    month: int
    color: str


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class MonthLabel:
    x: float
    text: str
    year: str  # shown under the month for the first month and each January


@dataclass(frozen=True)
class LegendItem:
    swatch_x: float
    text_x: float
    label: str
    color: str


@dataclass
class Chart:
    width: int
    height: int
    rtl: bool
    axis_x: float  # where the value axis stands
    label_x: float  # where value labels end
    plot_top: float
    plot_bottom: float
    plot_start: float
    plot_end: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    months: list[MonthLabel] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)


def _color(series: int) -> str:
    return COLORS[series % len(COLORS)]


def nice_scale(maximum: int, steps: int = 4) -> tuple[int, int]:
    """A round top of the value axis and its step, e.g. 37 -> (40, 10); never below ``steps``."""
    maximum = max(int(maximum), 0)
    step = 1
    while step * steps < maximum:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50…
            step = int(step * factor)
            if step * steps >= maximum:
                break
    return step * steps, step


def bar_chart(
    months: list[tuple[str, str]],
    series: list[Series],
    *,
    rtl: bool = False,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """Coordinates for ``series`` (one value per month) over ``months`` ((label, year) pairs)."""
    top, step = nice_scale(max((v for s in series for v in s.values), default=0))
    plot_top, plot_bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    start, end = MARGIN_START, width - MARGIN_END

    def mirror(x: float, w: float = 0.0) -> float:
        return round(width - x - w, 2) if rtl else round(x, 2)

    def y_of(value: float) -> float:
        return round(plot_bottom - (plot_bottom - plot_top) * value / top, 2)

    chart = Chart(
        width=width,
        height=height,
        rtl=rtl,
        axis_x=mirror(start),
        label_x=mirror(start - 6),
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        plot_start=min(mirror(start), mirror(end)),
        plot_end=max(mirror(start), mirror(end)),
    )
    chart.ticks = [Tick(y_of(v), v) for v in range(0, top + 1, step)]
    group = (end - start) / max(len(months), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    for m, (label, year) in enumerate(months):
        group_start = start + m * group + group * 0.1
        chart.months.append(MonthLabel(mirror(start + (m + 0.5) * group), label, year))
        for s, item in enumerate(series):
            value = item.values[m]
            x = group_start + s * bar_width
            bar_top = y_of(value)
            chart.bars.append(
                Bar(
                    x=mirror(x, bar_width),
                    y=bar_top,
                    width=round(bar_width, 2),
                    height=round(plot_bottom - bar_top, 2),
                    value=value,
                    series=s,
                    month=m,
                    color=_color(s),
                )
            )
    x = start
    for s, item in enumerate(series):
        chart.legend.append(LegendItem(mirror(x, 12), mirror(x + 18), item.label, _color(s)))
        x += 18 + 8 * len(item.label) + 24  # a generous estimate of the label's width
    return chart
