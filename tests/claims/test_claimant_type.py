"""The claimant's type (Person or Organization): chosen by reviewers, frozen once published."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from app.claims.models import Claim
from app.claims.services import claim_update
from app.core.errors import Conflict
from tests.exports.conftest import publish

pytestmark = pytest.mark.django_db


def test_reviewers_choose_it_in_the_browser(client, team, claim):
    client.force_login(team.reviewer)
    client.post(
        reverse("claim-edit", args=[team.workspace.slug, claim.pk]),
        {"version": claim.version, "claimant": "City Hall", "claimant_type": "Organization"},
    )
    claim.refresh_from_db()
    assert (claim.claimant, claim.claimant_type) == ("City Hall", "Organization")


def test_reviewers_choose_it_through_the_api(client, team, claim):
    client.force_login(team.reviewer)
    url = f"/api/v1/workspaces/{team.workspace.slug}/claims/{claim.pk}/"
    bad = client.patch(
        url, {"claimant_type": "Robot"}, content_type="application/json", HTTP_IF_MATCH="*"
    )
    assert bad.status_code == 400 and "claimant_type" in bad.json()["error"]["fields"]
    good = client.patch(
        url, {"claimant_type": "Organization"}, content_type="application/json", HTTP_IF_MATCH="*"
    )
    assert good.status_code == 200 and good.json()["claimant_type"] == "Organization"


def test_the_service_refuses_other_values_and_published_claims(team, claim):
    from app.claims.evidence import evidence_add_with_source

    with pytest.raises(ValidationError):
        claim_update(claim=claim, version=claim.version, actor=team.reviewer, claimant_type="x")
    evidence_add_with_source(
        claim=claim, url="https://example.org/e", stance="refutes", actor=team.reviewer
    )
    published = publish(Claim.objects.get(pk=claim.pk), team)
    with pytest.raises(Conflict):
        claim_update(
            claim=published,
            version=published.version,
            actor=team.editor,
            claimant_type="Organization",
        )
