"""The workspace dashboard: its numbers against values worked out by hand.

Six claims are made, reviewed and published through the services at fixed times
(the clock is set for each step), so every expected figure below can be checked
with a pencil:

    claim  made (2026)    first published   days   tag      ends as
    c1     Mon 5 Jan 09h  Wed 7 Jan 09h     2      transit  corrected (False → Mostly false)
    c2     Tue 6 Jan 10h  Wed 14 Jan 10h    8      transit  published True
    c3     Mon 12 Jan 12h Tue 13 Jan 00h    0.5    health   published False
    c4     Tue 13 Jan     —                        —        in review, assigned to the reviewer
    c5     Tue 20 Jan     — (proposed 21 Jan)      —        verdict proposed, assigned to the editor
    c6     Wed 21 Jan     —                        transit  open, nobody assigned
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from app.claims.models import Claim, Rating
from app.claims.services import claim_create
from app.claims.stats import Filters, dashboard_stats, workspace_tags
from app.claims.workflow import (
    claim_assign,
    claim_start_review,
    verdict_approve,
    verdict_correct,
    verdict_propose,
)
from tests.exports.conftest import cite, publish

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DAY = 86400


class Clock:
    def __init__(self, monkeypatch):
        self.now = dt.datetime(2026, 1, 1, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def at(self, *args):
        self.now = dt.datetime(*args, tzinfo=UTC)


def _claim(team, article, index: int, tags=()):
    text = article.snapshot.text
    word = list(re.finditer(r"\w+", text))[index]
    return claim_create(
        workspace=team.workspace,
        snapshot=article.snapshot,
        start=word.start(),
        end=word.end(),
        exact=word.group(),
        tags=tags,
        actor=team.reviewer,
    )


def _rating(team, label):
    return Rating.objects.get(workspace=team.workspace, label=label)


@pytest.fixture
def desk(team, english_article, monkeypatch):
    clock = Clock(monkeypatch)
    claims = {}

    def made(name, when, index, tags=()):
        clock.at(*when)
        claims[name] = _claim(team, english_article, index, tags)
        cite(claims[name], team, f"https://example.org/{name}", "refutes")

    def published(name, when, label):
        clock.at(*when)
        claims[name] = publish(Claim.objects.get(pk=claims[name].pk), team, label=label)

    made("c1", (2026, 1, 5, 9), 0, ["transit"])
    made("c2", (2026, 1, 6, 10), 1, ["transit"])
    published("c1", (2026, 1, 7, 9), "False")
    made("c3", (2026, 1, 12, 12), 2, ["health"])
    published("c3", (2026, 1, 13, 0), "False")
    made("c4", (2026, 1, 13, 8), 3)
    published("c2", (2026, 1, 14, 10), "True")
    made("c5", (2026, 1, 20, 8), 4)
    made("c6", (2026, 1, 21, 8), 5, ["transit"])

    clock.at(2026, 1, 21, 9)
    c4 = claim_start_review(claim=claims["c4"], version=claims["c4"].version, actor=team.reviewer)
    claim_assign(claim=c4, version=c4.version, assignee=team.reviewer, actor=team.editor)
    c5 = claim_start_review(claim=claims["c5"], version=claims["c5"].version, actor=team.reviewer)
    c5 = claim_assign(claim=c5, version=c5.version, assignee=team.editor, actor=team.editor)
    verdict_propose(
        claim=c5,
        version=c5.version,
        rating=_rating(team, "Mixed"),
        summary="s",
        actor=team.reviewer,
    )
    # A correction of c1 a month later: its first publication stays 7 January.
    clock.at(2026, 2, 1, 9)
    c1 = Claim.objects.get(pk=claims["c1"].pk)
    verdict_correct(
        claim=c1,
        version=c1.version,
        rating=_rating(team, "Mostly false"),
        summary="Revised.",
        correction_note="A newer figure.",
        actor=team.editor,
    )
    c1.refresh_from_db()
    verdict_approve(claim=c1, version=c1.version, actor=team.admin)
    return {name: Claim.objects.get(pk=claim.pk) for name, claim in claims.items()}


def _values(rows):
    return {row.key: row.value for row in rows}


def test_counts_by_status_and_by_verdict(desk, team):
    stats = dashboard_stats(user=team.viewer, workspace=team.workspace)

    assert _values(stats.by_status) == {
        "open": 1,
        "in_review": 1,
        "verdict_proposed": 1,
        "published": 2,
        "corrected": 1,
        "retracted": 0,
    }
    assert stats.total == 6
    # In the scale's order: True, Mostly false, False.
    assert [(row.label, row.value) for row in stats.by_verdict] == [
        ("True", 1),
        ("Mostly false", 1),
        ("False", 1),
    ]
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", row.colour) for row in stats.by_verdict)


def test_published_per_week_counts_first_publications_on_mondays(desk, team):
    stats = dashboard_stats(user=team.viewer, workspace=team.workspace)

    # c1 in the week of 5 January; c3 and c2 in the week of 12 January. c1's
    # correction (1 February) is not a second publication.
    assert _values(stats.per_week) == {"2026-01-05": 1, "2026-01-12": 2}


def test_median_time_from_claim_to_first_published_verdict(desk, team):
    stats = dashboard_stats(user=team.viewer, workspace=team.workspace)

    # Median of 2, 8 and 0.5 days.
    assert stats.time_to_publish.median == dt.timedelta(days=2)
    assert stats.time_to_publish.count == 3


def test_open_work_per_person_and_the_oldest_waiting_proposal(desk, team):
    stats = dashboard_stats(user=team.viewer, workspace=team.workspace)

    work = {(p.user_id, p.open, p.in_review, p.verdict_proposed) for p in stats.open_work}
    assert work == {
        (team.reviewer.pk, 0, 1, 0),
        (team.editor.pk, 0, 0, 1),
        (None, 1, 0, 0),
    }
    assert [v.claim_id for v in stats.oldest_proposals] == [desk["c5"].pk]


def test_a_tag_filters_every_figure(desk, team):
    stats = dashboard_stats(
        user=team.viewer, workspace=team.workspace, filters=Filters(tag="transit")
    )

    assert stats.total == 3
    assert _values(stats.by_status)["open"] == 1
    assert _values(stats.per_week) == {"2026-01-05": 1, "2026-01-12": 1}
    # Median of 2 and 8 days.
    assert stats.time_to_publish.median == dt.timedelta(days=5)
    assert stats.oldest_proposals == []


def test_a_date_range_selects_claims_made_and_verdicts_first_published_in_it(desk, team):
    stats = dashboard_stats(
        user=team.viewer,
        workspace=team.workspace,
        filters=Filters(since=dt.date(2026, 1, 12), until=dt.date(2026, 1, 20)),
    )

    # Made 12–20 January: c3, c4, c5.
    assert stats.total == 3
    assert _values(stats.by_status)["published"] == 1
    # First published 12–20 January: c3 (0.5 days) and c2 (8 days).
    assert stats.time_to_publish.median == dt.timedelta(days=4, hours=6)
    assert stats.time_to_publish.count == 2
    # The chart covers the whole range, with the empty week of 19 January.
    assert _values(stats.per_week) == {"2026-01-12": 2, "2026-01-19": 0}


def test_another_workspace_counts_nothing_here(desk, team, other_team):
    stats = dashboard_stats(user=other_team.admin, workspace=team.workspace)
    assert stats.total == 0 and stats.per_week == [] and stats.open_work == []


def test_each_figure_is_one_query(desk, team, django_assert_max_num_queries):
    # Statuses, verdicts, weeks, median, open work, proposals and membership checks.
    with django_assert_max_num_queries(12):
        dashboard_stats(user=team.viewer, workspace=team.workspace)


def test_tags_are_listed_once_each(desk, team):
    assert workspace_tags(user=team.viewer, workspace=team.workspace) == ["health", "transit"]


def test_the_page_shows_charts_tables_and_filters(desk, team, client):
    client.force_login(team.viewer)
    url = reverse("workspace-dashboard", kwargs={"slug": team.workspace.slug})

    response = client.get(url, {"tag": "transit"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="chart"') == 3
    assert 'id="table-status"' in html and 'id="table-open-work"' in html
    assert "5 d 0 h" in html  # the median, in words


def test_a_reversed_date_range_is_refused_with_a_message(desk, team, client):
    client.force_login(team.viewer)
    url = reverse("workspace-dashboard", kwargs={"slug": team.workspace.slug})

    response = client.get(url, {"since": "2026-02-01", "until": "2026-01-01"})

    assert response.status_code == 200
    assert "after its end" in response.content.decode()
    assert response.context["filters"] == Filters()


def test_persian_dates_in_the_filter_are_read(desk, team, client):
    client.force_login(team.viewer)
    url = reverse("workspace-dashboard", kwargs={"slug": team.workspace.slug})

    # ۲۲ دی ۱۴۰۴ is 12 January 2026.
    response = client.get(url, {"since": "۲۲ دی ۱۴۰۴"})

    assert response.context["filters"].since == dt.date(2026, 1, 12)


def test_weeks_read_in_the_readers_calendar_and_digits(desk, team, client):
    team.viewer.language = "fa"
    team.viewer.preferred_calendar = "jalali"
    team.viewer.save(update_fields=["language", "preferred_calendar"])
    client.force_login(team.viewer)
    url = reverse("workspace-dashboard", kwargs={"slug": team.workspace.slug})

    html = client.get(url).content.decode()

    # The week of Monday 12 January 2026 is the week of ۲۲ دی ۱۴۰۴; Monday 5 January is ۱۵ دی.
    assert "۲۲ دی ۱۴۰۴" in html and "۱۵ دی ۱۴۰۴" in html
    assert ">2026-01-12<" not in html and ">01-12<" not in html
    # The chart's ticks drop the year; the table beside keeps it.
    assert ">۲۲ دی<" in html
