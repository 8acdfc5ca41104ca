"""Anchors: where a claim sits in a snapshot's text, as W3C selectors.

All offsets are Unicode code points into the stored (NFC) text, end exclusive;
Python's `str` indexing is exactly that.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from app.claims.models import QUOTE_CONTEXT_LENGTH


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def anchor_from_offsets(text: str, start: int, end: int, exact: str | None = None) -> Anchor:
    """Build the anchor for `text[start:end]`, checking the caller's quote if given.

    Raises `ValidationError` naming the field at fault: `start`/`end` when the span
    is empty or outside the text, `exact` when the quote differs from the text there
    (the usual sign of a client counting UTF-16 units instead of code points).
    """
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        raise ValidationError({"start": "Start must be a whole number of at least 0."})
    if not isinstance(end, int) or isinstance(end, bool) or end <= start:
        raise ValidationError({"end": "End must be greater than start."})
    if end > len(text):
        raise ValidationError(
            {"end": f"End {end} lies beyond the text, which has {len(text)} characters."}
        )
    quoted = text[start:end]
    if not quoted.strip():
        raise ValidationError({"start": "The selected passage is only whitespace."})
    if exact is not None and exact != quoted:
        raise ValidationError(
            {
                "exact": (
                    f"The quote does not match the text at {start}–{end} "
                    "(offsets are Unicode code points)."
                )
            }
        )
    return Anchor(
        start=start,
        end=end,
        exact=quoted,
        prefix=text[max(0, start - QUOTE_CONTEXT_LENGTH) : start],
        suffix=text[end : end + QUOTE_CONTEXT_LENGTH],
    )
