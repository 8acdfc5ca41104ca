"""The review workflow: every transition, and every rule broken on purpose."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from app.audit.models import AuditEvent
from app.claims.evidence import evidence_add
from app.claims.models import Claim, Rating, Verdict
from app.claims.workflow import (
    APPROVE,
    PROPOSE,
    START_REVIEW,
    available_actions,
    claim_assign,
    claim_start_review,
    verdict_approve,
    verdict_correct,
    verdict_propose,
    verdict_return,
)
from app.core.errors import Conflict, PermissionDenied, StaleVersion
from app.sources.services import source_add

pytestmark = pytest.mark.django_db


def _rating(team, label="False"):
    return Rating.objects.get(workspace=team.workspace, label=label)


def _with_evidence(claim, team):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/data", actor=team.reviewer
    )
    evidence_add(claim=claim, source=source, stance="refutes", actor=team.reviewer)
    return claim


@pytest.fixture
def in_review(claim, team):
    _with_evidence(claim, team)
    return claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)


@pytest.fixture
def proposed(in_review, team):
    verdict_propose(
        claim=in_review,
        version=in_review.version,
        rating=_rating(team),
        summary="The ridership data shows a 3% fall.",
        actor=team.reviewer,
    )
    return Claim.objects.get(pk=in_review.pk)


def _events_and_rows():
    return AuditEvent.objects.count(), Verdict.objects.count()


def test_the_whole_path_open_to_published(proposed, team):
    assert proposed.status == "verdict_proposed"
    verdict = verdict_approve(claim=proposed, version=proposed.version, actor=team.editor)
    claim = Claim.objects.get(pk=proposed.pk)
    assert (claim.status, claim.rating.label) == ("published", "False")
    assert claim.verdict_summary == "The ridership data shows a 3% fall."
    assert (verdict.state, verdict.decided_by, verdict.proposed_by) == (
        "published",
        team.editor,
        team.reviewer,
    )
    actions = list(
        AuditEvent.objects.filter(object_type="claim", object_id=str(claim.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "claim.created",
        "claim.status_changed",
        "claim.verdict_proposed",
        "claim.verdict_published",
    ]


def test_start_review_assigns_the_reviewer_when_nobody_is(claim, team):
    claim = claim_start_review(claim=claim, version=1, actor=team.reviewer)
    assert (claim.status, claim.assignee, claim.version) == ("in_review", team.reviewer, 2)


def test_the_proposer_cannot_approve_even_as_an_editor(in_review, team):
    verdict_propose(
        claim=in_review,
        version=in_review.version,
        rating=_rating(team),
        summary="s",
        actor=team.editor,
    )
    claim = Claim.objects.get(pk=in_review.pk)
    before = _events_and_rows()
    with pytest.raises(PermissionDenied, match="four-eyes"):
        verdict_approve(claim=claim, version=claim.version, actor=team.editor)
    assert _events_and_rows() == before
    assert APPROVE not in available_actions(claim=claim, user=team.editor)
    assert APPROVE in available_actions(claim=claim, user=team.admin)


def test_the_database_refuses_a_verdict_decided_by_its_proposer(proposed, team):
    verdict = Verdict.objects.get(claim=proposed)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(state="published", decided_by=team.reviewer)


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_only_editors_approve(proposed, team, role):
    with pytest.raises(PermissionDenied):
        verdict_approve(claim=proposed, version=proposed.version, actor=team.member(role))


def test_a_proposal_needs_evidence_rating_and_summary_and_writes_nothing_without(claim, team):
    claim = claim_start_review(claim=claim, version=1, actor=team.reviewer)
    before = _events_and_rows()
    with pytest.raises(ValidationError) as caught:
        verdict_propose(
            claim=claim,
            version=claim.version,
            rating=_rating(team),
            summary=" ",
            actor=team.reviewer,
        )
    assert set(caught.value.message_dict) == {"summary", "evidence"}
    with pytest.raises(ValidationError) as caught:
        verdict_propose(
            claim=claim, version=claim.version, rating=None, summary="s", actor=team.reviewer
        )
    assert "rating" in caught.value.message_dict
    assert _events_and_rows() == before
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_a_retired_rating_or_one_of_another_workspace_is_refused(in_review, team, other_team):
    retired = _rating(team, "Mixed")
    Rating.objects.filter(pk=retired.pk).update(retired=True)
    before = _events_and_rows()
    for rating, message in [(retired, "retired"), (_rating(other_team), "not on this workspace")]:
        with pytest.raises(ValidationError) as caught:
            verdict_propose(
                claim=in_review,
                version=in_review.version,
                rating=rating,
                summary="s",
                actor=team.reviewer,
            )
        assert message in caught.value.message_dict["rating"][0]
    assert _events_and_rows() == before


def test_invalid_transitions_are_refused(claim, team):
    _with_evidence(claim, team)
    with pytest.raises(Conflict):  # open → proposed skips review
        verdict_propose(
            claim=claim,
            version=claim.version,
            rating=_rating(team),
            summary="s",
            actor=team.reviewer,
        )
    with pytest.raises(Conflict):  # nothing to approve
        verdict_approve(claim=claim, version=claim.version, actor=team.editor)
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    with pytest.raises(Conflict):  # already in review
        claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    assert PROPOSE in available_actions(claim=claim, user=team.reviewer)
    assert START_REVIEW not in available_actions(claim=claim, user=team.reviewer)


def test_viewers_take_no_workflow_action(claim, team):
    assert available_actions(claim=claim, user=team.viewer) == set()
    with pytest.raises(PermissionDenied):
        claim_start_review(claim=claim, version=1, actor=team.viewer)


def test_a_stale_version_is_refused(claim, team):
    claim_start_review(claim=claim, version=1, actor=team.reviewer)
    with pytest.raises(StaleVersion):
        claim_assign(claim=claim, version=1, assignee=team.editor, actor=team.reviewer)


def test_return_sends_the_claim_back_to_review_with_a_reason(proposed, team):
    with pytest.raises(ValidationError) as caught:
        verdict_return(claim=proposed, version=proposed.version, reason="", actor=team.editor)
    assert "reason" in caught.value.message_dict
    verdict = verdict_return(
        claim=proposed, version=proposed.version, reason="Needs the 2023 figures", actor=team.editor
    )
    claim = Claim.objects.get(pk=proposed.pk)
    assert (claim.status, verdict.state, verdict.return_reason) == (
        "in_review",
        "returned",
        "Needs the 2023 figures",
    )
    assert (
        AuditEvent.objects.filter(workspace=team.workspace).latest("seq").reason
        == "Needs the 2023 figures"
    )


def test_a_correction_needs_a_note_and_a_second_person_and_keeps_the_history(proposed, team):
    verdict_approve(claim=proposed, version=proposed.version, actor=team.editor)
    claim = Claim.objects.get(pk=proposed.pk)
    with pytest.raises(Conflict):  # a published claim is corrected, not proposed for
        verdict_propose(
            claim=claim,
            version=claim.version,
            rating=_rating(team, "Misleading"),
            summary="s2",
            actor=team.editor,
        )
    with pytest.raises(ValidationError) as caught:
        verdict_correct(
            claim=claim,
            version=claim.version,
            rating=_rating(team, "Misleading"),
            summary="s2",
            correction_note="  ",
            actor=team.editor,
        )
    assert "correction_note" in caught.value.message_dict
    verdict_correct(
        claim=claim,
        version=claim.version,
        rating=_rating(team, "Misleading"),
        summary="The fall was 3%, but only on buses.",
        correction_note="Bus-only data clarified.",
        actor=team.editor,
    )
    claim = Claim.objects.get(pk=proposed.pk)
    assert (claim.status, claim.rating_label) == ("published", "False")  # old verdict stands
    verdict_approve(claim=claim, version=claim.version, actor=team.admin)
    claim = Claim.objects.get(pk=proposed.pk)
    assert (claim.status, claim.rating_label) == ("corrected", "Misleading")
    history = list(claim.verdicts.order_by("proposed_at").values_list("state", "correction_note"))
    assert history == [("superseded", ""), ("published", "Bus-only data clarified.")]


def test_assign_only_to_reviewers_of_the_workspace(claim, team, other_team):
    claim = claim_assign(claim=claim, version=1, assignee=team.editor, actor=team.reviewer)
    assert claim.assignee == team.editor
    for wrong in (team.viewer, other_team.reviewer):
        with pytest.raises(ValidationError) as caught:
            claim_assign(claim=claim, version=claim.version, assignee=wrong, actor=team.reviewer)
        assert "assignee" in caught.value.message_dict
    claim = claim_assign(claim=claim, version=claim.version, assignee=None, actor=team.reviewer)
    assert claim.assignee is None


@pytest.mark.django_db(transaction=True)
def test_two_editors_approving_at_once_exactly_one_publishes(team, english_article):
    from app.claims.services import claim_create

    claim = claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=9,
        exact="The mayor",
        actor=team.reviewer,
    )
    _with_evidence(claim, team)
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    verdict_propose(
        claim=claim, version=claim.version, rating=_rating(team), summary="s", actor=team.reviewer
    )
    version = Claim.objects.get(pk=claim.pk).version
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(editor):
        try:
            barrier.wait()
            verdict_approve(claim=claim, version=version, actor=editor)
            outcomes.append("published")
        except (StaleVersion, Conflict) as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (team.editor, team.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["StaleVersion", "published"]
    assert Verdict.objects.filter(claim=claim, state="published").count() == 1
    assert AuditEvent.objects.filter(action="claim.verdict_published").count() == 1
