"""Pasted plain text -> a proposal of lines to keep (jusText, adapted to plain text)."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import lru_cache

from justext.core import ParagraphMaker, classify_paragraphs, revise_paragraph_classification
from justext.utils import get_stoplist
from trafilatura.external import jt_stoplist_init
from trafilatura.settings import JUSTEXT_LANGUAGES
from trafilatura.utils import load_html

from app.core.text import (
    guess_language,
)

# trafilatura's main extractor decides from markup (link density, element kinds, class
# names); a pasted text has none, and with each line as its own <p> it keeps every line
# (measured on the seeds). Its markup-free fallback is jusText, a paragraph classifier
# working from length, stop-word density and the class of the neighbours. Each line
# goes to jusText as one paragraph, with thresholds favouring precision (below), the
# stop list of the text's language, and these adaptations to plain text:
# - text a line repeats from another line (a breadcrumb ending with the headline) is
#   not counted as that line's own content;
# - a short line is offered to jusText as a heading: its heading rule keeps a short
#   line directly followed by a good paragraph (a title, a subheading);
# - the body is the span from the first to the last kept line: nothing inside it is
#   proposed for dropping (paragraphs dense with names and numbers score low on stop
#   words, and they carry the checkable facts);
# - a single short line after the body is kept: at the end of a text jusText has no
#   neighbour to judge it by, and it is usually the article's last sentence.

# jusText's own stop-word thresholds (stricter than trafilatura's 0.1 / 0.2) and length
# thresholds; length_high is trafilatura's 150 rather than jusText's 200, since pasted
# news paragraphs are often 150-200 characters long.
_JT_LENGTH_LOW = 70
_JT_LENGTH_HIGH = 150
_JT_STOPWORDS_LOW = 0.30
_JT_STOPWORDS_HIGH = 0.32
_JT_MAX_LINK_DENSITY = 0.2
_JT_MAX_HEADING_DISTANCE = 0  # the good paragraph must follow the heading directly
_REPEAT_MIN, _REPEAT_MAX = 20, 300  # lengths of lines looked for inside other lines
_REPEAT_MAX_LINES = 3000
_LINE_POSITION = re.compile(r"/div\[(\d+)\]")


@dataclass(frozen=True)
class TrimLine:
    number: int  # 1-based line number in the pasted text
    text: str  # the line exactly as pasted (without its line break)
    keep: bool
    blank: bool


@dataclass(frozen=True)
class TrimProposal:
    lines: list[TrimLine]

    def kept_text(self) -> str:
        """The lines marked keep, joined with "\\n", characters untouched."""
        return "\n".join(line.text for line in self.lines if line.keep)

    @property
    def dropped_count(self) -> int:
        """How many non-blank lines the proposal drops."""
        return sum(1 for line in self.lines if not line.keep and not line.blank)


@lru_cache(maxsize=16)
def _stoplist(language: str) -> frozenset[str]:
    name = JUSTEXT_LANGUAGES.get(language)
    if name:
        try:
            return get_stoplist(name)
        except ValueError:
            pass
    # Unknown language: the union of all stop lists, as trafilatura does.
    return frozenset(jt_stoplist_init())


def _own_content(lines: dict[int, str]) -> dict[int, str]:
    """Each line's text without the other lines it repeats."""
    squeezed = {number: " ".join(text.split()) for number, text in lines.items()}
    if len(squeezed) > _REPEAT_MAX_LINES:
        return squeezed
    repeatable = [
        (number, text)
        for number, text in squeezed.items()
        if _REPEAT_MIN <= len(text) <= _REPEAT_MAX
    ]
    own = {}
    for number, text in squeezed.items():
        for other, repeated in repeatable:
            if other != number and len(repeated) < len(text) and repeated in text:
                text = text.replace(repeated, " ")
        own[number] = " ".join(text.split())
    return own


def _classify_lines(lines: dict[int, str], language: str) -> dict[int, tuple[str, str]]:
    """(context-free class, final class) per line index, from jusText."""
    own = _own_content(lines)
    order = list(lines)
    blocks = []
    for index in order:
        tag = "h2" if len(own[index]) < _JT_LENGTH_LOW else "p"
        blocks.append(f"<div><{tag}>{html_lib.escape(own[index] or '-')}</{tag}></div>")
    root = load_html(f"<html><body>{''.join(blocks)}</body></html>")
    paragraphs = ParagraphMaker.make_paragraphs(root)
    classify_paragraphs(
        paragraphs,
        _stoplist(language),
        _JT_LENGTH_LOW,
        _JT_LENGTH_HIGH,
        _JT_STOPWORDS_LOW,
        _JT_STOPWORDS_HIGH,
        _JT_MAX_LINK_DENSITY,
        False,  # use headings
    )
    revise_paragraph_classification(paragraphs, _JT_MAX_HEADING_DISTANCE)
    classes: dict[int, tuple[str, str]] = {}
    for paragraph in paragraphs:
        match = _LINE_POSITION.search(paragraph.xpath)
        if match:
            classes[order[int(match.group(1)) - 1]] = (paragraph.cf_class, paragraph.class_type)
    return classes


def propose_trim(text: str, *, language: str = "") -> TrimProposal:
    """Propose which lines of pasted plain text are article and which are site chrome.

    Nothing is removed: the proposal marks each line keep or drop for the user to
    confirm. Lines are split on "\\n" (a "\\r" before it is treated as part of the
    line break). `language` (e.g. "fa") selects the stop-word list; by default it is
    guessed from the script, and Latin-script text uses all of jusText's lists.
    """
    raw_lines = text.split("\n") if text else []
    lines = [line[:-1] if line.endswith("\r") else line for line in raw_lines]
    content = {index: line for index, line in enumerate(lines) if line.strip()}
    keep_content = dict.fromkeys(content, True)

    if content:
        language = (language or "").strip().lower().split("-")[0] or guess_language(text)
        classes = _classify_lines(content, language)
        good = [index for index in content if classes.get(index, ("", "good"))[1] == "good"]
        if good:
            first, last = good[0], good[-1]
            trailing = [index for index in content if index > last]
            for index in content:
                inside = first <= index <= last
                lone_short_ending = trailing == [index] and classes.get(index, ("",))[0] == "short"
                keep_content[index] = inside or lone_short_ending

    last_kept = max((index for index, keep in keep_content.items() if keep), default=-1)
    result = []
    previous_kept = False
    for index, line in enumerate(lines):
        if index in content:
            previous_kept = keep_content[index]
            result.append(TrimLine(index + 1, line, keep=previous_kept, blank=False))
        else:
            # Blank lines are kept where they follow a kept line and more kept text
            # comes later: the spacing between kept paragraphs stays as pasted, and
            # the spacing around a dropped line goes with it.
            keep = previous_kept and index < last_kept
            result.append(TrimLine(index + 1, line, keep=keep, blank=True))
    return TrimProposal(lines=result)
