"""What the public reads is what a reviewer proposed and another editor approved.

A published claim's restatement, claimant, quote and verdict change only through a
correction (service rule, and a database trigger behind it); verdicts keep the words
of the rating they were given; corrections are editors'.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from app.audit.models import AuditEvent
from app.claims import workflow
from app.claims.models import Claim, Rating, Verdict
from app.claims.ratings import rating_reorder, rating_retire, rating_update
from app.claims.services import claim_update
from app.claims.workflow import (
    available_actions,
    verdict_approve,
    verdict_correct,
    verdict_propose,
    verdict_return,
)
from app.core.errors import Conflict, PermissionDenied
from tests.exports.conftest import body, cite, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(claim, team):
    claim_update(
        claim=claim,
        version=claim.version,
        restatement="Ridership rose 12% in 2025.",
        claimant="The mayor",
        actor=team.reviewer,
    )
    claim.refresh_from_db()
    cite(claim, team, "https://stats.example.org/ridership", "refutes")
    return publish(claim, team)


def _rating(team, label):
    return Rating.objects.get(workspace=team.workspace, label=label)


@pytest.mark.parametrize("role", ["reviewer", "editor", "admin"])
def test_nobody_edits_the_restatement_or_claimant_of_a_published_claim(published, team, role):
    for change in ({"restatement": "Ridership rose 19 June."}, {"claimant": "The governor"}):
        with pytest.raises(Conflict, match="correction"):
            claim_update(
                claim=published, version=published.version, actor=team.member(role), **change
            )
    published.refresh_from_db()
    assert (published.restatement, published.claimant) == (
        "Ridership rose 12% in 2025.",
        "The mayor",
    )


def test_tags_of_a_published_claim_stay_free(published, team):
    claim = claim_update(
        claim=published, version=published.version, tags=["transit"], actor=team.reviewer
    )
    assert claim.tags == ["transit"] and claim.status == "published"


def test_a_pending_proposal_freezes_the_words_it_judges(claim, team):
    cite(claim, team, "https://example.org/x", "refutes")
    claim = workflow.claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    verdict_propose(
        claim=claim,
        version=claim.version,
        rating=_rating(team, "False"),
        summary="No.",
        actor=team.reviewer,
    )
    claim.refresh_from_db()
    with pytest.raises(Conflict, match="waiting for approval"):
        claim_update(claim=claim, version=claim.version, restatement="New", actor=team.reviewer)
    verdict_return(claim=claim, version=claim.version, reason="More work.", actor=team.editor)
    claim.refresh_from_db()
    claim = claim_update(claim=claim, version=claim.version, restatement="New", actor=team.reviewer)
    assert claim.restatement == "New"


@pytest.mark.parametrize(
    "column, value",
    [
        ("restatement", "'Signed on 19 June.'"),
        ("claimant", "'Someone else'"),
        ("rating_label", "'True'"),
        ("rating_id", "NULL"),
        ("verdict_summary", "'Fine.'"),
        ("status", "'open'"),
        ("anchor_state", "'orphaned'"),
    ],
)
def test_the_database_refuses_a_direct_update_of_published_words(published, column, value):
    with (
        pytest.raises(IntegrityError, match="published"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE claims_claim SET {column} = {value} WHERE id = %s",  # noqa: S608
            [published.pk],
        )


def test_the_database_lets_tags_and_assignee_of_a_published_claim_change(published, team):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim SET tags = ARRAY['x'], assignee_id = %s WHERE id = %s",
            [team.editor.pk, published.pk],
        )
    published.refresh_from_db()
    assert published.tags == ["x"]


def test_the_database_refuses_to_change_a_decided_verdict(published):
    verdict = Verdict.objects.get(claim=published)
    for assignment in ("rating_label = 'True'", "summary = 'Other'", "state = 'proposed'"):
        with (
            pytest.raises(IntegrityError, match="decided"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                f"UPDATE claims_verdict SET {assignment} WHERE id = %s",  # noqa: S608
                [verdict.pk],
            )


def test_a_reviewer_may_not_correct_and_is_not_offered_it(published, team):
    assert workflow.CORRECT not in available_actions(claim=published, user=team.reviewer)
    assert workflow.CORRECT in available_actions(claim=published, user=team.editor)
    with pytest.raises(PermissionDenied, match="editor"):
        verdict_correct(
            claim=published,
            version=published.version,
            rating=_rating(team, "Mixed"),
            summary="Half.",
            correction_note="New data.",
            actor=team.reviewer,
        )


def test_a_correction_rewords_and_rerates_and_keeps_the_first_words_in_history(
    client, published, team
):
    verdict_correct(
        claim=published,
        version=published.version,
        rating=_rating(team, "Mostly false"),
        summary="Ridership rose 2%, not 12%.",
        correction_note="The city revised its figures.",
        restatement="Ridership rose 12% in 2025, on every line.",
        actor=team.editor,
    )
    published.refresh_from_db()
    assert published.restatement == "Ridership rose 12% in 2025."  # not until approved
    verdict_approve(claim=published, version=published.version, actor=team.admin)
    claim = Claim.objects.get(pk=published.pk)
    assert (claim.status, claim.rating_label, claim.restatement) == (
        "corrected",
        "Mostly false",
        "Ridership rose 12% in 2025, on every line.",
    )
    first, second = claim.verdicts.order_by("proposed_at", "id")
    assert (first.state, first.restatement, first.rating_label) == (
        "superseded",
        "Ridership rose 12% in 2025.",
        "False",
    )
    assert (second.state, second.restatement) == ("published", claim.restatement)

    client.force_login(team.viewer)
    review = _claimreview(client, team)[0]
    assert review["claimReviewed"] == "Ridership rose 12% in 2025, on every line."
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    page = client.get(
        reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    ).content.decode()
    assert "on every line" in page and "Ridership rose 12% in 2025.</span>" in page
    event = AuditEvent.objects.filter(action="claim.verdict_published").latest("seq")
    assert event.before["restatement"] == "Ridership rose 12% in 2025."
    assert event.after["restatement"] == claim.restatement


def test_events_name_the_rating_by_id_and_label_alike(published, team):
    false = _rating(team, "False")
    for action in ("claim.verdict_proposed", "claim.verdict_published"):
        event = AuditEvent.objects.filter(action=action).latest("seq")
        assert event.after["rating"] == {
            "id": false.pk,
            "label": "False",
            "value": false.value,
            "colour": false.colour,
        }


def _claimreview(client, team) -> list:
    import json

    response = client.get(reverse("exports-api-claimreview"), {"workspace": team.workspace.slug})
    return json.loads(body(response))


EXPORTS = [
    "exports-api-csv",
    "exports-api-jsonl",
    "exports-api-claimreview",
    "exports-api-annotations",
]


def _every_export(client, team) -> dict[str, bytes]:
    client.force_login(team.viewer)
    return {
        name: body(client.get(reverse(name), {"workspace": team.workspace.slug}))
        for name in EXPORTS
    }


def test_renaming_recolouring_reordering_and_retiring_a_rating_leaves_every_export_as_it_was(
    client, published, team
):
    before = _every_export(client, team)
    assert b"False" in before["exports-api-claimreview"]
    false = _rating(team, "False")
    rating_update(rating=false, label="Fabricated", colour="#000000", value=9, actor=team.admin)
    order = list(Rating.objects.filter(workspace=team.workspace).order_by("-position"))
    rating_reorder(workspace=team.workspace, ordered_ids=[r.pk for r in order], actor=team.admin)
    rating_retire(rating=false, actor=team.admin)
    rating_update(rating=_rating(team, "True"), value=100, actor=team.admin)  # the scale's best

    after = _every_export(client, team)
    for name in EXPORTS:
        # Only the moment of each export differs where it is written into the file.
        assert after[name] == before[name], name
    verdict = Verdict.objects.get(claim=published)
    assert (verdict.rating_label, verdict.rating_value, verdict.rating_colour) == (
        "False",
        1,
        "#b3261e",
    )


def test_the_scale_page_counts_verdicts_and_shows_former_labels(client, published, team):
    rating_update(rating=_rating(team, "False"), label="Fabricated", actor=team.admin)
    client.force_login(team.viewer)
    page = client.get(reverse("rating-list", kwargs={"slug": team.workspace.slug}))
    row = page.content.decode().split(f'id="rating-{_rating(team, "Fabricated").pk}"')[1]
    row = row.split("</tr>")[0]
    assert "renamed from" in row and "False" in row
    assert "<td>1</td>" in row
    event = AuditEvent.objects.filter(action="rating.updated").latest("seq")
    assert event.after["former_labels"] == ["False"]


def test_a_claimant_with_control_characters_is_a_field_error(english_article, published, team):
    from django.core.exceptions import ValidationError

    from app.claims.services import claim_create

    with pytest.raises(ValidationError) as caught:
        claim_create(
            workspace=team.workspace,
            snapshot=english_article.snapshot,
            start=0,
            end=3,
            exact="The",
            claimant="A\u0001B",
            actor=team.reviewer,
        )
    assert "claimant" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        verdict_correct(
            claim=published,
            version=published.version,
            rating=_rating(team, "Mixed"),
            summary="Half.",
            correction_note="New.",
            claimant="\uffff",
            actor=team.editor,
        )
    assert "claimant" in caught.value.message_dict
