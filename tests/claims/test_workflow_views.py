"""The workflow in the browser: only the buttons a person may use, and the server agrees."""

import pytest
from django.db import connection
from django.urls import reverse

from app.claims.evidence import evidence_add
from app.claims.models import Claim, Rating
from app.claims.workflow import claim_start_review, verdict_propose
from app.sources.services import source_add
from tests.db_roles import as_owner

pytestmark = pytest.mark.django_db


def _page(client, team, claim):
    return client.get(reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}))


def _post(client, team, claim, action, **data):
    url = reverse(
        "claim-transition", kwargs={"slug": team.workspace.slug, "pk": claim.pk, "action": action}
    )
    return client.post(
        url, {"version": Claim.objects.get(pk=claim.pk).version, **data}, follow=True
    )


@pytest.fixture
def proposed(claim, team):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/s", actor=team.reviewer
    )
    evidence_add(claim=claim, source=source, stance="refutes", actor=team.reviewer)
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    verdict_propose(
        claim=claim,
        version=claim.version,
        rating=Rating.objects.get(workspace=team.workspace, label="False"),
        summary="Ridership fell.",
        actor=team.reviewer,
    )
    return Claim.objects.get(pk=claim.pk)


def test_the_proposer_sees_no_approve_button_and_the_server_refuses_anyway(client, team, proposed):
    client.force_login(team.reviewer)
    assert b"Approve and publish" not in _page(client, team, proposed).content
    response = _post(client, team, proposed, "approve")
    assert response.status_code == 403
    assert Claim.objects.get(pk=proposed.pk).status == "verdict_proposed"


def test_an_editor_approves_and_the_verdict_shows(client, team, proposed):
    client.force_login(team.editor)
    assert b"Approve and publish" in _page(client, team, proposed).content
    response = _post(client, team, proposed, "approve")
    page = response.content.decode()
    assert "Verdict approved and published." in page
    assert "Published" in page and "False" in page
    assert Claim.objects.get(pk=proposed.pk).status == "published"


def test_viewers_see_no_workflow_controls(client, team, claim):
    client.force_login(team.viewer)
    page = _page(client, team, claim).content.decode()
    for label in ("Start review", "Propose a verdict", "Assign to"):
        assert label not in page
    assert _post(client, team, claim, "start-review").status_code == 403


def test_a_stale_action_shows_the_conflict_message(client, team, claim):
    client.force_login(team.reviewer)
    url = reverse(
        "claim-transition",
        kwargs={"slug": team.workspace.slug, "pk": claim.pk, "action": "start-review"},
    )
    client.post(url, {"version": 1})
    response = client.post(url, {"version": 1}, follow=True)
    assert "changed since you opened it" in response.content.decode()


def test_proposing_without_evidence_shows_the_rule(client, team, claim):
    client.force_login(team.reviewer)
    _post(client, team, claim, "start-review")
    rating = Rating.objects.get(workspace=team.workspace, label="True")
    page = _post(client, team, claim, "propose", rating=rating.pk, summary="s").content.decode()
    assert "Link at least one source" in page
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_claims_list_filters_and_pins_its_query_count(
    client, team, english_article, django_assert_num_queries
):
    from app.claims.services import claim_create

    text = english_article.snapshot.text
    for n, word in enumerate(["The", "mayor", "said", "ridership", "rose"]):
        start = text.index(word)
        claim = claim_create(
            workspace=team.workspace,
            snapshot=english_article.snapshot,
            start=start,
            end=start + len(word),
            exact=word,
            tags=["transit"] if n % 2 else [],
            actor=team.reviewer,
        )
        if n == 0:
            claim_start_review(claim=claim, version=1, actor=team.editor)
    client.force_login(team.editor)
    url = reverse("claim-list", kwargs={"slug": team.workspace.slug})
    assert client.get(url).context["page"].paginator.count == 5
    assert client.get(url, {"tag": "transit"}).context["page"].paginator.count == 2
    assert client.get(url, {"status": "in_review"}).context["page"].paginator.count == 1
    mine = client.get(url, {"assigned_to_me": "on"}).context["page"]
    assert [c.exact for c in mine] == ["The"]
    client.get(url)
    with django_assert_num_queries(10):
        client.get(url, {"sort": "created"})


def test_waiting_for_my_approval_lists_proposals_by_others(client, team, proposed):
    url = reverse("claim-list", kwargs={"slug": team.workspace.slug})
    client.force_login(team.editor)
    assert [c.pk for c in client.get(url, {"awaiting_my_approval": "on"}).context["page"]] == [
        proposed.pk
    ]
    client.force_login(team.reviewer)  # the proposer, and not an editor: nothing waits for them
    assert list(client.get(url, {"awaiting_my_approval": "on"}).context["page"]) == []


@pytest.mark.slow
def test_claims_list_with_ten_thousand_claims_keeps_the_same_query_count(
    client, team, django_assert_num_queries
):
    from app.articles.services import article_import_text

    # The 10,000 claims share the 200 words of one short text: the anchor trigger then
    # reads a small row per insert instead of a 60 kB one, and the count of claims,
    # which is what the page must not grow its queries with, stays the same. Claim 0
    # is made by the ORM; the database copies it 9,999 times in one INSERT, varying
    # the anchor, status, tags and assignee as the n-th claim of the mix.
    words = [f"w{n}" for n in range(200)]
    snapshot = article_import_text(
        workspace=team.workspace, text=" ".join(words), actor=team.reviewer
    ).snapshot
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    first = Claim.objects.create(
        workspace=team.workspace,
        article_id=snapshot.article_id,
        snapshot=snapshot,
        start=0,
        end=2,
        exact="w0",
        status="open",
        assignee=team.reviewer,
    )
    varied = {
        "start": "(%(starts)s::int[])[n %% 200 + 1]",
        "end": "(%(starts)s::int[])[n %% 200 + 1] + length('w' || (n %% 200))",
        "exact": "'w' || (n %% 200)",
        "status": "CASE WHEN n %% 3 = 0 THEN 'open' ELSE 'in_review' END",
        "tags": "CASE WHEN n %% 2 = 1 THEN ARRAY['bulk'] ELSE '{}' END::varchar(64)[]",
        "assignee_id": "CASE WHEN n %% 5 = 0 THEN %(reviewer)s END",
    }
    columns = [f.column for f in Claim._meta.concrete_fields if f.column != "id"]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join(varied.get(c, quote(c)) for c in columns)
    # The list reads no search entry (claims sits below search): as the tables' owner the
    # copy goes in with the search index's row trigger off, inside this test's
    # transaction (pending foreign-key checks first: a table with them cannot be altered).
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE claims_claim DISABLE TRIGGER search_claim_sync")
        cursor.execute(  # names from the model, values as parameters
            f"INSERT INTO claims_claim ({names}) SELECT {values} "  # noqa: S608
            "FROM claims_claim, generate_series(1, 9999) AS n WHERE id = %(first)s",
            {"starts": starts, "reviewer": team.reviewer.pk, "first": first.pk},
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE claims_claim ENABLE TRIGGER search_claim_sync")
    assert Claim.objects.filter(workspace=team.workspace).count() == 10_000
    client.force_login(team.editor)
    url = reverse("claim-list", kwargs={"slug": team.workspace.slug})
    client.get(url)
    for params in ({}, {"status": "in_review", "tag": "bulk"}, {"assignee": team.reviewer.pk}):
        with django_assert_num_queries(10):
            response = client.get(url, {**params, "page": 3})
        assert len(response.context["page"].object_list) == 50
