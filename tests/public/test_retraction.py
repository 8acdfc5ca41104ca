"""Retracting a published fact-check: four eyes, a public reason, a tombstone that stays."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from app.audit.models import AuditEvent
from app.claims.models import Claim, ClaimStatus, Rating
from app.claims.services import claim_update
from app.claims.workflow import (
    APPROVE_RETRACTION,
    RETRACT,
    available_actions,
    claim_retract,
    retraction_approve,
    retraction_return,
    verdict_correct,
)
from app.core.errors import Conflict, PermissionDenied
from app.workspaces.publishing import claim_slug
from tests.public.conftest import RESTATEMENT

pytestmark = pytest.mark.django_db
REASON = "The quoted statement was made by another minister."


def page(client, claim):
    url = reverse("public-claim", args=[claim.workspace.slug, claim.pk, claim_slug(claim)])
    return client.get(url)


def retracted(claim, team) -> Claim:
    claim_retract(claim=claim, version=claim.version, reason=REASON, actor=team.editor)
    claim.refresh_from_db()
    retraction_approve(claim=claim, version=claim.version, actor=team.admin)
    return Claim.objects.get(pk=claim.pk)


def test_only_editors_propose_and_another_editor_approves(team, fact_check):
    with pytest.raises(PermissionDenied):
        claim_retract(
            claim=fact_check, version=fact_check.version, reason=REASON, actor=team.reviewer
        )
    assert RETRACT not in available_actions(claim=fact_check, user=team.reviewer)
    with pytest.raises(ValidationError) as error:
        claim_retract(claim=fact_check, version=fact_check.version, reason=" ", actor=team.editor)
    assert "reason" in error.value.message_dict
    claim_retract(claim=fact_check, version=fact_check.version, reason=REASON, actor=team.editor)
    fact_check.refresh_from_db()
    assert fact_check.status == ClaimStatus.PUBLISHED  # still public while it waits
    assert APPROVE_RETRACTION not in available_actions(claim=fact_check, user=team.editor)
    with pytest.raises(PermissionDenied):
        retraction_approve(claim=fact_check, version=fact_check.version, actor=team.editor)
    with pytest.raises(PermissionDenied):
        retraction_approve(claim=fact_check, version=fact_check.version, actor=team.reviewer)
    with pytest.raises(Conflict):  # no correction while a retraction waits
        verdict_correct(
            claim=fact_check,
            version=fact_check.version,
            rating=Rating.objects.get(workspace=team.workspace, label="True"),
            summary="x",
            correction_note="y",
            actor=team.admin,
        )
    retraction_approve(claim=fact_check, version=fact_check.version, actor=team.admin)
    fact_check.refresh_from_db()
    assert fact_check.status == ClaimStatus.RETRACTED
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert event.action == "claim.retracted" and event.reason == REASON


def test_a_returned_retraction_leaves_the_fact_check_published(team, fact_check):
    claim_retract(claim=fact_check, version=fact_check.version, reason=REASON, actor=team.editor)
    fact_check.refresh_from_db()
    retraction_return(
        claim=fact_check, version=fact_check.version, reason="Correct it.", actor=team.admin
    )
    fact_check.refresh_from_db()
    assert fact_check.status == ClaimStatus.PUBLISHED
    assert RETRACT in available_actions(claim=fact_check, user=team.editor)


def test_the_page_becomes_a_410_tombstone_that_says_when_and_why(client, team, fact_check):
    claim = retracted(fact_check, team)
    response = page(client, claim)
    assert response.status_code == 410
    html = response.content.decode()
    assert REASON in html and "retracted" in html.lower()
    assert RESTATEMENT in html  # what was retracted stays readable
    assert "application/ld+json" not in html
    assert not response.cookies and response["ETag"]
    again = client.get(
        reverse("public-claim", args=[claim.workspace.slug, claim.pk, claim_slug(claim)]),
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


def test_a_retracted_claim_leaves_the_index_feeds_sitemap_and_claimreview(client, team, fact_check):
    slug = team.workspace.slug
    path = f"{fact_check.pk}-"
    assert path in client.get(reverse("public-index", args=[slug])).content.decode()
    claim = retracted(fact_check, team)
    for name in ("public-index", "public-feed", "public-sitemap"):
        assert path not in client.get(reverse(name, args=[slug])).content.decode(), name
    client.force_login(team.viewer)
    export = client.get(reverse("exports-api-claimreview"), {"workspace": slug})
    assert json.loads(b"".join(export.streaming_content)) == []
    assert claim.status == ClaimStatus.RETRACTED


def test_a_retracted_claim_stays_frozen_in_the_service_and_the_database(team, fact_check):
    claim = retracted(fact_check, team)
    with pytest.raises(Conflict):
        claim_update(claim=claim, version=claim.version, actor=team.editor, restatement="New")
    with pytest.raises(Conflict):
        claim_retract(claim=claim, version=claim.version, reason=REASON, actor=team.editor)
    with pytest.raises(DatabaseError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PUBLISHED)
    with pytest.raises(DatabaseError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(claimant_type="Organization")
    from app.claims.models import Retraction

    with pytest.raises(DatabaseError), transaction.atomic():
        Retraction.objects.filter(claim=claim).update(reason="Quietly reworded")


def test_editors_retract_through_the_browser(client, team, fact_check):
    url = reverse("claim-transition", args=[team.workspace.slug, fact_check.pk, "retract"])
    client.force_login(team.editor)
    detail = client.get(reverse("claim-detail", args=[team.workspace.slug, fact_check.pk]))
    assert "Retract this fact-check" in detail.content.decode()
    client.post(url, {"version": fact_check.version, "reason": REASON})
    fact_check.refresh_from_db()
    client.force_login(team.admin)
    approve = reverse(
        "claim-transition", args=[team.workspace.slug, fact_check.pk, "approve-retraction"]
    )
    client.post(approve, {"version": fact_check.version})
    fact_check.refresh_from_db()
    assert fact_check.status == ClaimStatus.RETRACTED


def test_editors_retract_through_the_api(client, team, fact_check):
    base = f"/api/v1/workspaces/{team.workspace.slug}/claims/{fact_check.pk}"
    client.force_login(team.reviewer)
    refused = client.post(
        f"{base}/retract/",
        {"reason": REASON},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{fact_check.version}"',
    )
    assert refused.status_code == 403
    client.force_login(team.editor)
    empty = client.post(
        f"{base}/retract/",
        {},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{fact_check.version}"',
    )
    assert empty.status_code == 400 and "reason" in empty.json()["error"]["fields"]
    proposed = client.post(
        f"{base}/retract/",
        {"reason": REASON},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{fact_check.version}"',
    )
    assert proposed.status_code == 200
    assert "approve-retraction" not in proposed.json()["available_actions"]
    client.force_login(team.admin)
    approved = client.post(
        f"{base}/approve-retraction/",
        content_type="application/json",
        HTTP_IF_MATCH=proposed["ETag"],
    )
    assert approved.status_code == 200 and approved.json()["status"] == "retracted"
