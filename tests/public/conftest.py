"""A Persian fact-check published on a workspace whose public site is on."""

import pytest

from app.claims.evidence import evidence_add_with_source
from app.claims.models import Claim, Rating
from app.claims.services import claim_create, claim_update, comment_add
from app.claims.workflow import claim_start_review, verdict_approve, verdict_propose
from app.public.services import public_site_update

PHRASE = "قرارداد در ۱۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳) امضا شد"
RESTATEMENT = "قرارداد همکاری در ژوئن ۲۰۲۴ امضا شد"
SUMMARY = "سند رسمی نشان می‌دهد امضا به تعویق افتاد."
COMMENT = "Internal note: call the ministry before publishing."


def enable_site(team, **settings):
    defaults = {
        "enabled": True,
        "base_url": "https://factcheck.example.org/fa/",
        "organization_name": "Sanad Fact Desk",
        "organization_url": "https://desk.example.org/",
        "logo_url": "https://desk.example.org/logo.png",
        "same_as": ["https://social.example/@desk"],
        "default_language": "fa",
    }
    return public_site_update(
        workspace=team.workspace, actor=team.admin, **{**defaults, **settings}
    )


def publish(claim: Claim, team, label: str = "False", summary: str = SUMMARY) -> Claim:
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    rating = Rating.objects.get(workspace=team.workspace, label=label)
    verdict_propose(
        claim=claim, version=claim.version, rating=rating, summary=summary, actor=team.reviewer
    )
    claim.refresh_from_db()
    verdict_approve(claim=claim, version=claim.version, actor=team.editor)
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def site(team):
    return enable_site(team)


@pytest.fixture
def fact_check(team, persian_article, site):
    """Published, with a comment, an assignee and two sources (one archived)."""
    text = persian_article.snapshot.text
    start = text.index(PHRASE)
    claim = claim_create(
        workspace=team.workspace,
        snapshot=persian_article.snapshot,
        start=start,
        end=start + len(PHRASE),
        exact=PHRASE,
        restatement=RESTATEMENT,
        claimant="وزیر خارجه",
        tags=["دیپلماسی"],
        actor=team.reviewer,
    )
    claim = claim_update(
        claim=claim, version=claim.version, actor=team.reviewer, claimant_type="Person"
    )
    evidence_add_with_source(
        claim=claim,
        url="https://agency.example/statement",
        stance="refutes",
        quote="امضا به ماه بعد موکول شد",
        title="بیانیه وزارت",
        archived_url="https://archive.example/agency-statement",
        actor=team.reviewer,
    )
    comment_add(claim=claim, body=COMMENT, actor=team.reviewer)
    return publish(claim, team)
