"""Claims in every state, set up through the services the app itself uses."""

import pytest

from app.claims.evidence import evidence_add
from app.claims.models import Claim, Rating
from app.claims.services import claim_create
from app.claims.workflow import claim_start_review, verdict_approve, verdict_propose
from app.sources.services import source_add


def cite(claim, team, url, stance):
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    evidence_add(claim=claim, source=source, stance=stance, actor=team.reviewer)


def publish(claim, team, label="False", summary="The data shows a fall."):
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    rating = Rating.objects.get(workspace=team.workspace, label=label)
    verdict_propose(
        claim=claim, version=claim.version, rating=rating, summary=summary, actor=team.reviewer
    )
    claim.refresh_from_db()
    verdict_approve(claim=claim, version=claim.version, actor=team.editor)
    return Claim.objects.get(pk=claim.pk)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def published_claim(english_article, team):
    """“ridership rose 12% in 2025”, restated, sourced twice against and once for, published."""
    text = english_article.snapshot.text
    start = text.index("ridership rose 12%")
    claim = claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=start,
        end=start + len("ridership rose 12% in 2025"),
        exact="ridership rose 12% in 2025",
        restatement="Ridership rose 12% in 2025.",
        claimant="The mayor",
        tags=["transit", "numbers"],
        actor=team.reviewer,
    )
    cite(claim, team, "https://stats.example.org/ridership", "refutes")
    cite(claim, team, "https://news.example.org/fall", "refutes")
    cite(claim, team, "https://city.example.org/press", "supports")
    return publish(claim, team)
