"""The Persian public fact-check page in Chromium, as an anonymous reader sees it.

Right to left, both calendars, the quote highlighted inside its context, readable at
390 px without sideways scrolling, no console error (the conftest fails on any), and
no request to another origin: the page loads only its own CSS, even with a logo and
profile links on other hosts in its settings.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from app.workspaces.publishing import claim_slug
from tests.public.conftest import PHRASE, RESTATEMENT, enable_site, publish

pytestmark = pytest.mark.browser


def fact_check(team):
    from app.articles.models import Article
    from app.articles.services import article_import_text
    from app.claims.evidence import evidence_add_with_source
    from app.claims.services import claim_create
    from tests.conftest import PERSIAN_SAMPLE

    imported = article_import_text(
        workspace=team.workspace,
        text=PERSIAN_SAMPLE,
        title="قرارداد همکاری",
        url="https://example.org/fa/agreement",
        actor=team.reviewer,
    )
    import datetime as dt

    Article.objects.filter(pk=imported.article.pk).update(
        published_on=dt.date(2024, 6, 18), language="fa", direction="rtl"
    )
    start = imported.snapshot.text.index(PHRASE)
    claim = claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=start,
        end=start + len(PHRASE),
        exact=PHRASE,
        restatement=RESTATEMENT,
        claimant="وزیر خارجه",
        actor=team.reviewer,
    )
    evidence_add_with_source(
        claim=claim,
        url="https://agency.example/statement",
        title="بیانیه وزارت",
        archived_url="https://archive.example/agency-statement",
        stance="refutes",
        actor=team.reviewer,
    )
    return publish(claim, team)


def test_the_persian_public_page_reads_right_to_left_at_390_px(
    page, live_server, team, screenshot_dir
):
    enable_site(team, base_url="")
    claim = fact_check(team)
    url = live_server.url + reverse(
        "public-claim", args=[team.workspace.slug, claim.pk, claim_slug(claim)]
    )
    origin = urlsplit(live_server.url).netloc
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)

    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("h1").text_content().strip() == RESTATEMENT
    quote = page.locator("blockquote.quote-in-context")
    assert quote.locator("mark.claim-quote").text_content() == PHRASE
    context = quote.text_content()
    assert context.index(PHRASE) > 0 and len(context) > len(PHRASE)  # shown in its context
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('mark.claim-quote')).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    # Both calendars: ۱۸ ژوئن ۲۰۲۴ (۲۹ خرداد ۱۴۰۳).
    facts = page.locator("dl.claim-facts").text_content()
    assert "ژوئن ۲۰۲۴" in facts and "خرداد ۱۴۰۳" in facts
    published = page.locator(".verdict .published").text_content()
    assert "(" in published and "۱۴" in published
    # Readable at 390 px: nothing wider than the viewport.
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    page.screenshot(path=screenshot_dir / "public-fact-check-fa-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshot_dir / "public-fact-check-fa-1280.png", full_page=True)

    assert requests, "no requests recorded"
    foreign = [u for u in requests if urlsplit(u).netloc != origin]
    assert foreign == []
    assert page.context.cookies() == []
