"""Small server-rendered SVG charts: horizontal bars and weekly columns.

Why server-side SVG and not a chart library: the dashboard needs two chart shapes,
the page must work without JavaScript and under a CSP that refuses inline styles,
and the numbers are shown again in a table beside each chart (the table is what
assistive technology reads; the SVG is marked as one image with a title).

The SVG carries no `style` attribute: bars take their colour from a CSS class
(static/css/components.css) or, for data colours such as a verdict's, from a
validated `fill` presentation attribute, which a CSP does not govern. Right-to-left
pages get mirrored charts: labels on the right, bars growing leftwards. Text
anchors are logical (SVG text inherits the page's `direction`, so "end" is the
left edge of right-to-left text): only the x coordinates are mirrored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

WIDTH = 640
ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_SHARE = 0.36  # of the width, for the bar labels
VALUE_ROOM = 56  # room after the longest bar for its number
COLUMN_CHART_HEIGHT = 200
AXIS_ROOM = 36


class ChartRow(Protocol):
    key: str
    label: str
    value: int
    colour: str


@dataclass(frozen=True)
class Text:
    """How numbers and direction come out in the current language."""

    rtl: bool
    persian_digits: bool

    @classmethod
    def current(cls) -> Text:
        return cls(rtl=get_language_bidi(), persian_digits=(get_language() or "").startswith("fa"))

    def number(self, value: int | str) -> str:
        text = str(value)
        return text.translate(_PERSIAN_DIGITS) if self.persian_digits else text


def _x(x: float, width: float, rtl: bool, span: float = 0.0) -> float:
    """Mirror a left edge `x` of something `span` wide when the page reads right to left."""
    return round(width - x - span, 1) if rtl else round(x, 1)


def _svg(width: int, height: int, title: str, title_id: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text in `body` and `title` is escaped
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{escape(title_id)}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _short(label: str, limit: int = 26) -> str:
    """A bar label that fits its column; the table beside the chart has it whole."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _fill(row: ChartRow, css_prefix: str) -> str:
    colour = getattr(row, "colour", "") or ""
    if HEX_COLOUR.match(colour):
        return f'class="bar" fill="{colour}"'
    return f'class="bar {escape(css_prefix)}{escape(row.key)}"'


def bar_chart(
    rows: Sequence[ChartRow],
    *,
    title: str,
    title_id: str,
    css_prefix: str = "bar-",
    text: Text | None = None,
) -> SafeString:
    """Horizontal bars, one per row, longest = the largest value; empty rows drawn as 0."""
    text = text or Text.current()
    label_width = WIDTH * LABEL_SHARE
    bar_room = WIDTH - label_width - VALUE_ROOM
    largest = max((row.value for row in rows), default=0) or 1
    height = max(ROW_HEIGHT, ROW_HEIGHT * len(rows)) + 4
    body = []
    for i, row in enumerate(rows):
        top = 2 + i * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        length = round(bar_room * row.value / largest, 1)
        label_x = _x(label_width - 8, WIDTH, text.rtl)
        bar_x = _x(label_width, WIDTH, text.rtl, length)
        value_x = _x(label_width + length + 6, WIDTH, text.rtl)
        body.append(
            f'<text class="chart-label" x="{label_x}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_short(row.label))}</text>'
            f'<rect {_fill(row, css_prefix)} x="{bar_x}" y="{top + (ROW_HEIGHT - BAR_HEIGHT) / 2}" '
            f'width="{length}" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text class="chart-value" x="{value_x}" y="{middle}" '
            'text-anchor="start" dominant-baseline="middle">'
            f"{escape(text.number(row.value))}</text>"
        )
    return _svg(WIDTH, height, title, title_id, body)


def column_chart(
    rows: Sequence[ChartRow],
    *,
    title: str,
    title_id: str,
    tick_label: Callable[[ChartRow], str] | None = None,
    text: Text | None = None,
) -> SafeString:
    """Vertical columns in order (time runs with the reading direction), every few labelled."""
    text = text or Text.current()
    tick_label = tick_label or (lambda row: row.label)
    largest = max((row.value for row in rows), default=0) or 1
    plot_height = COLUMN_CHART_HEIGHT - AXIS_ROOM
    count = max(len(rows), 1)
    slot = WIDTH / count
    column = max(2.0, slot * 0.7)
    # Label about six ticks whatever the range, so labels never overlap.
    every = max(1, -(-count // 6))
    body = [f'<line class="chart-axis" x1="0" x2="{WIDTH}" y1="{plot_height}" y2="{plot_height}"/>']
    for i, row in enumerate(rows):
        length = round((plot_height - 16) * row.value / largest, 1)
        x = _x(i * slot + (slot - column) / 2, WIDTH, text.rtl, column)
        body.append(
            f'<rect class="bar bar-week" x="{x}" y="{plot_height - length}" '
            f'width="{round(column, 1)}" height="{length}"/>'
        )
        if row.value:
            body.append(
                f'<text class="chart-value" x="{round(x + column / 2, 1)}" '
                f'y="{plot_height - length - 4}" text-anchor="middle">'
                f"{escape(text.number(row.value))}</text>"
            )
        if i % every == 0:
            body.append(
                f'<text class="chart-label" x="{round(x + column / 2, 1)}" '
                f'y="{plot_height + 20}" text-anchor="middle">'
                f"{escape(text.number(tick_label(row)))}</text>"
            )
    return _svg(WIDTH, COLUMN_CHART_HEIGHT, title, title_id, body)
