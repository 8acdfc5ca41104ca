"""Server-rendered SVG charts: escaped text, no inline style, mirrored right to left."""

import re

from app.claims.stats import Row
from app.core.charts import Text, bar_chart, column_chart

LTR = Text(rtl=False, persian_digits=False)
RTL = Text(rtl=True, persian_digits=True)


def rects(svg: str) -> list[dict]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<rect [^>]*>", svg)]


def test_bars_are_proportional_and_labels_escaped():
    rows = [Row("a", "<b>Open</b>", 4), Row("b", "Done", 2), Row("c", "None", 0)]
    svg = bar_chart(rows, title="Claims & more", title_id="t", text=LTR)

    assert "<b>" not in svg and "&lt;b&gt;Open&lt;/b&gt;" in svg
    assert "Claims &amp; more" in svg
    widths = [float(r["width"]) for r in rects(svg)]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert "style=" not in svg  # the CSP refuses inline styles


def test_right_to_left_bars_grow_from_the_right_with_persian_digits():
    rows = [Row("a", "باز", 4), Row("b", "بسته", 2)]
    ltr, rtl = (
        bar_chart(rows, title="t", title_id="t", text=LTR),
        bar_chart(rows, title="t", title_id="t", text=RTL),
    )

    for left, right in zip(rects(ltr), rects(rtl), strict=True):
        # Mirrored: the right edge of the RTL bar is where the LTR bar starts, seen from the right.
        assert float(right["x"]) + float(right["width"]) == 640 - float(left["x"])
    assert "۴" in rtl and "4" in ltr


def test_only_hex_colours_reach_the_fill_attribute():
    good = bar_chart([Row("1", "False", 3, "#b3261e")], title="t", title_id="t", text=LTR)
    bad = bar_chart([Row("1", "False", 3, 'red" onload="x')], title="t", title_id="t", text=LTR)

    assert 'fill="#b3261e"' in good
    assert "onload" not in bad and "fill=" not in bad


def test_columns_follow_the_reading_direction():
    rows = [Row(f"2026-01-{d:02d}", f"2026-01-{d:02d}", n) for d, n in ((5, 1), (12, 3))]
    ltr = rects(column_chart(rows, title="t", title_id="t", text=LTR))
    rtl = rects(column_chart(rows, title="t", title_id="t", text=RTL))

    assert float(ltr[0]["x"]) < float(ltr[1]["x"])
    assert float(rtl[0]["x"]) > float(rtl[1]["x"])
    assert abs(float(ltr[1]["height"]) - 3 * float(ltr[0]["height"])) < 0.2  # rounded to 0.1
