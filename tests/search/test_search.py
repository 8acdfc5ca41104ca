import pytest
from django.urls import reverse

from app.claims.services import claim_update, comment_add
from app.search.selectors import search
from app.sources.services import source_add
from tests.search.helpers import article, claim_on


def error_fields(response) -> set[str]:
    """Field names of a 400, in the API's one error shape."""
    body = response.json()
    return {name.split(".")[0] for name in body.get("error", {}).get("fields", body)}


def kinds_and_ids(page):
    return [(hit.kind, hit.object_id) for hit in page.hits]


def found(team, query, **filters):
    return kinds_and_ids(search(user=team.viewer, query=query, **filters))


@pytest.mark.django_db
class TestPersian:
    def test_persian_digits_find_arabic_indic_digits(self, team, persian_article):
        # The article says "٢۹ خرداد" (Arabic-Indic 2, Persian 9).
        assert ("article", persian_article.article.pk) in found(team, "۲۹ خرداد")

    def test_digit_systems_match_either_way(self, team):
        imported = article(team, "قرارداد در ١۸ ژوئن امضا شد.")
        assert ("article", imported.article.pk) in found(team, "۱۸ ژوئن")
        assert ("article", imported.article.pk) in found(team, "18 ژوئن")

    def test_zwnj_spelling_finds_the_word_written_without_it(self, team, persian_article):
        # The sample writes "گفتوگو" without the zero-width non-joiner.
        assert ("article", persian_article.article.pk) in found(team, "گفت‌وگو")

    def test_word_written_with_zwnj_is_found_without_it(self, team):
        imported = article(team, "نشست‌های دو کشور ادامه دارد.")
        assert ("article", imported.article.pk) in found(team, "نشستهای")

    def test_arabic_yeh_and_kaf_match_persian_letters(self, team):
        imported = article(team, "اين كتاب را علي نوشت.", title="كتاب")
        assert ("article", imported.article.pk) in found(team, "کتاب علی")

    def test_prefix_of_a_persian_word_matches(self, team, persian_article):
        assert ("article", persian_article.article.pk) in found(team, "طولانی")
        assert ("article", persian_article.article.pk) in found(team, "قرارد")

    def test_persian_punctuation_does_not_glue_to_words(self, team):
        imported = article(team, "او گفت، «پیمان» امضا شد؛ همین.")
        assert ("article", imported.article.pk) in found(team, "گفت پیمان")

    def test_unrelated_persian_word_finds_nothing(self, team, persian_article):
        assert found(team, "زلزله") == []


@pytest.mark.django_db
class TestEnglish:
    def test_stemming_finds_other_forms(self, team):
        imported = article(team, "The claims were checked by two editors.", title="Desk notes")
        assert ("article", imported.article.pk) in found(team, "checking")
        assert ("article", imported.article.pk) in found(team, "claim")

    def test_case_is_ignored(self, team, english_article):
        assert ("article", english_article.article.pk) in found(team, "MAYOR")

    def test_phrase_needs_the_words_in_order(self, team):
        ordered = article(team, "Ridership rose sharply in spring.", title="One")
        reversed_ = article(team, "It rose. Ridership fell later.", title="Two")
        hits = found(team, '"ridership rose"')
        assert ("article", ordered.article.pk) in hits
        assert ("article", reversed_.article.pk) not in hits

    def test_every_word_must_match(self, team, english_article):
        assert found(team, "mayor zeppelin") == []

    def test_misspelled_title_is_found_by_trigram_similarity(self, team):
        imported = article(team, "Body text.", title="Unemployment statistics")
        assert ("article", imported.article.pk) in found(team, "unemploymnet")

    def test_fragment_inside_a_word_is_found(self, team):
        source, _ = source_add(
            workspace=team.workspace,
            url="https://stats.example.org/tables",
            title="Transportation yearbook",
            actor=team.reviewer,
        )
        assert ("source", source.pk) in found(team, "portation")


@pytest.mark.django_db
class TestRanking:
    def test_title_hit_outranks_comment_hit(self, team, english_article, claim):
        titled = article(team, "Nothing relevant here.", title="Budget deficit explained")
        comment = comment_add(
            claim=claim, body="Compare with the budget deficit.", actor=team.editor
        )
        hits = found(team, "budget deficit")
        assert hits.index(("article", titled.article.pk)) < hits.index(("comment", comment.pk))

    def test_claim_quote_outranks_article_text(self, team):
        imported = article(team, "Prices of bread doubled. Other news follows.", title="Market")
        quoted = claim_on(team, imported, "Prices of bread doubled")
        hits = found(team, "bread")
        assert hits.index(("claim", quoted.pk)) < hits.index(("article", imported.article.pk))


@pytest.mark.django_db
class TestSnippets:
    def test_markup_in_a_claim_is_escaped_and_the_match_marked(self, team):
        imported = article(team, "He wrote <script>alert(1)</script> in the budget memo.")
        claim_on(team, imported, "<script>alert(1)</script> in the budget memo")
        hit = next(h for h in search(user=team.viewer, query="budget").hits if h.kind == "claim")
        assert "<script>" not in hit.title_html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.title_html
        assert "<mark>budget</mark>" in hit.title_html

    def test_snippet_marks_the_original_spelling_of_a_folded_match(self, team):
        imported = article(team, "مقدمه. این گفتوگو در ١۸ ژوئن بود.", title="گزارش")
        hit = search(user=team.viewer, query="گفت‌وگو ۱۸").hits[0]
        assert hit.object_id == imported.article.pk
        assert "<mark>گفتوگو</mark>" in hit.snippet_html
        assert "<mark>١۸</mark>" in hit.snippet_html

    def test_snippet_marks_stemmed_forms(self, team):
        article(team, "The figures were checked twice.", title="Notes")
        hit = search(user=team.viewer, query="checking").hits[0]
        assert "<mark>checked</mark>" in hit.snippet_html


@pytest.mark.django_db
class TestIndexMaintenance:
    def test_edited_restatement_is_searchable_at_once(self, team, claim):
        claim_update(
            claim=claim, version=claim.version, restatement="Fares tripled", actor=team.reviewer
        )
        assert ("claim", claim.pk) in found(team, "tripled")

    def test_only_the_latest_snapshot_text_is_searched(self, team):
        url = "https://example.org/news/1"
        first = article(team, "The bridge opened in May.", title="Bridge", url=url)
        article(team, "The bridge opened in June.", title="Bridge", url=url)
        assert ("article", first.article.pk) in found(team, "june")
        assert ("article", first.article.pk) not in found(team, "may")

    def test_deleted_claim_leaves_the_index(self, team, claim):
        claim_id = claim.pk
        claim.delete()
        assert ("claim", claim_id) not in found(team, "mayor")


@pytest.mark.django_db
class TestFilters:
    def test_kind_filter(self, team, english_article, claim):
        assert {kind for kind, _ in found(team, "mayor", kinds=["claim"])} == {"claim"}

    def test_status_filter_keeps_claims_in_that_status(self, team, claim):
        assert found(team, "mayor", status="open") == [("claim", claim.pk)]
        assert found(team, "mayor", status="published") == []

    def test_pagination(self, team):
        for number in range(5):
            article(team, f"Harbour report number {number}.", title=f"Harbour {number}")
        first = search(user=team.viewer, query="harbour", per_page=3)
        second = search(user=team.viewer, query="harbour", per_page=3, page=2)
        assert len(first.hits) == 3 and first.has_next
        assert len(second.hits) == 2 and not second.has_next
        assert not {h.object_id for h in first.hits} & {h.object_id for h in second.hits}


@pytest.mark.django_db
class TestScoping:
    def test_another_workspace_never_appears(self, team, other_team):
        article(other_team, "Secret harbour plans.", title="Harbour secret")
        mine = article(team, "Public harbour plans.", title="Harbour public")
        assert found(team, "harbour") == [("article", mine.article.pk)]

    def test_results_page_shows_only_the_workspace(self, client, team, other_team):
        article(other_team, "Secret harbour plans.", title="Harbour secret")
        article(team, "Public harbour plans.", title="Harbour public")
        client.force_login(team.viewer)
        response = client.get(
            reverse("search", kwargs={"slug": team.workspace.slug}), {"q": "harbour"}
        )
        assert response.status_code == 200
        assert "Harbour public" in response.text.replace("<mark>", "").replace("</mark>", "")
        assert "secret" not in response.text.lower()

    def test_results_page_of_another_workspace_is_404(self, client, team, other_team):
        client.force_login(team.viewer)
        url = reverse("search", kwargs={"slug": other_team.workspace.slug})
        assert client.get(url, {"q": "harbour"}).status_code == 404

    def test_api_searches_all_my_workspaces_and_nothing_else(self, client, team, other_team):
        article(other_team, "Secret harbour plans.", title="Harbour secret")
        mine = article(team, "Public harbour plans.", title="Harbour public")
        client.force_login(team.viewer)
        response = client.get("/api/v1/search", {"q": "harbour"})
        assert response.status_code == 200
        assert [(r["kind"], r["id"]) for r in response.json()["results"]] == [
            ("article", mine.article.pk)
        ]

    def test_api_workspace_of_someone_else_is_404(self, client, team, other_team):
        client.force_login(team.viewer)
        response = client.get(
            "/api/v1/search", {"q": "harbour", "workspace": other_team.workspace.slug}
        )
        assert response.status_code == 404


@pytest.mark.django_db
class TestBadInput:
    def test_api_rejects_bad_filters_field_by_field(self, client, team):
        client.force_login(team.viewer)
        bad_kind = client.get("/api/v1/search", {"q": "x", "kind": "planet", "page": "0"})
        assert bad_kind.status_code == 400
        assert error_fields(bad_kind) == {"kind", "page"}
        reversed_dates = client.get(
            "/api/v1/search", {"q": "x", "date_from": "2025-02-01", "date_to": "2025-01-01"}
        )
        assert reversed_dates.status_code == 400
        assert error_fields(reversed_dates) == {"date_to"}

    def test_api_needs_a_query(self, client, team):
        client.force_login(team.viewer)
        response = client.get("/api/v1/search")
        assert response.status_code == 400
        assert error_fields(response) == {"q"}

    def test_api_needs_authentication(self, client):
        assert client.get("/api/v1/search", {"q": "x"}).status_code in (401, 403)

    def test_results_page_rejects_reversed_dates(self, client, team):
        client.force_login(team.viewer)
        url = reverse("search", kwargs={"slug": team.workspace.slug})
        response = client.get(url, {"q": "x", "date_from": "2025-02-01", "date_to": "2025-01-01"})
        assert response.status_code == 400
        assert "The end date is before the start date." in response.text

    def test_header_has_a_search_box_inside_a_workspace(self, client, team):
        client.force_login(team.viewer)
        response = client.get(reverse("workspace-home", kwargs={"slug": team.workspace.slug}))
        assert 'id="header-search"' in response.text


@pytest.mark.django_db
class TestPlannerSettings:
    def test_search_leaves_the_callers_transaction_settings_as_they_were(self, team):
        from django.db import connection

        def settings():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('enable_seqscan'),"
                    " current_setting('max_parallel_workers_per_gather'),"
                    " current_setting('pg_trgm.word_similarity_threshold')"
                )
                return cursor.fetchone()

        article(team, "Harbour report.", title="Harbour")
        before = settings()
        assert search(user=team.viewer, query="harbour").hits
        assert settings() == before
        assert before[0] == "on"
