"""Reconciliation names every live field changed behind the services' back, and nothing else."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from app.articles.services import article_import_text, article_update
from app.audit.models import AuditEvent
from app.claims.models import Claim, Evidence, Rating
from app.claims.services import claim_update
from app.claims.workflow import claim_assign, verdict_approve, verdict_correct
from app.operations.backup import workspace_export, workspace_import
from app.operations.reconcile import workspace_reconcile
from app.workspaces.models import Workspace
from tests.api.conftest import assert_error
from tests.db_roles import as_owner
from tests.exports.conftest import cite, publish
from tests.operations.test_backup import _claim_on, _purge

pytestmark = pytest.mark.django_db

FIRST = (
    "The mayor said ridership rose 12% in 2025.\n\n"
    "A post read: “Best commute ever 🚇” and drew 4,000 replies.\n\n"
    "Officials declined to comment on the figures.\n"
)
SECOND = (
    "The mayor said ridership rose 12% in 2025.\n\n"
    "A post read: “Best commute ever 🚇” and drew 5,000 replies.\n"
)


@pytest.fixture(autouse=True)
def signing_key_path(settings, tmp_path):
    settings.SANAD_SIGNING_KEY_PATH = tmp_path / "keys" / "audit-signing-key.pem"


def _import(team, text):
    return article_import_text(
        workspace=team.workspace,
        text=text,
        title="Ridership",
        url="https://example.org/ridership",
        actor=team.reviewer,
    )


@pytest.fixture
def worked(team):
    """Every kind of change the trail records, made through the services."""
    first = _import(team, FIRST)
    mayor = _claim_on(first.snapshot, "ridership rose 12%", team, restatement="Rose 12%")
    post = _claim_on(first.snapshot, "drew 4,000 replies", team)
    gone = _claim_on(first.snapshot, "Officials declined to comment", team)
    claim_update(claim=post, version=post.version, tags=["social"], actor=team.reviewer)
    post.refresh_from_db()
    claim_assign(claim=post, version=post.version, assignee=team.editor, actor=team.reviewer)
    cite(mayor, team, "https://stats.example.org/ridership", "refutes")
    mayor = publish(mayor, team)
    verdict_correct(
        claim=mayor,
        version=mayor.version,
        rating=Rating.objects.get(workspace=team.workspace, label="Mostly false"),
        summary="It rose 2%.",
        correction_note="Revised figures.",
        restatement="Ridership rose 12% in 2025",
        actor=team.editor,
    )
    mayor.refresh_from_db()
    verdict_approve(claim=mayor, version=mayor.version, actor=team.admin)
    _import(team, SECOND)  # re-anchors all three: anchored, fuzzy, orphaned
    article = first.article
    article.refresh_from_db()
    article_update(
        article=article, version=article.version, title="Ridership (corrected)", actor=team.editor
    )
    assert {c.anchor_state for c in Claim.objects.filter(pk__in=[mayor.pk, post.pk, gone.pk])} == {
        "anchored",
        "fuzzy",
        "orphaned",
    }
    return team.workspace


def test_an_untouched_workspace_after_the_whole_workflow_has_no_drift(worked):
    report = workspace_reconcile(workspace=worked)
    assert report.ok, report.drift
    assert report.checked == {"claim": 3, "evidence": 1, "article": 1, "snapshot": 2}
    replayed = AuditEvent.objects.filter(
        workspace=worked, object_type__in=["claim", "evidence", "article", "snapshot"]
    )
    assert report.events == replayed.count()


def test_a_restored_workspace_has_no_drift(worked, tmp_path):
    path = tmp_path / "backup.sanad.zip"
    workspace_export(workspace=worked, path=path, log=lambda line: None)
    _purge(worked)
    workspace_import(path=path, log=lambda line: None)
    restored = Workspace.objects.get(slug=worked.slug)
    report = workspace_reconcile(workspace=restored)
    assert report.ok, report.drift
    assert report.checked["claim"] == 3


def _behind_the_services(sql: str, params: list) -> None:
    """What someone with the owner's or a superuser's rights could do: no trigger fires."""
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_each_field_changed_by_sql_is_named_with_trail_and_live_values(worked, team):
    published = Claim.objects.get(workspace=worked, status="corrected")
    other = Claim.objects.exclude(pk=published.pk).filter(workspace=worked).first()
    true = Rating.objects.get(workspace=worked, label="True")
    _behind_the_services(
        "UPDATE claims_claim SET rating_id = %s, restatement = 'Signed on 19 June' WHERE id = %s",
        [true.pk, published.pk],
    )
    _behind_the_services("UPDATE claims_claim SET status = 'published' WHERE id = %s", [other.pk])
    evidence = Evidence.objects.get(workspace=worked)
    _behind_the_services(
        "UPDATE sources_evidence SET stance = 'supports' WHERE id = %s", [evidence.pk]
    )

    report = workspace_reconcile(workspace=worked)

    found = {(d.object_type, d.object_id, d.field): (d.trail, d.live) for d in report.drift}
    mostly_false = Rating.objects.get(workspace=worked, label="Mostly false")
    assert found == {
        ("claim", str(published.pk), "rating_id"): (mostly_false.pk, true.pk),
        ("claim", str(published.pk), "restatement"): (
            "Ridership rose 12% in 2025",
            "Signed on 19 June",
        ),
        ("claim", str(other.pk), "status"): ("open", "published"),
        ("evidence", str(evidence.pk), "stance"): ("refutes", "supports"),
    }
    assert all(d.last_seq for d in report.drift)

    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("audit_reconcile", "--workspace", worked.slug, stdout=out)
    assert exited.value.code == 1
    assert "Signed on 19 June" in out.getvalue() and "DRIFT: 4 field(s)" in out.getvalue()


def test_a_deleted_row_and_a_row_without_events_are_drift(worked):
    evidence = Evidence.objects.get(workspace=worked)
    _behind_the_services("DELETE FROM sources_evidence WHERE id = %s", [evidence.pk])
    report = workspace_reconcile(workspace=worked)
    assert [(d.object_type, d.field, d.trail, d.live) for d in report.drift] == [
        ("evidence", "(row)", "exists", None)
    ]


def test_the_command_exits_0_and_says_ok_on_a_clean_workspace(worked):
    out = StringIO()
    call_command("audit_reconcile", "--workspace", worked.slug, "--json", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True


def test_the_api_is_for_editors_and_the_page_shows_the_report(client, worked, team):
    url = f"/api/v1/audit/reconcile/?workspace={worked.slug}"
    client.force_login(team.reviewer)
    assert_error(client.get(url), 403)
    client.force_login(team.editor)
    body = client.get(url).json()
    assert body["ok"] is True and body["checked"]["claim"] == 3
    page = client.get(f"/w/{worked.slug}/audit/reconcile/")
    assert page.status_code == 200 and "No drift" in page.content.decode()
