import json

import pytest
from django.urls import reverse

from app.audit.models import AuditEvent, Checkpoint
from app.audit.verify import verify_lines
from app.claims.workflow import claim_start_review

pytestmark = pytest.mark.django_db


def timeline_url(team, **query):
    url = reverse("audit-timeline", kwargs={"slug": team.workspace.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_viewer_reads_the_trail_in_words_with_links(client, team, claim):
    client.force_login(team.viewer)
    response = client.get(timeline_url(team))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"a-reviewer created claim {claim.pk}: “The mayor”" in body
    assert reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}) in body
    assert "Sign a checkpoint now" not in body


def test_the_trail_filters_by_actor_action_and_date(client, team, claim):
    claim_start_review(claim=claim, version=claim.version, actor=team.editor)
    client.force_login(team.viewer)
    events = client.get(timeline_url(team, actor="a-editor")).context["events"]
    assert {e.actor["username"] for e in events} == {"a-editor"}
    events = client.get(timeline_url(team, action="claim.")).context["events"]
    assert {e.action for e in events} == {"claim.created", "claim.status_changed"}
    assert client.get(timeline_url(team, until="2001-01-01")).context["events"] == []


def test_a_bad_filter_is_a_400_with_the_fields_message(client, team):
    client.force_login(team.viewer)
    response = client.get(timeline_url(team, since="2026-05-02", until="2026-05-01"))
    assert response.status_code == 400
    assert response.context["filters"].errors["until"]


def test_another_workspaces_trail_is_404(client, team, other_team):
    client.force_login(other_team.admin)
    assert client.get(timeline_url(team)).status_code == 404
    export = reverse("audit-export", kwargs={"slug": team.workspace.slug})
    assert client.post(export, {}).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_a_viewer_downloads_a_verifiable_export_that_records_itself(client, team, claim):
    client.force_login(team.viewer)
    response = client.post(reverse("audit-export", kwargs={"slug": team.workspace.slug}), {})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).splitlines()
    assert verify_lines(lines, expect_first_seq=1).ok
    assert json.loads(lines[-1])["action"] == "audit.exported"
    assert json.loads(lines[-1])["actor"]["username"] == "a-viewer"


def test_an_export_with_a_reversed_range_is_a_400_and_records_nothing(client, team):
    client.force_login(team.viewer)
    response = client.post(
        reverse("audit-export", kwargs={"slug": team.workspace.slug}),
        {"from_seq": 5, "to_seq": 2},
    )
    assert response.status_code == 400
    assert response.context["export_form"].errors["to_seq"]
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_editors_sign_checkpoints_and_viewers_may_not(client, team):
    url = reverse("audit-checkpoint-create", kwargs={"slug": team.workspace.slug})
    client.force_login(team.viewer)
    assert client.post(url).status_code == 403
    client.force_login(team.editor)
    assert client.post(url).status_code == 302
    assert Checkpoint.objects.filter(workspace=team.workspace).count() == 1
    listing = client.get(reverse("audit-checkpoint-list", kwargs={"slug": team.workspace.slug}))
    assert json.loads(listing.content)[0]["algorithm"] == "Ed25519"


def test_the_public_key_is_public_as_pem_and_base64(client):
    pem = client.get(reverse("audit-public-key"))
    assert pem.status_code == 200 and b"BEGIN PUBLIC KEY" in pem.content
    raw = client.get(reverse("audit-public-key") + "?format=base64")
    assert len(raw.content.strip()) == 44 and raw["X-Key-Id"] == pem["X-Key-Id"]


def test_claim_and_article_pages_show_their_history_in_words(client, team, claim):
    client.force_login(team.viewer)
    claim_page = client.get(
        reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    )
    assert f"created claim {claim.pk}: “The mayor”" in claim_page.content.decode()
    article_page = client.get(
        reverse("article-detail", kwargs={"slug": team.workspace.slug, "pk": claim.article_id})
    )
    body = article_page.content.decode()
    assert "Article history" in body
    assert "a-reviewer imported the article “Ridership report”" in body
    assert f"created claim {claim.pk}" in body
