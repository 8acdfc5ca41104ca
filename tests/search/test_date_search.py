"""Issue 16: a date is found however it is written, evidence is searchable, and
format characters (soft hyphens and the like) fold away."""

import pytest

from app.claims.evidence import evidence_add
from app.search.selectors import search
from app.sources.services import source_add
from tests.search.helpers import article, claim_on

pytestmark = pytest.mark.django_db

PERSIAN_PASSAGE = "به گفته وزیر، قرارداد در ١۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳) در تهران امضا شد."
ENGLISH_PASSAGE = "The minister said the agreement was signed in Tehran on 2024-06-18."
SPELLINGS = [
    "18 June 2024",
    "2024-06-18",
    "۱۸ ژوئن ۲۰۲۴",
    "۲۹ خرداد ۱۴۰۳",
    "June 18, 2024",
    "18.06.2024",
    "۱۴۰۳/۰۳/۲۹",
    "18 June",
    "۲۹ خرداد",
]


def found(team, query):
    return [(hit.kind, hit.object_id) for hit in search(user=team.viewer, query=query).hits]


@pytest.fixture
def dated(team):
    persian = article(team, PERSIAN_PASSAGE, title="قرارداد")
    english = article(team, ENGLISH_PASSAGE, title="Agreement")
    persian_claim = claim_on(
        team, persian, "قرارداد در ١۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳) در تهران امضا شد"
    )
    english_claim = claim_on(team, english, "the agreement was signed in Tehran on 2024-06-18")
    return {
        "persian article": ("article", persian.article.pk),
        "english article": ("article", english.article.pk),
        "persian claim": ("claim", persian_claim.pk),
        "english claim": ("claim", english_claim.pk),
    }


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize(
    "where", ["persian article", "english article", "persian claim", "english claim"]
)
def test_each_spelling_of_the_date_finds_the_passage(team, dated, spelling, where):
    assert dated[where] in found(team, spelling)


def test_a_date_with_other_words_still_needs_the_words(team, dated):
    assert dated["english claim"] in found(team, "signed 18 June 2024")
    assert dated["english claim"] not in found(team, "ratified 18 June 2024")


def test_another_date_does_not_match(team, dated):
    assert found(team, "19 June 2024") == []
    assert found(team, "۳۰ خرداد ۱۴۰۳") == []


def test_an_ambiguous_query_date_matches_either_reading(team):
    imported = article(team, "The second round opened on 9 May 2025 in Geneva.")
    assert ("article", imported.article.pk) in found(team, "05.09.2025")


def test_a_soft_hyphenated_word_is_found(team):
    imported = article(team, "The Bürger\u00admeister met the Pyong\u00adyang delegation.")
    assert ("article", imported.article.pk) in found(team, "Bürgermeister")
    assert ("article", imported.article.pk) in found(team, "Pyongyang")


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\u200f", "\u202b", "\u2066"])
def test_other_format_characters_fold_away(team, invisible):
    imported = article(team, f"The dele{invisible}gation arrived.")
    assert ("article", imported.article.pk) in found(team, "delegation")


def test_evidence_quotes_notes_and_source_titles_are_searchable(team, claim):
    source, _ = source_add(
        workspace=team.workspace,
        url="https://example.org/kcna-statement",
        title="Statement of the Korean Central News Agency",
        actor=team.reviewer,
    )
    evidence_add(
        claim=claim,
        source=source,
        stance="refutes",
        quote="The delegation left Pyongyang on 19 June.",
        note="Read against the flight records of the week.",
        actor=team.reviewer,
    )
    assert ("claim", claim.pk) in found(team, "Pyongyang")
    assert ("claim", claim.pk) in found(team, "19 June")
    assert ("claim", claim.pk) in found(team, "flight records")
    assert ("claim", claim.pk) in found(team, "Korean Central")
