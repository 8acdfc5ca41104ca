"""The whole path of a fact-check in Chromium, on a Persian article.

A reviewer highlights a claim, links two sources (one refuting) and proposes "False";
the same reviewer cannot approve it; an editor approves and publishes;
the verdict then shows on the claim page, in the reader's highlight colour and in
the claim's history.
"""

import re

import pytest
from django.urls import reverse

from app.claims.models import ClaimStatus, Evidence, Rating
from tests.browser.test_reader import (
    FA_TEXT,
    article,
    drag_select,
    open_reader,
    reader_url,
    save_new_claim,
)

pytestmark = pytest.mark.browser


def switch_user(context, log_in, user) -> None:
    # A navigation still in flight (a POST's redirect) would otherwise reach the server
    # after the cookies are cleared and set a second CSRF cookie over the one the next
    # page's forms were rendered with: the next POST is then refused (seen once in a
    # loaded whole-suite run). Let every page settle first.
    for open_page in context.pages:
        open_page.wait_for_load_state("networkidle")
    context.clear_cookies()
    log_in(user)


def add_source(page, url: str, stance: str, quote: str, title: str) -> None:
    form = page.locator("details.evidence-add")
    if not form.evaluate("d => d.open"):
        form.locator("summary").click()
    form.get_by_label("Source URL").fill(url)
    form.get_by_label("What it says about the claim").select_option(stance)
    form.get_by_label("Quoted passage").fill(quote)
    form.locator("input[name=title]").fill(title)
    with page.expect_navigation():
        form.get_by_role("button", name="Link source").click()


@pytest.mark.slow
def test_from_highlight_to_published_verdict(
    page, context, live_server, log_in, team, screenshot_dir
):
    imported = article(team, FA_TEXT, "گزارش ویژه")
    text = imported.snapshot.text
    false = Rating.objects.get(workspace=team.workspace, label="False")

    # The reviewer highlights the claim in the reader.
    log_in(team.reviewer)
    reader = reader_url(live_server, team, imported)
    open_reader(page, reader)
    phrase = "قرارداد در ۱۸ ژوئن ۲۰۲۴ امضا"
    drag_select(page, text, phrase)
    page.locator("#new-claim-button").click()
    claim = save_new_claim(page, "قرارداد در ژوئن امضا می‌شود")
    assert claim.exact == phrase
    claim_url = live_server.url + reverse(
        "claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}
    )

    # …starts the review and links two sources, one refuting.
    page.goto(claim_url)
    page.get_by_role("button", name="Start review").click()
    page.get_by_text("In review").first.wait_for()
    add_source(
        page,
        "https://Example.org/news/signing/?utm_source=x",
        "supports",
        "امضا در ژوئن برنامه‌ریزی شده است",
        "خبرگزاری الف",
    )
    add_source(
        page,
        "https://agency.example/statement",
        "refutes",
        "امضای قرارداد به تعویق افتاد",
        "بیانیه رسمی",
    )
    stances = sorted(Evidence.objects.filter(claim=claim).values_list("stance", flat=True))
    assert stances == ["refutes", "supports"]
    assert page.locator(".evidence-list li").count() == 2
    # …proposes "False" with a summary…
    page.get_by_label("Rating").select_option(label="False")
    page.get_by_label("Summary").fill("بیانیه رسمی نشان می‌دهد امضا به تعویق افتاده است.")
    page.get_by_role("button", name="Propose verdict").click()
    page.get_by_text("Verdict proposed").first.wait_for()
    # …and cannot approve it.
    assert page.get_by_role("button", name="Approve and publish").count() == 0
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERDICT_PROPOSED

    # An editor approves and publishes.
    switch_user(context, log_in, team.editor)
    page.goto(claim_url)
    page.get_by_role("button", name="Approve and publish").click()
    page.locator(".verdict-history li.verdict-published").wait_for()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED and claim.rating_id == false.pk
    assert claim.verdicts.get().decided_by == team.editor
    facts = page.locator("section.verdict-box")  # the verdict and the facts beside the quote
    assert "False" in facts.text_content()
    history = page.locator("ol.history").text_content()
    order = [
        "claim.created",
        "claim.status_changed",
        "evidence.added",
        "claim.verdict_proposed",
        "claim.verdict_published",
    ]
    positions = [history.find(action) for action in order]
    assert -1 not in positions and positions == sorted(positions), history
    # Each step says who and when.
    steps = page.locator("ol.history li")
    assert steps.count() >= len(order)
    assert all(steps.nth(i).locator("time[datetime]").count() == 1 for i in range(steps.count()))
    assert team.reviewer.username in history and team.editor.username in history

    # In the reader the claim now wears the verdict's colour.
    open_reader(page, reader)
    key = false.colour.lstrip("#").lower()
    covered = page.evaluate(
        "(name) => Array.from(CSS.highlights.get(name) || [], (r) => r.toString())",
        f"claim-verdict-{key}",
    )
    assert covered == [phrase]
    rules = page.evaluate(
        "() => document.adoptedStyleSheets.flatMap((s) => Array.from(s.cssRules, (r) => r.cssText))"
    )
    assert any(re.search(rf"claim-verdict-{key}.*background-color", rule) for rule in rules)
    badge = page.locator(f"#claim-panel li[data-claim-id='{claim.pk}']")
    assert "False" in badge.text_content()
    page.mouse.move(0, 0)
    page.screenshot(path=screenshot_dir / "workflow-published-fa.png", full_page=True)
