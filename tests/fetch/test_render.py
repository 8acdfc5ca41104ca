"""What Chromium is given to render: nothing that navigates, embeds or runs by itself."""

import pytest

from app.core.render import chromium_path, prepare_for_render, render_page

HOSTILE = """<html><head>
<meta http-equiv="Refresh" content="0;url=file:///etc/hostname">
<base href="file:///etc/"><link rel="stylesheet" href="file:///etc/passwd">
<script>document.title='ran'</script></head>
<body><p>Visible text</p><iframe src="file:///etc/passwd"></iframe>
<object data="file:///etc/passwd"></object><embed src="http://169.254.169.254/">
<noscript><meta http-equiv="refresh" content="0;url=file:///"></noscript></body></html>"""


def test_nothing_that_navigates_or_embeds_reaches_the_renderer():
    prepared = prepare_for_render(HOSTILE).lower()
    assert "visible text" in prepared
    for marker in ("http-equiv", "<base", "<script", "<iframe", "<object", "<embed", "<link"):
        assert marker not in prepared, marker
    assert "file:" not in prepared


def test_unparseable_html_renders_nothing():
    assert prepare_for_render("") == ""


@pytest.mark.browser
def test_chromium_renders_the_prepared_page():
    assert chromium_path(), "Chromium is needed for the capture rendering tests"
    rendering = render_page(HOSTILE, title="t")
    assert rendering.screenshot.startswith(b"\x89PNG")
    assert rendering.pdf.startswith(b"%PDF")
    assert rendering.note == ""
