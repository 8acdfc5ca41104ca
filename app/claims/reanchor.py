"""Re-anchoring a claim in a changed version of an article's text.

A claim is anchored by two W3C selectors taken from the previous snapshot: a
position (`start`, `end`: Unicode code points, end exclusive — Python `str`
indexing, never UTF-16) and a quote (`exact`, with up to 32 code points of
`prefix` and `suffix` context). When a new snapshot arrives, `reanchor` finds where
the claim now is, or says that it is nowhere. It is pure Python (no Django, no
database) and deterministic (barring the diff time limit, see Limits).

The rules, tried in order:

1. **Position** (state "anchored", method "position"). If `new_text[start:end]` is
   still `exact`, the claim stays where it was: text that is both at the same place
   and the same words is the strongest evidence there is. One exception: when the
   quote also occurs elsewhere and the context (prefix and suffix) fits another
   occurrence better by more than `CONTEXT_MARGIN` (a quarter of the context),
   the match at the old offsets is a coincidence — typically an insertion above the
   claim exactly as long as the distance between two copies of a repeated phrase —
   and the occurrence whose context fits best wins (method "quote"). The margin
   keeps the position in charge when contexts are merely edited, and lets
   context, which is the point of storing it, decide when they clearly disagree.

   Here and in rule 2, an occurrence counts only if it keeps the old word
   boundaries: if the quote started (ended) between words, a copy that starts
   (ends) inside a word — "signed the treaty" within "cosigned the treaty" — is the
   same letters but not the same words, and is left to rule 3.

2. **Quote** (state "anchored", method "quote"). Else, if `exact` occurs verbatim in
   the new text, the claim goes to the occurrence whose context best matches the
   stored prefix and suffix, ties broken by nearness to where the claim is expected
   (its start mapped through the old→new diff when `old_text` is given, else its old
   start). The words are unchanged, only their place moved, so the claim is still
   exactly anchored (score 1.0); the context, not the position, decides between
   copies because offsets shift with every edit above the claim while the
   surrounding words travel with it.

3. **Fuzzy** (state "fuzzy", score = similarity). The quote itself was edited.
   a. Method "diff": when `old_text` is given, the two texts are diffed once
      (diff-match-patch, line mode then characters, semantic clean-up so edits
      fall on word boundaries, a time limit) and the old span is mapped through
      the diff — the diff knows which characters survived, so this follows the
      claim even through edits at its edges. A boundary inside a replaced block
      takes the whole replacement (a changed first or last word stays in the
      claim), and insertions exactly at a boundary stay outside it.
   b. Method "fuzzy": without `old_text`, or when the mapped span is not similar
      enough (the passage was moved and edited, for instance), the quote *with its
      context* (`prefix + exact + suffix`) is searched for in the whole new text,
      as Hypothesis does: exact 4-character seeds of the pattern found in the new
      text vote for alignments; the densest bands of alignments are chained in
      order into a few candidate regions (regions whose seeds cover too little of
      the quote are skipped); the pattern is diffed against each region and the
      quote's boundaries are mapped through that diff, as in (a). This works for
      quotes of any length and anywhere in the text (diff-match-patch's bitap
      `match_main` is limited to 32 characters and to a window around a guess).
      The context on both sides lets unchanged neighbouring words fix the
      boundaries, and helps choose between candidates, which are ranked by
      (2 × quote similarity + context similarity) / 3, then by nearness to the
      expected position.
   In both cases the span is trimmed so it neither starts nor ends in whitespace,
   an end that was between words and now falls inside one is widened to the whole
   word (a diff can align letters of a changed word with the old one's: "ten
   officials" → "state officials" would otherwise give "te officials"), and the
   span is accepted only if its similarity to `exact` is at least `min_similarity`
   (default 0.75). Similarity is the length-normalised indel ratio
   2·LCS / (len(a) + len(b)) in 0..1 (difflib's ratio, but with an exact LCS): one
   changed digit in a 12-character date scores 0.92; a rewritten sentence scores
   far below 0.75.

4. **Orphaned** (state "orphaned", method "none", score 0.0, no offsets). Nothing
   similar enough was found: the claim is shown as orphaned — never silently dropped
   or moved onto text it does not quote.

`reanchor_many` does the same for all claims of a snapshot, computing the diff and
the seed index once; its results are identical to calling `reanchor` one by one.

Limits:
- A verbatim quote found elsewhere (rule 2) wins even if its original passage was
  deleted, so a very short, common quote may land on another copy of the same
  words (the audit trail records method "quote").
- The old→new diff has a time limit (`DIFF_TIMEOUT`) as a safety valve; ordinary
  edits of a 20,000-character article diff in milliseconds, but a wholesale
  rewrite reaches it. The diff is then coarser, claims fall through to the fuzzy
  search, and on such input the outcome could depend on machine speed.
- Seeds are 4 characters long, so a passage changed every few characters (say,
  all its digits converted) is found through the diff (a) but may be missed by
  the search (b); quotes shorter than a seed rely on their context to be found.
- Similarity is character-based: it does not know that two spellings or digit
  systems mean the same thing.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from diff_match_patch import diff_match_patch

# Must equal app.claims.models.QUOTE_CONTEXT_LENGTH and AnchorState (a test checks);
# repeated here so this module needs no Django.
CONTEXT_LENGTH = 32
ANCHORED = "anchored"
FUZZY = "fuzzy"
ORPHANED = "orphaned"

DEFAULT_MIN_SIMILARITY = 0.75
# How much better (0..1) another occurrence's context must fit to overrule rule 1.
CONTEXT_MARGIN = 0.25
# Seconds; a safety valve for the old→new diff, never reached by ordinary edits.
DIFF_TIMEOUT = 1.0
# Fuzzy search: seed length, seeds too common to be informative, diagonal bands
# examined, regions diffed at most, least share of the quote its seeds must cover,
# slack around a region.
SEED_LENGTH = 4
SEED_MAX_OCCURRENCES = 64
SEARCH_BANDS = 5
FUZZY_CANDIDATES = 3
MIN_SEED_COVERAGE = 0.25
REGION_PAD = 8

_DELETE = diff_match_patch.DIFF_DELETE
_EQUAL = diff_match_patch.DIFF_EQUAL
_INSERT = diff_match_patch.DIFF_INSERT


@dataclass(frozen=True)
class Relocation:
    """Where a claim's anchor landed in the new text, and how it was found."""

    state: str  # "anchored" | "fuzzy" | "orphaned"
    start: int | None  # None when orphaned
    end: int | None
    exact: str | None  # new_text[start:end] when not orphaned
    prefix: str  # up to CONTEXT_LENGTH code points before, "" when orphaned
    suffix: str  # up to CONTEXT_LENGTH code points after
    score: float  # 1.0 verbatim; similarity for fuzzy; 0.0 orphaned
    method: str  # "position" | "quote" | "diff" | "fuzzy" | "none"


ORPHAN = Relocation(
    state=ORPHANED, start=None, end=None, exact=None, prefix="", suffix="", score=0.0, method="none"
)


def reanchor(
    new_text: str,
    *,
    start: int,
    end: int,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    old_text: str | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> Relocation:
    """Re-anchor one claim (anchored at `start:end` = `exact` in the old text) in `new_text`.

    Raises `ValueError` if the anchor is inconsistent: `exact` empty or not
    `end - start` long, or (when `old_text` is given) not the old text at `start:end`.
    """
    return _Reanchorer(new_text, old_text, min_similarity).locate(
        start=start, end=end, exact=exact, prefix=prefix, suffix=suffix
    )


def reanchor_many(
    new_text: str,
    anchors: Iterable[Any],
    *,
    old_text: str | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> list[Relocation]:
    """Re-anchor many claims of one snapshot, in order; the diff is computed once.

    Each anchor is a mapping or an object (an `Anchor`, a `Claim`) with `start`,
    `end`, `exact` and optionally `prefix`, `suffix`.
    """
    finder = _Reanchorer(new_text, old_text, min_similarity)
    return [finder.locate(**_anchor_fields(anchor)) for anchor in anchors]


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """Indel similarity 2·LCS / (len(a) + len(b)), in 0..1 (1.0 for two empty strings).

    With `floor`, work stops as soon as the result is known to be below it, and 0.0
    is returned: the cost is then bounded by the allowed number of edits.
    """
    if a == b:
        return 1.0
    total = len(a) + len(b)
    limit = int((1.0 - floor) * total + 1e-9)
    distance = _indel_distance(a, b, limit)
    if distance is None:
        return 0.0
    return 1.0 - distance / total


# --- internals ---------------------------------------------------------------------


def _anchor_fields(anchor: Any) -> dict:
    names = ("start", "end", "exact", "prefix", "suffix")
    if isinstance(anchor, Mapping):
        values = {name: anchor[name] for name in names[:3]}
        values.update({name: anchor.get(name) or "" for name in names[3:]})
    else:
        values = {name: getattr(anchor, name) for name in names[:3]}
        values.update({name: getattr(anchor, name, "") or "" for name in names[3:]})
    return values


class _Reanchorer:
    """Everything shared by the claims of one new text: the diff and the seed index."""

    def __init__(self, new_text: str, old_text: str | None, min_similarity: float):
        if not isinstance(new_text, str):
            raise TypeError("new_text must be a str.")
        if old_text is not None and not isinstance(old_text, str):
            raise TypeError("old_text must be a str or None.")
        if not 0.0 < min_similarity <= 1.0:
            raise ValueError("min_similarity must be in (0, 1].")
        self.text = new_text
        self.old_text = old_text
        self.min_similarity = min_similarity
        self._dmp = diff_match_patch()
        self._dmp.Diff_Timeout = DIFF_TIMEOUT
        self._diff_map: _DiffMap | None = None
        self._seeds: dict[str, list[int]] | None = None

    # Shared, computed on first need.

    def diff_map(self) -> _DiffMap | None:
        if self.old_text is None:
            return None
        if self._diff_map is None:
            diffs = self._dmp.diff_main(self.old_text, self.text, True)
            self._dmp.diff_cleanupSemantic(diffs)
            self._diff_map = _DiffMap(diffs)
        return self._diff_map

    def seeds(self) -> dict[str, list[int]]:
        if self._seeds is None:
            index: dict[str, list[int]] = {}
            text, k = self.text, SEED_LENGTH
            for j in range(len(text) - k + 1):
                index.setdefault(text[j : j + k], []).append(j)
            self._seeds = index
        return self._seeds

    def expected_start(self, start: int) -> int:
        diff_map = self.diff_map()
        return start if diff_map is None else diff_map.map_start(start)

    # One claim.

    def locate(self, *, start: int, end: int, exact: str, prefix: str, suffix: str) -> Relocation:
        _check_anchor(start, end, exact, prefix, suffix, self.old_text)
        # Did the claim start and end between words? Then so must its new span.
        if self.old_text is not None:
            before, after = self.old_text[start - 1 : start], self.old_text[end : end + 1]
        else:
            before, after = prefix[-1:], suffix[:1]
        words = (_between_words(before, exact[0]), _between_words(exact[-1], after))

        occurrences = [
            s for s in _occurrences(self.text, exact) if self._keeps_words(s, s + len(exact), words)
        ]
        if occurrences:
            return self._verbatim(occurrences, start, exact, prefix, suffix)

        hint = start
        diff_map = self.diff_map()
        if diff_map is not None:
            mapped_start, mapped_end = diff_map.map_start(start), diff_map.map_end(end)
            found = self._similar_span(mapped_start, mapped_end, exact, words)
            if found is not None:
                return self._relocation(FUZZY, *found, method="diff")
            hint = mapped_start

        found = self._search(exact, prefix, suffix, hint, words)
        if found is not None:
            return self._relocation(FUZZY, *found, method="fuzzy")
        return ORPHAN

    def _keeps_words(self, start: int, end: int, words: tuple[bool, bool]) -> bool:
        """Does `start:end` begin and end between words where `words` asks it to?"""
        text = self.text
        return (not words[0] or _between_words(text[start - 1 : start], text[start])) and (
            not words[1] or _between_words(text[end - 1], text[end : end + 1])
        )

    def _verbatim(
        self, occurrences: list[int], start: int, exact: str, prefix: str, suffix: str
    ) -> Relocation:
        """Rules 1 and 2: choose among the verbatim occurrences of the quote."""
        length = len(exact)
        at_position = start in occurrences
        if len(occurrences) == 1:
            only = occurrences[0]
            return self._relocation(
                ANCHORED, only, only + length, 1.0, method="position" if at_position else "quote"
            )
        if at_position:
            here = _context_score(self.text, start, start + length, prefix, suffix)
            # No other copy can fit better than perfectly (1.0): skip scoring them.
            others = [] if here + CONTEXT_MARGIN >= 1.0 else occurrences
            fit = {s: _context_score(self.text, s, s + length, prefix, suffix) for s in others}
            candidates = [s for s in others if s != start]
            if not candidates or max(fit[s] for s in candidates) <= here + CONTEXT_MARGIN:
                return self._relocation(ANCHORED, start, start + length, 1.0, method="position")
        else:
            fit = {s: _context_score(self.text, s, s + length, prefix, suffix) for s in occurrences}
            candidates = occurrences
        expected = self.expected_start(start)
        best = max(candidates, key=lambda s: (fit[s], -abs(s - expected), -s))
        return self._relocation(ANCHORED, best, best + length, 1.0, method="quote")

    def _similar_span(
        self, start: int, end: int, exact: str, words: tuple[bool, bool]
    ) -> tuple[int, int, float] | None:
        """`(start, end, similarity)` of the span, tidied, if similar enough to `exact`.

        The span is trimmed of whitespace at both ends; an end that was between
        words in the old text and now falls inside a word is widened to the whole
        word (a diff can match a changed word's letters to the old word's, as in
        "ten" → "state", and "signed" inside "cosigned" is not the word "signed").
        A span equal to `exact` can only come out of this if it breaks a word
        boundary the quote had — and widening it then makes it differ.
        """
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        if words[0]:
            while start > 0 and not _between_words(text[start - 1], text[start]):
                start -= 1
        if words[1]:
            while end < len(text) and not _between_words(text[end - 1], text[end]):
                end += 1
        score = similarity(exact, text[start:end], self.min_similarity)
        if score < self.min_similarity:
            return None
        return start, end, score

    def _search(
        self, exact: str, prefix: str, suffix: str, hint: int, words: tuple[bool, bool]
    ) -> tuple[int, int, float] | None:
        """Rule 3b: the best approximate match of the quote, guided by its context."""
        pattern = prefix + exact + suffix
        quote_start, quote_end = len(prefix), len(prefix) + len(exact)
        hits = self._seed_hits(pattern)
        if not hits:
            return None
        band = len(exact) // 2 + 16  # room for the quote to grow or shrink by half
        found: dict[tuple[int, int], tuple[float, int, int]] = {}
        regions = _candidate_regions(
            hits, band, len(pattern), (quote_start, quote_end), len(self.text)
        )
        for region_start, region_end in regions:
            diffs = self._dmp.diff_main(pattern, self.text[region_start:region_end], False)
            self._dmp.diff_cleanupSemantic(diffs)
            local = _DiffMap(diffs)
            span = self._similar_span(
                region_start + local.map_start(quote_start),
                region_start + local.map_end(quote_end),
                exact,
                words,
            )
            if span is None or span[:2] in found:
                continue
            s, e, score = span
            fit = _context_score(self.text, s, e, prefix, suffix)
            found[(s, e)] = ((2 * score + fit) / 3, score, s)
        if not found:
            return None
        (s, e), (_, score, _) = max(
            found.items(), key=lambda item: (item[1][0], -abs(item[1][2] - hint), -item[1][2])
        )
        return s, e, score

    def _seed_hits(self, pattern: str) -> list[tuple[int, int, int]]:
        """`(diagonal, i, j)` for each seed `pattern[i:i+k] == text[j:j+k]`; diagonal = j - i."""
        index, k = self.seeds(), SEED_LENGTH
        hits = []
        for i in range(len(pattern) - k + 1):
            positions = index.get(pattern[i : i + k])
            if positions and len(positions) <= SEED_MAX_OCCURRENCES:
                hits.extend((j - i, i, j) for j in positions)
        hits.sort()
        return hits

    def _relocation(self, state: str, start: int, end: int, score: float, *, method: str):
        text = self.text
        return Relocation(
            state=state,
            start=start,
            end=end,
            exact=text[start:end],
            prefix=text[max(0, start - CONTEXT_LENGTH) : start],
            suffix=text[end : end + CONTEXT_LENGTH],
            score=score,
            method=method,
        )


def _check_anchor(
    start: Any, end: Any, exact: Any, prefix: Any, suffix: Any, old_text: str | None
) -> None:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int.")
    for name, value in (("exact", exact), ("prefix", prefix), ("suffix", suffix)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str.")
    if not 0 <= start < end:
        raise ValueError(f"Invalid span {start}–{end}: need 0 <= start < end.")
    if len(exact) != end - start:
        raise ValueError(
            f"exact has {len(exact)} code points but the span {start}–{end} has {end - start}."
        )
    if old_text is not None and old_text[start:end] != exact:
        raise ValueError(f"exact is not old_text[{start}:{end}]; the anchor is not from old_text.")


def _is_word_character(character: str) -> bool:
    """Letters, digits, marks and joiners (ZWNJ, ZWJ) belong to words."""
    return (
        character.isalnum()
        or character in "_\u200c\u200d"
        or unicodedata.category(character).startswith("M")
    )


def _between_words(left: str, right: str) -> bool:
    """Is the boundary between these characters ("" = edge of the text) outside a word?"""
    return not (left and right and _is_word_character(left) and _is_word_character(right))


def _occurrences(text: str, quote: str) -> list[int]:
    """Start of every occurrence of `quote` in `text`, overlapping ones included."""
    found = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """How well the text around `start:end` matches the stored context, 0..1.

    Each side is compared with the same number of code points next to the span and
    weighted by its length; with no stored context every place fits equally (1.0).
    """
    weight = len(prefix) + len(suffix)
    if not weight:
        return 1.0
    total = 0.0
    if prefix:
        total += len(prefix) * similarity(prefix, text[max(0, start - len(prefix)) : start])
    if suffix:
        total += len(suffix) * similarity(suffix, text[end : end + len(suffix)])
    return total / weight


def _candidate_regions(
    hits: list[tuple[int, int, int]],
    band: int,
    pattern_length: int,
    quote: tuple[int, int],
    text_length: int,
) -> list[tuple[int, int]]:
    """Regions of the text where the pattern may lie, most promising first.

    Repeatedly, the densest band of diagonals (hits whose offsets agree within
    `band`) is taken and its hits are chained in order (the longest chain increasing
    in both pattern and text, which drops stray seeds); the region runs from where
    the chain's first seed says the pattern begins to where its last seed says it
    ends. A region's support is the share of the quote's own characters covered by
    its chained seeds (context alone cannot make a match). Regions with less than
    half the best support, or below MIN_SEED_COVERAGE, are not diffed: this keeps
    the cost of unpromising regions away (on real text, true matches cover ~0.9 of
    the quote, unrelated passages ~0.2).
    """
    quote_start, quote_end = quote
    found = []  # (support, order, region_start, region_end)
    remaining = hits
    while remaining and len(found) < SEARCH_BANDS:
        best_count, best_lo, lo = 0, 0, 0
        for hi in range(len(remaining)):
            while remaining[hi][0] - remaining[lo][0] > band:
                lo += 1
            if hi - lo + 1 > best_count:
                best_count, best_lo = hi - lo + 1, lo
        window = remaining[best_lo : best_lo + best_count]
        remaining = remaining[:best_lo] + remaining[best_lo + best_count :]
        chain = _chain(window)
        support = _coverage(chain, quote_start, quote_end) / (quote_end - quote_start)
        (_, i_first, j_first), (_, i_last, j_last) = chain[0], chain[-1]
        region_start = max(0, j_first - i_first - REGION_PAD)
        region_end = min(text_length, j_last + (pattern_length - i_last) + REGION_PAD)
        if region_start < region_end:
            found.append((support, -len(found), region_start, region_end))
    found.sort(reverse=True)
    if not found:
        return []
    least = max(found[0][0] / 2, MIN_SEED_COVERAGE)
    return [(start, end) for support, _, start, end in found[:FUZZY_CANDIDATES] if support >= least]


def _coverage(chain: list[tuple[int, int, int]], start: int, end: int) -> int:
    """How many pattern positions in `start:end` the chained seeds cover."""
    covered, reached = 0, start
    for _, i, _ in chain:  # in increasing i
        lo, hi = max(i, reached), min(i + SEED_LENGTH, end)
        if hi > lo:
            covered += hi - lo
            reached = hi
    return covered


def _chain(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Longest sequence of hits strictly increasing in both i and j (patience LIS)."""
    ordered = sorted(hits, key=lambda hit: (hit[1], -hit[2]))
    tails: list[int] = []  # tails[n] = smallest j ending a chain of length n + 1
    tail_index: list[int] = []
    previous: list[int] = []
    for index, (_, _, j) in enumerate(ordered):
        n = bisect_left(tails, j)
        if n == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[n] = j
            tail_index[n] = index
        previous.append(tail_index[n - 1] if n else -1)
    chain = []
    index = tail_index[-1]
    while index != -1:
        chain.append(ordered[index])
        index = previous[index]
    chain.reverse()
    return chain


class _DiffMap:
    """Maps span boundaries from a diff's first text to its second."""

    def __init__(self, diffs: list[tuple[int, str]]):
        # (op, old_start, old_end, new_start, new_end) per diff, and the old starts
        # of the segments that consume old text (equalities and deletions).
        self.segments: list[tuple[int, int, int, int, int]] = []
        self.old_starts: list[int] = []
        self.consuming: list[int] = []
        old = new = 0
        for op, chunk in diffs:
            size = len(chunk)
            if op == _INSERT:
                self.segments.append((op, old, old, new, new + size))
                new += size
                continue
            self.old_starts.append(old)
            self.consuming.append(len(self.segments))
            if op == _DELETE:
                self.segments.append((op, old, old + size, new, new))
                old += size
            else:
                self.segments.append((op, old, old + size, new, new + size))
                old += size
                new += size
        self.old_length, self.new_length = old, new

    def _segment_of(self, position: int) -> int:
        """Index of the segment holding old character `position`."""
        return self.consuming[bisect_right(self.old_starts, position) - 1]

    def map_start(self, position: int) -> int:
        """Where a span starting before old character `position` starts in the new text.

        Text inserted right before it stays outside; if the character was deleted
        or replaced, the span starts where the replacement does.
        """
        if position >= self.old_length:
            return self.new_length
        op, old_start, _, new_start, _ = self.segments[self._segment_of(position)]
        return new_start + (position - old_start) if op == _EQUAL else new_start

    def map_end(self, position: int) -> int:
        """Where a span ending after old character `position - 1` ends in the new text.

        Text inserted right after it stays outside; if the character was deleted or
        replaced, the span ends where the replacement (if any) ends.
        """
        if position <= 0:
            return 0
        index = self._segment_of(min(position, self.old_length) - 1)
        op, old_start, _, new_start, _ = self.segments[index]
        if op == _EQUAL:
            return new_start + (position - old_start)
        following = self.segments[index + 1] if index + 1 < len(self.segments) else None
        return following[4] if following and following[0] == _INSERT else new_start


def _common_prefix_length(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search on slice equality: C speed on long texts
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix_length(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _indel_distance(a: str, b: str, limit: int) -> int | None:
    """Fewest insertions + deletions turning `a` into `b`, or None if more than `limit`.

    Myers' O((n + m)·D) greedy algorithm, stopped at D = `limit`.
    """
    common = _common_prefix_length(a, b)
    a, b = a[common:], b[common:]
    common = _common_suffix_length(a, b)
    if common:
        a, b = a[:-common], b[:-common]
    n, m = len(a), len(b)
    if abs(n - m) > limit:
        return None
    if not n or not m:
        return n + m
    max_d = min(limit, n + m)
    offset = max_d + 1
    furthest = [0] * (2 * max_d + 3)  # furthest x reached on each diagonal k = x - y
    for d in range(max_d + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
                x = furthest[offset + k + 1]  # step down: a deletion from b's view
            else:
                x = furthest[offset + k - 1] + 1  # step right
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            furthest[offset + k] = x
            if x >= n and y >= m:
                return d
    return None
