"""A published fact-check in Chromium: read-only, corrected only by two editors.

The claim page of a published claim offers no edit form for its public words; a
reviewer is not offered a correction; an editor proposes one that rewords the claim
and changes the rating, another editor approves it, and the page shows the new words
with the old ones in the verdict history. Recolouring the rating afterwards does not
change the colour the reader highlights the claim with: that is the verdict's own.
"""

import pytest
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.claims.models import Claim, ClaimStatus, Rating
from app.claims.ratings import rating_update
from app.claims.services import claim_create
from app.claims.workflow import claim_start_review, verdict_approve, verdict_propose
from tests.browser.test_reader import FA_TEXT, article, open_reader, reader_url
from tests.browser.test_workflow import switch_user

pytestmark = pytest.mark.browser

PHRASE = "قرارداد در ۱۸ ژوئن ۲۰۲۴ امضا"


def published_claim(team) -> Claim:
    imported = article(team, FA_TEXT, "گزارش ویژه")
    start = imported.snapshot.text.index(PHRASE)
    claim = claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=start,
        end=start + len(PHRASE),
        exact=PHRASE,
        restatement="قرارداد در ژوئن امضا شد",
        claimant="وزیر",
        actor=team.reviewer,
    )
    evidence_add_with_source(
        claim=claim, url="https://agency.example/statement", stance="refutes", actor=team.reviewer
    )
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    false = Rating.objects.get(workspace=team.workspace, label="False")
    verdict_propose(
        claim=claim,
        version=claim.version,
        rating=false,
        summary="به تعویق افتاد.",
        actor=team.reviewer,
    )
    claim.refresh_from_db()
    verdict_approve(claim=claim, version=claim.version, actor=team.editor)
    return Claim.objects.get(pk=claim.pk)


def test_a_published_claim_changes_only_through_a_correction_two_editors_approve(
    page, context, live_server, log_in, team, screenshot_dir
):
    claim = published_claim(team)
    claim_url = live_server.url + reverse(
        "claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}
    )

    # A reviewer sees the published words read-only, and no way to correct them.
    log_in(team.reviewer)
    page.goto(claim_url)
    assert page.locator("form textarea[name=restatement]").count() == 0
    assert page.locator("form input[name=claimant]").count() == 0
    assert page.locator(".published-frozen").is_visible()
    assert page.get_by_text("Propose a correction").count() == 0
    assert page.locator("form input[name=tags]").count() == 1  # tags stay internal and free

    # An editor proposes a correction that rewords the claim and changes the rating.
    switch_user(context, log_in, team.editor)
    page.goto(claim_url)
    assert page.locator("form textarea[name=restatement]:not(.correct-verdict *)").count() == 0
    correction = page.locator("details.correct-verdict")
    correction.locator("summary").click()
    correction.get_by_label("Rating").select_option(label="Misleading")
    correction.get_by_label("Summary").fill("امضا شد، اما فقط بخش نخست قرارداد.")
    correction.get_by_label("Restatement").fill("همه بخش‌های قرارداد در ژوئن امضا شد")
    correction.get_by_label("Correction note").fill("بیانیه دوم وزارتخانه منتشر شد.")
    with page.expect_navigation():
        correction.get_by_role("button", name="Propose correction").click()
    page.get_by_text("Correction proposed").first.wait_for()
    # The proposer cannot approve it; the published verdict still stands.
    assert page.get_by_role("button", name="Approve and publish").count() == 0
    claim.refresh_from_db()
    assert (claim.status, claim.rating_label) == (ClaimStatus.PUBLISHED, "False")

    # Another editor approves it.
    switch_user(context, log_in, team.admin)
    page.goto(claim_url)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and publish").click()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CORRECTED
    assert (claim.rating_label, claim.restatement) == (
        "Misleading",
        "همه بخش‌های قرارداد در ژوئن امضا شد",
    )
    facts = page.locator("section.verdict-box").text_content()
    assert "Misleading" in facts and "همه بخش‌های قرارداد" in facts
    superseded = page.locator(".verdict-history li.verdict-superseded").text_content()
    assert "False" in superseded and "قرارداد در ژوئن امضا شد" in superseded
    published = page.locator(".verdict-history li.verdict-published").text_content()
    assert "Misleading" in published and "بیانیه دوم وزارتخانه" in published
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "claim-corrected-fa-390.png", full_page=True)

    # Recolouring the rating leaves the verdict's colour, in the reader too.
    stored = claim.rating_colour
    misleading = Rating.objects.get(workspace=team.workspace, label="Misleading")
    rating_update(rating=misleading, colour="#123456", actor=team.admin)
    open_reader(page, reader_url(live_server, team, claim))
    key = stored.lstrip("#").lower()
    covered = page.evaluate(
        "(name) => Array.from(CSS.highlights.get(name) || [], (r) => r.toString())",
        f"claim-verdict-{key}",
    )
    assert covered == [PHRASE]
    assert page.evaluate("() => CSS.highlights.has('claim-verdict-123456')") is False
