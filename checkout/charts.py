"""Charts of the sales dashboard, drawn on the server as SVG: this module lays them out (every
coordinate in Decimal, in the SVG's own units), templates/checkout/admin/chart_*.svg draw them.

No JavaScript and no library: the admin's Content-Security-Policy allows neither inline scripts
nor other origins, and a picture of thirty numbers needs neither. Each chart scales to its
container (viewBox), names itself for screen readers (role="img" with a title and a summary),
and each bar carries its exact figure as a tooltip (<title>).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

# Drawn about this wide at two charts a row on a laptop, and at a phone's width: the labels'
# 13 units stay legible at either.
WIDTH = Decimal(480)
HEIGHT = Decimal(180)
# Room for the value axis on the left ("10,000.00 $"), the last day's label on the right, and
# the day labels below.
LEFT, RIGHT, TOP, BOTTOM = Decimal(84), Decimal(20), Decimal(12), Decimal(28)
BAR_SHARE = Decimal("0.7")  # of each day's slot; the rest separates the bars
ROW_HEIGHT, ROW_GAP, LABEL_WIDTH = Decimal(22), Decimal(8), Decimal(150)
# A day label every week keeps thirty days legible at a phone's width.
DAY_LABEL_EVERY = 7
_PIXEL = Decimal("0.1")


def _px(value: Decimal) -> Decimal:
    return value.quantize(_PIXEL)


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (an axis' top)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (1, 2, 5, 10):
        top = Decimal(step).scaleb(exponent)
        if top >= value:
            return top
    raise AssertionError("unreachable: 10 x 10^exponent exceeds any value of that exponent")


def count(value: Decimal | int) -> str:
    """A whole number as people read it (an axis' top may be Decimal("1E+1"))."""
    return f"{int(value):,}"


@dataclass(frozen=True)
class Column:
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal
    label: str  # the tooltip: the day and the figure


@dataclass(frozen=True)
class AxisLabel:
    x: Decimal
    y: Decimal
    text: str


@dataclass(frozen=True)
class ColumnChart:
    """One column per day, oldest on the left."""

    title: str
    summary: str
    columns: tuple[Column, ...]
    day_labels: tuple[AxisLabel, ...]
    value_labels: tuple[AxisLabel, ...]  # the axis' top and zero
    grid_top: Decimal
    baseline: Decimal
    width: Decimal = WIDTH
    height: Decimal = HEIGHT
    left: Decimal = LEFT
    right_edge: Decimal = WIDTH - RIGHT


def column_chart(
    *,
    title: str,
    summary: str,
    points: Sequence[tuple[date, Decimal | int]],
    show: Callable[[Decimal | int], str] | None = None,
) -> ColumnChart:
    """`points`: (day, figure) for every day of the period; `show` writes a figure for people."""
    show = show or count
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((Decimal(value) for _, value in points), default=Decimal(0)))
    slot = plot_width / max(len(points), 1)
    bar = slot * BAR_SHARE
    baseline = TOP + plot_height
    columns, day_labels = [], []
    for index, (day, value) in enumerate(points):
        height = plot_height * Decimal(value) / top
        x = LEFT + slot * index + (slot - bar) / 2
        label = f"{day:%b} {day.day}"
        columns.append(
            Column(_px(x), _px(baseline - height), _px(bar), _px(height), f"{label}: {show(value)}")
        )
        if (len(points) - 1 - index) % DAY_LABEL_EVERY == 0:  # today's, and weekly before it
            day_labels.append(AxisLabel(_px(x + bar / 2), baseline + 18, label))
    value_labels = (
        AxisLabel(LEFT - 6, TOP + 4, show(top)),
        AxisLabel(LEFT - 6, baseline + 4, show(0)),
    )
    return ColumnChart(
        title=title,
        summary=summary,
        columns=tuple(columns),
        day_labels=tuple(day_labels),
        value_labels=value_labels,
        grid_top=TOP,
        baseline=baseline,
    )


@dataclass(frozen=True)
class Row:
    y: Decimal
    text_y: Decimal
    width: Decimal
    figure_x: Decimal  # the figure is written just after the bar
    name: str
    figure: str


@dataclass(frozen=True)
class BarChart:
    """One horizontal bar per row, longest first; each row names itself and its figure."""

    title: str
    summary: str
    rows: tuple[Row, ...]
    height: Decimal
    bar_x: Decimal = LABEL_WIDTH
    label_x: Decimal = LABEL_WIDTH - 8  # names end just before the bars
    bar_height: Decimal = ROW_HEIGHT
    width: Decimal = WIDTH


def bar_chart(
    *, title: str, summary: str, rows: Sequence[tuple[str, Decimal | int, str]]
) -> BarChart:
    """`rows`: (name, figure, figure as people read it), in the order to draw them."""
    room = WIDTH - LABEL_WIDTH - Decimal(120)  # what the longest bar leaves for its figure
    top = max((Decimal(value) for _, value, _ in rows), default=Decimal(0)) or Decimal(1)
    drawn = []
    for index, (name, value, figure) in enumerate(rows):
        y = (ROW_HEIGHT + ROW_GAP) * index
        width = (room * Decimal(value) / top).quantize(_PIXEL, rounding=ROUND_CEILING)
        text_y = _px(y + ROW_HEIGHT * Decimal("0.7"))
        drawn.append(Row(y, text_y, width, LABEL_WIDTH + width + 6, name, figure))
    height = max((ROW_HEIGHT + ROW_GAP) * len(rows) - ROW_GAP, ROW_HEIGHT)
    return BarChart(title=title, summary=summary, rows=tuple(drawn), height=height)
