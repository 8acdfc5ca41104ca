"""A capture of a hostile page, fetched from a local server, viewed in Chromium at 390 px."""

import pytest
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.sources.captures import source_capture
from tests.browser.test_hostile_content import HOSTILE_HTML, PWN, WATCH
from tests.fetch.conftest import PageServer

pytestmark = pytest.mark.browser


@pytest.fixture
def served(settings):
    server = PageServer()
    server.thread.start()
    settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES = [f"127.0.0.1:{server.port}"]
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_capture_of_a_hostile_page_shows_text_and_screenshot_only(
    page, live_server, log_in, team, claim, served, settings, screenshot_dir
):
    settings.SANAD_CAPTURE_RENDER = True
    url = served.page("/hostile", HOSTILE_HTML)
    evidence = evidence_add_with_source(claim=claim, url=url, stance="refutes", actor=team.reviewer)
    capture = source_capture(workspace=team.workspace, source=evidence.source, actor=team.reviewer)
    assert capture.screenshot_sha256 and capture.pdf_sha256

    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(WATCH)
    log_in(team.viewer)
    path = reverse("capture-detail", kwargs={"slug": team.workspace.slug, "pk": capture.pk})
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__cspViolations") == []
    assert "The minister said the deal was signed" in page.locator("body").inner_text()
    assert page.locator("#main iframe, #main svg, #main script, img[src=x]").count() == 0
    # Entities that decode to markup are shown as the text they are.
    assert f"<script>{PWN}</script>" in page.locator(".capture-text").inner_text()
    assert page.locator(".capture-text *:not(p)").count() == 0
    loaded = page.eval_on_selector("img.capture-screenshot", "img => img.naturalWidth")
    assert loaded > 0
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    page.screenshot(path=screenshot_dir / "capture-390.png", full_page=True)


def test_public_capture_of_a_hostile_page_at_390_px_right_to_left(
    page, live_server, team, claim, served, settings, screenshot_dir
):
    """Published on a Persian site: the capture's public page, its text and screenshot only."""
    from app.claims.models import Claim
    from tests.public.conftest import enable_site, publish

    settings.SANAD_CAPTURE_RENDER = True
    enable_site(team, base_url="")
    url = served.page("/hostile", HOSTILE_HTML)
    evidence = evidence_add_with_source(claim=claim, url=url, stance="refutes", actor=team.reviewer)
    capture = source_capture(workspace=team.workspace, source=evidence.source, actor=team.reviewer)
    publish(Claim.objects.get(pk=claim.pk), team)

    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(WATCH)
    path = reverse("public-capture", kwargs={"slug": team.workspace.slug, "pk": capture.pk})
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.evaluate("window.__pwned") is None
    assert "The minister said the deal was signed" in page.locator("body").inner_text()
    assert f"<script>{PWN}</script>" in page.locator(".capture-text").inner_text()
    assert page.locator(".capture-text *:not(p)").count() == 0
    assert capture.warc_sha256 in page.locator("dl.capture-facts").inner_text()
    assert page.eval_on_selector("img.capture-screenshot", "img => img.naturalWidth") > 0
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    page.screenshot(path=screenshot_dir / "public-capture-fa-390.png", full_page=True)
