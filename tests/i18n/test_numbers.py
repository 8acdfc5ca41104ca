"""Numbers of the interface in the page language's digits; stored text keeps its own."""

import pytest
from django.urls import reverse

from app.accounts.services import user_preferences_set
from app.articles.services import article_import_text
from app.claims.services import claim_create

pytestmark = pytest.mark.django_db

TEXT = "وزیر گفت تورم ۱۲٪ است و 25 درصد کالاها گران شد.\n"


def _claim_page(client, team, language):
    snapshot = article_import_text(
        workspace=team.workspace, text=TEXT, title="Prices 2025", actor=team.admin
    ).snapshot
    exact = "25 درصد کالاها"
    start = TEXT.index(exact)
    claim = claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=start + len(exact),
        exact=exact,
        actor=team.reviewer,
    )
    user_preferences_set(user=team.viewer, language=language, calendar="jalali")
    client.force_login(team.viewer)
    url = reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    return claim, client.get(url).content.decode()


def test_the_claim_page_in_persian_counts_in_persian_digits(client, team):
    claim, html = _claim_page(client, team, "fa")

    digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    where = f"{claim.start}–{claim.end}".translate(digits)
    assert where in html
    assert f"{claim.start}–{claim.end}" not in html
    # The quote is stored text: its ASCII digits stay as the article wrote them.
    assert "25 درصد کالاها" in html


def test_the_claim_page_in_english_keeps_ascii_digits(client, team):
    claim, html = _claim_page(client, team, "en")

    assert f"{claim.start}–{claim.end}" in html
