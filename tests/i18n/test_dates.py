"""Dates in the reader's calendar and digits; dates typed in either calendar and digit system.

The browser form here; the API's side is in tests/api/test_dates_api.py. Both end in
the one parser, `app.core.dates.read_date`.
"""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from app.accounts.services import user_preferences_set

DAY = dt.date(2024, 6, 18)  # 29 Khordad 1403
MOMENT = dt.datetime(2024, 6, 18, 14, 5, tzinfo=dt.UTC)
TYPED = ["2024-06-18", "۲۰۲۴-۰۶-۱۸", "1403/03/29", "۱۴۰۳/۰۳/۲۹", "۲۹ خرداد ۱۴۰۳", "18.06.2024"]


class _Person:
    is_authenticated = True

    def __init__(self, calendar: str):
        self.preferred_calendar = calendar


def render(source: str, language: str, calendar: str | None, **values) -> str:
    context = {"value": DAY, "moment": MOMENT, **values}
    if calendar is not None:
        context["user"] = _Person(calendar)
    with translation.override(language):
        return Template("{% load sanad_dates %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "calendar", "shown"),
    [
        ("fa", "jalali", "۲۹ خرداد ۱۴۰۳ (۱۸ ژوئن ۲۰۲۴)"),
        ("fa", "gregorian", "۱۸ ژوئن ۲۰۲۴ (۲۹ خرداد ۱۴۰۳)"),
        ("en", "jalali", "29 Khordad 1403 (2024-06-18)"),
        ("en", "gregorian", "2024-06-18"),
        ("fa", None, "۲۹ خرداد ۱۴۰۳ (۱۸ ژوئن ۲۰۲۴)"),  # signed out, Persian: Solar Hijri
    ],
)
def test_a_fact_check_date_shows_both_calendars_in_persian(language, calendar, shown):
    assert render("{% show_day value both=True %}", language, calendar) == shown


def test_an_ordinary_date_shows_one_calendar():
    assert render("{% show_day value %}", "fa", "jalali") == "۲۹ خرداد ۱۴۰۳"
    assert render("{% show_day value %}", "en", "gregorian") == "2024-06-18"
    assert render("{% show_day missing %}", "en", "gregorian") == "—"


def test_a_moment_has_its_time_in_the_language_digits():
    assert render("{% show_moment moment %}", "fa", "jalali") == "۲۹ خرداد ۱۴۰۳، ۱۴:۰۵"
    assert render("{% show_moment moment %}", "en", "gregorian") == "2024-06-18 14:05"


def test_interface_numbers_use_persian_digits_in_persian_only():
    assert render("{{ n|local_digits }}", "fa", None, n=1403) == "۱۴۰۳"
    assert render("{{ n|local_digits }}", "en", None, n=1403) == "1403"


@pytest.mark.django_db
def test_the_workspace_page_in_persian_keeps_stored_digits(client, team):
    from app.articles.services import article_import_text

    result = article_import_text(
        workspace=team.workspace,
        text="The budget for 2025 rose by 12%.\n",
        title="Budget 2025",
        published_on=DAY,
        actor=team.admin,
    )
    user_preferences_set(user=team.viewer, language="fa", calendar="jalali")
    client.force_login(team.viewer)
    page = client.get(reverse("workspace-home", kwargs={"slug": team.workspace.slug}))
    html = page.content.decode()
    assert "۲۹ خرداد ۱۴۰۳ (۱۸ ژوئن ۲۰۲۴)" in html
    # The title is stored text: its digits stay as written.
    assert ">Budget 2025<" in html
    assert result.article.title == "Budget 2025"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", TYPED)
def test_the_browser_form_reads_either_calendar_in_either_digits(client, team, typed):
    from app.articles.services import article_import_text

    article = article_import_text(
        workspace=team.workspace, text="A claim in an article.\n", title="T", actor=team.admin
    ).article
    client.force_login(team.reviewer)
    url = reverse("article-edit", kwargs={"slug": team.workspace.slug, "pk": article.pk})
    response = client.post(
        url,
        {
            "version": article.version,
            "title": "T",
            "published_on": typed,
            "direction": article.direction,
            "language": article.language,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    article.refresh_from_db()
    assert article.published_on == DAY


@pytest.mark.django_db
def test_the_browser_form_refuses_an_unreadable_date_in_the_page_language(client, team):
    from app.articles.services import article_import_text

    article = article_import_text(
        workspace=team.workspace, text="A claim in an article.\n", title="T", actor=team.admin
    ).article
    client.force_login(team.reviewer)
    url = reverse("article-edit", kwargs={"slug": team.workspace.slug, "pk": article.pk})
    data = {"version": article.version, "title": "T", "published_on": "فردا", "direction": "ltr"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fa")
    assert "تاریخی نیست که سند بتواند بخواند" in response.content.decode()
    article.refresh_from_db()
    assert article.published_on is None
