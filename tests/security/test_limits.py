"""Request size limits: oversized bodies get 413 with a reason, and nothing is written."""

import pytest
from django.conf import settings
from django.urls import reverse

from app.articles.models import Article
from app.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_oversized_import_is_refused_with_413_before_anything_is_read(client, team):
    client.force_login(team.reviewer)
    events = AuditEvent.objects.count()
    url = reverse("article-import", kwargs={"slug": team.workspace.slug}) + "?mode=text"
    body = "x" * (settings.SANAD_MAX_REQUEST_BYTES + 1)
    response = client.post(url, {"text": body, "action": "import"})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Sanad accepts at most" in page and f"{settings.SANAD_MAX_REQUEST_BYTES:,}" in page
    assert Article.objects.count() == 0 and AuditEvent.objects.count() == events


def test_the_api_answers_413_in_its_error_shape(client, team):
    client.force_login(team.reviewer)
    response = client.generic(
        "POST",
        "/api/v1/articles/",
        "x" * (settings.SANAD_MAX_REQUEST_BYTES + 10),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_article_larger_than_the_import_limit_but_within_the_request_limit_gets_400(
    client, team
):
    client.force_login(team.reviewer)
    url = reverse("article-import", kwargs={"slug": team.workspace.slug}) + "?mode=text"
    text = "ب" * (settings.SANAD_IMPORT_MAX_BYTES // 2 + 10)  # 2 bytes each in UTF-8
    response = client.post(url, {"text": text, "action": "import"})
    assert response.status_code in (200, 400)  # the form again, with the field's error
    assert f"the limit is {settings.SANAD_IMPORT_MAX_BYTES:,} bytes" in response.content.decode()
    assert Article.objects.count() == 0
