import pytest
from django.db import IntegrityError
from django.urls import reverse

from app.audit.models import AuditEvent
from app.claims.models import ClaimRelation
from app.claims.relations import claim_link_related, claim_unlink_related, related_claims
from app.core.errors import NotFound
from app.search.selectors import similar_claims
from tests.search.helpers import article, claim_on

EARLIER = "وزیر گفت تورم در سال ۱۴۰۲ به ۴۰ درصد رسید"
SAME_OTHER_SPELLING = "وزير گفت تورم در سال ١٤٠٢ به ٤٠ درصد رسید"
REWORDED = "تورم در سال ۱۴۰۲ به ۴۰ درصد رسید"
UNRELATED = "قیمت نان در تهران دو برابر شد"


def suggested(team, texts, exclude=None):
    return [
        match.claim_id
        for match in similar_claims(
            user=team.viewer, workspace=team.workspace, texts=texts, exclude_claim_id=exclude
        )
    ]


@pytest.fixture
def earlier(team):
    imported = article(team, f"خبر اول: {EARLIER}. پایان.", title="خبر اول")
    return claim_on(team, imported, EARLIER)


@pytest.mark.django_db
class TestSuggestions:
    def test_same_claim_in_other_spelling_is_suggested(self, team, earlier):
        assert suggested(team, [SAME_OTHER_SPELLING]) == [earlier.pk]

    def test_shorter_rewording_is_above_the_threshold(self, team, earlier):
        assert suggested(team, [REWORDED]) == [earlier.pk]

    def test_unrelated_claim_is_below_the_threshold(self, team, earlier):
        assert suggested(team, [UNRELATED]) == []

    def test_claim_is_not_suggested_to_itself_nor_once_linked(self, team, earlier):
        imported = article(team, f"خبر دوم: {SAME_OTHER_SPELLING}.", title="خبر دوم")
        later = claim_on(team, imported, SAME_OTHER_SPELLING)
        assert suggested(team, [later.exact], exclude=later.pk) == [earlier.pk]
        claim_link_related(claim=later, other=earlier, actor=team.reviewer)
        assert suggested(team, [later.exact], exclude=later.pk) == []

    def test_other_workspace_claims_are_never_suggested(self, team, other_team, earlier):
        imported = article(other_team, f"خبر: {EARLIER}.", title="خبر")
        claim_on(other_team, imported, EARLIER)
        assert suggested(team, [EARLIER]) == [earlier.pk]

    def test_endpoint_returns_suggestions_with_verdicts(self, client, team, earlier):
        client.force_login(team.reviewer)
        url = reverse("similar-claims", kwargs={"slug": team.workspace.slug})
        response = client.get(url, {"text": SAME_OTHER_SPELLING})
        assert response.status_code == 200
        (result,) = response.json()["results"]
        assert result["id"] == earlier.pk
        assert result["verdict"] == ""
        assert result["url"].endswith(f"/claims/{earlier.pk}/")

    def test_endpoint_rejects_a_claim_of_another_workspace(self, client, team, other_team):
        imported = article(other_team, f"خبر: {EARLIER}.", title="خبر")
        foreign = claim_on(other_team, imported, EARLIER)
        client.force_login(team.reviewer)
        url = reverse("similar-claims", kwargs={"slug": team.workspace.slug})
        assert client.get(url, {"text": EARLIER, "claim": foreign.pk}).status_code == 404

    def test_endpoint_rejects_bad_input(self, client, team):
        client.force_login(team.reviewer)
        url = reverse("similar-claims", kwargs={"slug": team.workspace.slug})
        response = client.get(url, {"claim": "abc"})
        assert response.status_code == 400
        assert "claim" in response.json()["errors"]


@pytest.mark.django_db
class TestLinking:
    def test_linking_is_symmetric_and_audited(self, team, earlier):
        imported = article(team, f"خبر دوم: {SAME_OTHER_SPELLING}.", title="خبر دوم")
        later = claim_on(team, imported, SAME_OTHER_SPELLING)
        claim_link_related(claim=later, other=earlier, actor=team.reviewer)
        claim_link_related(claim=earlier, other=later, actor=team.reviewer)  # no-op
        assert ClaimRelation.objects.count() == 1
        assert related_claims(earlier) == [later]
        assert related_claims(later) == [earlier]
        event = AuditEvent.objects.filter(action="claim.related_linked").get()
        assert event.workspace_id == team.workspace.pk

    def test_unlinking_is_audited(self, team, earlier, claim):
        claim_link_related(claim=claim, other=earlier, actor=team.reviewer)
        assert claim_unlink_related(claim=earlier, other=claim, actor=team.reviewer)
        assert related_claims(claim) == []
        assert AuditEvent.objects.filter(action="claim.related_unlinked").count() == 1

    def test_claims_of_two_workspaces_cannot_be_linked(self, team, other_team, earlier):
        imported = article(other_team, f"خبر: {EARLIER}.", title="خبر")
        foreign = claim_on(other_team, imported, EARLIER)
        with pytest.raises(NotFound):
            claim_link_related(claim=earlier, other=foreign, actor=team.reviewer)

    def test_database_refuses_a_cross_workspace_relation(self, team, other_team, earlier):
        imported = article(other_team, f"خبر: {EARLIER}.", title="خبر")
        foreign = claim_on(other_team, imported, EARLIER)
        first, second = sorted([earlier, foreign], key=lambda c: c.pk)
        with pytest.raises(IntegrityError):
            ClaimRelation.objects.create(workspace=team.workspace, claim=first, related=second)

    def test_claim_page_shows_suggestion_and_one_click_link(self, client, team, earlier):
        imported = article(team, f"خبر دوم: {SAME_OTHER_SPELLING}.", title="خبر دوم")
        later = claim_on(team, imported, SAME_OTHER_SPELLING)
        client.force_login(team.reviewer)
        page = reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": later.pk})
        response = client.get(page)
        assert "Link as related" in response.text
        link = reverse("claim-relate", kwargs={"slug": team.workspace.slug, "pk": later.pk})
        assert client.post(link, {"other": earlier.pk}).status_code == 302
        assert related_claims(later) == [earlier]
        other_page = reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": earlier.pk})
        assert "Related claims" in client.get(other_page).text

    def test_viewer_cannot_link(self, client, team, earlier, claim):
        client.force_login(team.viewer)
        link = reverse("claim-relate", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
        assert client.post(link, {"other": earlier.pk}).status_code == 403
        assert ClaimRelation.objects.count() == 0
