import pytest
from django.core.exceptions import ValidationError

from app.audit.models import AuditEvent
from app.claims.models import Claim, Comment
from app.claims.services import claim_create, comment_add
from app.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_claim_create_anchors_persian_text_by_code_points(persian_article, team):
    snapshot = persian_article.snapshot
    quote = "۱۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳)"
    start, end = _span(snapshot.text, quote)

    claim = claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=end,
        exact=quote,
        restatement="قرارداد در ۱۸ ژوئن ۲۰۲۴ امضا شد.",
        claimant="وزیر",
        tags=["treaty", " Treaty ", "", "dates"],
        actor=team.reviewer,
    )

    assert (claim.start, claim.end, claim.exact) == (start, end, quote)
    assert claim.prefix == snapshot.text[max(0, start - 32) : start]
    assert claim.suffix == snapshot.text[end : end + 32]
    assert claim.tags == ["treaty", "dates"]
    assert claim.status == "open" and claim.version == 1
    assert claim.article_id == persian_article.article.pk
    assert claim.selectors[0] == {"type": "TextPositionSelector", "start": start, "end": end}
    event = AuditEvent.objects.filter(workspace=team.workspace).latest("seq")
    assert event.action == "claim.created"
    assert event.after["exact"] == quote


def test_claim_offsets_after_an_emoji_count_code_points_not_utf16_units(english_article, team):
    snapshot = english_article.snapshot
    quote = "drew 4,000 replies"
    start, end = _span(snapshot.text, quote)
    emoji_at = snapshot.text.index("🚇")
    assert emoji_at < start  # the astral character sits before the quote

    claim = claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=end,
        exact=quote,
        actor=team.reviewer,
    )
    assert claim.exact == quote

    # A client that counted UTF-16 units would be one off after the emoji.
    with pytest.raises(ValidationError) as caught:
        claim_create(
            workspace=team.workspace,
            snapshot=snapshot,
            start=start + 1,
            end=end + 1,
            exact=quote,
            actor=team.reviewer,
        )
    assert "exact" in caught.value.message_dict


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 5, "start"), (5, 5, "end"), (10, 4, "end"), (0, 100_000, "end")],
)
def test_claim_create_refuses_bad_offsets(english_article, team, start, end, field):
    with pytest.raises(ValidationError) as caught:
        claim_create(
            workspace=team.workspace,
            snapshot=english_article.snapshot,
            start=start,
            end=end,
            exact="x",
            actor=team.reviewer,
        )
    assert field in caught.value.message_dict
    assert not Claim.objects.exists()


def test_claim_create_refuses_a_quote_that_differs_and_writes_nothing(english_article, team):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        claim_create(
            workspace=team.workspace,
            snapshot=english_article.snapshot,
            start=0,
            end=9,
            exact="The major",
            actor=team.reviewer,
        )
    assert list(caught.value.message_dict) == ["exact"]
    assert not Claim.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_claim_create_refuses_a_snapshot_of_another_workspace(english_article, team, other_team):
    with pytest.raises(NotFound):
        claim_create(
            workspace=other_team.workspace,
            snapshot=english_article.snapshot,
            start=0,
            end=3,
            exact="The",
            actor=other_team.reviewer,
        )
    assert not Claim.objects.exists()


def test_viewers_cannot_create_claims(english_article, team):
    with pytest.raises(PermissionDenied):
        claim_create(
            workspace=team.workspace,
            snapshot=english_article.snapshot,
            start=0,
            end=3,
            exact="The",
            actor=team.viewer,
        )


def test_comment_add_keeps_the_body_and_records_it(claim, team):
    comment = comment_add(
        claim=claim, body="  منبع رسمی؟ **check** the 2025 report  ", actor=team.editor
    )
    assert comment.body == "منبع رسمی؟ **check** the 2025 report"
    assert comment.author == team.editor
    event = AuditEvent.objects.filter(workspace=team.workspace).latest("seq")
    assert (event.action, event.object_id) == ("comment.added", str(comment.pk))


def test_comment_add_refuses_an_empty_body(claim, team):
    with pytest.raises(ValidationError) as caught:
        comment_add(claim=claim, body=" \n ", actor=team.reviewer)
    assert "body" in caught.value.message_dict
    assert not Comment.objects.exists()


def test_viewers_cannot_comment(claim, team):
    with pytest.raises(PermissionDenied):
        comment_add(claim=claim, body="hello", actor=team.viewer)
