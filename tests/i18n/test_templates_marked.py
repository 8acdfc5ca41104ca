"""Every word a template shows goes through a translation tag.

The scan removes what cannot be visible text of its own (Django tags, variables, comments,
HTML tags, script/style, code samples and elements marked translate="no") and fails on any
letter that is left, and on a human-facing attribute (placeholder, aria-label, title, alt)
holding literal words.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HUMAN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
SKIPPED_ELEMENTS = ("script", "style", "code", "kbd", "samp")
BLOCK_TAGS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def _letters(text: str) -> bool:
    text = re.sub(r"\{\{.*?\}\}", "", text, flags=re.S)
    text = re.sub(r"&[a-zA-Z]+;|&#\d+;", "", text)
    return any(ch.isalpha() for ch in text)


def untranslated_text(source: str) -> list[str]:
    """Return the pieces of visible text (and attributes) not inside a translation tag."""
    found, buf, i, n = [], [], 0, len(source)

    def flush():
        text = "".join(buf)
        buf.clear()
        if _letters(text):
            found.append(" ".join(text.split()))

    while i < n:
        if source.startswith("{{", i):
            end = source.index("}}", i) + 2
            buf.append(source[i:end])
            i = end
        elif source.startswith("{#", i):
            flush()
            i = source.index("#}", i) + 2
        elif source.startswith("{%", i):
            flush()
            end = source.index("%}", i) + 2
            word = re.match(r"\{%-?\s*(\w+)", source[i:end]).group(1)
            if word in BLOCK_TAGS:
                end = re.compile(r"\{%\s*" + BLOCK_TAGS[word] + r"\s*%\}").search(source, end).end()
            i = end
        elif source[i] == "<" and i + 1 < n and (source[i + 1].isalpha() or source[i + 1] in "/!"):
            flush()
            j = i
            while source[j] != ">":
                if source.startswith("{%", j):
                    j = source.index("%}", j) + 1
                elif source.startswith("{{", j):
                    j = source.index("}}", j) + 1
                j += 1
            tag = source[i : j + 1]
            i = j + 1
            name = re.match(r"<(\w+)", tag)
            skip = name and (name.group(1).lower() in SKIPPED_ELEMENTS or 'translate="no"' in tag)
            if skip:
                element = name.group(1).lower()
                i = source.lower().index(f"</{element}>", i) + len(element) + 3
                continue
            for attribute in HUMAN_ATTRIBUTES:
                for value in re.findall(rf'\b{attribute}="([^"]*)"', tag):
                    if "{%" not in value and _letters(value):
                        found.append(f'{attribute}="{value}"')
        else:
            buf.append(source[i])
            i += 1
    flush()
    return found


def test_the_scan_finds_bare_text_and_attributes():
    source = '<p>Hello {{ name }}</p><input placeholder="Search"><code>x = 1</code>'
    assert untranslated_text(source) == ["Hello {{ name }}", 'placeholder="Search"']


def test_the_scan_accepts_translated_text():
    source = (
        '{% load i18n %}<p>{% translate "Hello" %} {{ name }}</p>'
        '<input placeholder="{% translate "Search" %}">'
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %} — ·"
    )
    assert untranslated_text(source) == []


HTML_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))
TEXT_TEMPLATES = sorted(TEMPLATES.rglob("*.txt"))


@pytest.mark.parametrize("path", HTML_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_text_outside_a_translation_tag(path):
    assert untranslated_text(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", TEXT_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_email_template_has_no_text_outside_a_translation_tag(path):
    # Plain-text mails have no HTML tags: every line of words must be in a tag.
    assert untranslated_text(path.read_text(encoding="utf-8")) == []


def test_templates_using_translation_tags_load_i18n():
    missing = [
        str(p.relative_to(TEMPLATES))
        for p in HTML_TEMPLATES + TEXT_TEMPLATES
        if re.search(r"\{%\s*(translate|blocktranslate)\b", t := p.read_text(encoding="utf-8"))
        and not re.search(r"\{%\s*load\b[^%]*\bi18n\b", t)
    ]
    assert missing == []
