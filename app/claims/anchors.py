"""Anchors: where a claim sits in a snapshot's text, as W3C selectors.

All offsets are Unicode code points into the stored (NFC) text, end exclusive;
Python's `str` indexing is exactly that.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
        raise ValidationError({"start": _("Start must be a whole number of at least 0.")})
    if not isinstance(end, int) or isinstance(end, bool) or end <= start:
        raise ValidationError({"end": _("End must be greater than start.")})
    if end > len(text):
        raise ValidationError(
            {
                "end": _("End %(end)s lies beyond the text, which has %(text)s characters.")
                % {"end": end, "text": len(text)}
            }
        )
    quoted = text[start:end]
    if not quoted.strip():
        raise ValidationError({"start": _("The selected passage is only whitespace.")})
    if exact is not None and exact != quoted:
        raise ValidationError(
            {
                "exact": (
                    _(
                        "The quote does not match the text at %(start)s–%(end)s "
                        "(offsets are Unicode code points)."
                    )
                    % {"start": start, "end": end}
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


def _common_suffix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def _common_prefix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[count] == b[count]:
        count += 1
    return count


def anchor_from_quote(text: str, exact: str, prefix: str = "", suffix: str = "") -> Anchor:
    """Find the passage a TextQuoteSelector names: `exact`, told apart by its context.

    Of several occurrences the one whose surroundings agree longest with `prefix`
    and `suffix` wins; a tie is refused rather than guessed. Raises `ValidationError`
    on `exact` when the quote is empty, absent or ambiguous.
    """
    if not exact:
        raise ValidationError({"exact": _("The quote is empty.")})
    starts = []
    found = text.find(exact)
    while found != -1:
        starts.append(found)
        found = text.find(exact, found + 1)
    if not starts:
        raise ValidationError({"exact": _("The quote does not occur in the snapshot's text.")})

    def agreement(start: int) -> int:
        before = text[max(0, start - len(prefix)) : start] if prefix else ""
        after = text[start + len(exact) : start + len(exact) + len(suffix)] if suffix else ""
        return _common_suffix(before, prefix) + _common_prefix(after, suffix)

    scores = [agreement(start) for start in starts]
    best = max(scores)
    if scores.count(best) > 1:
        raise ValidationError(
            {
                "exact": _(
                    "The quote occurs %(count)s times; give a prefix or suffix "
                    "that tells them apart, or a TextPositionSelector."
                )
                % {"count": scores.count(best)}
            }
        )
    start = starts[scores.index(best)]
    return anchor_from_offsets(text, start, start + len(exact), exact)


def anchor_from_selectors(text: str, selectors: list[dict]) -> Anchor:
    """Resolve W3C selectors (a TextPositionSelector, a TextQuoteSelector or both).

    With a position, the quote (if any) must be the text there, as with offsets from
    the browser; with a quote alone, it is looked up by `anchor_from_quote`. Raises
    `ValidationError` naming `selectors`, `start`, `end` or `exact`.
    """
    by_type: dict[str, dict] = {}
    for selector in selectors:
        kind = selector.get("type")
        if kind not in ("TextPositionSelector", "TextQuoteSelector"):
            raise ValidationError(
                {"selectors": _("Use a TextPositionSelector, a TextQuoteSelector or both.")}
            )
        if kind in by_type:
            raise ValidationError({"selectors": _("Give at most one %(kind)s.") % {"kind": kind}})
        by_type[kind] = selector
    position = by_type.get("TextPositionSelector")
    quote = by_type.get("TextQuoteSelector")
    if position is None and quote is None:
        raise ValidationError({"selectors": _("Anchor the claim with at least one selector.")})
    if position is not None:
        exact = quote.get("exact") if quote is not None else None
        return anchor_from_offsets(text, position.get("start"), position.get("end"), exact)
    return anchor_from_quote(
        text, quote.get("exact") or "", quote.get("prefix") or "", quote.get("suffix") or ""
    )
