"""Which claims an export holds (filters, workspaces), that it streams, and that it is audited."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from app.audit.models import AuditEvent
from app.claims.models import Claim
from app.claims.services import claim_create
from app.exports import streams
from app.exports.forms import ExportFilters
from app.exports.records import ExportContext
from app.exports.selectors import export_claims
from tests.exports.conftest import body, cite

pytestmark = pytest.mark.django_db


def _claim(article, team, word, **extra):
    text = article.snapshot.text
    start = text.index(word)
    return claim_create(
        workspace=team.workspace,
        snapshot=article.snapshot,
        start=start,
        end=start + len(word),
        exact=word,
        actor=team.reviewer,
        **extra,
    )


def _ids(client, user, workspace, **params) -> list[int]:
    client.force_login(user)
    response = client.get(reverse("exports-api-jsonl"), {"workspace": workspace.slug, **params})
    assert response.status_code == 200, response.content
    return [json.loads(line)["id"] for line in body(response).decode().splitlines()]


@pytest.fixture
def spread(team, english_article, persian_article):
    """Three claims: two articles, two statuses, created and updated on different days."""
    first = _claim(english_article, team, "mayor")
    second = _claim(english_article, team, "ridership")
    third = _claim(persian_article, team, "قرارداد")
    Claim.objects.filter(pk=second.pk).update(status="in_review")
    for claim, day in ((first, 1), (second, 10), (third, 20)):
        moment = timezone.make_aware(dt.datetime(2025, 3, day, 12))
        Claim.objects.filter(pk=claim.pk).update(created_at=moment, updated_at=moment)
    return first, second, third


def test_filters_pick_by_article_status_and_inclusive_date_ranges(
    client, team, spread, english_article
):
    first, second, third = (claim.pk for claim in spread)
    viewer, ws = team.viewer, team.workspace
    assert sorted(_ids(client, viewer, ws)) == sorted([first, second, third])
    assert sorted(_ids(client, viewer, ws, article=english_article.article.pk)) == sorted(
        [first, second]
    )
    assert _ids(client, viewer, ws, status="in_review") == [second]
    assert sorted(_ids(client, viewer, ws, created_from="2025-03-10")) == sorted([second, third])
    assert _ids(client, viewer, ws, created_from="2025-03-10", created_to="2025-03-10") == [second]
    assert _ids(client, viewer, ws, updated_to="2025-03-01") == [first]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"created_from": "yesterday"}, "created_from"),
        ({"updated_from": "2025-03-10", "updated_to": "2025-03-01"}, "updated_to"),
        ({"article": "999999"}, "article"),
        ({"bom": "maybe"}, None),
    ],
)
def test_bad_filters_are_400_naming_the_field_and_nothing_is_recorded(client, team, params, field):
    client.force_login(team.viewer)
    events = AuditEvent.objects.count()
    response = client.get(reverse("exports-api-csv"), {"workspace": team.workspace.slug, **params})
    if field is None:  # a checkbox: "false", "0" and absent are off, anything else on
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert field in json.dumps(response.json())
    assert AuditEvent.objects.count() == events


def test_another_workspaces_article_is_not_a_valid_filter(client, team, other_team, spread):
    from app.articles.services import article_import_text

    theirs = article_import_text(
        workspace=other_team.workspace, text="Their text.", actor=other_team.reviewer
    )
    client.force_login(team.viewer)
    response = client.get(
        reverse("exports-api-csv"),
        {"workspace": team.workspace.slug, "article": theirs.article.pk},
    )
    assert response.status_code == 400


def test_other_workspaces_claims_never_appear(client, team, other_team, spread):
    from app.articles.services import article_import_text

    theirs = article_import_text(
        workspace=other_team.workspace, text="The mayor of elsewhere.", actor=other_team.reviewer
    )
    claim_create(
        workspace=other_team.workspace,
        snapshot=theirs.snapshot,
        start=4,
        end=9,
        exact="mayor",
        actor=other_team.reviewer,
    )
    mine = _ids(client, team.viewer, team.workspace)
    assert sorted(mine) == sorted(c.pk for c in spread)
    for name in ("exports-api-csv", "exports-api-jsonl", "exports-api-claimreview"):
        response = client.get(reverse(name), {"workspace": other_team.workspace.slug})
        assert response.status_code == 404
    response = client.get(reverse("exports-api-annotations"), {"workspace": "no-such-desk"})
    assert response.status_code == 404


def test_without_a_workspace_the_api_says_which_field_is_missing(client, team):
    client.force_login(team.viewer)
    response = client.get(reverse("exports-api-csv"))
    assert response.status_code == 400
    assert "workspace" in json.dumps(response.json())


def test_anonymous_callers_get_nothing(client, team, spread):
    response = client.get(reverse("exports-api-csv"), {"workspace": team.workspace.slug})
    assert response.status_code in (401, 403)
    assert b"mayor" not in response.content


def test_the_api_answers_with_a_stream_as_an_attachment(client, team, spread):
    client.force_login(team.viewer)
    response = client.get(
        reverse("exports-api-csv"), {"workspace": team.workspace.slug}, HTTP_ACCEPT="text/csv"
    )
    assert isinstance(response, StreamingHttpResponse)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sanad-{team.workspace.slug}-claims-{today}.csv"'
    )


def test_the_audit_event_is_written_before_the_first_byte(client, team, spread):
    client.force_login(team.viewer)
    response = client.get(
        reverse("exports-api-jsonl"),
        {"workspace": team.workspace.slug, "status": "open", "comments": "true"},
    )
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert (event.action, event.object_type) == ("export.created", "export")
    assert event.actor["username"] == team.viewer.username
    assert event.after == {"format": "jsonl", "filters": {"status": "open"}, "comments": True}
    assert event.object_id == response["X-Export-ID"]
    body(response)  # only now is the stream read


def test_the_stream_reads_claims_chunk_by_chunk(team, english_article, monkeypatch):
    words = ["The", "mayor", "said", "ridership", "rose"]
    for word in words:
        claim = _claim(english_article, team, word)
        cite(claim, team, f"https://example.org/{word}", "context")
    monkeypatch.setattr(streams, "CHUNK_SIZE", 2)
    monkeypatch.setattr(streams, "FLUSH_BYTES", 1)  # hand over every row as it is written
    claims = export_claims(
        user=team.viewer, workspace=team.workspace, filters=ExportFilters(), with_evidence=True
    )
    context = ExportContext(
        workspace_slug=team.workspace.slug, workspace_name="Desk", base_url="http://x"
    )
    chunks = streams.csv_stream(claims, context)
    with CaptureQueriesContext(connection) as queries:
        header = next(chunks)
        after_header = len(queries)
        first_row = next(chunks)
        after_first_chunk = len(queries)
        rest = list(chunks)
        after_all = len(queries)
    assert header.startswith(b"claim_id,") and b"The" in first_row
    assert after_header == 0  # nothing read before a row is asked for
    # One cursor, then one evidence query per chunk of two claims: 1 + 3 in all.
    assert after_first_chunk == 2
    assert after_all == 4
    rows = list(csv.reader(io.StringIO(b"".join([header, first_row, *rest]).decode())))
    assert len(rows) == 1 + len(words)


@pytest.mark.parametrize(
    "params",
    [
        {"article": "99999999999999999999999"},
        {"created_to": "9999-12-31", "updated_to": "9999-12-31"},
        {"created_from": "0001-01-01"},
        {"page": "99999999999999999999"},
        {"workspace": "desk\x00a"},
    ],
)
def test_extreme_values_are_answered_without_a_server_error(client, team, spread, params):
    client.force_login(team.viewer)
    response = client.get(
        reverse("exports-api-annotations"), {"workspace": team.workspace.slug, **params}
    )
    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        body(response)
