"""An admin invites an editor; the editor joins from the link and approves a proposal.

The invitee opens the link in a fresh browser context (no cookies of the admin's),
sets a password and lands in the workspace; a reviewer then proposes a verdict, and
the new editor finds it under "My work", with the header's badges counting it, and
approves it.
"""

import pytest
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.claims.models import ClaimStatus, Rating
from app.claims.workflow import claim_start_review, verdict_propose
from app.workspaces.models import Membership
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser


def propose(claim, team):
    evidence_add_with_source(
        claim=claim, url="https://example.org/s", stance="refutes", actor=team.reviewer
    )
    claim.refresh_from_db()
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    verdict_propose(
        claim=claim,
        version=claim.version,
        rating=Rating.objects.get(workspace=team.workspace, label="False"),
        summary="Ridership fell.",
        actor=team.reviewer,
    )
    claim.refresh_from_db()
    return claim


def test_invited_editor_joins_and_approves(
    page, browser, live_server, log_in, team, claim, screenshot_dir
):
    # The admin invites an editor and copies the link shown once.
    log_in(team.admin)
    page.goto(live_server.url + reverse("workspace-members", kwargs={"slug": team.workspace.slug}))
    page.get_by_role("link", name="Invite someone by e-mail").click()
    page.get_by_label("E-mail address").fill("samira@example.org")
    page.get_by_label("Role").select_option("editor")
    page.get_by_role("button", name="Invite", exact=True).click()
    link = page.locator("[data-invitation-link]").input_value()
    assert link.startswith(live_server.url + "/invite/")
    assert "samira@example.org" in page.locator("table.listing").text_content()

    # The invitee opens it in a browser of their own.
    invitee = browser.new_context(viewport={"width": 390, "height": 844})
    invitee.set_default_timeout(TIMEOUT_MS)
    errors = []
    invitee.on("console", lambda message: message.type == "error" and errors.append(message.text))
    invitee.on("weberror", lambda web_error: errors.append(str(web_error.error)))
    try:
        tab = invitee.new_page()
        tab.goto(link)
        assert team.workspace.name in tab.locator("h1").text_content()
        tab.get_by_label("Username").fill("samira")
        tab.get_by_label("Display name").fill("سمیرا")
        tab.get_by_label("Password", exact=True).fill("a long and unusual passphrase")
        tab.get_by_label("Password again").fill("a long and unusual passphrase")
        with tab.expect_navigation():
            tab.get_by_role("button", name="Create account and join").click()
        assert tab.url == live_server.url + reverse(
            "workspace-home", kwargs={"slug": team.workspace.slug}
        )
        assert Membership.objects.get(workspace=team.workspace, user__username="samira").role == (
            "editor"
        )

        # Meanwhile a reviewer proposes a verdict; the new editor's header counts it.
        proposed = propose(claim, team)
        tab.reload()
        my_work_badge = tab.locator("[data-count=my_work]")
        my_work_badge.wait_for(state="visible")
        assert my_work_badge.text_content() == "1"
        assert tab.locator("[data-count=notifications]").text_content() == "1"
        tab.get_by_role("link", name="My work").click()
        awaiting = tab.locator("[data-section=awaiting-approval]")
        assert proposed.exact in awaiting.text_content()
        tab.screenshot(path=screenshot_dir / "invitation-my-work-390.png", full_page=True)

        # …and approves it from there.
        awaiting.get_by_role("link", name=proposed.exact).click()
        tab.get_by_role("button", name="Approve and publish").click()
        tab.locator(".verdict-history li.verdict-published").wait_for()
        proposed.refresh_from_db()
        assert proposed.status == ClaimStatus.PUBLISHED
        assert proposed.verdicts.get().decided_by.username == "samira"
    finally:
        invitee.close()
    assert errors == []


def test_typing_at_offers_members_and_inserts_the_username(page, live_server, log_in, team, claim):
    log_in(team.reviewer)
    page.goto(
        live_server.url
        + reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    )
    box = page.locator("#comment-body")
    box.click()
    box.press_sequentially("Please check, @a-ed")
    listbox = page.locator("#comment-body-mentions")
    option = listbox.get_by_role("option", name="@a-editor — A-Editor")
    option.wait_for()
    assert listbox.get_by_role("option").count() == 1
    box.press("Enter")
    assert box.input_value() == "Please check, @a-editor "
    box.press_sequentially("thanks.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add comment").click()
    page.locator("a.mention").wait_for()
    assert page.locator("a.mention").text_content() == "@a-editor"
