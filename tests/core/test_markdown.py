"""Comments render as Markdown, sanitized, each block taking its own direction."""

from html.parser import HTMLParser

import pytest
from django.template import engines
from django.utils.safestring import SafeString

from app.core.markdown import render_markdown

ZWNJ = "\u200c"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    """The elements of rendered HTML with their attributes (escaped text is not one)."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_emphasis_and_code_render():
    html = render_markdown("**bold**, *italic* and `x < y`")
    assert html == (
        '<p dir="auto"><strong>bold</strong>, <em>italic</em> and <code>x &lt; y</code></p>\n'
    )


def test_the_result_is_marked_safe_for_templates():
    assert isinstance(render_markdown("hi"), SafeString)


def test_lists_render_with_a_direction_on_every_item():
    html = render_markdown("- one\n- دو\n\n1. first\n2. second")
    assert '<ul dir="auto">\n<li dir="auto">one</li>\n<li dir="auto">دو</li>\n</ul>' in html
    assert '<ol dir="auto">\n<li dir="auto">first</li>' in html


def test_every_block_gets_dir_auto():
    html = render_markdown("# عنوان\n\nparagraph\n\n> quoted\n\n```\ncode\n```")
    assert '<h3 dir="auto">عنوان</h3>' in html  # headings sit below the page's own h2s
    assert '<p dir="auto">paragraph</p>' in html
    assert '<blockquote dir="auto">\n<p dir="auto">quoted</p>\n</blockquote>' in html
    assert '<pre dir="auto"><code>code\n</code></pre>' in html


def test_persian_text_keeps_its_zero_width_non_joiners():
    text = f"این پیش{ZWNJ}بینی درست نیست و **منبع‌ها** را ببینید"
    html = render_markdown(text)
    assert f"پیش{ZWNJ}بینی" in html
    assert f"<strong>منبع{ZWNJ}ها</strong>" in html


def test_mixed_persian_and_english_paragraphs_each_take_their_direction():
    html = render_markdown("وزیر گفت\n\nThe minister said")
    assert html == '<p dir="auto">وزیر گفت</p>\n<p dir="auto">The minister said</p>\n'


def test_single_line_breaks_are_kept():
    assert render_markdown("line one\nline two") == ('<p dir="auto">line one<br>\nline two</p>\n')


def test_links_get_rel_noopener_noreferrer_nofollow():
    html = render_markdown("[the report](https://example.org/report?a=1&b=2)")
    assert html == (
        '<p dir="auto"><a href="https://example.org/report?a=1&amp;b=2" '
        'rel="noopener noreferrer nofollow">the report</a></p>\n'
    )


def test_mailto_links_are_kept():
    assert 'href="mailto:desk@example.org"' in render_markdown("[mail](mailto:desk@example.org)")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<div onclick=alert(1)>x</div>",
        '<p style="color:red">x</p>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_raw_html_is_shown_as_text_never_passed_through(text):
    html = render_markdown(text)
    assert _elements(html) == [("p", {"dir": "auto"})]
    assert "&lt;" in html  # the reader sees what was typed


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#115;cript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_link_targets_never_become_links(target):
    html = render_markdown(f"[click]({target}) and <{target}>")
    assert "href" not in html
    assert "<a" not in html


def test_relative_links_lose_their_address():
    html = render_markdown("[admin](/admin/)")
    assert "href" not in html


def test_images_are_not_embedded():
    html = render_markdown("![pixel](https://tracker.example/p.gif)")
    assert "<img" not in html


def test_the_template_filter_renders_sanitized_markdown():
    template = engines["django"].from_string("{% load sanad_markdown %}{{ body|markdown }}")
    html = template.render({"body": "**hi** <b onmouseover=x>there</b>"})
    assert html == (
        '<p dir="auto"><strong>hi</strong> &lt;b onmouseover=x&gt;there&lt;/b&gt;</p>\n'
    )


def test_the_template_filter_accepts_nothing():
    template = engines["django"].from_string("{% load sanad_markdown %}{{ body|markdown }}")
    assert template.render({"body": None}) == ""


def test_short_comments_are_rendered_once_per_process_and_long_ones_every_time():
    from app.core import markdown

    short = "یک **یادداشت** کوتاه برای آزمون حافظه"
    long = "**a** " * (markdown._MEMO_MAX_CHARS // 6 + 1)
    markdown._render_markdown_memo.cache_clear()
    first = markdown.render_markdown(short)
    assert markdown.render_markdown(short) == first == markdown._render_markdown(short)
    assert markdown._render_markdown_memo.cache_info().hits == 1
    assert markdown.render_markdown(long).count("<strong>a</strong>") == len(long) // 6
    assert markdown._render_markdown_memo.cache_info().currsize == 1
