"""Re-anchoring claims in a changed article text (pure functions, no database).

Expected offsets are worked out independently of the code under test (with
`str.index` on the new text, or from the lengths of what was inserted), and every
result is checked against the invariants of `Relocation`.
"""

import pytest

from app.claims.anchors import anchor_from_offsets
from app.claims.models import QUOTE_CONTEXT_LENGTH, AnchorState
from app.claims.reanchor import (
    CONTEXT_LENGTH,
    Relocation,
    reanchor,
    reanchor_many,
    similarity,
)

ZWNJ, NBSP = "\u200c", "\u00a0"

ENGLISH = (
    "The mayor said ridership rose 12% in 2025.\n\n"
    "Officials signed the treaty on Monday in Paris after long talks, a spokesman said.\n\n"
    "A post read: “Best commute ever 🚇” and drew 4,000 replies.\n"
)
PERSIAN = (
    f"گزارش{NBSP}ویژه: وزیر گفت:قرارداد در ۱۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳) امضا شد.\n"
    f"{NBSP}\n"
    f"این گفت{ZWNJ}وگو یکی از طولانی{ZWNJ}ترین نشست{ZWNJ}های دو کشور بود "
    "و «پیمان» را تکمیل کرد.\n"
)
TREATY = "Officials signed the treaty on Monday in Paris"
TALKS = f"یکی از طولانی{ZWNJ}ترین نشست{ZWNJ}های دو کشور بود"
DATE = "۱۸ ژوئن ۲۰۲۴"


def anchor_in(text: str, quote: str, occurrence: int = 0) -> dict:
    """The stored selectors of the `occurrence`-th copy of `quote` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    end = start + len(quote)
    return {
        "start": start,
        "end": end,
        "exact": quote,
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[end : end + 32],
    }


def checked(new_text: str, found: Relocation) -> Relocation:
    """Assert the invariants every result must satisfy, and return it."""
    if found.state == "orphaned":
        assert (found.start, found.end, found.exact) == (None, None, None)
        assert (found.prefix, found.suffix, found.score, found.method) == ("", "", 0.0, "none")
        return found
    assert 0 <= found.start < found.end <= len(new_text)
    assert new_text[found.start : found.end] == found.exact
    assert found.prefix == new_text[max(0, found.start - 32) : found.start]
    assert found.suffix == new_text[found.end : found.end + 32]
    if found.state == "anchored":
        assert found.score == 1.0
        assert found.method in ("position", "quote")
    else:
        assert found.state == "fuzzy"
        assert 0.75 <= found.score < 1.0
        assert found.method in ("diff", "fuzzy")
        assert not found.exact[0].isspace() and not found.exact[-1].isspace()
    return found


def locate(new_text: str, anchor: dict, old_text: str | None = None, **options) -> Relocation:
    return checked(new_text, reanchor(new_text, old_text=old_text, **anchor, **options))


def test_constants_match_the_claim_model():
    assert CONTEXT_LENGTH == QUOTE_CONTEXT_LENGTH == 32
    assert {"anchored", "fuzzy", "orphaned"} == {state.value for state in AnchorState}


# --- Unchanged text and changes outside the claim -----------------------------------


@pytest.mark.parametrize("text", [ENGLISH, PERSIAN])
def test_unchanged_text_keeps_every_claim_in_place(text):
    quotes = [TREATY, "Best commute ever 🚇"] if text == ENGLISH else [TALKS, DATE]
    for quote in quotes:
        anchor = anchor_in(text, quote)
        for old_text in (text, None):
            found = locate(text, anchor, old_text)
            assert (found.state, found.method) == ("anchored", "position")
            assert (found.start, found.end, found.exact) == (
                anchor["start"],
                anchor["end"],
                quote,
            )
            assert (found.prefix, found.suffix) == (anchor["prefix"], anchor["suffix"])


@pytest.mark.parametrize("with_old_text", [True, False])
def test_insertion_before_the_claim_english(with_old_text):
    inserted = "Update: this story was corrected on Tuesday.\n\n"
    new = inserted + ENGLISH
    anchor = anchor_in(ENGLISH, TREATY)

    found = locate(new, anchor, ENGLISH if with_old_text else None)

    assert (found.state, found.method) == ("anchored", "quote")
    assert found.start == anchor["start"] + len(inserted)
    assert found.exact == TREATY
    assert found.prefix == anchor["prefix"]  # the context travelled with the quote


@pytest.mark.parametrize("with_old_text", [True, False])
def test_insertion_before_the_claim_persian_with_zwnj_and_nbsp(with_old_text):
    inserted = f"به{ZWNJ}روزرسانی:{NBSP}این گزارش ویرایش شد.\n"
    new = PERSIAN.replace("وزیر گفت:", f"وزیر{NBSP}خارجه گفت:{NBSP}" + inserted)
    for quote in (TALKS, DATE):
        anchor = anchor_in(PERSIAN, quote)
        found = locate(new, anchor, PERSIAN if with_old_text else None)
        assert (found.state, found.method) == ("anchored", "quote")
        assert found.exact == quote
        assert found.start == new.index(quote)
    # Code points: ZWNJ and NBSP are one each, so the shift is the inserted length.
    found = locate(new, anchor_in(PERSIAN, TALKS), PERSIAN)
    assert found.start - anchor_in(PERSIAN, TALKS)["start"] == len(new) - len(PERSIAN)


@pytest.mark.parametrize("with_old_text", [True, False])
def test_deletion_before_the_claim(with_old_text):
    deleted = "The mayor said ridership rose 12% in 2025.\n\n"
    new = ENGLISH.replace(deleted, "")
    anchor = anchor_in(ENGLISH, TREATY)

    found = locate(new, anchor, ENGLISH if with_old_text else None)

    assert (found.state, found.method) == ("anchored", "quote")
    assert found.start == anchor["start"] - len(deleted) == 0
    assert found.prefix == ""


@pytest.mark.parametrize("with_old_text", [True, False])
def test_insertion_and_deletion_after_the_claim_keep_the_position(with_old_text):
    new = ENGLISH.replace(" after long talks,", ",").replace("4,000", "more than 4,000 angry")
    anchor = anchor_in(ENGLISH, TREATY)

    found = locate(new, anchor, ENGLISH if with_old_text else None)

    assert (found.state, found.method) == ("anchored", "position")
    assert (found.start, found.end) == (anchor["start"], anchor["end"])
    assert found.suffix == ", a spokesman said.\n\nA post read"


# --- Edits inside the claim ----------------------------------------------------------


@pytest.mark.parametrize(
    ("old_word", "new_word", "new_quote"),
    [
        ("Monday", "Tuesday", "Officials signed the treaty on Tuesday in Paris"),
        ("Officials", "Diplomats", "Diplomats signed the treaty on Monday in Paris"),
        ("Officials", "Two diplomats", "Two diplomats signed the treaty on Monday in Paris"),
        ("in Paris", "in Rome", "Officials signed the treaty on Monday in Rome"),
        (
            "the treaty",
            "the new trade treaty",
            "Officials signed the new trade treaty on Monday in Paris",
        ),
    ],
)
@pytest.mark.parametrize(("with_old_text", "method"), [(True, "diff"), (False, "fuzzy")])
def test_a_changed_word_inside_the_claim_is_fuzzy_and_takes_the_new_passage(
    old_word, new_word, new_quote, with_old_text, method
):
    new = ENGLISH.replace(old_word, new_word)
    anchor = anchor_in(ENGLISH, TREATY)

    found = locate(new, anchor, ENGLISH if with_old_text else None)

    assert (found.state, found.method) == ("fuzzy", method)
    assert found.exact == new_quote
    assert found.start == new.index(new_quote)
    assert found.score == pytest.approx(similarity(TREATY, new_quote))


@pytest.mark.parametrize(("with_old_text", "method"), [(True, "diff"), (False, "fuzzy")])
def test_persian_digits_changed_in_a_date_claim(with_old_text, method):
    new = PERSIAN.replace("۱۸ ژوئن", "۱۹ ژوئن")
    found = locate(new, anchor_in(PERSIAN, DATE), PERSIAN if with_old_text else None)

    assert (found.state, found.method) == ("fuzzy", method)
    assert found.exact == "۱۹ ژوئن ۲۰۲۴"
    assert found.start == PERSIAN.index(DATE)
    assert found.score == pytest.approx(11 / 12)  # one code point of twelve changed


def test_a_stricter_threshold_orphans_the_same_edit():
    new = ENGLISH.replace("Monday", "Tuesday")
    anchor = anchor_in(ENGLISH, TREATY)

    assert locate(new, anchor, ENGLISH, min_similarity=0.75).state == "fuzzy"
    assert locate(new, anchor, ENGLISH, min_similarity=0.95).state == "orphaned"
    assert locate(new, anchor, None, min_similarity=0.95).state == "orphaned"


@pytest.mark.parametrize("with_old_text", [True, False])
def test_passage_deleted_entirely_is_orphaned(with_old_text):
    new = ENGLISH.replace(
        "Officials signed the treaty on Monday in Paris after long talks, a spokesman said.\n\n",
        "",
    )
    found = locate(new, anchor_in(ENGLISH, TREATY), ENGLISH if with_old_text else None)
    assert found.state == "orphaned"


@pytest.mark.parametrize(
    "rewritten",
    [
        "No agreement was reached before the summit collapsed",  # similarity 0.33
        "Officials refused to sign any treaty with Paris",  # similarity 0.65
    ],
)
@pytest.mark.parametrize("with_old_text", [True, False])
def test_claim_rewritten_beyond_recognition_is_orphaned(rewritten, with_old_text):
    assert similarity(TREATY, rewritten) < 0.75
    new = ENGLISH.replace(TREATY, rewritten)
    found = locate(new, anchor_in(ENGLISH, TREATY), ENGLISH if with_old_text else None)
    assert found.state == "orphaned"


# --- Repeated quotes: context decides --------------------------------------------------

REPEATED = (
    "In March, the finance minister said that taxes will fall next year, reporters noted.\n\n"
    "In May, critics repeated that taxes will fall next year, but few believed it.\n"
)
TAXES = "taxes will fall next year"


@pytest.mark.parametrize("occurrence", [0, 1])
@pytest.mark.parametrize("with_old_text", [True, False])
def test_duplicated_quote_context_picks_the_right_copy(occurrence, with_old_text):
    new = "Breaking: a new opening paragraph.\n\n" + REPEATED
    anchor = anchor_in(REPEATED, TAXES, occurrence)

    found = locate(new, anchor, REPEATED if with_old_text else None)

    assert (found.state, found.method) == ("anchored", "quote")
    assert found.start == anchor_in(new, TAXES, occurrence)["start"]
    assert found.prefix == anchor["prefix"]


@pytest.mark.parametrize("occurrence", [0, 1])
def test_duplicated_quote_context_beats_nearness_when_paragraphs_swap(occurrence):
    march, may = REPEATED.split("\n\n")
    new = may.rstrip("\n") + "\n\n" + march + "\n"
    anchor = anchor_in(REPEATED, TAXES, occurrence)

    found = locate(new, anchor)

    assert (found.state, found.method) == ("anchored", "quote")
    # The claim's copy is now the other one in document order.
    assert found.start == anchor_in(new, TAXES, 1 - occurrence)["start"]
    assert found.suffix[:15] == anchor["suffix"][:15]  # ", reporters not" / ", but few belie"


def test_position_yields_to_context_when_another_copy_clearly_fits_better():
    quote = "the bridge will reopen in June"
    old = f"Head. {quote} according to the city engineers.\nTail."
    new = f"Note: {quote} is what everyone keeps repeating.\n" + old
    anchor = anchor_in(old, quote)
    assert new[anchor["start"] : anchor["end"]] == quote  # same offsets, wrong copy

    found = locate(new, anchor)

    assert (found.state, found.method) == ("anchored", "quote")
    assert found.start == new.index("Head. ") + len("Head. ")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("reporters noted", "reporters said."),  # context almost intact
        ("the finance minister said that ", "his deputy told the press that "),  # mostly new
    ],
)
def test_position_is_kept_when_its_context_was_merely_edited(before, after):
    assert len(before) == len(after)  # the quote keeps its offsets
    new = REPEATED.replace(before, after)
    anchor = anchor_in(REPEATED, TAXES, 0)
    # The other copy's context fits even worse than this copy's edited context.

    found = locate(new, anchor)

    assert (found.state, found.method) == ("anchored", "position")
    assert found.start == anchor["start"]


def test_identical_copies_are_told_apart_by_the_diff_or_by_nearness():
    block = "Background: the mission aims to map the lunar south pole, and the agency said "
    quote = "the launch is set for next spring"
    passage = f"{block}{quote}, pending final tests of the lander.\n"
    old = "Science news.\n" + passage
    new = passage + "Other stories follow below this line, unrelated to space.\n" * 4 + old
    anchor = anchor_in(old, quote)
    first, second = anchor_in(new, quote, 0)["start"], anchor_in(new, quote, 1)["start"]

    # Both copies have the same context. The diff sees the old text kept at the end.
    assert locate(new, anchor, old).start == second
    # Without it, the copy nearest the old offset wins.
    assert locate(new, anchor).start == first


# --- Moves, whitespace, astral characters ------------------------------------------------


@pytest.mark.parametrize("with_old_text", [True, False])
def test_quote_moved_to_another_paragraph_is_anchored_by_quote(with_old_text):
    sentence = "Officials signed the treaty on Monday in Paris after long talks, a spokesman said."
    new = ENGLISH.replace(sentence + "\n\n", "").replace(
        "4,000 replies.", "4,000 replies. " + sentence
    )
    anchor = anchor_in(ENGLISH, TREATY)

    found = locate(new, anchor, ENGLISH if with_old_text else None)

    assert (found.state, found.method) == ("anchored", "quote")
    assert found.start == new.index(TREATY) > anchor["start"]


@pytest.mark.parametrize("with_old_text", [True, False])
def test_long_quote_moved_and_edited_is_found_by_fuzzy_search(with_old_text):
    paragraphs = [
        "First paragraph, short.",
        "The committee reported that the new rail line carried more passengers in its "
        "first year than the old bus routes did in five years combined, and that fares "
        "covered most of the running costs, according to the annual review.",
        "Third paragraph, short.",
    ]
    old = "\n\n".join(paragraphs) + "\n"
    quote = paragraphs[1][: paragraphs[1].index(", according")]
    edited = paragraphs[1].replace("five years", "six years")
    new = "\n\n".join([paragraphs[0], paragraphs[2], edited]) + "\n"
    assert len(quote) > 32  # beyond diff-match-patch's bitap limit

    found = locate(new, anchor_in(old, quote), old if with_old_text else None)

    assert found.state == "fuzzy"
    assert found.exact == quote.replace("five years", "six years")
    assert found.start == new.index("The committee")


@pytest.mark.parametrize("with_old_text", [True, False])
def test_whitespace_changes_before_the_claim(with_old_text):
    new = ENGLISH.replace("2025.\n\n", "2025.\n \n\n").replace("The mayor", "The  mayor")
    anchor = anchor_in(ENGLISH, TREATY)

    found = locate(new, anchor, ENGLISH if with_old_text else None)

    assert (found.state, found.method) == ("anchored", "quote")
    assert found.start == anchor["start"] + 3  # one blank line grew by 2, a space by 1


@pytest.mark.parametrize("with_old_text", [True, False])
def test_whitespace_changes_inside_the_claim_are_fuzzy(with_old_text):
    new = ENGLISH.replace("the treaty on", "the  treaty\non")
    found = locate(new, anchor_in(ENGLISH, TREATY), ENGLISH if with_old_text else None)

    assert found.state == "fuzzy"
    assert found.exact == "Officials signed the  treaty\non Monday in Paris"


@pytest.mark.parametrize("with_old_text", [True, False])
def test_nbsp_replacing_spaces_inside_a_persian_claim_is_fuzzy(with_old_text):
    changed = TALKS.replace("دو کشور", f"دو{NBSP}کشور")
    new = PERSIAN.replace(TALKS, changed)
    found = locate(new, anchor_in(PERSIAN, TALKS), PERSIAN if with_old_text else None)

    assert found.state == "fuzzy"
    assert found.exact == changed


@pytest.mark.parametrize(
    ("removed", "new_quote"),
    [
        ("Officials", "signed the treaty on Monday in Paris"),  # two spaces at the start
        ("Paris", "Officials signed the treaty on Monday in"),  # two spaces at the end
    ],
)
@pytest.mark.parametrize("with_old_text", [True, False])
def test_fuzzy_span_is_trimmed_of_whitespace(removed, new_quote, with_old_text):
    old = "The spokesman said: Officials signed the treaty on Monday in Paris , and left.\n"
    new = old.replace(removed, "")
    anchor = anchor_in(old, "Officials signed the treaty on Monday in Paris")

    found = locate(new, anchor, old if with_old_text else None)

    assert found.state == "fuzzy"
    assert found.exact == new_quote
    assert found.start == new.index(new_quote)


@pytest.mark.parametrize(
    ("quote", "before", "after", "new_quote"),
    [
        # The diff aligns the "te" of "ten" with that of "state": the start must not be "te".
        (
            "ten officials resigned after the vote",
            "ten officials",
            "state officials",
            "state officials resigned after the vote",
        ),
        # "signed the treaty" is still there, inside "cosigned": same letters, not words.
        (
            "signed the treaty in Paris",
            "signed the treaty",
            "cosigned the treaty",
            "cosigned the treaty in Paris",
        ),
        # "per cent" → "percentage points": the end must not fall inside "percentage".
        ("Sales rose by 5 per cent", "per cent", "percentage points", "Sales rose by 5 percentage"),
    ],
)
@pytest.mark.parametrize("with_old_text", [True, False])
def test_fuzzy_span_keeps_word_boundaries(quote, before, after, new_quote, with_old_text):
    old = (
        "The report said ten officials resigned after the vote. Sales rose by 5 per cent.\n"
        "Both sides signed the treaty in Paris.\n"
    )
    new = old.replace(before, after)

    found = locate(new, anchor_in(old, quote), old if with_old_text else None)

    assert found.state == "fuzzy"
    assert found.exact == new_quote


@pytest.mark.parametrize("with_old_text", [True, False])
def test_astral_characters_before_and_inside_the_quote_count_as_one(with_old_text):
    quote = "Best commute ever 🚇"
    inserted = "🎉🎉 Update 🎉\n"
    assert len(inserted) == 12 and len(inserted.encode("utf-16-le")) // 2 == 15
    anchor = anchor_in(ENGLISH, quote)
    old_text = ENGLISH if with_old_text else None

    moved = locate(inserted + ENGLISH, anchor, old_text)
    assert (moved.state, moved.start, moved.end) == (
        "anchored",
        anchor["start"] + 12,
        anchor["end"] + 12,
    )
    assert moved.exact == quote and moved.end - moved.start == 19

    edited_text = inserted + ENGLISH.replace("ever 🚇", "ever 🚆🚆")
    edited = locate(edited_text, anchor, old_text)
    assert edited.state == "fuzzy"
    assert edited.exact == "Best commute ever 🚆🚆"
    assert edited.start == anchor["start"] + 12
    assert edited.end - edited.start == 20  # code points, not UTF-16 units (22)


# --- Many at once, inputs, similarity ------------------------------------------------------

CHANGED_ENGLISH = "Update: corrected.\n\n" + ENGLISH.replace("Monday", "Tuesday").replace(
    "The mayor said", "The mayor claimed"
).replace("4,000", "5,000")


@pytest.mark.parametrize("with_old_text", [True, False])
def test_reanchor_many_matches_one_by_one(with_old_text):
    quotes = [
        TREATY,
        "ridership rose 12% in 2025",
        "Best commute ever 🚇",
        "drew 4,000 replies",
        "The mayor said",
        "a spokesman said",
    ]
    anchors = [anchor_in(ENGLISH, quote) for quote in quotes]
    old_text = ENGLISH if with_old_text else None

    together = reanchor_many(CHANGED_ENGLISH, anchors, old_text=old_text)
    one_by_one = [reanchor(CHANGED_ENGLISH, old_text=old_text, **anchor) for anchor in anchors]

    assert together == one_by_one
    for found in together:
        checked(CHANGED_ENGLISH, found)
    states = [found.state for found in together]
    assert states == ["fuzzy", "anchored", "anchored", "fuzzy", "fuzzy", "anchored"]


def test_reanchor_many_accepts_anchor_objects_and_mappings():
    start = ENGLISH.index(TREATY)
    as_object = anchor_from_offsets(ENGLISH, start, start + len(TREATY))
    as_mapping = {"start": start, "end": start + len(TREATY), "exact": TREATY}  # no context

    objects, mappings = (
        reanchor_many(CHANGED_ENGLISH, [anchor], old_text=ENGLISH)
        for anchor in (as_object, as_mapping)
    )

    assert objects[0].exact == mappings[0].exact == TREATY.replace("Monday", "Tuesday")
    assert objects[0] == reanchor(CHANGED_ENGLISH, old_text=ENGLISH, **anchor_in(ENGLISH, TREATY))


def test_results_are_deterministic():
    anchor = anchor_in(ENGLISH, TREATY)
    first = [reanchor(CHANGED_ENGLISH, **anchor) for _ in range(3)]
    assert first[0] == first[1] == first[2]


@pytest.mark.parametrize(
    "bad",
    [
        {"start": 5, "end": 5, "exact": ""},
        {"start": -1, "end": 3, "exact": "abcd"},
        {"start": 0, "end": 3, "exact": "abcd"},  # length does not match the span
        {"start": 0, "end": 4, "exact": "abcd"},  # not old_text[0:4]
    ],
)
def test_inconsistent_anchors_are_refused(bad):
    with pytest.raises(ValueError):
        reanchor("abcd efgh", old_text="wxyz abcd", **bad)


def test_min_similarity_must_be_a_fraction():
    with pytest.raises(ValueError):
        reanchor("abc", start=0, end=3, exact="abc", min_similarity=0)
    with pytest.raises(ValueError):
        reanchor("abc", start=0, end=3, exact="abc", min_similarity=1.5)


def test_similarity_is_length_normalised():
    assert similarity("abc", "abc") == 1.0
    assert similarity("abc", "xyz") == 0.0
    assert similarity("abcd", "abxd") == pytest.approx(0.75)  # LCS 3: 2·3 / 8
    assert similarity("abcd", "abcdefgh") == pytest.approx(8 / 12)
    assert similarity("abcdefgh", "abcd") == similarity("abcd", "abcdefgh")
    assert similarity("۱۸ ژوئن", "۱۹ ژوئن") == pytest.approx(12 / 14)
    # With a floor, a result known to be below it is reported as 0.0.
    assert similarity("abcd", "abxd", floor=0.8) == 0.0
    assert similarity("abcd", "abxd", floor=0.75) == pytest.approx(0.75)
