"""JSON Lines built by PostgreSQL are byte for byte the lines the Python records make."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from app.articles.services import article_import_text
from app.claims.evidence import evidence_add
from app.claims.models import Claim, Rating
from app.claims.services import claim_create, comment_add
from app.claims.workflow import verdict_approve, verdict_correct
from app.exports import streams
from app.exports.forms import ExportFilters
from app.exports.records import ExportContext
from app.exports.selectors import export_claims
from app.sources import captures
from app.sources.services import source_add
from app.workspaces.models import Workspace
from tests.conftest import PERSIAN_SAMPLE
from tests.exports.conftest import cite, publish

pytestmark = pytest.mark.django_db

# Quotes, backslashes, control characters, an astral emoji and a Persian ZWNJ.
ONE_LINE = 'گفت: "۱۲٪" \\ افزایش\u200cیافته end 🚇 𝕏'
AWKWARD = ONE_LINE + "\ttab\r\n\x01\x1f end"


def _both(team, *, with_comments=False, **filters):
    return _compare(team.reviewer, team.workspace, with_comments=with_comments, **filters)


def _compare(user, workspace, *, with_comments=False, **filters):
    context = ExportContext(
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        base_url="https://sanad.example",
    )
    claims = export_claims(
        user=user,
        workspace=workspace,
        filters=ExportFilters(**filters),
        with_evidence=True,
        with_verdicts=True,
        with_comments=with_comments,
        with_captures=True,
    )
    old = b"".join(streams.jsonl_stream(claims, context, with_comments=with_comments))
    new = b"".join(streams.jsonl_stream_sql(claims, context, with_comments=with_comments))
    return old, new


@pytest.fixture
def awkward_workspace(team, published_claim, english_article):
    team.reviewer.display_name = 'مریم "م" 🌙'
    team.reviewer.save(update_fields=["display_name"])
    article = article_import_text(
        workspace=team.workspace,
        text=PERSIAN_SAMPLE + AWKWARD + "\n",
        title=ONE_LINE,
        url='https://example.org/fa/گزارش?q="x"',
        actor=team.reviewer,
    )
    text = article.snapshot.text
    start = text.index("قرارداد")
    first = claim_create(
        workspace=team.workspace,
        snapshot=article.snapshot,
        start=start,
        end=start + len("قرارداد"),
        exact="قرارداد",
        restatement=AWKWARD,
        claimant="وزیر",
        tags=["قرارداد", "🚇 tag", 'q"uote'],
        actor=team.reviewer,
    )
    emoji = text.index("🚇")
    claim_create(
        workspace=team.workspace,
        snapshot=article.snapshot,
        start=emoji,
        end=emoji + 1,
        exact="🚇",
        actor=team.reviewer,
    )
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/منبع", actor=team.reviewer
    )
    evidence_add(claim=first, source=source, stance="refutes", actor=team.reviewer)
    captures.capture_upload(
        workspace=team.workspace,
        data=b"%PDF-1.7\n%a capture\n",
        file_name="a.pdf",
        source=source,
        actor=team.reviewer,
    )
    cite(first, team, "https://stats.example.org/ridership", "supports")
    published = publish(first, team, label="Mostly false", summary=AWKWARD)
    verdict_correct(
        claim=published,
        version=published.version,
        rating=Rating.objects.get(workspace=team.workspace, label="Unverifiable"),
        summary="اصلاح شد: " + AWKWARD,
        correction_note="The ministry revised the date.",
        actor=team.editor,
    )
    corrected = Claim.objects.get(pk=published.pk)
    verdict_approve(claim=corrected, version=corrected.version, actor=team.admin)
    comment_add(claim=published_claim, body="@a-editor " + AWKWARD, actor=team.reviewer)
    return team


def test_the_sql_lines_equal_the_python_lines(awkward_workspace):
    old, new = _both(awkward_workspace)
    assert old.count(b"\n") == Claim.objects.filter(workspace=awkward_workspace.workspace).count()
    assert "🚇".encode() in new and b"\\u0001" in new and b'\\"' in new
    records = [json.loads(line) for line in new.splitlines()]
    assert any(len(record["verdicts"]) == 2 for record in records)  # the correction
    assert any(
        record["evidence"] and record["evidence"][0]["source"]["captures"] for record in records
    )
    assert new == old


def test_with_comments_and_filters_too(awkward_workspace):
    old, new = _both(awkward_workspace, with_comments=True)
    assert b'"comments":[{' in new
    assert new == old
    old, new = _both(awkward_workspace, status="published")
    assert new and new == old


def test_an_empty_export_is_empty(team):
    assert _both(team) == (b"", b"")


def test_the_demo_data_exports_the_same_bytes_too():
    call_command("seed_demo", stdout=StringIO())
    reviewer = get_user_model().objects.get(username="demo-reviewer")
    workspace = Workspace.objects.get(memberships__user=reviewer)
    for with_comments in (False, True):
        old, new = _compare(reviewer, workspace, with_comments=with_comments)
        assert old.count(b"\n") == Claim.objects.filter(workspace=workspace).count() > 0
        assert new == old


def test_rows_split_across_copy_messages_come_out_whole(awkward_workspace, monkeypatch):
    """COPY usually sends a row per message; the lines are the same when it does not."""
    from app.exports import sql_rows

    whole = _both(awkward_workspace)[1]
    sent = sql_rows._copy_messages

    def in_pieces(statement, params):
        data = b"".join(sent(statement, params))
        return (data[start : start + 7] for start in range(0, len(data), 7))

    monkeypatch.setattr(sql_rows, "_copy_messages", in_pieces)
    assert _both(awkward_workspace)[1] == whole
