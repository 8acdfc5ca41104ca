"""Correcting an article's details, and seeing a re-import's changes before they land."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from app.articles.models import Article, Snapshot
from app.articles.services import article_import_text, article_update
from app.audit.models import AuditEvent
from app.audit.selectors import events_for_claim
from app.claims.services import claim_create
from app.core.errors import PermissionDenied, StaleVersion
from tests.exports.conftest import body, cite, publish

pytestmark = pytest.mark.django_db


def test_every_detail_can_be_corrected_in_one_audited_event(persian_article, team):
    article = persian_article.article
    updated = article_update(
        article=article,
        version=article.version,
        title="  قرارداد   همکاری دو کشور ",
        url="  https://example.org/fa/agreement-2 ",
        outlet="خبرگزاری نمونه",
        author="مریم",
        published_on=dt.date(2024, 6, 18),
        language="FA",
        direction="rtl",
        actor=team.reviewer,
    )
    assert (updated.title, updated.url, updated.language, updated.version) == (
        "قرارداد همکاری دو کشور",
        "https://example.org/fa/agreement-2",
        "fa",
        2,
    )
    event = AuditEvent.objects.filter(action="article.updated").get()
    assert event.before["title"] == "قرارداد همکاری" and event.before["version"] == 1
    assert event.after["published_on"] == "2024-06-18" and event.after["version"] == 2
    assert "direction" not in event.after  # unchanged details are not in the event


def test_nothing_changed_writes_nothing(persian_article, team):
    article = persian_article.article
    article_update(article=article, version=1, title=article.title, actor=team.reviewer)
    assert not AuditEvent.objects.filter(action="article.updated").exists()


def test_bad_details_are_refused_field_by_field(persian_article, english_article, team):
    other = Article.objects.get(pk=english_article.article.pk)
    article_update(
        article=other, version=1, url="https://example.org/en/report", actor=team.reviewer
    )
    with pytest.raises(ValidationError) as caught:
        article_update(
            article=persian_article.article,
            version=1,
            title="   ",
            url="https://example.org/en/report",
            direction="up",
            language="fa fa",
            actor=team.reviewer,
        )
    assert set(caught.value.message_dict) == {"title", "url", "direction", "language"}
    assert Article.objects.get(pk=persian_article.article.pk).version == 1


def test_a_stale_version_and_a_viewer_are_refused(persian_article, team):
    article = persian_article.article
    article_update(article=article, version=1, author="A", actor=team.reviewer)
    with pytest.raises(StaleVersion):
        article_update(article=article, version=1, author="B", actor=team.reviewer)
    with pytest.raises(PermissionDenied):
        article_update(article=article, version=2, author="B", actor=team.viewer)


def test_a_published_claim_shows_the_edit_and_its_claimreview_follows_the_article(
    client, english_article, team
):
    snapshot = english_article.snapshot
    claim = claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=4,
        end=9,
        exact="mayor",
        restatement="The mayor said it.",
        actor=team.reviewer,
    )
    cite(claim, team, "https://example.org/doc", "refutes")
    claim = publish(claim, team)
    article_update(
        article=english_article.article,
        version=1,
        title="Ridership report (corrected)",
        outlet="City Desk",
        actor=team.editor,
    )
    history = [event.action for event in events_for_claim(user=team.viewer, claim=claim)]
    assert history[-1] == "article.updated"
    client.force_login(team.viewer)
    response = client.get(reverse("exports-api-claimreview"), {"workspace": team.workspace.slug})
    (review,) = json.loads(body(response))
    appearance = review["itemReviewed"]["appearance"]
    assert appearance["headline"] == "Ridership report (corrected)"
    assert appearance["publisher"]["name"] == "City Desk"


def test_the_browser_form_takes_a_solar_hijri_date(client, persian_article, team):
    article = persian_article.article
    client.force_login(team.reviewer)
    url = reverse("article-edit", kwargs={"slug": team.workspace.slug, "pk": article.pk})
    form = {
        "version": 1,
        "title": article.title,
        "url": article.url,
        "outlet": "",
        "author": "",
        "published_on": "۲۹ خرداد ۱۴۰۳",
        "language": "fa",
        "direction": "rtl",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_on == dt.date(2024, 6, 18)
    bad = client.post(url, {**form, "version": 2, "title": "", "published_on": "someday"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "This field is required" in page and "not a date Sanad can read" in page


REVISED = (
    "The mayor said ridership rose 12% in 2025.\n\n"
    "A post read: “Best commute ever 🚇” and drew 5,000 replies.\n"
)


def _claim_on(imported, team, exact):
    text = imported.snapshot.text
    start = text.index(exact)
    return claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=start,
        end=start + len(exact),
        exact=exact,
        actor=team.reviewer,
    )


def _import(team, text, **kwargs):
    return article_import_text(
        workspace=team.workspace,
        text=text,
        title="Ridership",
        url="https://example.org/ridership",
        actor=team.reviewer,
        **kwargs,
    )


FIRST = (
    "The mayor said ridership rose 12% in 2025.\n\n"
    "A post read: “Best commute ever 🚇” and drew 4,000 replies.\n\n"
    "Officials declined to comment on the figures.\n"
)


def test_a_changed_reimport_can_be_previewed_without_writing_anything(team):
    first = _import(team, FIRST)
    _claim_on(first, team, "ridership rose 12%")
    _claim_on(first, team, "drew 4,000 replies")
    _claim_on(first, team, "Officials declined to comment")
    events = AuditEvent.objects.count()

    preview = _import(team, REVISED, confirm_changes=False)

    assert preview.awaiting_confirmation and not preview.created_snapshot
    assert preview.change.claims == {"anchored": 1, "fuzzy": 1, "orphaned": 1}
    kinds = {kind for kind, _ in preview.change.lines}
    assert kinds == {"same", "removed", "added"}
    assert ("removed", "Officials declined to comment on the figures.") in preview.change.lines
    assert Snapshot.objects.filter(article=first.article).count() == 1
    assert AuditEvent.objects.count() == events

    done = _import(team, REVISED)
    assert done.created_snapshot and done.reanchored == preview.change.claims
    unchanged = _import(team, REVISED, confirm_changes=False)
    assert unchanged.unchanged and unchanged.change is None


def test_the_browser_asks_before_adding_a_changed_version(client, team):
    _import(team, "The mayor said ridership rose 12% in 2025.\n")
    client.force_login(team.reviewer)
    url = reverse("article-import", kwargs={"slug": team.workspace.slug}) + "?mode=text"
    form = {"text": REVISED, "url": "https://example.org/ridership", "action": "import"}
    asked = client.post(url, form)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "new version of an article you already have" in page and "Add the new version" in page
    assert "5,000 replies" in page
    assert Snapshot.objects.filter(workspace=team.workspace).count() == 1
    confirmed = client.post(url, {**form, "confirm_changes": "1"})
    assert confirmed.status_code == 302
    assert Snapshot.objects.filter(workspace=team.workspace).count() == 2


def test_the_browser_carries_an_uploaded_page_through_the_confirmation(client, team):
    client.force_login(team.reviewer)
    url = reverse("article-import", kwargs={"slug": team.workspace.slug}) + "?mode=html"
    page = "<html><head><title>Bus</title></head><body><article><p>{}</p></article></body></html>"
    first = "The city said bus ridership rose sharply in the spring of 2025, by twelve percent."
    second = "The city said bus ridership rose slightly in the spring of 2025, by two percent."
    common = {"url": "https://example.org/bus", "action": "import"}
    client.post(url, {**common, "html": page.format(first)})
    asked = client.post(url, {**common, "html": page.format(second).encode("cp1252").decode()})
    assert asked.status_code == 200 and "page_base64" in asked.content.decode()
    carried = asked.context["carried_page"]
    confirmed = client.post(
        url, {**common, "confirm_changes": "1", "page_base64": carried, "page_charset": "utf-8"}
    )
    assert confirmed.status_code == 302
    latest = Snapshot.objects.filter(workspace=team.workspace).order_by("-number").first()
    assert latest.number == 2 and "two percent" in latest.text
