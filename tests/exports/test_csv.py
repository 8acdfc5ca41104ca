"""The CSV export: one row per claim, proper quoting, BOM on request, no formulas."""

import csv
import io

import pytest
from django.urls import reverse

from app.claims.services import claim_create
from app.exports.records import CSV_COLUMNS, spreadsheet_safe
from tests.conftest import PERSIAN_SAMPLE
from tests.exports.conftest import body

pytestmark = pytest.mark.django_db


def _csv(client, team, **params):
    client.force_login(team.viewer)
    response = client.get(reverse("exports-api-csv"), {"workspace": team.workspace.slug, **params})
    assert response.status_code == 200, response.content
    return response, body(response)


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_a_published_claim_becomes_one_row_with_its_evidence_summarised(
    client, team, published_claim
):
    response, content = _csv(client, team)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    (row,) = _rows(content)
    assert list(row) == CSV_COLUMNS
    assert row["claim_id"] == str(published_claim.pk)
    assert row["exact"] == "ridership rose 12% in 2025"
    assert row["restatement"] == "Ridership rose 12% in 2025."
    assert (row["status"], row["rating"]) == ("published", "False")
    assert row["evidence"] == "1 supports, 2 refutes"
    assert row["source_urls"].split() == [
        "https://stats.example.org/ridership",
        "https://news.example.org/fall",
        "https://city.example.org/press",
    ]
    assert row["tags"] == "transit; numbers"
    assert row["claim_url"].startswith("http://testserver/w/")
    assert row["created_at"].endswith("Z")


def test_the_byte_order_mark_comes_only_when_asked_for(client, team, published_claim):
    _, plain = _csv(client, team)
    _, marked = _csv(client, team, bom="true")
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert marked.startswith(b"\xef\xbb\xbf" + b"claim_id,")
    assert marked[3:] == plain


def test_quotes_commas_and_line_breaks_survive_quoting(client, team, english_article):
    claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=9,
        exact="The mayor",
        restatement='He said "12%", then\nretracted it, twice',
        actor=team.reviewer,
    )
    _, content = _csv(client, team)
    assert b'"He said ""12%"", then\nretracted it, twice"' in content
    (row,) = _rows(content)
    assert row["restatement"] == 'He said "12%", then\nretracted it, twice'


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_cells_that_a_spreadsheet_would_run_get_a_leading_apostrophe(
    client, team, english_article, dangerous
):
    claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=9,
        exact="The mayor",
        restatement=dangerous,
        claimant=dangerous,
        actor=team.reviewer,
    )
    _, content = _csv(client, team)
    (row,) = _rows(content)
    assert row["restatement"] == "'" + dangerous
    assert row["claimant"] == "'" + dangerous


def test_harmless_text_and_numbers_are_left_alone():
    assert spreadsheet_safe("12% rise") == "12% rise"
    assert spreadsheet_safe("وزیر گفت") == "وزیر گفت"
    assert spreadsheet_safe("") == ""


def test_persian_text_round_trips_through_the_csv(client, team, persian_article):
    text = persian_article.snapshot.text
    start = text.index("قرارداد در")
    exact = text[start : start + 30]
    claim_create(
        workspace=team.workspace,
        snapshot=persian_article.snapshot,
        start=start,
        end=start + 30,
        exact=exact,
        restatement="قرارداد\u00a0در ۱۸ ژوئن امضا شد؛ نشست‌ها 🚇",
        tags=["اقتصاد"],
        actor=team.reviewer,
    )
    _, content = _csv(client, team, bom="1")
    (row,) = _rows(content)
    assert PERSIAN_SAMPLE[start : start + 30] == row["exact"] == exact
    assert row["restatement"] == "قرارداد\u00a0در ۱۸ ژوئن امضا شد؛ نشست‌ها 🚇"
    assert row["article_title"] == "قرارداد همکاری"
    assert row["tags"] == "اقتصاد"
