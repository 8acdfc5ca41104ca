"""The claims page's rows are built in Python (`claim_rows`), byte for byte the markup
the template loop made, for any language, calendar and hostile text."""

import pytest
from django.db.models import Q
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from app.claims.list_views import claim_rows
from app.claims.models import Claim, Rating
from tests.factories import claim_on_words

pytestmark = pytest.mark.django_db

# The loop of templates/claims/list.html as it was before `claim_rows` took it over.
TEMPLATE_LOOP = (
    "{% load i18n sanad_dates %}{% for claim in claims %}\n"
    "          <tr>\n"
    "            <td><a href=\"{% url 'claim-detail' slug=workspace.slug pk=claim.pk %"
    '}" dir="auto" lang="{{ claim.article.language }}">{{ claim.restatement|default:c'
    "laim.exact|truncatechars:140 }}</a></td>\n"
    '            <td>{% include "claims/_status.html" %}</td>\n'
    "            <td><a href=\"{% url 'article-detail' slug=workspace.slug pk=claim.ar"
    'ticle_id %}" dir="auto">{{ claim.article.title|truncatechars:60 }}</a></td>\n'
    '            <td dir="auto">{{ claim.assignee|default:"—" }}</td>\n'
    '            <td>{% for tag in claim.tags %}<span class="badge" dir="auto">{{ tag'
    " }}</span> {% endfor %}</td>\n"
    "            <td><time datetime=\"{{ claim.updated_at|date:'c' }}\">{% show_day cla"
    "im.updated_at %}</time></td>\n"
    "          </tr>\n"
    "        {% endfor %}"
)


@pytest.mark.parametrize("calendar", ["gregorian", "jalali"])
@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_rows_are_the_templates_markup_byte_for_byte(team, english_article, language, calendar):
    snapshot = english_article.snapshot
    plain = claim_on_words(team, snapshot, "The mayor")
    hostile = claim_on_words(team, snapshot, "ridership rose 12%")
    rating = Rating.objects.filter(workspace=team.workspace).first()
    Claim.objects.filter(pk=hostile.pk).update(
        restatement="<b>\"Rose\" & 'fell'</b> — افزایش " * 10,  # longer than 140
        tags=["<i>economy</i>", "اقتصاد"],
        assignee=team.editor,
        rating_label=rating.label,
        rating_colour="#b3261e",
        anchor_state="fuzzy",
    )
    # Decomposed: `truncatechars` gives it back in NFC even when it is short.
    Claim.objects.filter(pk=plain.pk).update(restatement="Cafe\u0301 au lait")
    english_article.article.__class__.objects.filter(pk=english_article.article.pk).update(
        title="<script>alert(1)</script> " + "x" * 80
    )
    team.reviewer.preferred_calendar = calendar
    team.reviewer.save(update_fields=["preferred_calendar"])
    claims = list(
        Claim.objects.filter(Q(pk=plain.pk) | Q(pk=hostile.pk))
        .select_related("article", "assignee")
        .order_by("start")
    )
    request = RequestFactory().get("/")
    request.user = team.reviewer
    with translation.override(language):
        expected = (
            engines["django"]
            .from_string(TEMPLATE_LOOP)
            .render({"claims": claims, "workspace": team.workspace}, request)
        )
        built = claim_rows(claims, workspace=team.workspace, context={"request": request})
    assert "{% load" not in expected and "<time datetime=" in expected
    assert built == expected
    assert "&lt;script&gt;" in built and "<script>" not in built
    assert "Caf\u00e9 au lait" in built
    assert "&lt;i&gt;economy&lt;/i&gt;" in built and str(team.editor) in built


FILTER_LOOP = (
    "{% for field in form %}\n"
    "      <div class=\"filter{% if field.field.widget.input_type == 'checkbox' %} "
    'filter-check{% endif %}">\n'
    '        <label for="{{ field.id_for_label }}">{{ field.label }}</label> {{ field }}\n'
    "      </div>\n"
    "    {% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize(
    "query", ["", "status=in_review&article=1&assigned_to_me=on", "rating=nonsense&sort=x"]
)
def test_the_filter_fields_kept_per_process_are_the_forms_rendering(
    client, team, english_article, language, query
):
    from django.http import QueryDict
    from django.urls import reverse

    from app.articles.services import article_update
    from app.claims import list_views

    list_views._filter_fields_html.cache_clear()
    client.force_login(team.reviewer)
    url = reverse("claim-list", kwargs={"slug": team.workspace.slug})
    for _ in range(2):  # rendered, then from the cache
        page = client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        rating = Rating.objects.filter(workspace=team.workspace).first()
        form = list_views.ClaimFilterForm(
            QueryDict(query) or None,
            ratings=[
                (r.pk, r.label)
                for r in Rating.objects.filter(workspace=team.workspace).order_by("position")
            ],
            members=[
                (m.user_id, str(m.user))
                for m in list_views.assignable_members(user=team.reviewer, workspace=team.workspace)
            ],
            articles=[(english_article.article.pk, english_article.article.title[:80])],
        )
        with translation.override(language):
            expected = engines["django"].from_string(FILTER_LOOP).render({"form": form})
        assert expected in page
        assert f'<option value="{rating.pk}"' in page
    assert list_views._filter_fields_html.cache_info().hits >= 1
    other = "fa" if language == "en" else "en"
    with translation.override(other):
        theirs = engines["django"].from_string(FILTER_LOOP).render({"form": form})
    assert theirs != expected  # the language is part of the key
    assert theirs in client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE=other).content.decode()
    article = english_article.article
    article_update(article=article, version=article.version, actor=team.reviewer, title="Renamed")
    assert ">Renamed</option>" in client.get(f"{url}?{query}").content.decode()
