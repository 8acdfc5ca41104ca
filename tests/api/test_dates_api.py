"""The API reads dates like the browser: either calendar, either digit system."""

import datetime as dt

import pytest

from app.articles.services import article_import_text
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

DAY = "2024-06-18"  # 29 Khordad 1403
TYPED = ["2024-06-18", "۲۰۲۴-۰۶-۱۸", "1403/03/29", "۱۴۰۳/۰۳/۲۹", "۲۹ خرداد ۱۴۰۳", "18 June 2024"]


@pytest.mark.parametrize("typed", TYPED)
def test_a_source_date_in_either_calendar(as_member, ws_url, typed):
    response = as_member("reviewer").post(
        ws_url("sources/"),
        {"url": "https://stats.example.org/report", "published_on": typed},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["published_on"] == DAY


@pytest.mark.parametrize("typed", ["1403/03/29", "۲۰۲۴-۰۶-۱۸"])
def test_an_article_date_in_either_calendar(as_member, ws_url, team, typed):
    article = article_import_text(
        workspace=team.workspace, text="Some text.\n", title="T", actor=team.admin
    ).article
    response = as_member("reviewer").patch(
        ws_url(f"articles/{article.pk}/"),
        {"published_on": typed},
        format="json",
        HTTP_IF_MATCH=f'"{article.version}"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["published_on"] == DAY


def test_a_list_filter_takes_a_solar_hijri_day(as_member, ws_url, claim):
    reviewer = as_member("reviewer")
    today = dt.date.today()
    typed = "۱۳۰۰/۰۱/۰۱"  # long before any claim: every claim was created after it
    everything = reviewer.get(ws_url("claims/"), {"created_after": typed})
    assert everything.status_code == 200, everything.content
    assert [c["id"] for c in everything.json()["results"]] == [claim.pk]
    later = reviewer.get(
        ws_url("claims/"), {"created_after": (today + dt.timedelta(days=2)).isoformat()}
    )
    assert later.json()["results"] == []


def test_an_unreadable_date_is_a_400_in_the_one_error_shape(as_member, ws_url):
    response = as_member("reviewer").post(
        ws_url("sources/"),
        {"url": "https://stats.example.org/report", "published_on": "tomorrow"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    body = assert_error(response, 400, "invalid", fields=["published_on"])
    assert "تاریخی نیست" in body["fields"]["published_on"][0]
