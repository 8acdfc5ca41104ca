"""The claims list (API), the reader page and the claim page make as many queries for
twenty items as for one: nothing is read per row."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from app.articles.services import article_import_text
from app.claims.models import ArticleClaimsVersion, Evidence
from app.claims.services import claim_create, comment_add
from app.sources.captures import capture_upload
from tests.exports.conftest import cite, publish

pytestmark = pytest.mark.django_db

WORDS = [f"w{n}" for n in range(40)]


def _article(team, title):
    return article_import_text(
        workspace=team.workspace, text=" ".join(WORDS), title=title, actor=team.reviewer
    )


def _claims(team, imported, count):
    text = imported.snapshot.text
    made = []
    for number in range(count):
        start = text.index(WORDS[number])
        made.append(
            claim_create(
                workspace=team.workspace,
                snapshot=imported.snapshot,
                start=start,
                end=start + len(WORDS[number]),
                exact=WORDS[number],
                tags=[f"t{number}"],
                actor=team.reviewer,
            )
        )
    # A published verdict (its rating) and a second author on some rows.
    cite(made[0], team, f"https://example.org/published/{made[0].pk}", "refutes")
    publish(made[0], team)
    return made


def _count(get) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


def test_the_api_claims_list(as_member, ws_url, team):
    one, twenty = _article(team, "One"), _article(team, "Twenty")
    _claims(team, one, 1)
    _claims(team, twenty, 20)
    client = as_member("viewer")
    client.get(ws_url())  # the token's first use
    counts = [
        _count(lambda article=article: client.get(ws_url(f"claims/?article={article.pk}")))
        for article in (one.article, twenty.article)
    ]
    assert counts[0] == counts[1]
    assert len(client.get(ws_url(f"claims/?article={twenty.article.pk}")).json()["results"]) == 20


def test_the_claims_page(client, team):
    """The HTML claims list reads only a row's fields: none is loaded per row later."""
    from app.claims.workflow import claim_assign

    one, twenty = _article(team, "One"), _article(team, "Twenty")
    _claims(team, one, 1)
    made = _claims(team, twenty, 20)
    for claim in made[1:4]:
        claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.reviewer)
    client.force_login(team.reviewer)

    def page(article):
        url = reverse("claim-list", kwargs={"slug": team.workspace.slug})
        return client.get(url, {"article": article.pk})

    page(one.article)  # the session's first request
    assert _count(lambda: page(one.article)) == _count(lambda: page(twenty.article))
    assert page(twenty.article).content.decode().count("<tr>") == 21  # the head and 20


def test_the_reader_page(client, team):
    one, twenty = _article(team, "One"), _article(team, "Twenty")
    _claims(team, one, 1)
    _claims(team, twenty, 20)
    client.force_login(team.reviewer)

    def page(article):
        return client.get(
            reverse("article-detail", kwargs={"slug": team.workspace.slug, "pk": article.pk})
        )

    def cold(article):
        # A claim change on the article: the claim panel is rendered again, not cached.
        ArticleClaimsVersion.objects.filter(article=article).update(version=F("version") + 1)
        return page(article)

    page(one.article)  # the session's first request
    assert _count(lambda: cold(one.article)) == _count(lambda: cold(twenty.article))
    page(one.article), page(twenty.article)  # both panels cached at this version
    assert _count(lambda: page(one.article)) == _count(lambda: page(twenty.article))


def test_the_claim_page(client, team):
    imported = _article(team, "Claims")
    _, few, many = _claims(team, imported, 3)  # two alike: not the published one
    for claim, count in ((few, 1), (many, 20)):
        for number in range(count):
            cite(claim, team, f"https://example.org/{claim.pk}/{number}", "supports")
            if number % 2:  # captured sources and not yet captured ones
                capture_upload(
                    workspace=team.workspace,
                    data=b"%PDF-1.7\n%a capture\n",
                    file_name="a.pdf",
                    source=Evidence.objects.filter(claim=claim).latest("id").source,
                    actor=team.reviewer,
                )
            comment_add(claim=claim, body=f"note {number}", actor=team.editor)
    client.force_login(team.reviewer)

    def page(claim):
        return client.get(
            reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
        )

    page(few)
    assert _count(lambda: page(few)) == _count(lambda: page(many))
    assert page(many).content.count(b"view capture") >= 10


def test_the_claim_page_reads_each_pending_proposal_once(client, team):
    imported = _article(team, "Claims")
    claim = _claims(team, imported, 1)[0]
    client.force_login(team.editor)
    url = reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    proposals = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(('SELECT "claims_verdict".', 'SELECT "claims_retraction".'))
        and "state\" = 'proposed'" in q["sql"]
        and "NOT (" not in q["sql"]  # the verdict history lists the others
    ]
    # The workflow's rule book and the page share one read of each pending proposal.
    assert len(proposals) == 2, proposals
