"""Issue 16: requests that used to answer 500 answer 400 in the API's error shape."""

import pytest

from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_to_the_claims_api_is_a_400(as_member, ws_url):
    client = as_member("reviewer")
    body = "[" * 100_000 + "]" * 100_000
    response = client.generic("POST", ws_url("claims/"), body, content_type="application/json")
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize("field", ["from_seq", "to_seq"])
def test_a_sequence_number_beyond_2_to_the_53_is_a_field_error_in_the_api(team, as_member, field):
    client = as_member("viewer")
    response = client.get(
        "/api/v1/audit/export/", {"workspace": team.workspace.slug, field: 2**53 + 1}
    )
    assert_error(response, 400, "invalid", fields=[field])


def test_a_sequence_number_beyond_2_to_the_53_is_a_form_error_in_the_browser(team, client):
    client.force_login(team.viewer)
    response = client.post(
        f"/w/{team.workspace.slug}/audit/export/", {"format": "jsonl", "from_seq": 2**60}
    )
    assert response.status_code == 400
    assert "from_seq" in response.context["export_form"].errors


def test_the_api_reads_published_on_in_any_form_the_browser_form_accepts(team, as_member, ws_url):
    client = as_member("reviewer")
    response = client.post(
        ws_url("articles/"),
        {"text": "The council met.", "published_on": "۲۹ خرداد ۱۴۰۳"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["article"]["published_on"] == "2024-06-18"


def test_the_api_flags_an_ambiguous_day_and_month_with_both_readings(as_member, ws_url):
    response = as_member("reviewer").post(
        ws_url("articles/"),
        {"text": "The council met.", "published_on": "05.09.2025"},
        format="json",
    )
    assert response.status_code == 400
    message = " ".join(response.json()["error"]["fields"]["published_on"])
    assert "5 September 2025" in message and "9 May 2025" in message


def test_the_import_result_carries_the_dates_found_and_the_repairs(as_member, ws_url):
    response = as_member("reviewer").post(
        ws_url("articles/"),
        {"text": "Tehran, 2024-06-18\nThe council met.", "published_on": ""},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["warnings"] == []
    assert body["date_candidates"][0]["date"] == "2024-06-18"
    assert body["date_candidates"][0]["where"] == "text"
    assert body["article"]["published_on"] is None
