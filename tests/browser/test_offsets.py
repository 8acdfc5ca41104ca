"""static/js/offsets.js, and the reader's use of it, in a real Chromium.

Python slices strings by code points (as the stored anchors do); JavaScript counts
UTF-16 units. These tests put both side by side on Persian text with ZWNJ, NBSP,
Persian digits, and characters outside the BMP (🚇, 𝒜) before and inside spans.

The pages are served by Playwright itself from `static/` (no database, no server):
`offsets.js` is loaded as an ES module, and a page laid out like the reader
(same markup contract as templates/articles/detail.html) runs the real reader (static/js/reader/).
"""

import html
import json
import mimetypes
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "static"
ORIGIN = "http://sanad.test"

SAMPLES = [
    "گزارش\u00a0ویژه: پیش\u200cبینی 🚇 بودجه ۱۸۵ 𝒜 میلیون",
    "🚇𝒜🚇\u200c\u00a0x",
    "The mayor said “Best commute ever 🚇” — 4,000 replies.",
    "plain",
    "",
]
# A stored text laid out in paragraphs like the reader does: non-blank lines only,
# so the NBSP-only line and the empty line are gaps the page does not show.
STORED = (
    "🚇 گزارش\u00a0ویژه: وزیر گفت پیش\u200cبینی ۱۸ ژوئن\n"
    "\u00a0\n"
    "\n"
    "𝒜 second 🚇 line, with “quotes” and 12%\n"
    "سومین خط 🚇🚇 پایان"
)


def units(text: str) -> int:
    """Length of `text` in UTF-16 code units, as JavaScript counts it."""
    return len(text.encode("utf-16-le")) // 2


def paragraphs(text: str) -> list[dict]:
    """Non-blank lines with their code-point offsets (the reader's layout)."""
    result, position = [], 0
    for line in text.split("\n"):
        if line.strip():
            result.append({"start": position, "end": position + len(line), "text": line})
        position += len(line) + 1
    return result


def serve(page, body: str, title: str = "fixture") -> None:
    """Open `body` at ORIGIN/, with ORIGIN/static/ served from the project's static folder."""
    document = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<title>{html.escape(title)}</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/css/sanad.css"></head>'
        f"<body><main>{body}</main></body></html>"
    )

    def handle(route) -> None:
        path = urlparse(route.request.url).path
        if path == "/":
            route.fulfill(body=document, content_type="text/html; charset=utf-8")
            return
        file = (STATIC / path.removeprefix("/static/")).resolve()
        if path.startswith("/static/") and file.is_relative_to(STATIC) and file.is_file():
            content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            route.fulfill(path=file, content_type=content_type)
        else:
            route.fulfill(status=404, body="not found")

    page.route(f"{ORIGIN}/**", handle)
    page.goto(f"{ORIGIN}/")


def offsets(page, script: str, arg):
    """Run `script` (a function of `o`, the offsets module, and `arg`) in the page."""
    return page.evaluate(
        "async (arg) => { const o = await import('/static/js/offsets.js'); "
        f"return ({script})(o, arg); }}",
        arg,
    )


@pytest.fixture
def module_page(page):
    serve(page, "<p>offsets</p>")
    return page


def test_code_points_and_units_round_trip(module_page):
    result = offsets(
        module_page,
        """(o, texts) => texts.map((t) => {
            const n = o.codePointLength(t);
            const toUnits = [], floor = [], ceil = [];
            for (let i = 0; i <= n; i++) toUnits.push(o.codePointsToUnits(t, i));
            for (let u = 0; u <= t.length; u++) {
                floor.push(o.unitsToCodePoints(t, u, "floor"));
                ceil.push(o.unitsToCodePoints(t, u, "ceil"));
            }
            return {n, toUnits, floor, ceil, bmp: o.isBmpOnly(t)};
        })""",
        SAMPLES,
    )
    for text, got in zip(SAMPLES, result, strict=True):
        assert got["n"] == len(text)
        # Code point i starts at UTF-16 unit units(text[:i]).
        assert got["toUnits"] == [units(text[:i]) for i in range(len(text) + 1)]
        # Back again: every code-point boundary maps to itself.
        for i in range(len(text) + 1):
            assert got["floor"][units(text[:i])] == i
            assert got["ceil"][units(text[:i])] == i
        # A unit offset inside a surrogate pair: floor leaves the character out, ceil keeps it.
        for i, char in enumerate(text):
            if units(char) == 2:
                middle = units(text[:i]) + 1
                assert (got["floor"][middle], got["ceil"][middle]) == (i, i + 1)
        assert got["bmp"] == (units(text) == len(text))


def test_code_point_slices_match_python(module_page):
    text = SAMPLES[0]
    metro, script_a = text.index("🚇"), text.index("𝒜")
    spans = [
        (0, 5),
        (metro - 3, metro),  # ends before the emoji
        (metro, metro + 1),  # the emoji alone
        (metro - 1, script_a + 1),  # both astral characters inside
        (script_a + 1, len(text)),  # after both
        (0, len(text)),
    ]
    got = offsets(
        module_page,
        "(o, [t, spans]) => spans.map(([s, e]) => o.sliceCodePoints(t, s, e))",
        [text, spans],
    )
    assert got == [text[s:e] for s, e in spans]


def test_stored_offsets_to_dom_positions_and_back(module_page):
    layout = paragraphs(STORED)
    assert len(layout) == 3  # the NBSP line and the empty line are not shown
    result = offsets(
        module_page,
        """(o, [layout, total]) => {
            const ps = layout.map((p) => ({...p, bmp: o.isBmpOnly(p.text)}));
            const rows = [];
            for (let cp = 0; cp <= total; cp++) {
                const f = o.storedToDom(ps, cp, "forward");
                const b = o.storedToDom(ps, cp, "backward");
                rows.push({cp, f, b,
                    fBack: o.domToStored(ps[f.index], f.units, "floor"),
                    bBack: o.domToStored(ps[b.index], b.units, "ceil")});
            }
            return rows;
        }""",
        [layout, len(STORED)],
    )
    for row in result:
        cp = row["cp"]
        inside = [i for i, p in enumerate(layout) if p["start"] <= cp < p["end"]]
        if inside:
            (index,) = inside
            paragraph = layout[index]
            expected = {"index": index, "units": units(STORED[paragraph["start"] : cp])}
            assert row["f"] == expected, cp
            assert row["b"] == expected, cp
            assert row["fBack"] == row["bBack"] == cp
            continue
        # At a paragraph's end or in a gap: a span starting here starts at the next
        # paragraph, a span ending here ends at the previous one.
        following = [i for i, p in enumerate(layout) if p["start"] > cp]
        preceding = [i for i, p in enumerate(layout) if p["end"] <= cp]
        if following:
            assert row["f"] == {"index": following[0], "units": 0}, cp
            assert row["fBack"] == layout[following[0]]["start"]
        if preceding:
            last = layout[preceding[-1]]
            assert row["b"] == {"index": preceding[-1], "units": units(last["text"])}, cp
            assert row["bBack"] == last["end"]


def test_trim_span_drops_spaces_and_nbsp_but_keeps_zwnj(module_page):
    text = " \u00a0\u200cپیش\u200cبینی 🚇\u00a0\n "
    got = offsets(
        module_page,
        "(o, [t, cases]) => cases.map(([s, e]) => o.trimSpan(Array.from(t), s, e))",
        [text, [[0, len(text)], [0, 2], [1, 5], [11, len(text)]]],
    )
    assert got[0] == {"start": 2, "end": len(text) - 3}
    assert text[2 : len(text) - 3] == "\u200cپیش\u200cبینی 🚇"
    assert got[1] is None  # only whitespace
    assert got[2] == {"start": 2, "end": 5}
    assert got[3] == {"start": 12, "end": 13}
    assert text[12:13] == "🚇"


# --- The reader script on a page laid out like the real one ----------------------


def reader_fixture(text: str, claims: list[dict], lang: str = "fa", direction: str = "rtl") -> str:
    """The reader's markup contract, as templates/articles/detail.html renders it."""
    body = "".join(
        f'<p data-start="{p["start"]}" data-end="{p["end"]}">{html.escape(p["text"])}</p>\n'
        for p in paragraphs(text)
    )
    data = [
        {
            "id": n,
            "status": "open",
            "rating": None,
            "url": f"/claims/{n}/",
            "label": text[c["start"] : c["end"]],
            "exact": text[c["start"] : c["end"]],
            **c,
        }
        for n, c in enumerate(claims, 1)
    ]

    def script_json(value) -> str:
        return json.dumps(value).replace("<", "\\u003c")

    return f"""
<article class="article" lang="{lang}" dir="{direction}">
  <div class="article-text" id="article-text" data-snapshot-id="1" tabindex="0">
    {body}
  </div>
</article>
<script id="claims-data" type="application/json">{script_json(data)}</script>
<script id="snapshot-text" type="application/json">{script_json(text)}</script>
<dialog id="claim-dialog" aria-labelledby="claim-dialog-title">
  <form id="claim-create-form" method="post" action="/claims/new/">
    <h2 id="claim-dialog-title">New claim</h2>
    <input type="hidden" name="snapshot" value="1">
    <input type="hidden" name="start"><input type="hidden" name="end">
    <input type="hidden" name="exact">
    <blockquote id="claim-quote" dir="auto"></blockquote>
    <textarea name="restatement" dir="auto"></textarea>
    <button type="button" data-close-dialog>Cancel</button>
  </form>
</dialog>
<script type="module" src="/static/js/reader/main.js"></script>"""


@pytest.fixture
def reader_page(page):
    claims = [
        {"start": 2, "end": 7},  # گزارش, after an emoji
        {"start": STORED.index("𝒜"), "end": STORED.index("line")},  # starts with 𝒜
        # Across the NBSP line and the empty line into the third paragraph.
        {"start": STORED.index("۱۸ ژوئن"), "end": STORED.index("second")},
    ]
    serve(page, reader_fixture(STORED, claims))
    page.wait_for_function("window.__sanadReader !== undefined")
    return page


def test_reader_highlights_cover_the_stored_slices(reader_page):
    got = reader_page.evaluate(
        """() => ["open", "overlap"].map((name) =>
            Array.from(CSS.highlights.get(`claim-${name}`), (r) => r.toString()))"""
    )
    opened, overlap = got
    first, second, third = (
        STORED[2:7],
        STORED[STORED.index("𝒜") : STORED.index("line")],
        STORED[STORED.index("۱۸ ژوئن") : STORED.index("second")],
    )
    # Across paragraphs the DOM range holds the shown parts and the fixture's "\n"
    # between the <p> elements, not the hidden lines of the stored text.
    shown_third = third.split("\n")[0] + "\n" + third.split("\n")[-1]
    assert sorted(opened) == sorted([first, second, shown_third])
    assert overlap == ["𝒜 "]  # the second and third claims share "𝒜 "
    assert reader_page.evaluate("window.__sanadReader.claimCount") == 3


def select_and_read_dialog(page, start: int, end: int, unit_shift: tuple = (0, 0)) -> dict:
    """Select stored `start:end` with a DOM selection (UTF-16 units), press n, read the form.

    `unit_shift` moves the DOM boundaries by that many UTF-16 units, to put a
    boundary inside a surrogate pair.
    """
    layout = paragraphs(STORED)

    def point(offset: int, forward: bool) -> list[int]:
        for index, p in enumerate(layout):
            if p["start"] <= offset < p["end"] or (not forward and offset == p["end"]):
                return [index, units(STORED[p["start"] : offset])]
        raise AssertionError(offset)

    page.evaluate(
        """([[si, su], [ei, eu]]) => {
            const ps = document.querySelectorAll("#article-text p");
            const range = document.createRange();
            range.setStart(ps[si].firstChild, su);
            range.setEnd(ps[ei].firstChild, eu);
            const selection = getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [
            [point(start, True)[0], point(start, True)[1] + unit_shift[0]],
            [point(end, False)[0], point(end, False)[1] + unit_shift[1]],
        ],
    )
    page.locator("#new-claim-button").wait_for(state="visible")
    page.keyboard.press("n")
    page.locator("#claim-dialog[open]").wait_for()
    values = page.evaluate(
        """() => { const f = document.getElementById("claim-create-form").elements;
            return {start: +f.start.value, end: +f.end.value, exact: f.exact.value,
                    quote: document.getElementById("claim-quote").textContent}; }"""
    )
    page.locator("[data-close-dialog]").click()
    return values


def test_selection_becomes_code_point_offsets(reader_page):
    # Within a paragraph, after an emoji and a NBSP, through a ZWNJ.
    start, end = STORED.index("ویژه"), STORED.index(" ۱۸")
    assert "\u200c" in STORED[start:end] and "\u00a0" in STORED[:start]
    got = select_and_read_dialog(reader_page, start, end)
    assert got == {
        "start": start,
        "end": end,
        "exact": STORED[start:end],
        "quote": STORED[start:end],
    }

    # Across two hidden lines; the stored text between paragraphs is kept in `exact`.
    start, end = STORED.index("ژوئن"), STORED.index(" line")
    got = select_and_read_dialog(reader_page, start, end)
    assert (got["start"], got["end"], got["exact"]) == (start, end, STORED[start:end])
    assert "\n\u00a0\n\n" in got["exact"]


def test_selection_is_trimmed_and_never_splits_a_character(reader_page):
    # Leading NBSP and trailing space are dropped.
    start, end = STORED.index("\u00a0ویژه"), STORED.index("وزیر")
    got = select_and_read_dialog(reader_page, start, end)
    assert (got["start"], got["end"]) == (start + 1, end - 1)
    assert got["exact"] == "ویژه: "[:-1]

    # Boundaries in the middle of 🚇 (one unit into each pair) keep the whole emoji.
    first = STORED.index("🚇🚇")
    got = select_and_read_dialog(reader_page, first, first + 1, unit_shift=(1, 1))
    assert (got["start"], got["end"], got["exact"]) == (first, first + 2, "🚇🚇")
