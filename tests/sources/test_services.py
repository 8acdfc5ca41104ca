import pytest
from django.core.exceptions import ValidationError

from app.audit.models import AuditEvent
from app.claims.evidence import evidence_add
from app.claims.models import Evidence
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.sources.models import Source
from app.sources.services import source_add

pytestmark = pytest.mark.django_db


def test_source_add_creates_then_reuses_by_normalized_url(team):
    source, created = source_add(
        workspace=team.workspace,
        url="https://stats.example.org/ridership-2025/",
        title="Ridership 2025",
        publisher="City Transit Authority",
        kind="dataset",
        actor=team.reviewer,
    )
    again, created_again = source_add(
        workspace=team.workspace,
        url="https://STATS.example.org/ridership-2025?utm_source=newsletter",
        actor=team.editor,
    )
    assert created and not created_again
    assert again == source
    assert Source.objects.count() == 1
    assert AuditEvent.objects.filter(action="source.created").count() == 1


def test_the_same_url_is_a_separate_source_in_another_workspace(team, other_team):
    first, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    second, created = source_add(
        workspace=other_team.workspace, url="https://example.org/a", actor=other_team.reviewer
    )
    assert created and first != second


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "data:text/html;base64,PHNjcmlwdD4="}, "url"),
        ({"url": "https://example.org/a", "archived_url": "javascript:x"}, "archived_url"),
        ({"url": "https://example.org/a", "kind": "rumour"}, "kind"),
    ],
)
def test_source_add_refuses_bad_input_and_writes_nothing(team, fields, bad_field):
    with pytest.raises(ValidationError) as caught:
        source_add(workspace=team.workspace, actor=team.reviewer, **fields)
    assert bad_field in caught.value.message_dict
    assert not Source.objects.exists()


def test_evidence_add_links_source_and_claim(claim, team):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )

    evidence = evidence_add(
        claim=claim,
        source=source,
        stance="refutes",
        quote=" Ridership fell ",
        note="Official",
        actor=team.reviewer,
    )

    assert (evidence.stance, evidence.quote, evidence.added_by) == (
        "refutes",
        "Ridership fell",
        team.reviewer,
    )
    event = AuditEvent.objects.filter(workspace=team.workspace).latest("seq")
    assert event.action == "evidence.added"
    assert event.after["source"] == source.pk


def test_evidence_add_refuses_bad_stance_duplicates_and_foreign_sources(claim, team, other_team):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    with pytest.raises(ValidationError) as caught:
        evidence_add(claim=claim, source=source, stance="maybe", actor=team.reviewer)
    assert "stance" in caught.value.message_dict

    evidence_add(claim=claim, source=source, stance="supports", actor=team.reviewer)
    with pytest.raises(Conflict):
        evidence_add(claim=claim, source=source, stance="context", actor=team.reviewer)

    foreign, _ = source_add(
        workspace=other_team.workspace, url="https://example.org/b", actor=other_team.reviewer
    )
    with pytest.raises(NotFound):
        evidence_add(claim=claim, source=foreign, stance="supports", actor=team.reviewer)
    assert Evidence.objects.count() == 1


def test_viewers_cannot_add_sources_or_evidence(claim, team):
    with pytest.raises(PermissionDenied):
        source_add(workspace=team.workspace, url="https://example.org/a", actor=team.viewer)
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    with pytest.raises(PermissionDenied):
        evidence_add(claim=claim, source=source, stance="supports", actor=team.viewer)
