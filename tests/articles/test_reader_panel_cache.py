"""The reader page's claim panel comes from the shared cache, and is never stale or shared
across languages, roles, workspaces or selections."""

import re

import pytest
from django.urls import reverse

from app.claims import reader
from app.claims.services import claim_update
from tests.factories import claim_on_words

pytestmark = pytest.mark.django_db

PANEL = re.compile(
    r'<aside class="article-side".*?<h2>(?:Snapshots|[^<]*)</h2>\s*<ol class="snapshot-list">', re.S
)
DATA = re.compile(r'<script id="claims-data" type="application/json">.*?</script>', re.S)


@pytest.fixture
def renders(monkeypatch):
    """How many times the panel was rendered rather than taken from the cache."""
    calls = []
    original = reader._render_panel

    def counting(*args, **kwargs):
        calls.append(kwargs.get("selected"))
        return original(*args, **kwargs)

    monkeypatch.setattr(reader, "_render_panel", counting)
    return calls


def _fragments(client, team, article, language="en", **params) -> str:
    url = reverse("article-detail", kwargs={"slug": team.workspace.slug, "pk": article.pk})
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    return PANEL.search(page)[0] + DATA.search(page)[0]


def test_a_cached_panel_is_the_html_rendered_without_the_cache(
    client, team, english_article, renders
):
    claim_on_words(team, english_article.snapshot, "The mayor")
    claim_on_words(team, english_article.snapshot, "ridership rose 12%")
    client.force_login(team.reviewer)
    first = _fragments(client, team, english_article.article)
    second = _fragments(client, team, english_article.article)
    assert len(renders) == 1  # the second read came from the cache
    assert second == first
    assert "ridership rose 12%" in second and 'id="claims-data"' in second


def test_a_claim_change_shows_on_the_next_read(client, team, english_article, renders):
    claim = claim_on_words(team, english_article.snapshot, "The mayor")
    client.force_login(team.reviewer)
    assert "Mayor Smith said so" not in _fragments(client, team, english_article.article)
    claim_update(
        claim=claim, version=claim.version, actor=team.reviewer, restatement="Mayor Smith said so"
    )
    assert "Mayor Smith said so" in _fragments(client, team, english_article.article)
    claim_on_words(team, english_article.snapshot, "ridership rose 12%")
    assert "ridership rose 12%" in _fragments(client, team, english_article.article)
    assert len(renders) == 3


def test_a_claim_change_on_one_article_keeps_the_panel_of_another(
    client, team, english_article, renders
):
    """The panel's version is the article's: a change on A re-renders A only."""
    from app.articles.services import article_import_text
    from app.claims.workflow import claim_start_review

    other = article_import_text(
        workspace=team.workspace,
        text="The minister said unemployment fell by 12% last year.",
        actor=team.reviewer,
    )
    ours = claim_on_words(team, english_article.snapshot, "The mayor")
    theirs = claim_on_words(team, other.snapshot, "unemployment fell")
    client.force_login(team.reviewer)
    a_before = _fragments(client, team, english_article.article)
    b_before = _fragments(client, team, other.article)
    assert len(renders) == 2
    claim_update(
        claim=ours, version=ours.version, actor=team.reviewer, restatement="Mayor Smith said so"
    )
    assert "Mayor Smith said so" in _fragments(client, team, english_article.article)
    assert len(renders) == 3
    assert _fragments(client, team, other.article) == b_before
    assert len(renders) == 3  # B's panel stayed in the cache
    claim_start_review(claim=theirs, version=theirs.version, actor=team.reviewer)
    b_after = _fragments(client, team, other.article)
    assert b_after != b_before and len(renders) == 4
    assert _fragments(client, team, english_article.article) != a_before
    assert len(renders) == 4  # A's panel at its version, untouched by B's change
    claim_on_words(team, other.snapshot, "last year")
    assert "last year</q>" in _fragments(client, team, other.article)
    assert len(renders) == 5


def test_another_language_gets_its_own_panel(client, team, english_article, renders):
    claim_on_words(team, english_article.snapshot, "The mayor")
    client.force_login(team.reviewer)
    english = _fragments(client, team, english_article.article, language="en")
    persian = _fragments(client, team, english_article.article, language="fa")
    assert ">Open<" in english
    assert ">Open<" not in persian and ">باز<" in persian
    assert len(renders) == 2


def test_a_role_that_cannot_annotate_never_gets_the_annotators_panel(
    client, team, english_article, renders
):
    invitation = "Select a passage in the text to make it a claim."
    client.force_login(team.reviewer)
    assert invitation in _fragments(client, team, english_article.article)
    client.force_login(team.viewer)
    assert invitation not in _fragments(client, team, english_article.article)
    client.force_login(team.editor)
    assert invitation in _fragments(client, team, english_article.article)
    assert len(renders) == 2  # the editor shares the reviewer's panel


def test_the_selected_claim_is_marked_only_where_it_was_asked_for(
    client, team, english_article, renders
):
    claim = claim_on_words(team, english_article.snapshot, "The mayor")
    client.force_login(team.reviewer)
    selected = _fragments(client, team, english_article.article, claim=claim.pk)
    plain = _fragments(client, team, english_article.article)
    assert 'aria-current="true"' in selected and 'aria-current="true"' not in plain
    assert renders == [str(claim.pk), ""]


def test_workspaces_never_share_a_panel(client, team, other_team, renders):
    from app.articles.services import article_import_text

    text = "The mayor said ridership rose 12% in 2025."
    ours = article_import_text(workspace=team.workspace, text=text, actor=team.reviewer)
    theirs = article_import_text(
        workspace=other_team.workspace, text=text, actor=other_team.reviewer
    )
    claim_on_words(team, ours.snapshot, "The mayor")
    client.force_login(team.reviewer)
    assert "The mayor</q>" in _fragments(client, team, ours.article)
    client.force_login(other_team.reviewer)
    assert "The mayor</q>" not in _fragments(client, other_team, theirs.article)
    assert len(renders) == 2


# The panel's loop as the template rendered it before `_claim_items` took it over.
TEMPLATE_LOOP = (
    "{% load i18n %}{% for claim in claims %}\n"
    '          <li id="claim-{{ claim.pk }}" data-claim-id="{{ claim.pk }}" '
    'data-start="{{ claim.start }}" data-end="{{ claim.end }}"'
    '{% if selected_claim == claim.pk|stringformat:"s" %} class="selected" '
    'aria-current="true"{% endif %}>\n'
    '            {% include "claims/_status.html" %}\n'
    '            <a class="claim-link" href="{% url \'claim-detail\' slug=workspace.slug '
    'pk=claim.pk %}"><q dir="auto" lang="{{ article.language }}">{{ claim.exact }}</q></a>\n'
    '            {% if claim.restatement %}<p dir="auto">{{ claim.restatement }}</p>{% endif %}\n'
    '            {% if claim.claimant %}<p class="meta" dir="auto">{% blocktranslate with '
    "claimant=claim.claimant %}Claimant: {{ claimant }}{% endblocktranslate %}</p>{% endif %}\n"
    "          </li>\n"
    "        {% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_claim_items_are_the_templates_markup_byte_for_byte(team, english_article, language):
    from django.db.models import Q
    from django.template import engines
    from django.utils import translation

    from app.claims.models import Claim, Rating

    snapshot = english_article.snapshot
    plain = claim_on_words(team, snapshot, "The mayor")
    hostile = claim_on_words(team, snapshot, "ridership rose 12%")
    rating = Rating.objects.filter(workspace=team.workspace).first()
    Claim.objects.filter(pk=hostile.pk).update(
        restatement="<b>\"Rose\" & 'fell'</b> — افزایش",
        claimant="وزیر <script>",
        rating_label=rating.label,
        rating_colour="#b3261e",
        anchor_state="fuzzy",
    )
    claims = list(Claim.objects.filter(Q(pk=plain.pk) | Q(pk=hostile.pk)).order_by("start"))
    article = english_article.article
    with translation.override(language):
        for selected in ("", str(hostile.pk)):
            expected = (
                engines["django"]
                .from_string(TEMPLATE_LOOP)
                .render(
                    {
                        "claims": claims,
                        "workspace": team.workspace,
                        "article": article,
                        "selected_claim": selected,
                    }
                )
            )
            built = reader._claim_items(
                claims, workspace=team.workspace, article=article, selected=selected
            )
            assert "{% load i18n %}" not in expected
            assert built == expected
    assert "&lt;script&gt;" in built and "<script>" not in built


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_reader_pages_forms_from_the_process_cache_are_their_rendering(
    client, team, english_article, language
):
    from django.template.loader import render_to_string
    from django.utils import translation

    from app.articles.services import article_update
    from app.claims.forms import ClaimCreateForm

    article = english_article.article
    reader._unbound_form_html.cache_clear()
    with translation.override(language):
        for form in (
            reader._edit_form(article),
            ClaimCreateForm(initial={"snapshot": english_article.snapshot.pk}),
        ):
            fresh = render_to_string("form_fields.html", {"form": form})
            assert reader.form_fields_html(form) == fresh  # rendered, then kept
            assert reader.form_fields_html(form) == fresh  # from the cache
            assert 'name="' in fresh
    assert reader._unbound_form_html.cache_info().hits == 2
    # The edit form shows the article as it is now: new values are another entry.
    client.force_login(team.reviewer)
    url = reverse("article-detail", kwargs={"slug": team.workspace.slug, "pk": article.pk})
    assert 'value="Ridership report"' in client.get(url).content.decode()
    article_update(article=article, version=article.version, actor=team.reviewer, title="Renamed")
    page = client.get(url).content.decode()
    assert 'value="Renamed"' in page and 'value="Ridership report"' not in page
    # A bound form (errors to show) is never taken from the cache.
    bound = reader.ArticleEditForm({"title": ""})
    assert reader.form_fields_html(bound) is None
