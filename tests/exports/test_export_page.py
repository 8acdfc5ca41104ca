"""The browser's Export page: a form, a download, an audit event; viewers may use it."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from app.audit.models import AuditEvent
from tests.exports.conftest import body

pytestmark = pytest.mark.django_db


def _url(workspace):
    return reverse("export-page", kwargs={"slug": workspace.slug})


def test_the_workspace_navigation_links_to_the_export_page(client, team):
    client.force_login(team.viewer)
    response = client.get(reverse("claim-list", kwargs={"slug": team.workspace.slug}))
    assert f'href="{_url(team.workspace)}"'.encode() in response.content


def test_a_viewer_sees_the_form_with_every_format(client, team, persian_article):
    client.force_login(team.viewer)
    response = client.get(_url(team.workspace))
    assert response.status_code == 200
    content = response.content.decode()
    for value in ("csv", "jsonl", "claimreview", "annotations"):
        assert f'value="{value}"' in content
    assert "قرارداد همکاری" in content  # the article filter lists the workspace's articles
    assert 'dir="auto"' in content


def test_a_viewer_downloads_a_csv_with_a_bom_and_the_export_is_audited(
    client, team, published_claim
):
    client.force_login(team.viewer)
    response = client.post(_url(team.workspace), {"format": "csv", "bom": "on"})
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sanad-{team.workspace.slug}-claims-{today}.csv"'
    )
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert event.action == "export.created"
    assert event.after == {"format": "csv", "filters": {}, "bom": True}
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    assert row["claim_id"] == str(published_claim.pk)


def test_filters_are_recorded_in_the_audit_event(client, team, english_article, published_claim):
    client.force_login(team.viewer)
    response = client.post(
        _url(team.workspace),
        {
            "format": "claimreview",
            "article": english_article.article.pk,
            "status": "published",
            "updated_from": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.jsonld"')
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert event.after == {
        "format": "claimreview",
        "filters": {
            "article": english_article.article.pk,
            "status": "published",
            "updated_from": "2020-01-01",
        },
    }
    assert b"ClaimReview" in body(response)


def test_an_invalid_form_comes_back_with_field_errors_and_no_event(client, team):
    client.force_login(team.viewer)
    events = AuditEvent.objects.count()
    response = client.post(
        _url(team.workspace),
        {"format": "csv", "created_from": "2025-05-01", "created_to": "2025-04-01"},
    )
    assert response.status_code == 400
    assert "This date is before the start of the range." in response.content.decode()
    assert AuditEvent.objects.count() == events


def test_another_workspaces_export_page_is_404(client, team, other_team):
    client.force_login(team.viewer)
    assert client.get(_url(other_team.workspace)).status_code == 404
    assert client.post(_url(other_team.workspace), {"format": "csv"}).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, team):
    response = client.post(_url(team.workspace), {"format": "csv"})
    assert response.status_code == 302
    assert "login" in response["Location"]
