"""Sources in the browser: the list, a source's page, and citing a source from a claim."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from app.audit.models import AuditEvent
from app.claims.evidence import evidence_add
from app.claims.evidence_forms import EvidenceAddForm
from app.claims.models import Evidence
from app.claims.services import claim_create
from app.sources.models import Source
from app.sources.services import source_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_claim(english_article, team):
    """A claim on "ridership rose 12%" in the English article."""
    text = english_article.snapshot.text
    start = text.index("ridership rose 12%")
    return claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=start,
        end=start + len("ridership rose 12%"),
        exact="ridership rose 12%",
        restatement="Ridership rose 12% in 2025.",
        actor=team.reviewer,
    )


def _source(team, url="https://stats.example.org/ridership", **details):
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer, **details)
    return source


def _evidence_url(team, claim):
    return reverse("claim-evidence-add", kwargs={"slug": team.workspace.slug, "pk": claim.pk})


def _claim_page(team, claim):
    return reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})


def _source_page(team, source):
    return reverse("source-detail", kwargs={"slug": team.workspace.slug, "pk": source.pk})


def _form(url="https://stats.example.org/ridership-2025/", **fields):
    return {"url": url, "stance": "refutes", "kind": "dataset", **fields}


# --- the source list and page -------------------------------------------------------------


def test_the_source_page_lists_every_claim_citing_it(client, team, claim, second_claim):
    source = _source(team, title="Ridership 2025", publisher="City Transit")
    evidence_add(claim=claim, source=source, stance="context", actor=team.reviewer)
    evidence_add(
        claim=second_claim, source=source, stance="refutes", quote="up 3%", actor=team.reviewer
    )
    client.force_login(team.viewer)

    page = client.get(_source_page(team, source)).content.decode()

    assert "Claims citing it (2)" in page
    assert f'href="{_claim_page(team, claim)}"' in page
    assert f'href="{_claim_page(team, second_claim)}"' in page
    assert "Ridership rose 12% in 2025." in page  # the restatement names the claim
    assert ">Context</span>" in page and ">Refutes</span>" in page
    assert "up 3%" in page
    assert (
        '<a href="https://stats.example.org/ridership" rel="noopener noreferrer nofollow"' in page
    )


def test_the_source_list_counts_citing_claims_newest_first(client, team, claim, second_claim):
    old = _source(team, "https://example.org/old", title="Old report")
    new = _source(team, "https://example.org/new", title="New report")
    evidence_add(claim=claim, source=old, stance="supports", actor=team.reviewer)
    evidence_add(claim=second_claim, source=old, stance="supports", actor=team.reviewer)
    client.force_login(team.viewer)

    response = client.get(reverse("source-list", kwargs={"slug": team.workspace.slug}))

    sources = list(response.context["page"].object_list)
    assert sources == [new, old]
    assert [source.claim_count for source in sources] == [0, 2]
    page = response.content.decode()
    assert f'href="{_source_page(team, old)}"' in page
    assert 'rel="noopener noreferrer nofollow"' in page


def test_the_source_list_costs_the_same_queries_for_one_source_or_many(
    client, team, claim, second_claim
):
    client.force_login(team.viewer)
    url = reverse("source-list", kwargs={"slug": team.workspace.slug})
    first = _source(team, "https://example.org/0")
    evidence_add(claim=claim, source=first, stance="supports", actor=team.reviewer)
    client.get(url)  # the first visit also records the current workspace in the session
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(1, 6):
        source = _source(team, f"https://example.org/{number}")
        evidence_add(claim=claim, source=source, stance="supports", actor=team.reviewer)
        evidence_add(claim=second_claim, source=source, stance="refutes", actor=team.reviewer)

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(one)


def test_source_pages_of_another_workspace_are_not_found(client, team, other_team):
    source = _source(team)
    client.force_login(other_team.admin)

    assert client.get(_source_page(team, source)).status_code == 404
    assert client.get(reverse("source-list", kwargs={"slug": team.workspace.slug})).status_code == (
        404
    )
    their_slug = reverse(
        "source-detail", kwargs={"slug": other_team.workspace.slug, "pk": source.pk}
    )
    assert client.get(their_slug).status_code == 404


# --- citing a source from a claim ----------------------------------------------------------


def test_a_reviewer_cites_a_new_source_from_the_claim(client, team, claim):
    client.force_login(team.reviewer)

    response = client.post(
        _evidence_url(team, claim),
        _form(
            title="گزارش سواری ۲۰۲۵",
            publisher="City Transit",
            published="٢۹ خرداد ۱۴۰۳",
            archived_url="https://web.archive.org/web/2025/https://stats.example.org/",
            quote="Ridership rose 3%.",
            note="Table 2",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == _claim_page(team, claim) + "#evidence-heading"
    evidence = Evidence.objects.select_related("source").get()
    source = evidence.source
    assert (evidence.claim, evidence.stance, evidence.quote, evidence.note) == (
        claim,
        "refutes",
        "Ridership rose 3%.",
        "Table 2",
    )
    assert (source.title, source.kind, str(source.published_on)) == (
        "گزارش سواری ۲۰۲۵",
        "dataset",
        "2024-06-18",
    )
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["evidence.added", "source.created"]


def test_the_same_address_in_another_form_reuses_the_source(client, team, claim, second_claim):
    client.force_login(team.reviewer)

    client.post(_evidence_url(team, claim), _form("https://stats.example.org/ridership-2025/"))
    client.post(
        _evidence_url(team, second_claim),
        _form("https://STATS.example.org/ridership-2025?utm_source=newsletter#t", title="Other"),
    )

    source = Source.objects.get()
    assert source.url == "https://stats.example.org/ridership-2025/"
    assert sorted(source.evidence.values_list("claim_id", flat=True)) == sorted(
        [claim.pk, second_claim.pk]
    )


@pytest.mark.parametrize(
    ("field", "address"),
    [
        ("url", "javascript:alert(document.cookie)"),
        ("url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
        ("url", "stats.example.org/no-scheme"),
        ("archived_url", "javascript:alert(1)"),
        ("archived_url", "data:text/html,hi"),
    ],
)
def test_addresses_that_are_not_web_links_are_refused_at_their_field(
    client, team, claim, field, address
):
    client.force_login(team.reviewer)
    events_before = AuditEvent.objects.count()

    response = client.post(_evidence_url(team, claim), _form(**{field: address}))

    assert response.status_code == 400
    form = response.context["evidence_form"]
    assert form.errors[field] == ["Enter a full web address starting with http:// or https://."]
    page = response.content.decode()
    assert "Enter a full web address starting with http:// or https://." in page
    assert f'href="{address}"' not in page
    assert not Source.objects.exists() and not Evidence.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_a_missing_stance_or_unreadable_date_is_shown_on_the_form(client, team, claim):
    client.force_login(team.reviewer)

    response = client.post(_evidence_url(team, claim), _form(stance="", published="soon"))

    assert response.status_code == 400
    errors = response.context["evidence_form"].errors
    assert set(errors) == {"stance", "published"}
    assert '<details class="evidence-add" open>' in response.content.decode()
    assert not Source.objects.exists()


def test_citing_a_source_twice_on_one_claim_is_a_conflict_on_the_form(client, team, claim):
    client.force_login(team.reviewer)
    client.post(_evidence_url(team, claim), _form())

    response = client.post(_evidence_url(team, claim), _form(stance="supports"))

    assert response.status_code == 409
    assert "already linked" in response.content.decode()
    assert Evidence.objects.get().stance == "refutes"


def test_a_viewer_cannot_cite_a_source(client, team, claim):
    client.force_login(team.viewer)
    response = client.post(_evidence_url(team, claim), _form())
    assert response.status_code == 403
    assert not Source.objects.exists() and not Evidence.objects.exists()


def test_a_member_of_another_workspace_cannot_cite_on_its_claims(client, team, other_team, claim):
    client.force_login(other_team.reviewer)

    mine = client.post(_evidence_url(team, claim), _form())
    theirs = client.post(
        reverse("claim-evidence-add", kwargs={"slug": other_team.workspace.slug, "pk": claim.pk}),
        _form(),
    )

    assert (mine.status_code, theirs.status_code) == (404, 404)
    assert not Source.objects.exists() and not Evidence.objects.exists()


def test_the_evidence_form_partial_is_folded_and_labelled(rf, team, claim):
    html = render_to_string(
        "sources/_evidence_form.html",
        {"workspace": team.workspace, "claim": claim, "evidence_form": EvidenceAddForm()},
        request=rf.get("/"),
    )
    assert '<details class="evidence-add">' in html and "<summary>Add a source</summary>" in html
    assert f'action="{_evidence_url(team, claim)}"' in html
    for name in ("url", "stance", "quote", "note", "title", "publisher", "published", "kind"):
        assert f'<label for="evidence-{name}">' in html
    assert 'id="evidence-quote"' in html and 'dir="auto"' in html
